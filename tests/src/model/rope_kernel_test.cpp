// The fused RoPE kernel's per-item body (rope_kernel.h), run on the CPU in fp32 over every work item
// of a launch, against the ATen composite (apply_rope_reference) and its autograd gradient: the index
// math (token-row strides, GQA head rows, packs of N pairs, cache rows) is checked without a GPU.
// The CUDA launch itself is checked in rope_test (RopeCuda).
#include "src/model/rope_kernel.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "src/model/rope.h"
#include "test_util.h"

namespace grpo {
namespace {

template <int N> void run_on_cpu(const RopeKernelArgs& a) {
  const int64_t items = rope_kernel_items(a, N);
  for (int64_t i = 0; i < items; ++i) rope_kernel_item<float, N>(a, i);
}

void run_on_cpu(const RopeKernelArgs& a, int n) {
  if (n == 4) return run_on_cpu<4>(a);
  if (n == 2) return run_on_cpu<2>(a);
  run_on_cpu<1>(a);
}

RopeTables tables(int64_t T, int64_t D) {
  // θ_{t,i} = pos_t · 10000^(−2i/D); positions not 0..T−1 so that row t of the table matters.
  auto inv = 1.0 / torch::pow(10000.0, torch::arange(0, D, 2, torch::kFloat) / static_cast<double>(D));
  return rope_tables(inv, torch::arange(T, torch::kLong) * 5 + 3, torch::kFloat);
}

// fp32 results of the same products differ from the composite by a few roundings: |Δ| ≤ 4·2^-24·(|a|+|b|).
void expect_close(const at::Tensor& got, const at::Tensor& want, const at::Tensor& x) {
  const int64_t half = x.size(-1) / 2;
  const auto mag = x.abs() + torch::cat({x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1).abs();
  EXPECT_TRUE(((got - want).abs() <= mag * 4 * std::ldexp(1.0, -24) + 1e-30).all().item<bool>())
      << "max |diff| " << (got - want).abs().max().item<double>();
}

struct Shape {
  int64_t T, H, KVH, D;
};

TEST(RopeKernel, VectorWidthNeedsAlignmentAndDivisibleStrides) {
  alignas(64) static float buf[64];
  RopeKernelArgs a;
  a.q = a.k = a.cos = a.sin = a.q_out = a.k_out = buf;
  a.head_dim = 64, a.q_row = 128, a.k_row = 64;
  EXPECT_EQ(rope_vector_width(a, 4, 4), 4);  // 16-byte packs of fp32
  a.k_row = 66;                              // a row stride of 66 elements: packs of 2 still divide it
  EXPECT_EQ(rope_vector_width(a, 4, 4), 2);
  a.k_row = 64, a.k = buf + 1;               // a 4-byte offset pointer: scalar loads only
  EXPECT_EQ(rope_vector_width(a, 4, 4), 1);
  a.k = buf, a.head_dim = 4;                 // D/2 = 2 pairs per head
  EXPECT_EQ(rope_vector_width(a, 4, 4), 2);
}

TEST(RopeKernel, BodyRotatesStridedQkAndItsInverseIsTheCompositeGradient) {
  for (const Shape s : {Shape{7, 14, 2, 64}, Shape{3, 4, 4, 128}, Shape{5, 6, 2, 8}}) {
    for (int64_t offset : {0, 1}) {  // offset 1: misaligned views, scalar packs
      const int64_t width = offset + (s.H + 2 * s.KVH) * s.D;
      auto base = torch::randn({s.T, width});
      auto q = base.narrow(1, offset, s.H * s.D).view({s.T, s.H, s.D});
      auto k = base.narrow(1, offset + s.H * s.D, s.KVH * s.D).view({s.T, s.KVH, s.D});
      const auto t = tables(s.T, s.D);
      RopeKernelArgs a;
      a.q = q.data_ptr(), a.k = k.data_ptr(), a.q_row = q.stride(0), a.k_row = k.stride(0);
      a.cos = t.cos.data_ptr(), a.sin = t.sin.data_ptr();
      a.tokens = s.T, a.heads = s.H, a.kv_heads = s.KVH, a.head_dim = s.D, a.out_rows = s.T;
      auto q_out = torch::full({s.T, s.H, s.D}, NAN), k_out = torch::full({s.T, s.KVH, s.D}, NAN);
      a.q_out = q_out.data_ptr(), a.k_out = k_out.data_ptr();
      const int n = rope_vector_width(a, 4, 4);
      EXPECT_EQ(n == 1, offset == 1);
      run_on_cpu(a, n);
      expect_close(q_out, apply_rope_reference(q, t), q);
      expect_close(k_out, apply_rope_reference(k, t), k);

      // Inverse: the gradient of Σ ref(x)·g with respect to x, taken by autograd of the composite.
      auto gq = torch::randn({s.T, s.H, s.D}), gk = torch::randn({s.T, s.KVH, s.D});
      auto ql = q.detach().clone().requires_grad_(true), kl = k.detach().clone().requires_grad_(true);
      ((apply_rope_reference(ql, t) * gq).sum() + (apply_rope_reference(kl, t) * gk).sum()).backward();
      a.q = gq.data_ptr(), a.k = gk.data_ptr(), a.q_row = gq.stride(0), a.k_row = gk.stride(0);
      a.inverse = true;
      run_on_cpu(a, rope_vector_width(a, 4, 4));
      expect_close(q_out, ql.grad(), gq);
      expect_close(k_out, kl.grad(), gk);
    }
  }
}

TEST(RopeKernel, BodyWritesRotatedKAndPlainVIntoTheCacheRowsOnly) {
  const int64_t T = 5, H = 6, KVH = 2, D = 16, rows = 12;
  auto base = torch::randn({T, (H + 2 * KVH) * D});
  auto q = base.narrow(1, 0, H * D).view({T, H, D});
  auto k = base.narrow(1, H * D, KVH * D).view({T, KVH, D});
  auto v = base.narrow(1, (H + KVH) * D, KVH * D).view({T, KVH, D});
  const auto t = tables(T, D);
  auto k_cache = torch::randn({rows, KVH, D}), v_cache = torch::randn({rows, KVH, D});
  const auto k_before = k_cache.clone(), v_before = v_cache.clone();
  // Token 3 carries row −1 and token 4 row 12 (out of range): both are skipped, never written.
  const auto index = torch::tensor({9, 0, 4, -1, 12}, torch::kLong);
  auto q_out = torch::full({T, H, D}, NAN);
  RopeKernelArgs a;
  a.q = q.data_ptr(), a.k = k.data_ptr(), a.v = v.data_ptr();
  a.q_row = q.stride(0), a.k_row = k.stride(0), a.v_row = v.stride(0);
  a.cos = t.cos.data_ptr(), a.sin = t.sin.data_ptr();
  a.q_out = q_out.data_ptr(), a.k_out = k_cache.data_ptr(), a.v_out = v_cache.data_ptr();
  a.write_index = index.data_ptr<int64_t>(), a.out_rows = rows;
  a.tokens = T, a.heads = H, a.kv_heads = KVH, a.head_dim = D;
  run_on_cpu(a, rope_vector_width(a, 4, 4));
  expect_close(q_out, apply_rope_reference(q, t), q);
  const auto k_rot = apply_rope_reference(k, t);
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t token = r == 9 ? 0 : r == 0 ? 1 : r == 4 ? 2 : -1;
    if (token < 0) {
      EXPECT_TRUE(torch::equal(k_cache[r], k_before[r])) << "row " << r;
      EXPECT_TRUE(torch::equal(v_cache[r], v_before[r])) << "row " << r;
    } else {
      expect_close(k_cache[r], k_rot[token], k[token]);
      EXPECT_TRUE(torch::equal(v_cache[r], v[token])) << "row " << r;
    }
  }
}

}  // namespace
}  // namespace grpo
