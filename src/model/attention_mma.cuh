// The tensor-core pieces both decode attention kernels are made of (decode_attention_kernel.cu: one sequence's
// keys; shared_prefix_attention_kernel.cu: a group's shared keys for all its members). The G ≤ 8 query heads of
// a KV head are the 8 columns of an m16n8k16 MMA, so per 16-key tile a warp computes, for each query group
// ("member") it holds,
//   Sᵀ[16 keys × 8 heads] = K[16 × D] · Qᵀ[D × 8]        (A = K tile by ldmatrix, B = q held in registers)
//   Oᵀ[D × 8 heads]     += Vᵀ[D × 16 keys] · Pᵀ[16 × 8]  (A = V tile by ldmatrix.trans, B = P by movmatrix)
// with an fp32 online softmax per head in log2 units (s = scale·log2e·q·k, so 2^s = e^(scale·q·k)). P is
// rounded to the input type for the second MMA, as FlashAttention does. Each K and V fragment is loaded from
// shared memory once per tile and used by every member.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <cstdint>
#include <type_traits>

#include "src/tensor/kernel_dtype.h"

namespace grpo::attention_mma {

// Calls launch(T{}, std::integral_constant<int, D>{}) for the element type T of `dtype` and D = head_dim: the
// instantiations both kernels have (bf16 or fp16, which is all the dispatch sends; D = 64 or 128).
template <class Launch> void with_attention_types(KernelDtype dtype, int64_t head_dim, Launch&& launch) {
  with_kernel_type(dtype, [&](auto t) {
    if constexpr (!std::is_same_v<decltype(t), float>) {
      if (head_dim == 64) launch(t, std::integral_constant<int, 64>{});
      else launch(t, std::integral_constant<int, 128>{});
    }
  });
}

constexpr int kTileKeys = 16;  // the MMA's M (scores) and K (output)
constexpr int kCols = 8;       // the MMA's N: query heads of one group, zero-padded
constexpr float kLog2e = 1.4426950408889634f;

__device__ __forceinline__ float neg_inf() { return __int_as_float(0xff800000); }

// Shared-memory row of one key: D elements plus 16 bytes of padding, so the 8 rows an ldmatrix phase reads
// start 4 banks apart (conflict-free) and every 16-byte chunk stays aligned for cp.async.
template <int D> __host__ __device__ constexpr int row_bytes() { return D * 2 + 16; }

__device__ __forceinline__ uint32_t smem_addr(const void* p) {
  return static_cast<uint32_t>(__cvta_generic_to_shared(p));
}

// 16 bytes global -> shared, or 16 zero bytes when !valid (nothing is read then).
__device__ __forceinline__ void cp_async16(uint32_t dst, const void* src, bool valid) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(dst), "l"(src), "r"(valid ? 16 : 0));
}
__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;\n" ::); }
template <int N> __device__ __forceinline__ void cp_async_wait() { asm volatile("cp.async.wait_group %0;\n" ::"n"(N)); }

__device__ __forceinline__ void ldmatrix_x4(uint32_t (&r)[4], uint32_t addr) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(addr));
}
__device__ __forceinline__ void ldmatrix_x4_trans(uint32_t (&r)[4], uint32_t addr) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0, %1, %2, %3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(addr));
}
__device__ __forceinline__ uint32_t movmatrix_trans(uint32_t x) {
  uint32_t y;
  asm volatile("movmatrix.sync.aligned.m8n8.trans.b16 %0, %1;\n" : "=r"(y) : "r"(x));
  return y;
}

// c += a · b for one m16n8k16 tile, fp32 accumulate.
template <class T>
__device__ __forceinline__ void mma16816(float (&c)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
  if constexpr (std::is_same_v<T, __nv_bfloat16>) {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
        "{%0, %1, %2, %3};\n"
        : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
  } else {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
        "{%0, %1, %2, %3};\n"
        : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
  }
}

// Two floats as one register of two T (lo in the low half: the lower column of a fragment pair).
template <class T> __device__ __forceinline__ uint32_t pack2(float lo, float hi) {
  uint32_t r;
  if constexpr (std::is_same_v<T, __nv_bfloat16>) {
    const __nv_bfloat162 v = __floats2bfloat162_rn(lo, hi);
    r = *reinterpret_cast<const uint32_t*>(&v);
  } else {
    const __half2 v = __floats2half2_rn(lo, hi);
    r = *reinterpret_cast<const uint32_t*>(&v);
  }
  return r;
}

// Issues the cp.async copies of keys [t0, t0 + Rows) of K and V into shared-memory rows of row_bytes<D>() at k_dst /
// v_dst: 16 bytes per copy, copies thread, thread + threads, ... of them. Key t is element t·key_stride of
// kbase / vbase; keys at or past `end` are zero-filled without being read (their source address is key `safe`).
template <int D, int Rows, class T>
__device__ __forceinline__ void load_kv_rows(uint32_t k_dst, uint32_t v_dst, const T* kbase, const T* vbase,
                                             int64_t key_stride, int64_t t0, int64_t end, int64_t safe, int thread,
                                             int threads) {
  constexpr int kRow = row_bytes<D>(), kChunksPerRow = D * 2 / 16;
#pragma unroll
  for (int c = thread; c < Rows * kChunksPerRow; c += threads) {
    const int r = c / kChunksPerRow, col = c % kChunksPerRow;
    const bool valid = t0 + r < end;
    const int64_t off = (valid ? t0 + r : safe) * key_stride + col * 8;
    cp_async16(k_dst + r * kRow + col * 16, kbase + off, valid);
    cp_async16(v_dst + r * kRow + col * 16, vbase + off, valid);
  }
}

// One warp's attention state for M members of one KV head. A lane holds heads pair, pair + 1 of its fragment
// (pair = 2·(lane % 4)); l is the lane's partial sum until reduce_sums(); o holds the Oᵀ fragments: rows =
// dims 16j + quad (+8), columns = heads pair, pair + 1.
template <int D, int M> struct WarpAttention {
  static constexpr int kSteps = D / 16;  // k-steps of the score MMA = m-tiles of the output MMA
  uint32_t qf[M][kSteps][2];             // B fragments of Qᵀ per k-step
  float m[M][2], l[M][2];
  float o[M][kSteps][4];

  // q_rows[mi]: member mi's first query head of this KV head (q + (row·H + head0)·D), or null for no member.
  template <class T> __device__ __forceinline__ void init(const T* const (&q_rows)[M], int group, int lane) {
    const int quad = lane / 4, pair = 2 * (lane % 4);
#pragma unroll
    for (int mi = 0; mi < M; ++mi) {
      const bool has = q_rows[mi] != nullptr && quad < group;
      const T* qp = has ? q_rows[mi] + quad * D : nullptr;
#pragma unroll
      for (int k = 0; k < kSteps; ++k) {
        qf[mi][k][0] = has ? *reinterpret_cast<const uint32_t*>(qp + 16 * k + pair) : 0u;
        qf[mi][k][1] = has ? *reinterpret_cast<const uint32_t*>(qp + 16 * k + 8 + pair) : 0u;
      }
      m[mi][0] = m[mi][1] = neg_inf();
      l[mi][0] = l[mi][1] = 0.f;
#pragma unroll
      for (int j = 0; j < kSteps; ++j) o[mi][j][0] = o[mi][j][1] = o[mi][j][2] = o[mi][j][3] = 0.f;
    }
  }

  // One 16-key tile whose rows start at shared-memory addresses k_tile / v_tile (row stride row_bytes<D>());
  // its rows at or past `valid` are masked. Members with !live[mi] (a warp-uniform flag) are skipped.
  template <class T>
  __device__ __forceinline__ void attend_tile(uint32_t k_tile, uint32_t v_tile, int valid, float qscale,
                                              const bool (&live)[M], int lane) {
    constexpr int kRow = row_bytes<D>();
    const int quad = lane / 4;
    float sc[M][4];
#pragma unroll
    for (int mi = 0; mi < M; ++mi) sc[mi][0] = sc[mi][1] = sc[mi][2] = sc[mi][3] = 0.f;
    // Sᵀ = K · Qᵀ. A fragment rows: lanes 0-7 / 8-15 give key rows 0-7 / 8-15, lanes 16-31 the next 8 dims.
    const uint32_t k_lane = k_tile + ((lane % 8) + 8 * ((lane / 8) % 2)) * kRow + (lane / 16) * 16;
#pragma unroll
    for (int k = 0; k < kSteps; ++k) {
      uint32_t af[4];
      ldmatrix_x4(af, k_lane + k * 32);
#pragma unroll
      for (int mi = 0; mi < M; ++mi)
        if (live[mi]) mma16816<T>(sc[mi], af, qf[mi][k][0], qf[mi][k][1]);
    }
    // sc[.][0], sc[.][1]: key quad, heads pair, pair+1; sc[.][2], sc[.][3]: key quad + 8.
    uint32_t pb[M][2];
    float alpha[M][2];
#pragma unroll
    for (int mi = 0; mi < M; ++mi) {
      if (!live[mi]) continue;
      float x[4], p[4];
#pragma unroll
      for (int e = 0; e < 4; ++e) x[e] = quad + (e >= 2 ? 8 : 0) < valid ? sc[mi][e] * qscale : neg_inf();
#pragma unroll
      for (int h = 0; h < 2; ++h) {
        float mx = fmaxf(x[h], x[h + 2]);
#pragma unroll
        for (int off = 4; off < 32; off <<= 1) mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, off));
        const float m_new = fmaxf(m[mi][h], mx);
        const float m_use = m_new == neg_inf() ? 0.f : m_new;  // no key yet: every p and alpha is 0
        alpha[mi][h] = exp2f(m[mi][h] - m_use);
        p[h] = exp2f(x[h] - m_use);
        p[h + 2] = exp2f(x[h + 2] - m_use);
        l[mi][h] = l[mi][h] * alpha[mi][h] + p[h] + p[h + 2];
        m[mi][h] = m_new;
      }
      // Pᵀ as the B fragment: transpose the two 8×8 halves of the Sᵀ fragment (keys 0-7, 8-15).
      pb[mi][0] = movmatrix_trans(pack2<T>(p[0], p[1]));
      pb[mi][1] = movmatrix_trans(pack2<T>(p[2], p[3]));
    }
    // Oᵀ = α·Oᵀ + Vᵀ · Pᵀ. ldmatrix.trans: lanes 0-7 keys 0-7 dims 0-7, 8-15 dims 8-15, 16-31 keys 8-15.
    const uint32_t v_lane = v_tile + ((lane % 8) + 8 * (lane / 16)) * kRow + ((lane / 8) % 2) * 16;
#pragma unroll
    for (int j = 0; j < kSteps; ++j) {
      uint32_t af[4];
      ldmatrix_x4_trans(af, v_lane + j * 32);
#pragma unroll
      for (int mi = 0; mi < M; ++mi) {
        if (!live[mi]) continue;
        float(&c)[4] = o[mi][j];
        c[0] *= alpha[mi][0], c[1] *= alpha[mi][1], c[2] *= alpha[mi][0], c[3] *= alpha[mi][1];
        mma16816<T>(c, af, pb[mi][0], pb[mi][1]);
      }
    }
  }

  // Sums each head's l over the 8 quads that hold its keys.
  __device__ __forceinline__ void reduce_sums() {
#pragma unroll
    for (int mi = 0; mi < M; ++mi)
#pragma unroll
      for (int h = 0; h < 2; ++h)
#pragma unroll
        for (int off = 4; off < 32; off <<= 1) l[mi][h] += __shfl_xor_sync(0xffffffffu, l[mi][h], off);
  }
};

// Merges n partial softmax states j (max m_j in log2 units, sum l_j, unnormalised output acc_j) into
// M = max m_j, L = Σ 2^(m_j − M)·l_j, A = Σ 2^(m_j − M)·acc_j; the output is A / L. An empty partial
// (m_j = −inf) weighs 0 and its acc is not read (a neutral partial never wrote it). Used for the
// warps of a CTA and for the partials of a row. With a constant n the loops unroll, so accessors may index
// register arrays.
struct Merged {
  float M, L, A;
};
template <class MaxAt, class SumAt, class AccAt>
__device__ __forceinline__ Merged merge_partials(int64_t n, MaxAt max_at, SumAt sum_at, AccAt acc_at) {
  Merged r{neg_inf(), 0.f, 0.f};
#pragma unroll
  for (int64_t j = 0; j < n; ++j) r.M = fmaxf(r.M, max_at(j));
  if (r.M == neg_inf()) return r;
#pragma unroll
  for (int64_t j = 0; j < n; ++j) {
    const float m = max_at(j);
    if (m == neg_inf()) continue;
    const float w = exp2f(m - r.M);
    r.L += w * sum_at(j);
    r.A += w * acc_at(j);
  }
  return r;
}

}  // namespace grpo::attention_mma
