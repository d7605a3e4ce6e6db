// The fused RoPE kernel (rope_kernel.cu): one launch rotates q and k (and, for the KV cache, writes the
// rotated k and a plain copy of v into the cache rows). src/model/rope.cpp checks shapes, dtypes and
// devices and calls launch_rope; the per-item body lives here so that a CPU test (rope_kernel_test)
// runs the very code the GPU runs. Torch-free; allocates nothing, never syncs (CUDA-graph safe).
#pragma once
#include <cstdint>

#include "src/tensor/kernel_dtype.h"

namespace grpo {

// Rotate-half RoPE on pairs (a, b) = (x[i], x[i + D/2]), c/s = cos/sin tables of the token:
//   forward:  a' = a·c[i] − b·s[i],        b' = b·c[i+D/2] + a·s[i+D/2]      (y = x·c + R(x)·s)
//   inverse:  a' = a·c[i] + b·s[i+D/2],    b' = b·c[i+D/2] − a·s[i]          (x̄ = ȳ·c + Rᵀ(ȳ·s))
// R([a, b]) = [−b, a], Rᵀ([u, v]) = [v, −u]; the inverse is the backward of the forward.
struct RopeKernelArgs {
  // Inputs: token t, head h at x + t·x_row + h·D (heads·D contiguous inside a token row).
  const void* q = nullptr;  // [T, H, D]
  const void* k = nullptr;  // [T, KVH, D]
  const void* v = nullptr;  // [T, KVH, D]; null: no v (training), else copied unrotated
  int64_t q_row = 0, k_row = 0, v_row = 0;
  const void* cos = nullptr;  // [T, D] contiguous
  const void* sin = nullptr;  // [T, D] contiguous
  // Outputs: q_out [T, H, D] contiguous. k_out/v_out rows [rows, KVH, D] contiguous: token t writes
  // row write_index[t] (0 <= row < out_rows, else skipped), or row t when write_index is null.
  void* q_out = nullptr;
  void* k_out = nullptr;
  void* v_out = nullptr;
  const int64_t* write_index = nullptr;
  int64_t out_rows = 0;
  int64_t tokens = 0, heads = 0, kv_heads = 0, head_dim = 0;
  bool inverse = false;
  KernelDtype dtype = KernelDtype::kFp32;
};

// Work items: one per (token, head row, chunk of N pairs); head rows are q's H, then k's KVH, then v's.
inline int64_t rope_kernel_items(const RopeKernelArgs& a, int n) {
  const int64_t rows = a.heads + a.kv_heads * (a.v != nullptr ? 2 : 1);
  return a.tokens * rows * (a.head_dim / 2 / n);
}

// The widest N in {max_n, ..., 2, 1} that divides D/2 and every row stride and whose N-element
// packs are aligned at every base pointer (elem_bytes per element).
inline int rope_vector_width(const RopeKernelArgs& a, int elem_bytes, int max_n) {
  const void* ptrs[] = {a.q, a.k, a.v, a.cos, a.sin, a.q_out, a.k_out, a.v_out};
  for (int n = max_n; n > 1; n /= 2) {
    bool ok = (a.head_dim / 2) % n == 0 && a.q_row % n == 0 && a.k_row % n == 0 && a.v_row % n == 0;
    for (const void* p : ptrs) ok = ok && reinterpret_cast<uintptr_t>(p) % (static_cast<uintptr_t>(n) * elem_bytes) == 0;
    if (ok) return n;
  }
  return 1;
}

namespace rope_detail {
#if defined(__CUDACC__)
#define GRPO_ROPE_FN __device__ __forceinline__
#define GRPO_ROPE_UNROLL _Pragma("unroll")
template <class T> __device__ __forceinline__ float load1(T v) { return to_float(v); }
template <class T> __device__ __forceinline__ T store1(float v) { return from_float<T>(v); }
#else  // the CPU test runs the body in fp32
#define GRPO_ROPE_FN inline
#define GRPO_ROPE_UNROLL
template <class T> inline float load1(T v) { return static_cast<float>(v); }
template <class T> inline T store1(float v) { return static_cast<T>(v); }
#endif

template <class T, int N> struct alignas(sizeof(T) * N) Pack {
  T v[N];
};
template <class T, int N> GRPO_ROPE_FN Pack<T, N> load(const T* p) { return *reinterpret_cast<const Pack<T, N>*>(p); }
template <class T, int N> GRPO_ROPE_FN void store(T* p, const Pack<T, N>& x) { *reinterpret_cast<Pack<T, N>*>(p) = x; }
}  // namespace rope_detail

// Work item `item` of rope_kernel_items(a, N): reads N pairs of one head row, writes them rotated
// (v rows: copied). fp32 arithmetic, one rounding to T at the store.
template <class T, int N> GRPO_ROPE_FN void rope_kernel_item(const RopeKernelArgs& a, int64_t item) {
  using namespace rope_detail;
  const int64_t D = a.head_dim, half = D / 2, chunks = half / N;
  const int64_t rows = a.heads + a.kv_heads * (a.v != nullptr ? 2 : 1);
  const int64_t i = (item % chunks) * N;  // first-half element of the chunk's first pair
  const int64_t row = item / chunks, t = row / rows;
  int64_t h = row % rows;
  const T* src;
  T* dst;
  bool rotate = true;
  if (h < a.heads) {
    src = static_cast<const T*>(a.q) + t * a.q_row + h * D;
    dst = static_cast<T*>(a.q_out) + (t * a.heads + h) * D;
  } else {
    h -= a.heads;
    const bool is_v = h >= a.kv_heads;
    if (is_v) h -= a.kv_heads;
    const int64_t out = a.write_index != nullptr ? a.write_index[t] : t;
    if (out < 0 || out >= a.out_rows) return;  // rope.cpp's callers validate rows; never write outside
    src = is_v ? static_cast<const T*>(a.v) + t * a.v_row + h * D : static_cast<const T*>(a.k) + t * a.k_row + h * D;
    dst = static_cast<T*>(is_v ? a.v_out : a.k_out) + (out * a.kv_heads + h) * D;
    rotate = !is_v;
  }
  const Pack<T, N> x1 = load<T, N>(src + i), x2 = load<T, N>(src + half + i);
  if (!rotate) {
    store<T, N>(dst + i, x1);
    store<T, N>(dst + half + i, x2);
    return;
  }
  const T* cos = static_cast<const T*>(a.cos) + t * D;
  const T* sin = static_cast<const T*>(a.sin) + t * D;
  const Pack<T, N> c1 = load<T, N>(cos + i), c2 = load<T, N>(cos + half + i);
  const Pack<T, N> s1 = load<T, N>(sin + i), s2 = load<T, N>(sin + half + i);
  Pack<T, N> y1, y2;
  GRPO_ROPE_UNROLL
  for (int n = 0; n < N; ++n) {
    const float xa = load1(x1.v[n]), xb = load1(x2.v[n]);
    const float ca = load1(c1.v[n]), cb = load1(c2.v[n]), sa = load1(s1.v[n]), sb = load1(s2.v[n]);
    y1.v[n] = store1<T>(a.inverse ? xa * ca + xb * sb : xa * ca - xb * sa);
    y2.v[n] = store1<T>(a.inverse ? xb * cb - xa * sa : xb * cb + xa * sb);
  }
  store<T, N>(dst + i, y1);
  store<T, N>(dst + half + i, y2);
}

}  // namespace grpo

#ifdef GRPO_WITH_CUDA
#include <cuda_runtime_api.h>

namespace grpo {
void launch_rope(const RopeKernelArgs& args, cudaStream_t stream);
}
#endif
