// RoPE: the composite against a hand-computed rotation; the dispatch (CPU takes the composite); the
// fused CUDA kernel against the composite and its autograd gradient (fp32, bf16, fp16; strided q/k
// views of one fused q/k/v output; odd T; D = 64/128; GQA); the cached kernel's q and cache rows.
#include "src/model/rope.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "test_util.h"

namespace grpo {
namespace {

RopeTables tables(int64_t T, int64_t D, const torch::TensorOptions& o) {
  // θ_{t,i} = pos_t · 10000^(−2i/D) at positions 3, 8, 13, ... (row t of the table matters).
  auto inv = 1.0 / torch::pow(10000.0, torch::arange(0, D, 2, torch::kFloat) / static_cast<double>(D));
  auto pos = (torch::arange(T, torch::kLong) * 5 + 3).to(o.device());
  return rope_tables(inv.to(o.device()), pos, o.dtype().toScalarType());
}

at::Tensor rotate_half_abs(const at::Tensor& x) {
  const int64_t half = x.size(-1) / 2;
  return torch::cat({x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1).abs();
}

// Unit roundoff u of the dtype. The composite rounds a·c, b·s and their sum (|Δ| ≤ 2u(|a|+|b|) since
// |c|, |s| ≤ 1); the kernel rounds once from fp32 (|Δ| ≤ u(|a|+|b|)): they differ by at most
// 3u(|a|+|b|) elementwise, where (a, b) is the element's pair: |x| + |rotate_half(x)|. We allow 4u.
double unit_roundoff(torch::ScalarType t) {
  return t == torch::kFloat ? std::ldexp(1.0, -24) : t == torch::kBFloat16 ? std::ldexp(1.0, -8) : std::ldexp(1.0, -11);
}

void expect_close(const at::Tensor& got, const at::Tensor& want, const at::Tensor& x, const std::string& what) {
  const auto bound = (x.abs() + rotate_half_abs(x)).to(torch::kFloat) * 4 * unit_roundoff(x.scalar_type());
  const auto diff = (got.to(torch::kFloat) - want.to(torch::kFloat)).abs();
  EXPECT_TRUE((diff <= bound).all().item<bool>()) << what << ": max |diff| " << diff.max().item<double>();
}

TEST(Rope, ReferenceIsTheHandComputedRotation) {
  // D = 4, inv_freq = [0.5, 0.125], position 2: angles [1, 0.25]; pairs (x0, x2) = (1, 3) turn by 1 rad,
  // (x1, x3) = (2, 4) by 0.25 rad: (a, b) -> (a·cosθ − b·sinθ, b·cosθ + a·sinθ).
  const auto t = rope_tables(torch::tensor({0.5f, 0.125f}), torch::tensor({2}, torch::kLong), torch::kFloat);
  const auto y = apply_rope_reference(torch::tensor({1.0f, 2.0f, 3.0f, 4.0f}).view({1, 1, 4}), t).view({4});
  const double c1 = std::cos(1.0), s1 = std::sin(1.0), c2 = std::cos(0.25), s2 = std::sin(0.25);
  const double want[4] = {1 * c1 - 3 * s1, 2 * c2 - 4 * s2, 3 * c1 + 1 * s1, 4 * c2 + 2 * s2};
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(y[i].item<double>(), want[i], 1e-6) << i;
}

TEST(Rope, CpuTakesTheCompositeWithGradients) {
  const auto t = tables(5, 8, torch::TensorOptions());
  auto q = torch::randn({5, 4, 8}, torch::requires_grad()), k = torch::randn({5, 2, 8}, torch::requires_grad());
  const auto out = apply_rope(q, k, t);
  EXPECT_TRUE(torch::equal(out.q, apply_rope_reference(q, t)));
  EXPECT_TRUE(torch::equal(out.k, apply_rope_reference(k, t)));
  (out.q.sum() + out.k.sum()).backward();
  EXPECT_TRUE(q.grad().defined() && k.grad().defined());
}

// Runs rope_cache_write on fresh caches of random contents and checks q', every cache row and that
// rows outside write_index kept their contents (the expectation is built with the composite).
void check_cache_write(const torch::TensorOptions& o, int64_t T, int64_t H, int64_t KVH, int64_t D) {
  const int64_t S = 3, C = 17;  // 51 rows: room for T = 37 tokens
  auto base = torch::randn({T, (H + 2 * KVH) * D}, o);  // one fused q/k/v output, split by views
  auto q = base.narrow(1, 0, H * D).view({T, H, D});
  auto k = base.narrow(1, H * D, KVH * D).view({T, KVH, D});
  auto v = base.narrow(1, (H + KVH) * D, KVH * D).view({T, KVH, D});
  const auto t = tables(T, D, o);
  auto k_cache = torch::randn({S, C, KVH, D}, o), v_cache = torch::randn({S, C, KVH, D}, o);
  auto want_k = k_cache.clone().view({S * C, KVH, D}), want_v = v_cache.clone().view({S * C, KVH, D});
  auto bound_x = torch::zeros({S * C, KVH, D}, o);  // the rotated inputs that set each row's tolerance
  const auto index = torch::randperm(S * C, torch::TensorOptions().dtype(torch::kLong)).narrow(0, 0, T).to(o.device());
  want_k.index_copy_(0, index, apply_rope_reference(k, t));
  want_v.index_copy_(0, index, v);
  bound_x.index_copy_(0, index, k);
  torch::NoGradGuard no_grad;
  const auto q_out = rope_cache_write(q, k, v, t, k_cache, v_cache, index);
  expect_close(q_out, apply_rope_reference(q, t), q, "q'");
  EXPECT_TRUE(q_out.is_contiguous());
  expect_close(k_cache.view({S * C, KVH, D}), want_k, bound_x, "k cache");  // unwritten rows: bound 0
  EXPECT_TRUE(torch::equal(v_cache.view({S * C, KVH, D}), want_v));
}

TEST(Rope, CacheWriteOnCpuRotatesKAndKeepsOtherRows) { check_cache_write(torch::TensorOptions(), 5, 4, 2, 8); }

struct Shape {
  int64_t T, H, KVH, D;
};
constexpr Shape kShapes[] = {{1, 14, 2, 64}, {37, 14, 2, 64}, {37, 6, 2, 128}, {19, 4, 4, 128}};

TEST(RopeCuda, FusedMatchesCompositeAndItsGradient) {
  GRPO_REQUIRE_CUDA();
  for (auto dtype : {torch::kFloat, torch::kBFloat16, torch::kHalf}) {
    const auto o = torch::TensorOptions().device(torch::kCUDA).dtype(dtype);
    for (const Shape s : kShapes) {
      for (int64_t offset : {0, 1}) {  // offset 1: misaligned rows, the kernel's scalar path
        const std::string what = c10::str(dtype, " T=", s.T, " H=", s.H, " KVH=", s.KVH, " D=", s.D, " off=", offset);
        const int64_t width = offset + (s.H + 2 * s.KVH) * s.D;
        const auto t = tables(s.T, s.D, o);
        const auto init = torch::randn({s.T, width}, o);
        auto views = [&](const at::Tensor& b) {
          return std::pair{b.narrow(1, offset, s.H * s.D).view({s.T, s.H, s.D}),
                           b.narrow(1, offset + s.H * s.D, s.KVH * s.D).view({s.T, s.KVH, s.D})};
        };
        auto fused_base = init.clone().requires_grad_(true), ref_base = init.clone().requires_grad_(true);
        const auto [q, k] = views(fused_base);
        const auto [qr, kr] = views(ref_base);
        const auto gq = torch::randn({s.T, s.H, s.D}, o), gk = torch::randn({s.T, s.KVH, s.D}, o);
        const auto out = apply_rope(q, k, t);
        const auto want_q = apply_rope_reference(qr, t), want_k = apply_rope_reference(kr, t);
        expect_close(out.q, want_q, q.detach(), what + " q");
        expect_close(out.k, want_k, k.detach(), what + " k");
        EXPECT_TRUE(out.q.is_contiguous() && out.k.is_contiguous()) << what;
        ((out.q * gq).sum() + (out.k * gk).sum()).backward();
        ((want_q * gq).sum() + (want_k * gk).sum()).backward();
        // Gradient: the same bound with the upstream gradient as the rotated vector.
        const auto [dq, dk] = views(fused_base.grad());
        const auto [dqr, dkr] = views(ref_base.grad());
        expect_close(dq, dqr, gq, what + " dq");
        expect_close(dk, dkr, gk, what + " dk");
      }
    }
  }
}

TEST(RopeCuda, UnusedOutputGetsZeroGradient) {
  GRPO_REQUIRE_CUDA();
  const auto o = torch::TensorOptions().device(torch::kCUDA).dtype(torch::kBFloat16);
  const auto t = tables(9, 64, o);
  auto q = torch::randn({9, 14, 64}, o).requires_grad_(true), k = torch::randn({9, 2, 64}, o).requires_grad_(true);
  apply_rope(q, k, t).q.sum().backward();
  ASSERT_TRUE(k.grad().defined());
  EXPECT_EQ(k.grad().abs().max().item<float>(), 0.0f);
  // d/dq Σ y with y_a = a·c − b·s, y_b = b·c + a·s: ∂/∂a = c + s, ∂/∂b = c − s (per pair, both halves);
  // |c ± s| ≤ √2 rounded once to bf16: within √2·2^-8 < 2·2^-8.
  const auto c = t.cos.to(torch::kFloat), sn = t.sin.to(torch::kFloat);
  const auto want = torch::cat({c.narrow(-1, 0, 32) + sn.narrow(-1, 32, 32), c.narrow(-1, 32, 32) - sn.narrow(-1, 0, 32)}, -1);
  EXPECT_LE((q.grad().to(torch::kFloat) - want).abs().max().item<double>(), 2 * std::ldexp(1.0, -8));
}

TEST(RopeCuda, UnsupportedLayoutFallsBackToTheComposite) {
  GRPO_REQUIRE_CUDA();
  const auto o = torch::TensorOptions().device(torch::kCUDA).dtype(torch::kFloat);
  const auto t = tables(11, 64, o);
  // Heads not D apart inside a token row (a transposed [H, T, D] buffer): the kernel cannot read it.
  auto q = torch::randn({4, 11, 64}, o).transpose(0, 1), k = torch::randn({2, 11, 64}, o).transpose(0, 1);
  const auto out = apply_rope(q, k, t);
  EXPECT_TRUE(torch::equal(out.q, apply_rope_reference(q, t)));
  EXPECT_TRUE(torch::equal(out.k, apply_rope_reference(k, t)));
}

TEST(RopeCuda, CacheWriteMatchesComposite) {
  GRPO_REQUIRE_CUDA();
  for (auto dtype : {torch::kFloat, torch::kBFloat16})
    for (const Shape s : kShapes) {
      SCOPED_TRACE(c10::str(dtype, " T=", s.T, " D=", s.D));
      check_cache_write(torch::TensorOptions().device(torch::kCUDA).dtype(dtype), s.T, s.H, s.KVH, s.D);
    }
}

}  // namespace
}  // namespace grpo
