// Decode attention on one GPU: the tensor-core split-KV kernel (src/model/decode_attention.h) against the
// two FlashAttention-2 varlen calls cached_attention made before it — one query row per head (max_q = 1),
// and each KV head's query group as the rows of one tile, with the two transposes that layout needs —
// over slot regions spaced by the capacity (seqused_k), B sequences of `ctx` keys in permuted slots.
//   build/bench/decode_attention [--reps 50] [--capacity 0 (= ctx)] [--dtype bf16|fp16]
//                                [--dim D] [--batch B] [--ctx N]   (run only those cases; 0 = all)
//                                [--kv-heads N]   (N KV heads with the case's group size; 0 = 2)
//                                [--layers N]   (N caches, one per layer, each call reading the next: as a
//                                 decode step does, no call finds its cache's pages or lines from the call before)
//                                [--shared G --prefix L]   (rows in groups of G sharing their first L keys:
//                                 per-row reads against the shared-prefix pass; bytes counted as read)
// Each path is captured `reps` times in one CUDA graph and replayed, so the figures are device time per
// call without launch gaps. Effective TB/s = (K and V bytes read + q and out bytes) / time. Prints only.
#include "src/model/decode_attention.h"

#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "src/model/kv_cache.h"
#include "src/model/prefix_sharing.h"

namespace {

struct Args {
  int reps = 50;
  int64_t capacity = 0;
  std::string dtype = "bf16";
  int64_t dim = 0, batch = 0, ctx = 0;  // case filters, 0 = every case (any B or ctx may be given)
  int64_t kv_heads = 0;                 // 0: the presets' 2
  int64_t shared = 0, prefix = 0;       // groups of `shared` rows sharing `prefix` keys (0: no groups)
  int64_t layers = 1;                   // caches the timed calls of the per-row case rotate over
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--reps")
      a.reps = std::stoi(v);
    else if (k == "--capacity")
      a.capacity = std::stoll(v);
    else if (k == "--dtype")
      a.dtype = v;
    else if (k == "--dim")
      a.dim = std::stoll(v);
    else if (k == "--batch")
      a.batch = std::stoll(v);
    else if (k == "--ctx")
      a.ctx = std::stoll(v);
    else if (k == "--kv-heads")
      a.kv_heads = std::stoll(v);
    else if (k == "--shared")
      a.shared = std::stoll(v);
    else if (k == "--prefix")
      a.prefix = std::stoll(v);
    else if (k == "--layers")
      a.layers = std::max<int64_t>(1, std::stoll(v));
    else
      throw std::runtime_error("unknown flag " + k +
                               " (flags: --reps, --capacity, --dtype, --dim, --batch, --ctx, --kv-heads, --shared, "
                               "--prefix, --layers)");
  }
  return a;
}

// Seconds per call of fn: `reps` calls captured in one graph, one warm-up replay, then 5 timed replays.
double time_per_call(const std::function<void()>& fn, int reps) {
  const auto stream = c10::cuda::getStreamFromPool();
  c10::cuda::CUDAStreamGuard guard(stream);
  fn();  // lazy initialisation outside the capture
  stream.synchronize();
  at::cuda::CUDAGraph graph;
  graph.capture_begin();
  for (int i = 0; i < reps; ++i) fn();
  graph.capture_end();
  graph.replay();
  stream.synchronize();
  const auto t0 = std::chrono::steady_clock::now();
  constexpr int kReplays = 5;
  for (int i = 0; i < kReplays; ++i) graph.replay();
  stream.synchronize();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return s / (kReplays * reps);
}

void run_case(const Args& a, int64_t dim, int64_t heads, int64_t kv_heads, int64_t batch, int64_t ctx) {
  const auto dtype = a.dtype == "fp16" ? torch::kHalf : torch::kBFloat16;
  const auto on = torch::TensorOptions().device(torch::kCUDA);
  const int64_t cap = a.capacity > 0 ? std::max(a.capacity, ctx) : ctx, slots = batch + 1;
  // [layers, slots, cap, kv_heads, dim], as the model's cache; layer 0 serves the checks and the flash paths.
  auto k_layers = torch::randn({a.layers, slots, cap, kv_heads, dim}, on.dtype(dtype));
  auto v_layers = torch::randn({a.layers, slots, cap, kv_heads, dim}, on.dtype(dtype));
  auto kc = k_layers[0], vc = v_layers[0];
  auto q = torch::randn({batch, heads, dim}, on.dtype(dtype));
  auto slot = torch::randperm(slots, on.dtype(torch::kLong)).narrow(0, 0, batch);
  auto rows = (slot * cap).to(torch::kInt);
  auto cu_k = torch::cat({rows, torch::full({1}, slots * cap, on.dtype(torch::kInt))});
  auto cu_q = torch::arange(batch + 1, on.dtype(torch::kInt));
  auto used = torch::full({batch}, ctx, on.dtype(torch::kInt));
  const double scale = 1.0 / std::sqrt(static_cast<double>(dim));
  auto kflat = kc.view({-1, kv_heads, dim}), vflat = vc.view({-1, kv_heads, dim});

  const int64_t g = heads / kv_heads;
  auto cu_rows = cu_q * static_cast<int32_t>(g);
  const auto run_ours_on = [&](int64_t layer) {
    return grpo::decode_attention(q, k_layers[layer], v_layers[layer], rows, used, scale);
  };
  const auto run_ours = [&] { return run_ours_on(0); };
  const auto run_flash = [&] {
    return std::get<0>(at::_flash_attention_forward(q, kflat, vflat, cu_q, cu_k, 1, cap, 0.0, true, false, scale,
                                                    std::nullopt, std::nullopt, used, std::nullopt));
  };
  const auto run_grouped = [&] {
    auto rows_q = q.view({batch, kv_heads, g, dim}).transpose(1, 2).reshape({batch * g, kv_heads, dim});
    auto out = std::get<0>(at::_flash_attention_forward(rows_q, kflat, vflat, cu_rows, cu_k, g, cap, 0.0, false, false,
                                                        scale, std::nullopt, std::nullopt, used, std::nullopt));
    return out.view({batch, g, kv_heads, dim}).transpose(1, 2).reshape({batch, heads, dim});
  };
  // One eager call of each path first, each followed by a sync, so that a fault names its path; the
  // largest difference from grouped flash is printed as a sanity check (both round P and the output).
  const auto eager = [&](const char* what, const std::function<at::Tensor()>& fn) {
    auto out = fn();
    try {
      torch::cuda::synchronize();
    } catch (const std::exception& e) {
      throw std::runtime_error(fmt::format("{} failed at B={} ctx={} D={}: {}", what, batch, ctx, dim, e.what()));
    }
    return out.to(torch::kFloat);
  };
  const auto diff = (eager("ours", run_ours) - eager("grouped flash", run_grouped)).abs().max().item<double>();
  eager("flash", run_flash);

  int64_t layer = 0;  // each captured call reads the next layer's cache
  const double ours = time_per_call([&] { run_ours_on(layer++ % a.layers); }, a.reps);
  const double flash = time_per_call([&] { run_flash(); }, a.reps);
  const double grouped = time_per_call([&] { run_grouped(); }, a.reps);
  const double elem = dtype == torch::kHalf || dtype == torch::kBFloat16 ? 2.0 : 4.0;
  const double bytes = elem * (2.0 * batch * ctx * kv_heads * dim + 2.0 * batch * heads * dim);
  const auto split = grpo::decode_attention_splits(batch, kv_heads, cap, 132);
  fmt::print(
      "D={:<3} H={:<2} KVH={} B={:<4} ctx={:<4} C={:<4} splits={:<3} layers={:<2} | ours {:8.2f} us {:5.2f} TB/s | "
      "flash {:8.2f} us {:5.2f} TB/s | grouped flash {:8.2f} us {:5.2f} TB/s | speed-up {:.2f}x / {:.2f}x | "
      "max diff {:.1e}\n",
      dim, heads, kv_heads, batch, ctx, cap, split.splits, a.layers, ours * 1e6, bytes / ours / 1e12, flash * 1e6,
      bytes / flash / 1e12, grouped * 1e6, bytes / grouped / 1e12, flash / ours, grouped / ours, diff);
}

// Groups of a.shared rows whose slots hold the same first a.prefix keys: the kernel reading every row's keys
// against the shared-prefix pass plus the rows' own keys. Bytes are what each path reads.
void run_shared_case(const Args& a, int64_t dim, int64_t heads, int64_t kv_heads, int64_t batch, int64_t ctx) {
  const auto on = torch::TensorOptions().device(torch::kCUDA);
  const int64_t cap = a.capacity > 0 ? std::max(a.capacity, ctx) : ctx, slots = batch + 1;
  auto kc = torch::randn({slots, cap, kv_heads, dim}, on.dtype(torch::kBFloat16));
  auto vc = torch::randn({slots, cap, kv_heads, dim}, on.dtype(torch::kBFloat16));
  auto q = torch::randn({batch, heads, dim}, on.dtype(torch::kBFloat16));
  std::vector<int64_t> slot(batch);
  for (int64_t i = 0; i < batch; ++i) slot[i] = i;
  grpo::PrefixSharing sharing;
  sharing.reset(slots);
  grpo::KVCache cache{kc.unsqueeze(0), vc.unsqueeze(0)};
  for (int64_t g0 = 0; g0 + 1 < batch; g0 += a.shared) {
    std::vector<int64_t> dst;
    for (int64_t j = g0 + 1; j < std::min(batch, g0 + a.shared); ++j) dst.push_back(j);
    grpo::copy_slot_prefix(cache, g0, dst, a.prefix);
    sharing.copied(g0, dst, a.prefix);
  }
  const auto plan = sharing.plan(slot, batch, cap, grpo::decode_attention_max_members(dim), 64);
  const grpo::PrefixGroups groups{torch::tensor(plan.suffix_begin, torch::kInt).cuda(),
                                  torch::tensor(plan.table, torch::kInt).view({-1, plan.width}).cuda()};
  auto rows = (torch::tensor(slot, torch::kLong).cuda() * cap).to(torch::kInt);
  auto used = torch::full({batch}, ctx, on.dtype(torch::kInt));
  const double scale = 1.0 / std::sqrt(static_cast<double>(dim));
  const auto per_row = [&] { return grpo::decode_attention(q, kc, vc, rows, used, scale); };
  const auto shared = [&] { return grpo::decode_attention(q, kc, vc, rows, used, scale, groups); };
  const double diff = (per_row().to(torch::kFloat) - shared().to(torch::kFloat)).abs().max().item<double>();
  const double t_row = time_per_call([&] { per_row(); }, a.reps);
  const double t_shared = time_per_call([&] { shared(); }, a.reps);
  const double key_bytes = 2.0 * 2 * kv_heads * dim;  // K and V of one key, bf16
  const double row_bytes = key_bytes * batch * ctx;
  const double shared_bytes = key_bytes * (plan.groups * a.prefix + batch * (ctx - a.prefix));
  fmt::print(
      "D={:<3} H={:<2} KVH={} B={:<4} ctx={:<5} shared {} x {} keys ({} group rows) | per row {:8.2f} us "
      "{:5.2f} TB/s | shared {:8.2f} us {:5.2f} TB/s | speed-up {:.2f}x | max diff {:.1e}\n",
      dim, heads, kv_heads, batch, ctx, a.shared, a.prefix, plan.groups, t_row * 1e6, row_bytes / t_row / 1e12,
      t_shared * 1e6, shared_bytes / t_shared / 1e12, t_row / t_shared, diff);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Args a = parse(argc, argv);
    if (!torch::cuda::is_available()) throw std::runtime_error("decode_attention bench needs a CUDA GPU");
    torch::NoGradGuard no_grad;
    torch::manual_seed(0);
    fmt::print("decode attention, {} (splits column assumes 132 SMs), {} calls per graph\n", a.dtype, a.reps);
    const auto pick = [](int64_t given, std::vector<int64_t> all) { return given > 0 ? std::vector{given} : all; };
    for (auto [dim, group] : {std::pair<int64_t, int64_t>{64, 7}, {128, 6}}) {  // Qwen2.5-0.5B / -1.5B groups
      const int64_t kv_heads = a.kv_heads > 0 ? a.kv_heads : 2;
      if (a.dim != 0 && a.dim != dim) continue;
      for (int64_t ctx : pick(a.ctx, {384, 2048}))
        for (int64_t batch : pick(a.batch, {64, 256, 1024})) {
          if (a.shared > 1)
            run_shared_case(a, dim, group * kv_heads, kv_heads, batch, ctx);
          else
            run_case(a, dim, group * kv_heads, kv_heads, batch, ctx);
        }
    }
    return 0;
  } catch (const std::exception& e) {
    fmt::print(stderr, "decode_attention: {}\n", e.what());
    return 1;
  }
}
