// Split-KV GQA decode attention (FlashDecoding): one CTA per (sequence, kv head, split) loads the G = H/KVH
// query vectors of its group once and streams the split's K and V rows once with 16-byte loads, keeping an
// fp32 online softmax per query head in log2 units (q is pre-scaled by scale·log2 e, so 2^s = e^(scale·q·k)).
// A second kernel merges the splits. Reads only device memory: capturable in a CUDA graph.
#include "src/model/decode_attention_kernel.h"

#include <cstdint>
#include <type_traits>

namespace grpo {
namespace {

constexpr int kWarps = 4;
constexpr int kThreads = kWarps * 32;
constexpr int kVec = 8;  // 2-byte elements per 16-byte load
constexpr int kUnroll = 2;  // key sets loaded per loop iteration
constexpr float kLog2e = 1.4426950408889634f;

__device__ __forceinline__ float neg_inf() { return __int_as_float(0xff800000); }

template <class T>
__device__ __forceinline__ void load_vec(const T* p, float (&out)[kVec]) {
  const uint4 raw = *reinterpret_cast<const uint4*>(p);
  const T* e = reinterpret_cast<const T*>(&raw);
#pragma unroll
  for (int i = 0; i < kVec; ++i) out[i] = to_float(e[i]);
}

// Weight 2^(m - M) of a partial whose max is m under the merged max M; an empty partial (m = −inf) weighs 0.
__device__ __forceinline__ float merge_weight(float m, float M) { return m == neg_inf() ? 0.f : exp2f(m - M); }

// Lanes: a key row of D elements is read by D/8 adjacent lanes (16 bytes each), so a warp covers 32/(D/8)
// keys per iteration and a CTA kStates keys. Each (warp, key-in-warp) pair keeps its own softmax state
// (max m, sum l, acc over its lane's 8 dims); the states are merged through shared memory at the end.
template <class T, int D, int G>
__global__ void __launch_bounds__(kThreads) decode_attention_split_kernel(DecodeAttentionArgs a) {
  constexpr int kLanesPerKey = D / kVec;
  constexpr int kKeysPerWarp = 32 / kLanesPerKey;
  constexpr int kStates = kWarps * kKeysPerWarp;
  __shared__ float s_max[kStates][G];
  __shared__ float s_sum[kStates][G];
  __shared__ float s_acc[kStates][G][D];

  const int64_t seq = blockIdx.x / a.kv_heads, kvh = blockIdx.x % a.kv_heads, split = blockIdx.y;
  const int group = static_cast<int>(a.heads / a.kv_heads);  // <= G
  const int64_t head0 = kvh * group;
  const int64_t used = a.seqused[seq];
  const int64_t begin = split * a.split_len;
  const int64_t end = begin + a.split_len < used ? begin + a.split_len : used;
  if (begin >= end && a.splits > 1) {  // split past the context: a neutral partial
    if (static_cast<int>(threadIdx.x) < group) {
      const int64_t p = (seq * a.heads + head0 + threadIdx.x) * a.splits + split;
      a.part_max[p] = neg_inf();
      a.part_sum[p] = 0.f;
    }
    return;
  }

  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int sub = lane / kLanesPerKey, part = lane % kLanesPerKey;
  const T* qp = static_cast<const T*>(a.q);
  const float qscale = a.scale * kLog2e;
  float q[G][kVec], acc[G][kVec], m[G], l[G];
#pragma unroll
  for (int g = 0; g < G; ++g) {
    if (g < group) {
      load_vec(qp + ((seq * a.heads + head0 + g) * D + part * kVec), q[g]);
    } else {
#pragma unroll
      for (int i = 0; i < kVec; ++i) q[g][i] = 0.f;
    }
#pragma unroll
    for (int i = 0; i < kVec; ++i) q[g][i] *= qscale, acc[g][i] = 0.f;
    m[g] = neg_inf();
    l[g] = 0.f;
  }

  // Key t of this sequence sits at cache row row_start + t: element ((row_start + t)·KVH + kvh)·D.
  const int64_t key_stride = a.kv_heads * D;
  const int64_t offset0 = (static_cast<int64_t>(a.row_start[seq]) * a.kv_heads + kvh) * D + part * kVec;
  const T* kp = static_cast<const T*>(a.k_cache) + offset0;
  const T* vp = static_cast<const T*>(a.v_cache) + offset0;
  // base is warp-uniform, so every lane of a warp runs the same iterations and the shuffles are full-warp.
  // kUnroll key sets per iteration: all their loads are issued before any use (more bytes in flight).
  for (int64_t base = begin + warp * kKeysPerWarp; base < end; base += kStates * kUnroll) {
    float k[kUnroll][kVec], v[kUnroll][kVec];
    bool valid[kUnroll];
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      const int64_t t = base + u * kStates + sub;
      valid[u] = t < end;
      if (valid[u]) {
        load_vec(kp + t * key_stride, k[u]);
        load_vec(vp + t * key_stride, v[u]);
      } else {
#pragma unroll
        for (int i = 0; i < kVec; ++i) k[u][i] = 0.f, v[u][i] = 0.f;
      }
    }
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
#pragma unroll
      for (int g = 0; g < G; ++g) {
        float s = 0.f;
#pragma unroll
        for (int i = 0; i < kVec; ++i) s = fmaf(q[g][i], k[u][i], s);
#pragma unroll
        for (int off = kLanesPerKey / 2; off > 0; off >>= 1) s += __shfl_xor_sync(0xffffffffu, s, off);
        if (valid[u] && g < group) {
          const float mn = fmaxf(m[g], s);
          const float alpha = exp2f(m[g] - mn), p = exp2f(s - mn);  // alpha = 0 on the first key (m = −inf)
          l[g] = l[g] * alpha + p;
#pragma unroll
          for (int i = 0; i < kVec; ++i) acc[g][i] = fmaf(acc[g][i], alpha, p * v[u][i]);
          m[g] = mn;
        }
      }
    }
  }

  const int state = warp * kKeysPerWarp + sub;
#pragma unroll
  for (int g = 0; g < G; ++g) {
    if (part == 0) s_max[state][g] = m[g], s_sum[state][g] = l[g];
#pragma unroll
    for (int i = 0; i < kVec; ++i) s_acc[state][g][part * kVec + i] = acc[g][i];
  }
  __syncthreads();

  // Merge the kStates states: M = max m_j, L = Σ 2^(m_j − M)·l_j, A = Σ 2^(m_j − M)·acc_j; out = A / L.
  T* out = static_cast<T*>(a.out);
  for (int idx = threadIdx.x; idx < group * D; idx += kThreads) {
    const int g = idx / D, d = idx % D;
    float M = neg_inf();
    for (int j = 0; j < kStates; ++j) M = fmaxf(M, s_max[j][g]);
    float L = 0.f, A = 0.f;
    if (M != neg_inf()) {
      for (int j = 0; j < kStates; ++j) {
        const float w = merge_weight(s_max[j][g], M);
        L += w * s_sum[j][g];
        A += w * s_acc[j][g][d];
      }
    }
    const int64_t row = seq * a.heads + head0 + g;
    if (a.splits == 1) {
      out[row * D + d] = from_float<T>(L > 0.f ? A / L : 0.f);
    } else {
      const int64_t p = row * a.splits + split;
      a.part_acc[p * D + d] = A;
      if (d == 0) a.part_max[p] = M, a.part_sum[p] = L;
    }
  }
}

// One CTA of D threads per (sequence, head): the same merge over the splits' partials.
template <class T, int D>
__global__ void decode_attention_combine_kernel(DecodeAttentionArgs a) {
  const int64_t row = blockIdx.x;  // seq·H + head
  const int d = threadIdx.x;
  const float* pm = a.part_max + row * a.splits;
  const float* ps = a.part_sum + row * a.splits;
  float M = neg_inf();
  for (int64_t s = 0; s < a.splits; ++s) M = fmaxf(M, pm[s]);
  float L = 0.f, A = 0.f;
  if (M != neg_inf()) {
    for (int64_t s = 0; s < a.splits; ++s) {
      if (pm[s] == neg_inf()) continue;  // neutral partial: its acc was never written
      const float w = exp2f(pm[s] - M);
      L += w * ps[s];
      A += w * a.part_acc[(row * a.splits + s) * D + d];
    }
  }
  static_cast<T*>(a.out)[row * D + d] = from_float<T>(L > 0.f ? A / L : 0.f);
}

template <class T, int D, int G>
void launch_split(const DecodeAttentionArgs& a, cudaStream_t stream) {
  const dim3 grid(static_cast<unsigned>(a.n * a.kv_heads), static_cast<unsigned>(a.splits));
  decode_attention_split_kernel<T, D, G><<<grid, kThreads, 0, stream>>>(a);
  if (a.splits > 1) decode_attention_combine_kernel<T, D><<<static_cast<unsigned>(a.n * a.heads), D, 0, stream>>>(a);
}

template <class T, int D>
void launch_group(const DecodeAttentionArgs& a, cudaStream_t stream) {
  const int64_t group = a.heads / a.kv_heads;
  if (group <= 1) launch_split<T, D, 1>(a, stream);
  else if (group <= 2) launch_split<T, D, 2>(a, stream);
  else if (group <= 4) launch_split<T, D, 4>(a, stream);
  else launch_split<T, D, 8>(a, stream);
}

}  // namespace

void launch_decode_attention(const DecodeAttentionArgs& args, KernelDtype dtype, cudaStream_t stream) {
  if (args.n == 0) return;
  with_kernel_type(dtype, [&](auto t) {
    using T = decltype(t);
    if constexpr (!std::is_same_v<T, float>) {  // the dispatch sends only bf16/fp16
      if (args.head_dim == 64) launch_group<T, 64>(args, stream);
      else launch_group<T, 128>(args, stream);
    }
  });
}

}  // namespace grpo
