// Split-KV GQA decode attention on tensor cores (FlashDecoding with the query group as the MMA's N; the MMA
// pieces and the online softmax are in attention_mma.cuh).
//
// One CTA per (sequence, kv head, split), 4 warps. Each warp streams its own 16-key tiles (w, w+4, ...) through a
// cp.async ring in shared memory, with no block-wide barrier until the end, where the 4 warps' (max, sum, Oᵀ)
// merge. Keys past the sequence are zero-filled, never read, and masked. When the row's keys are cut into
// partials (several splits, or a shared prefix whose keys the prefix pass covers), a second small kernel merges
// them. Reads only device memory: capturable.
#include "src/model/decode_attention_kernel.h"

#include <cstdint>
#include <type_traits>

#include "src/model/attention_mma.cuh"
#include "src/tensor/dependent_launch.cuh"

namespace grpo {
namespace {

constexpr int kWarps = 4;
constexpr int kThreads = kWarps * 32;
using namespace attention_mma;

// Ring depth per warp: 2 tiles in flight (D = 64: 4 KiB each) with 4 CTAs resident per SM already keep
// ~100 KiB of loads in flight per SM, more than the bandwidth-latency product (~40 KiB).
template <int D> __host__ __device__ constexpr int stages() { return D <= 64 ? 3 : 2; }
template <int D> __host__ __device__ constexpr int warp_ring_bytes() {
  return stages<D>() * 2 * kTileKeys * row_bytes<D>();
}
template <int D> __host__ __device__ constexpr int smem_bytes() { return kWarps * warp_ring_bytes<D>(); }

// Keys per shared-prefix chunk this step (the prefix pass chose the scale), or 0 without shared prefixes (also
// for an empty table, where the prefix pass does not run and the scale is never written).
__device__ __forceinline__ int prefix_chunk_keys(const DecodeAttentionArgs& a) {
  return a.prefix_parts == 0 || a.max_groups == 0 ? 0 : *a.chunk_scale * static_cast<int>(a.prefix_chunk);
}

// Shared-prefix chunks the prefix pass wrote for a row whose own keys start at `suffix`: one per chunk_keys of
// its shared keys.
__device__ __forceinline__ int64_t prefix_chunks_written(int chunk_keys, int64_t suffix) {
  return chunk_keys == 0 ? 0 : (suffix + chunk_keys - 1) / chunk_keys;
}

template <class T, int D>
__global__ void __launch_bounds__(kThreads) decode_attention_mma_kernel(DecodeAttentionArgs a) {
  start_after_prior_kernel();
  constexpr int kStages = stages<D>();
  constexpr int kRow = row_bytes<D>();
  extern __shared__ __align__(128) unsigned char smem[];

  const int64_t seq = blockIdx.x / a.kv_heads, kvh = blockIdx.x % a.kv_heads, split = blockIdx.y;
  const int group = static_cast<int>(a.heads / a.kv_heads);  // ≤ kCols
  const int64_t head0 = kvh * group;
  const int64_t used = a.seqused[seq];
  const int chunk_keys = a.splits == 1 ? prefix_chunk_keys(a) : 0;  // loaded now, used by the merge
  // With shared prefixes, this row's own keys start at suffix_begin; the prefix pass covers the rest.
  const int64_t suffix = a.suffix_begin != nullptr ? a.suffix_begin[seq] : 0;
  const int64_t begin = suffix + split * a.split_len;
  const int64_t end = begin + a.split_len < used ? begin + a.split_len : used;
  const int64_t part = a.prefix_parts + split;
  if (begin >= end && a.splits > 1) {  // split past the context: a neutral partial
    if (threadIdx.x < group) {
      const int64_t p = (seq * a.heads + head0 + threadIdx.x) * a.parts + part;
      a.part_max[p] = neg_inf();
      a.part_sum[p] = 0.f;
    }
    return;
  }

  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int quad = lane / 4, pair = 2 * (lane % 4);  // fragment row, first fragment column
  WarpAttention<D, 1> att;
  const T* q_rows[1] = {static_cast<const T*>(a.q) + (seq * a.heads + head0) * D};
  att.template init<T>(q_rows, group, lane);
  const bool live[1] = {true};

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
      load_kv_rows<D, kTileKeys>(k_stage(s), v_stage(s), kbase, vbase, key_stride, t0, end, begin, lane, 32);
    }
    cp_async_commit();  // an empty group past the end keeps the wait count uniform
  };

  const float qscale = a.scale * kLog2e;
#pragma unroll
  for (int i = 0; i < kStages - 1; ++i) load_tile(i);
  for (int i = 0; i < my_tiles; ++i) {
    load_tile(i + kStages - 1);
    cp_async_wait<kStages - 1>();
    __syncwarp();
    const int s = i % kStages;
    const int64_t left = end - tile_first_key(i);
    att.template attend_tile<T>(k_stage(s), v_stage(s), left < kTileKeys ? static_cast<int>(left) : kTileKeys, qscale,
                                live, lane);
    __syncwarp();  // every lane is done with stage s before a later iteration refills it
  }
  cp_async_wait<0>();
  att.reduce_sums();
  __syncthreads();  // the rings are free: reuse them for the merge of the 4 warps

  float* s_max = reinterpret_cast<float*>(smem);  // [kWarps][kCols]
  float* s_sum = s_max + kWarps * kCols;           // [kWarps][kCols]
  float* s_acc = s_sum + kWarps * kCols;           // [kWarps][kCols][D]
  if (quad == 0) {
#pragma unroll
    for (int h = 0; h < 2; ++h)
      s_max[warp * kCols + pair + h] = att.m[0][h], s_sum[warp * kCols + pair + h] = att.l[0][h];
  }
#pragma unroll
  for (int j = 0; j < D / 16; ++j)
#pragma unroll
    for (int e = 0; e < 4; ++e) {
      const int dim = 16 * j + quad + (e >= 2 ? 8 : 0), head = pair + (e % 2);
      s_acc[(warp * kCols + head) * D + dim] = att.o[0][j][e];
    }
  __syncthreads();

  // Merge the warps' states, and with one split also the row's shared-prefix chunks (the prefix pass ran before
  // this kernel); out = A / L. With several splits each writes its partial and the merge kernel adds them up.
  const int64_t prefix_written = prefix_chunks_written(chunk_keys, suffix);  // chunk_keys is 0 with several splits
  T* out = static_cast<T*>(a.out);
  // kChunks: how many prefix chunk states the merge takes beyond the warps' (0 without shared prefixes). Each is
  // loaded before any is used (a fixed, unrolled count of predicated loads), so the merge waits for global memory
  // once, not once per chunk.
  const auto merge_and_store = [&](auto chunks) {
    constexpr int kChunks = decltype(chunks)::value;
    for (int idx = threadIdx.x; idx < group * D; idx += kThreads) {
      const int h = idx / D, d = idx % D;
      const int64_t row = seq * a.heads + head0 + h;
      float pm[kChunks + 1], ps[kChunks + 1], pa[kChunks + 1];
#pragma unroll
      for (int j = 0; j < kChunks; ++j) {
        const bool has = j < prefix_written;
        const int64_t p = row * a.parts + j;
        pm[j] = has ? a.part_max[p] : neg_inf();
        ps[j] = has ? a.part_sum[p] : 0.f;
        pa[j] = has ? a.part_acc[p * D + d] : 0.f;
      }
      const auto [M, L, A] = merge_partials(
          kWarps + kChunks, [&](int64_t j) { return j < kWarps ? s_max[j * kCols + h] : pm[j - kWarps]; },
          [&](int64_t j) { return j < kWarps ? s_sum[j * kCols + h] : ps[j - kWarps]; },
          [&](int64_t j) { return j < kWarps ? s_acc[(j * kCols + h) * D + d] : pa[j - kWarps]; });
      if (a.splits == 1) {
        out[row * D + d] = from_float<T>(L > 0.f ? A / L : 0.f);
      } else {
        const int64_t pidx = row * a.parts + part;
        a.part_acc[pidx * D + d] = A;
        if (d == 0) a.part_max[pidx] = M, a.part_sum[pidx] = L;
      }
    }
  };
  if (prefix_written > 0) merge_and_store(std::integral_constant<int, kDecodeAttentionMaxPrefixParts>{});
  else merge_and_store(std::integral_constant<int, 0>{});
}

// One CTA of D threads per (sequence, head): the merge over the row's partials. Prefix chunks past the row's
// shared keys were not written (or the row is in no group) and are skipped without being read.
template <class T, int D>
__global__ void decode_attention_combine_kernel(DecodeAttentionArgs a) {
  start_after_prior_kernel();
  const int64_t row = blockIdx.x;  // seq·H + head
  const int d = threadIdx.x;
  const int64_t prefix_written =
      a.prefix_parts == 0 ? 0 : prefix_chunks_written(prefix_chunk_keys(a), a.suffix_begin[row / a.heads]);
  const float* pm = a.part_max + row * a.parts;
  const float* ps = a.part_sum + row * a.parts;
  const auto [M, L, A] = merge_partials(
      a.parts, [&](int64_t s) { return s < a.prefix_parts && s >= prefix_written ? neg_inf() : pm[s]; },
      [&](int64_t s) { return ps[s]; }, [&](int64_t s) { return a.part_acc[(row * a.parts + s) * D + d]; });
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
  if (args.prefix_parts > 0) launch_shared_prefix_attention(args, dtype, stream);
  with_attention_types(dtype, args.head_dim,
                       [&](auto t, auto d) { launch_dim<decltype(t), decltype(d)::value>(args, stream); });
}

}  // namespace grpo
