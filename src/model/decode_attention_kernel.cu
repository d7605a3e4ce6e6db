// Split-KV GQA decode attention on tensor cores (FlashDecoding with the query group as the MMA's N).
//
// One CTA per (sequence, kv head, split), 4 warps. The G ≤ 8 query heads of a KV head are the 8 columns of
// an m16n8k16 MMA, so per 16-key tile a warp computes
//   Sᵀ[16 keys × 8 heads] = K[16 × D] · Qᵀ[D × 8]        (A = K tile by ldmatrix, B = q held in registers)
//   Oᵀ[D × 8 heads]     += Vᵀ[D × 16 keys] · Pᵀ[16 × 8]  (A = V tile by ldmatrix.trans, B = P by movmatrix)
// with an fp32 online softmax per head in log2 units (s = scale·log2e·q·k, so 2^s = e^(scale·q·k)). P is
// rounded to the input type for the second MMA, as FlashAttention does. Each warp streams its own tiles
// (w, w+4, ...) through a cp.async ring in shared memory, with no block-wide barrier until the end, where
// the 4 warps' (max, sum, Oᵀ) merge. Keys past the sequence are zero-filled, never read, and masked.
// A second small kernel merges the splits when there are several. Reads only device memory: capturable.
#include "src/model/decode_attention_kernel.h"

#include <cstdint>
#include <type_traits>

#include "src/tensor/dependent_launch.cuh"

namespace grpo {
namespace {

constexpr int kWarps = 4;
constexpr int kThreads = kWarps * 32;
constexpr int kTileKeys = 16;  // the MMA's M (scores) and K (output)
constexpr int kCols = 8;       // the MMA's N: query heads of one group, zero-padded
constexpr float kLog2e = 1.4426950408889634f;

__device__ __forceinline__ float neg_inf() { return __int_as_float(0xff800000); }

// Shared-memory row of one key: D elements plus 16 bytes of padding, so the 8 rows an ldmatrix phase reads
// start 4 banks apart (conflict-free) and every 16-byte chunk stays aligned for cp.async.
template <int D> __host__ __device__ constexpr int row_bytes() { return D * 2 + 16; }
// Ring depth per warp: 2 tiles in flight (D = 64: 4 KiB each) with 4 CTAs resident per SM already keep
// ~100 KiB of loads in flight per SM, more than the bandwidth-latency product (~40 KiB).
template <int D> __host__ __device__ constexpr int stages() { return D <= 64 ? 3 : 2; }
template <int D> __host__ __device__ constexpr int warp_ring_bytes() { return stages<D>() * 2 * kTileKeys * row_bytes<D>(); }
template <int D> __host__ __device__ constexpr int smem_bytes() { return kWarps * warp_ring_bytes<D>(); }

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

// Merges n partial softmax states j (max m_j in log2 units, sum l_j, unnormalised output acc_j) into
// M = max m_j, L = Σ 2^(m_j − M)·l_j, A = Σ 2^(m_j − M)·acc_j; the output is A / L. An empty partial
// (m_j = −inf) weighs 0 and its acc is not read (a neutral split partial never wrote it). Used for the
// warps of a CTA and for the splits of a row.
struct Merged {
  float M, L, A;
};
template <class MaxAt, class SumAt, class AccAt>
__device__ __forceinline__ Merged merge_partials(int64_t n, MaxAt max_at, SumAt sum_at, AccAt acc_at) {
  Merged r{neg_inf(), 0.f, 0.f};
  for (int64_t j = 0; j < n; ++j) r.M = fmaxf(r.M, max_at(j));
  if (r.M == neg_inf()) return r;
  for (int64_t j = 0; j < n; ++j) {
    const float m = max_at(j);
    if (m == neg_inf()) continue;
    const float w = exp2f(m - r.M);
    r.L += w * sum_at(j);
    r.A += w * acc_at(j);
  }
  return r;
}

template <class T, int D>
__global__ void __launch_bounds__(kThreads) decode_attention_mma_kernel(DecodeAttentionArgs a) {
  start_after_prior_kernel();
  constexpr int kSteps = D / 16;  // k-steps of the score MMA = m-tiles of the output MMA
  constexpr int kStages = stages<D>();
  constexpr int kRow = row_bytes<D>();
  constexpr int kChunksPerRow = D * 2 / 16;
  extern __shared__ __align__(128) unsigned char smem[];

  const int64_t seq = blockIdx.x / a.kv_heads, kvh = blockIdx.x % a.kv_heads, split = blockIdx.y;
  const int group = static_cast<int>(a.heads / a.kv_heads);  // ≤ kCols
  const int64_t head0 = kvh * group;
  const int64_t used = a.seqused[seq];
  const int64_t begin = split * a.split_len;
  const int64_t end = begin + a.split_len < used ? begin + a.split_len : used;
  if (begin >= end && a.splits > 1) {  // split past the context: a neutral partial
    if (threadIdx.x < group) {
      const int64_t p = (seq * a.heads + head0 + threadIdx.x) * a.splits + split;
      a.part_max[p] = neg_inf();
      a.part_sum[p] = 0.f;
    }
    return;
  }

  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int quad = lane / 4, pair = 2 * (lane % 4);  // fragment row, first fragment column

  // B fragments of Qᵀ per k-step: b0 = q[head quad][16k + pair, +1], b1 = the same 8 dims further.
  uint32_t qf[kSteps][2];
  {
    const T* qp = static_cast<const T*>(a.q) + (seq * a.heads + head0 + quad) * D;
#pragma unroll
    for (int k = 0; k < kSteps; ++k) {
      qf[k][0] = quad < group ? *reinterpret_cast<const uint32_t*>(qp + 16 * k + pair) : 0u;
      qf[k][1] = quad < group ? *reinterpret_cast<const uint32_t*>(qp + 16 * k + 8 + pair) : 0u;
    }
  }

  // Key t of this sequence is cache row row_start + t: element ((row_start + t)·KVH + kvh)·D.
  const int64_t key_stride = a.kv_heads * D;
  const T* kbase = static_cast<const T*>(a.k_cache) + (static_cast<int64_t>(a.row_start[seq]) * a.kv_heads + kvh) * D;
  const T* vbase = static_cast<const T*>(a.v_cache) + (static_cast<int64_t>(a.row_start[seq]) * a.kv_heads + kvh) * D;
  unsigned char* ring = smem + warp * warp_ring_bytes<D>();
  const uint32_t ring_addr = smem_addr(ring);
  const auto k_stage = [&](int s) { return ring_addr + s * 2 * kTileKeys * kRow; };
  const auto v_stage = [&](int s) { return k_stage(s) + kTileKeys * kRow; };

  // This warp's tiles: i-th is keys begin + 16·(warp + 4i) ...
  const int64_t tiles = (end - begin + kTileKeys - 1) / kTileKeys;
  const int my_tiles = static_cast<int>(tiles > warp ? (tiles - warp + kWarps - 1) / kWarps : 0);
  const auto tile_first_key = [&](int i) { return begin + static_cast<int64_t>(warp + kWarps * i) * kTileKeys; };
  const auto load_tile = [&](int i) {
    if (i < my_tiles) {
      const int64_t t0 = tile_first_key(i);
      const int s = i % kStages;
#pragma unroll
      for (int c = lane; c < kTileKeys * kChunksPerRow; c += 32) {
        const int r = c / kChunksPerRow, col = c % kChunksPerRow;
        const bool valid = t0 + r < end;
        const int64_t off = (valid ? t0 + r : begin) * key_stride + col * 8;
        cp_async16(k_stage(s) + r * kRow + col * 16, kbase + off, valid);
        cp_async16(v_stage(s) + r * kRow + col * 16, vbase + off, valid);
      }
    }
    cp_async_commit();  // an empty group past the end keeps the wait count uniform
  };

  const float qscale = a.scale * kLog2e;
  float m[2] = {neg_inf(), neg_inf()}, l[2] = {0.f, 0.f};  // heads pair, pair + 1 (per-thread partial l)
  float o[kSteps][4];  // Oᵀ fragments: rows = dims 16j + quad (+8), columns = heads pair, pair + 1
#pragma unroll
  for (int j = 0; j < kSteps; ++j) o[j][0] = o[j][1] = o[j][2] = o[j][3] = 0.f;

#pragma unroll
  for (int i = 0; i < kStages - 1; ++i) load_tile(i);
  for (int i = 0; i < my_tiles; ++i) {
    load_tile(i + kStages - 1);
    cp_async_wait<kStages - 1>();
    __syncwarp();
    const int s = i % kStages;

    // Sᵀ = K · Qᵀ. A fragment rows: lanes 0-7 / 8-15 give key rows 0-7 / 8-15, lanes 16-31 the next 8 dims.
    float sc[4] = {0.f, 0.f, 0.f, 0.f};
    const uint32_t k_lane = k_stage(s) + ((lane % 8) + 8 * ((lane / 8) % 2)) * kRow + (lane / 16) * 16;
#pragma unroll
    for (int k = 0; k < kSteps; ++k) {
      uint32_t af[4];
      ldmatrix_x4(af, k_lane + k * 32);
      mma16816<T>(sc, af, qf[k][0], qf[k][1]);
    }
    // sc[0], sc[1]: key quad, heads pair, pair+1; sc[2], sc[3]: key quad + 8.
    const int64_t key = tile_first_key(i) + quad;
    float x[4];
#pragma unroll
    for (int e = 0; e < 4; ++e) x[e] = (key + (e >= 2 ? 8 : 0) < end) ? sc[e] * qscale : neg_inf();
    float alpha[2], p[4];
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      float mx = fmaxf(x[h], x[h + 2]);
#pragma unroll
      for (int off = 4; off < 32; off <<= 1) mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, off));
      const float m_new = fmaxf(m[h], mx);
      const float m_use = m_new == neg_inf() ? 0.f : m_new;  // no key yet: every p and alpha is 0
      alpha[h] = exp2f(m[h] - m_use);
      p[h] = exp2f(x[h] - m_use);
      p[h + 2] = exp2f(x[h + 2] - m_use);
      l[h] = l[h] * alpha[h] + p[h] + p[h + 2];
      m[h] = m_new;
    }
    // Pᵀ as the B fragment: transpose the two 8×8 halves of the Sᵀ fragment (keys 0-7, 8-15).
    const uint32_t pb0 = movmatrix_trans(pack2<T>(p[0], p[1]));
    const uint32_t pb1 = movmatrix_trans(pack2<T>(p[2], p[3]));
    // Oᵀ = α·Oᵀ + Vᵀ · Pᵀ. ldmatrix.trans: lanes 0-7 keys 0-7 dims 0-7, 8-15 dims 8-15, 16-31 keys 8-15.
    const uint32_t v_lane = v_stage(s) + ((lane % 8) + 8 * (lane / 16)) * kRow + ((lane / 8) % 2) * 16;
#pragma unroll
    for (int j = 0; j < kSteps; ++j) {
      o[j][0] *= alpha[0], o[j][1] *= alpha[1], o[j][2] *= alpha[0], o[j][3] *= alpha[1];
      uint32_t af[4];
      ldmatrix_x4_trans(af, v_lane + j * 32);
      mma16816<T>(o[j], af, pb0, pb1);
    }
    __syncwarp();  // every lane is done with stage s before a later iteration refills it
  }
  cp_async_wait<0>();
#pragma unroll
  for (int h = 0; h < 2; ++h)
#pragma unroll
    for (int off = 4; off < 32; off <<= 1) l[h] += __shfl_xor_sync(0xffffffffu, l[h], off);
  __syncthreads();  // the rings are free: reuse them for the merge of the 4 warps

  float* s_max = reinterpret_cast<float*>(smem);  // [kWarps][kCols]
  float* s_sum = s_max + kWarps * kCols;           // [kWarps][kCols]
  float* s_acc = s_sum + kWarps * kCols;           // [kWarps][kCols][D]
  if (quad == 0) {
#pragma unroll
    for (int h = 0; h < 2; ++h) s_max[warp * kCols + pair + h] = m[h], s_sum[warp * kCols + pair + h] = l[h];
  }
#pragma unroll
  for (int j = 0; j < kSteps; ++j)
#pragma unroll
    for (int e = 0; e < 4; ++e) {
      const int dim = 16 * j + quad + (e >= 2 ? 8 : 0), head = pair + (e % 2);
      s_acc[(warp * kCols + head) * D + dim] = o[j][e];
    }
  __syncthreads();

  // Merge the warps' states; out = A / L.
  T* out = static_cast<T*>(a.out);
  for (int idx = threadIdx.x; idx < group * D; idx += kThreads) {
    const int h = idx / D, d = idx % D;
    const auto [M, L, A] = merge_partials(
        kWarps, [&](int64_t w) { return s_max[w * kCols + h]; }, [&](int64_t w) { return s_sum[w * kCols + h]; },
        [&](int64_t w) { return s_acc[(w * kCols + h) * D + d]; });
    const int64_t row = seq * a.heads + head0 + h;
    if (a.splits == 1) {
      out[row * D + d] = from_float<T>(L > 0.f ? A / L : 0.f);
    } else {
      const int64_t pidx = row * a.splits + split;
      a.part_acc[pidx * D + d] = A;
      if (d == 0) a.part_max[pidx] = M, a.part_sum[pidx] = L;
    }
  }
}

// One CTA of D threads per (sequence, head): the merge over the splits' partials.
template <class T, int D>
__global__ void decode_attention_combine_kernel(DecodeAttentionArgs a) {
  start_after_prior_kernel();
  const int64_t row = blockIdx.x;  // seq·H + head
  const int d = threadIdx.x;
  const float* pm = a.part_max + row * a.splits;
  const float* ps = a.part_sum + row * a.splits;
  const auto [M, L, A] = merge_partials(
      a.splits, [&](int64_t s) { return pm[s]; }, [&](int64_t s) { return ps[s]; },
      [&](int64_t s) { return a.part_acc[(row * a.splits + s) * D + d]; });
  static_cast<T*>(a.out)[row * D + d] = from_float<T>(L > 0.f ? A / L : 0.f);
}

template <class T, int D>
void launch_dim(const DecodeAttentionArgs& a, cudaStream_t stream) {
  auto kernel = decode_attention_mma_kernel<T, D>;
  static const bool configured = [&] {  // above 48 KiB of dynamic shared memory needs an opt-in
    return cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, smem_bytes<D>()) == cudaSuccess;
  }();
  (void)configured;  // a failure surfaces as the launch error, which the caller checks
  const dim3 grid(static_cast<unsigned>(a.n * a.kv_heads), static_cast<unsigned>(a.splits));
  launch_dependent(kernel, grid, kThreads, smem_bytes<D>(), stream, a);
  if (a.splits > 1)
    launch_dependent(decode_attention_combine_kernel<T, D>, static_cast<unsigned>(a.n * a.heads), D, 0, stream, a);
}

}  // namespace

void launch_decode_attention(const DecodeAttentionArgs& args, KernelDtype dtype, cudaStream_t stream) {
  if (args.n == 0) return;
  with_kernel_type(dtype, [&](auto t) {
    using T = decltype(t);
    if constexpr (!std::is_same_v<T, float>) {  // the dispatch sends only bf16/fp16
      if (args.head_dim == 64) launch_dim<T, 64>(args, stream);
      else launch_dim<T, 128>(args, stream);
    }
  });
}

}  // namespace grpo
