// Tensor-core split-KV decode attention (src/model/decode_attention.cpp) against exact fp32 attention computed here
// with plain tensor ops on the same bf16/fp16 data, against the FlashAttention path of cached_attention,
// and under CUDA-graph replay. CPU tests pin the dispatch (never taken on CPU) and the split choice.
#include "src/model/decode_attention.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "src/model/attention.h"
#include "src/model/kv_cache.h"
#include "src/model/prefix_sharing.h"
#include "src/util/error.h"
#include "test_util.h"

#ifdef GRPO_WITH_CUDA
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace grpo {
namespace {

// Split counts for the H100's 132 SMs; the kernel aims at 3·132 = 396 CTAs and at least 64 keys a split.
TEST(DecodeAttention, SplitsFollowHostSizesOnly) {
  struct Want {
    int64_t n, kv_heads, capacity, splits, split_len;
    const char* why;
  };
  const std::vector<Want> cases{
      {256, 2, 2048, 1, 2048, "n·KVH = 512 CTAs fill the GPU: one split over the whole capacity"},
      {1, 2, 4096, 64, 64, "one sequence: ceil(396 / 2) = 198 splits wanted, capped at 4096 / 64 = 64"},
      {64, 2, 448, 4, 112, "ceil(396 / 128) = 4 splits of 448 / 4 = 112 keys"},
      {75, 2, 1000, 3, 334, "ceil(396 / 150) = 3 splits of ceil(1000 / 3) = 334 keys, 3·334 ≥ 1000"},
      {1, 1, 10, 1, 10, "a capacity under 64 keys is never split"},
  };
  for (const auto& c : cases) {
    const auto s = decode_attention_splits(c.n, c.kv_heads, c.capacity, 132);
    EXPECT_EQ(s.splits, c.splits) << c.why;
    EXPECT_EQ(s.split_len, c.split_len) << c.why;
  }
}

TEST(DecodeAttention, CpuTensorsTakeTheOtherPaths) {
  auto q = torch::randn({2, 4, 64}).to(torch::kBFloat16);
  auto kc = torch::randn({3, 8, 2, 64}).to(torch::kBFloat16);
  EXPECT_FALSE(decode_attention_supported(q, kc, kc));
  auto rows = torch::tensor({0, 8}, torch::kInt), used = torch::tensor({3, 5}, torch::kInt);
  const auto msg = test::error_of([&] { decode_attention(q, kc, kc, rows, used, 0.125); });
  EXPECT_NE(msg.find("HINT"), std::string::npos) << msg;
}

#ifdef GRPO_WITH_CUDA

// Exact attention of each row of q [n, H, D] over keys [0, used[i]) of slot slots[i], in fp32 with a mask:
// no splits, no online softmax, no kernel of ours. Also returns Σ_t p_t·|v_t|, the scale of the error that
// rounding the probabilities p_t to the model dtype can cause (the kernel, like FlashAttention, feeds P to
// its second MMA in that dtype).
struct Exact {
  at::Tensor out, p_abs_v;
};
Exact exact_decode(const at::Tensor& q, const at::Tensor& kc, const at::Tensor& vc, const at::Tensor& slots,
                   const at::Tensor& used, double scale) {
  const int64_t heads = q.size(1), g = heads / kc.size(2), cap = kc.size(1);
  auto k = kc.index_select(0, slots).to(torch::kFloat).repeat_interleave(g, 2);  // [n, C, H, D]
  auto v = vc.index_select(0, slots).to(torch::kFloat).repeat_interleave(g, 2);
  auto scores = torch::einsum("nhd,nchd->nhc", {q.to(torch::kFloat), k}) * scale;  // [n, H, C]
  auto pos = torch::arange(cap, used.options().dtype(torch::kLong)).view({1, 1, -1});
  scores = scores.masked_fill(pos >= used.to(torch::kLong).view({-1, 1, 1}), -INFINITY);
  const auto p = torch::softmax(scores, -1);
  return {torch::einsum("nhc,nchd->nhd", {p, v}), torch::einsum("nhc,nchd->nhd", {p, v.abs()})};
}

// Elementwise |got − want| ≤ rtol·|want| + slack + atol (slack: an elementwise tensor bound, or 0).
void expect_close(const at::Tensor& got, const at::Tensor& want, double rtol, double atol, const std::string& what,
                  const at::Tensor& slack = {}) {
  const auto g = got.to(torch::kFloat), w = want.to(torch::kFloat);
  auto excess = (g - w).abs() - rtol * w.abs();
  if (slack.defined()) excess = excess - slack;
  EXPECT_LE(excess.max().item<double>(), atol) << what;
  EXPECT_FALSE(g.isnan().any().item<bool>()) << what;
}

struct Case {
  int64_t dim, heads, kv_heads, context, n;
  c10::ScalarType dtype;
  std::string str() const {
    return "D=" + std::to_string(dim) + " H=" + std::to_string(heads) + " KVH=" + std::to_string(kv_heads) +
           " ctx=" + std::to_string(context) + " n=" + std::to_string(n) + (dtype == torch::kHalf ? " fp16" : " bf16");
  }
};

// One case: n sequences in randomly permuted slots of a cache filled with random values everywhere (so
// positions past seqused hold garbage that must be ignored); sequence 0 has `context` keys, the others
// 1 + (37·i mod context). q is scaled ×2 so the softmax is peaked and a wrong key moves the output.
void check_case(const Case& c) {
  torch::manual_seed(c.context * 131 + c.n * 7 + c.heads);
  const auto on = torch::TensorOptions().device(torch::kCUDA);
  const int64_t slots_total = c.n + 2, cap = c.context + 5;
  auto kc = torch::randn({slots_total, cap, c.kv_heads, c.dim}, on).to(c.dtype);
  auto vc = torch::randn({slots_total, cap, c.kv_heads, c.dim}, on).to(c.dtype);
  auto q = (torch::randn({c.n, c.heads, c.dim}, on) * 2).to(c.dtype);
  auto slots = torch::randperm(slots_total, on.dtype(torch::kLong)).narrow(0, 0, c.n);
  std::vector<int64_t> used_host(c.n);
  for (int64_t i = 0; i < c.n; ++i) used_host[i] = i == 0 ? c.context : 1 + (37 * i) % c.context;
  auto used = torch::tensor(used_host, torch::kInt).cuda();
  const double scale = 1.0 / std::sqrt(static_cast<double>(c.dim));
  ASSERT_TRUE(decode_attention_supported(q, kc, vc)) << c.str();
  auto got = decode_attention(q, kc, vc, (slots * cap).to(torch::kInt), used, scale);
  const auto want = exact_decode(q, kc, vc, slots, used, scale);
  // Tolerance: the kernel and the reference accumulate in fp32 from identical inputs, so they differ by
  // (a) the kernel's rounding of its output to the model dtype, at most u·|out| with unit roundoff u = 2^-8
  // for bf16 (8-bit significand) and 2^-11 for fp16 — rtol is 2u; (b) the rounding of each probability to
  // the model dtype before the P·V MMA, at most u·Σ p_t·|v_t| (the slack); (c) fp32 summation order over
  // up to 4097 keys: ≤ 4097·2^-24·max|v| ≈ 1.1e-3 for max|v| ≤ 4.5 in the worst case (atol).
  const double u = c.dtype == torch::kHalf ? std::ldexp(1.0, -11) : std::ldexp(1.0, -8);
  expect_close(got, want.out, 2 * u, 1.2e-3, c.str() + " vs exact", u * want.p_abs_v);

  // cached_attention with max_q == 1 dispatches here (identical result); forcing max_q = 2 takes flash,
  // which also rounds once to the model dtype: twice the rounding term of the bound above.
  KVCache cache{kc.unsqueeze(0), vc.unsqueeze(0)};
  const auto slots_host = slots.cpu();
  std::vector<int64_t> slot_vec(slots_host.data_ptr<int64_t>(), slots_host.data_ptr<int64_t>() + c.n), starts(c.n),
      counts(c.n, 1);
  for (int64_t i = 0; i < c.n; ++i) starts[i] = used_host[i] - 1;
  auto step = make_cached_step(torch::zeros({c.n}, torch::kLong), slot_vec, starts, counts, cache);
  EXPECT_TRUE(torch::equal(cached_attention(q, kc, vc, step, scale), got)) << c.str();
  // FlashAttention rounds P and its output the same way: twice each term.
  step.max_q = 2;
  expect_close(got, cached_attention(q, kc, vc, step, scale), 4 * u, 2.4e-3, c.str() + " vs flash",
               2 * u * want.p_abs_v);
}

TEST(DecodeAttentionCuda, MatchesExactAndFlash) {
  GRPO_REQUIRE_CUDA();
  // (H, KVH): groups 1, 2, 7 (Qwen2.5-0.5B: 14/2) and 8.
  const std::vector<std::pair<int64_t, int64_t>> heads{{2, 2}, {4, 2}, {14, 2}, {16, 2}};
  for (int64_t dim : {64, 128})
    for (auto [h, kvh] : heads)
      for (int64_t context : {1, 17, 256, 1000, 4097})
        for (int64_t n : {1, 3, 64}) check_case({dim, h, kvh, context, n, torch::kBFloat16});
}

TEST(DecodeAttentionCuda, Fp16AndOddGroups) {
  GRPO_REQUIRE_CUDA();
  check_case({64, 14, 2, 1000, 3, torch::kHalf});
  check_case({128, 12, 2, 4097, 1, torch::kHalf});
  check_case({64, 3, 1, 300, 5, torch::kBFloat16});      // group 3 (5 of the 8 MMA columns padding)
  check_case({128, 20, 4, 513, 7, torch::kBFloat16});    // group 5
  check_case({64, 14, 2, 640, 1024, torch::kBFloat16});  // the benchmark's B=1024 shape: several waves of CTAs
}

// Shared prefixes: rows whose slots hold copies of one prompt's keys read them in the group pass, the rest of
// their keys on their own. The result must equal exact attention over each row's own slot (the bound of
// check_case), for groups split over several table rows, prefixes ending inside and on a chunk's edge, rows in
// no group, and one or several splits of the rows' own keys.
struct SharedCase {
  int64_t dim, heads, kv_heads, capacity;
  std::vector<std::pair<int64_t, int64_t>> groups;  // (members, shared keys)
  int64_t lone_rows;
  std::string str() const {
    std::string g;
    for (auto [m, len] : groups) g += " " + std::to_string(m) + "x" + std::to_string(len);
    return "D=" + std::to_string(dim) + " H=" + std::to_string(heads) + " KVH=" + std::to_string(kv_heads) +
           " C=" + std::to_string(capacity) + " groups" + g + " lone=" + std::to_string(lone_rows);
  }
};

void check_shared_case(const SharedCase& c) {
  torch::manual_seed(c.capacity + c.lone_rows);
  const auto on = torch::TensorOptions().device(torch::kCUDA);
  int64_t n = c.lone_rows;
  for (auto [members, len] : c.groups) n += members;
  const int64_t slots_total = n + 3;
  auto kc = torch::randn({slots_total, c.capacity, c.kv_heads, c.dim}, on).to(torch::kBFloat16);
  auto vc = torch::randn({slots_total, c.capacity, c.kv_heads, c.dim}, on).to(torch::kBFloat16);
  auto q = (torch::randn({n, c.heads, c.dim}, on) * 2).to(torch::kBFloat16);
  // Row i decodes in slot perm[i]; the groups take the first rows, interleaved with the lone rows' slots.
  const auto perm = torch::randperm(slots_total, torch::kLong);
  std::vector<int64_t> slots(n), used(n);
  for (int64_t i = 0; i < n; ++i) slots[i] = perm[i].item<int64_t>();
  PrefixSharing sharing;
  sharing.reset(slots_total);
  int64_t row = 0;
  for (auto [members, len] : c.groups) {
    std::vector<int64_t> dst;
    for (int64_t j = 1; j < members; ++j) dst.push_back(slots[row + j]);
    KVCache cache{kc.unsqueeze(0), vc.unsqueeze(0)};
    copy_slot_prefix(cache, slots[row], dst, len);
    sharing.copied(slots[row], dst, len);
    for (int64_t j = 0; j < members; ++j) used[row + j] = len + 1 + (53 * (row + j)) % (c.capacity - len);
    row += members;
  }
  for (; row < n; ++row) used[row] = 1 + (97 * row) % c.capacity;
  // Interleave: reverse the row order so that group rows are not contiguous from row 0.
  std::reverse(slots.begin(), slots.end());
  std::reverse(used.begin(), used.end());
  const auto plan = sharing.plan(slots, n, c.capacity, decode_attention_max_members(c.dim), 64);
  int64_t want_groups = 0;
  for (auto [members, len] : c.groups)
    if (len >= 64)
      want_groups += (members + decode_attention_max_members(c.dim) - 1) / decode_attention_max_members(c.dim);
  ASSERT_EQ(plan.groups, want_groups) << c.str();
  const PrefixGroups groups{torch::tensor(plan.suffix_begin, torch::kInt).cuda(),
                            torch::tensor(plan.table, torch::kInt).view({-1, plan.width}).cuda()};
  const auto slots_t = torch::tensor(slots, torch::kLong).cuda();
  const auto used_t = torch::tensor(used, torch::kInt).cuda();
  const double scale = 1.0 / std::sqrt(static_cast<double>(c.dim));
  auto got = decode_attention(q, kc, vc, (slots_t * c.capacity).to(torch::kInt), used_t, scale, groups);
  const auto want = exact_decode(q, kc, vc, slots_t, used_t, scale);
  const double u = std::ldexp(1.0, -8);
  expect_close(got, want.out, 2 * u, 1.2e-3, c.str() + " vs exact", u * want.p_abs_v);
}

TEST(DecodeAttentionCuda, SharedPrefixesMatchExact) {
  GRPO_REQUIRE_CUDA();
  // Chunks cover the longest possible prefix, C - 1 keys: 128 keys each up to C = 2049 (C = 700: 6 of them), then
  // (C - 1) / 16 rounded up to whole 64-key stages (C = 2500: 14 of 192). Members per table row: 16 (D = 64), 8
  // (D = 128).
  check_shared_case({64, 14, 2, 700, {{17, 300}, {3, 64}, {2, 256}}, 3});
  check_shared_case({64, 16, 2, 1100, {{16, 1000}, {2, 63}}, 1});  // 63 keys: below min_keys, read per row
  check_shared_case({128, 12, 2, 700, {{9, 384}, {4, 257}}, 2});
  check_shared_case({128, 16, 2, 1100, {{2, 880}}, 0});  // one row pair: several splits of own keys
  check_shared_case({64, 4, 1, 300, {{40, 256}}, 5});    // group 4 over 1 KV head, 3 table rows
  check_shared_case({64, 14, 2, 2500, {{3, 1920}, {5, 2001}}, 1});
  check_shared_case({64, 14, 2, 641, {{4, 640}}, 1});  // the longest prefix, C - 1 keys: 5 chunks end on the last
  check_shared_case({128, 12, 2, 641, {{3, 640}, {2, 639}}, 0});
  // 200 rows or more: one split, so the per-row kernel merges the prefix chunks itself (no merge kernel).
  std::vector<std::pair<int64_t, int64_t>> many(12, {16, 128});
  many.push_back({5, 500});
  check_shared_case({64, 14, 2, 640, many, 20});
  check_shared_case({128, 12, 2, 1100, std::vector<std::pair<int64_t, int64_t>>(25, {8, 700}), 0});
  // More chunks than the prefix pass's grid takes in one round: it reads longer chunks (prefix_chunk_scale.h; on
  // an H100, 256 keys for the first case's 480 items on 264 CTAs, 384 keys for the second's 1,024 on 396).
  std::vector<std::pair<int64_t, int64_t>> two_lengths(16, {8, 1000});
  two_lengths.insert(two_lengths.end(), 16, {8, 777});
  check_shared_case({64, 14, 2, 1100, two_lengths, 3});
  check_shared_case({128, 12, 2, 1100, std::vector<std::pair<int64_t, int64_t>>(64, {8, 1000}), 0});
}

// A group table with no rows at all: the prefix pass does not run, so no chunk scale is written, and every row
// reads its own keys. The result must be the call without groups, bit for bit (both merge the same 4 warp states).
TEST(DecodeAttentionCuda, EmptyGroupTableReadsPerRow) {
  GRPO_REQUIRE_CUDA();
  torch::manual_seed(5);
  const auto on = torch::TensorOptions().device(torch::kCUDA);
  const int64_t n = 300, heads = 14, kvh = 2, dim = 64, cap = 640;
  const auto kc = torch::randn({n, cap, kvh, dim}, on).to(torch::kBFloat16);
  const auto vc = torch::randn({n, cap, kvh, dim}, on).to(torch::kBFloat16);
  const auto q = torch::randn({n, heads, dim}, on).to(torch::kBFloat16);
  const auto rows = (torch::arange(n, on.dtype(torch::kInt)) * cap).to(torch::kInt);
  const auto used = torch::randint(1, cap, {n}, on.dtype(torch::kInt));
  const PrefixGroups empty{torch::zeros({n}, on.dtype(torch::kInt)), torch::zeros({0, 18}, on.dtype(torch::kInt))};
  const auto with_table = decode_attention(q, kc, vc, rows, used, 0.125, empty);
  const auto without = decode_attention(q, kc, vc, rows, used, 0.125);
  EXPECT_TRUE(torch::equal(with_table, without));
}

// Unsupported shapes fall back: head_dim 96 and group 16 are not taken, and cached_attention still answers.
TEST(DecodeAttentionCuda, UnsupportedShapesAreNotTaken) {
  GRPO_REQUIRE_CUDA();
  const auto bf = torch::TensorOptions().device(torch::kCUDA).dtype(torch::kBFloat16);
  EXPECT_FALSE(decode_attention_supported(torch::randn({2, 4, 96}, bf), torch::randn({3, 8, 2, 96}, bf),
                                          torch::randn({3, 8, 2, 96}, bf)));
  EXPECT_FALSE(decode_attention_supported(torch::randn({2, 16, 64}, bf), torch::randn({3, 8, 1, 64}, bf),
                                          torch::randn({3, 8, 1, 64}, bf)));
  EXPECT_FALSE(decode_attention_supported(torch::randn({2, 4, 64}, bf.dtype(torch::kFloat)),
                                          torch::randn({3, 8, 2, 64}, bf.dtype(torch::kFloat)),
                                          torch::randn({3, 8, 2, 64}, bf.dtype(torch::kFloat))));
}

// Capture one call (9 splits: the merge kernel is in the graph too), then replay it after changing q,
// seqused and the slots in place: the replay must see the new values.
TEST(DecodeAttentionCuda, GraphReplaySeesNewInputs) {
  GRPO_REQUIRE_CUDA();
  torch::manual_seed(3);
  const auto on = torch::TensorOptions().device(torch::kCUDA);
  const int64_t n = 5, heads = 14, kvh = 2, dim = 64, slots_total = 8, cap = 600;
  ASSERT_GT(decode_attention_splits(n, kvh, cap, 132).splits, 1);
  auto kc = torch::randn({slots_total, cap, kvh, dim}, on).to(torch::kBFloat16);
  auto vc = torch::randn({slots_total, cap, kvh, dim}, on).to(torch::kBFloat16);
  auto q = torch::randn({n, heads, dim}, on).to(torch::kBFloat16);
  auto slots = torch::tensor({7, 0, 3, 5, 1}, torch::kLong).cuda();
  auto rows = (slots * cap).to(torch::kInt);
  auto used = torch::tensor({1, 600, 64, 65, 300}, torch::kInt).cuda();
  const double scale = 0.125;
  at::cuda::CUDAGraph graph;  // declared before `out`: destroyed after the tensor its pool holds
  at::Tensor out;
  {
    const auto stream = c10::cuda::getStreamFromPool();
    c10::cuda::CUDAStreamGuard guard(stream);
    decode_attention(q, kc, vc, rows, used, scale);  // warm-up outside the capture
    stream.synchronize();
    graph.capture_begin();
    out = decode_attention(q, kc, vc, rows, used, scale);
    graph.capture_end();
  }
  graph.replay();
  torch::cuda::synchronize();
  const double u = std::ldexp(1.0, -8);  // bf16: the bound of check_case
  auto want = exact_decode(q, kc, vc, slots, used, scale);
  expect_close(out, want.out, 2 * u, 1.2e-3, "first replay", u * want.p_abs_v);

  q.copy_(torch::randn({n, heads, dim}, on).to(torch::kBFloat16));
  slots.copy_(torch::tensor({2, 6, 4, 0, 7}, torch::kLong));
  rows.copy_((slots * cap).to(torch::kInt));
  used.copy_(torch::tensor({599, 2, 129, 1, 450}, torch::kInt));
  graph.replay();
  torch::cuda::synchronize();
  want = exact_decode(q, kc, vc, slots, used, scale);
  expect_close(out, want.out, 2 * u, 1.2e-3, "second replay", u * want.p_abs_v);
}

#endif  // GRPO_WITH_CUDA

}  // namespace
}  // namespace grpo
