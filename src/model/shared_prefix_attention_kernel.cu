// Shared-prefix pass of the decode attention (cascade attention): the G samples of one prompt hold the same
// prompt keys [0, len) in their slots, so a decode step reads those keys once per group, not once per sample.
//
// Work items (chunk of k·prefix_chunk keys, group row, kv head), taken in turn by as many CTAs of 4 warps as the
// GPU holds at once; k is chosen each step from the table (prefix_chunk_scale.h). Member j of the group row
// belongs to warp j % 4, which keeps its online-softmax state (attention_mma.cuh's WarpAttention) in registers. The CTA
// streams 64-key stages of K and V through a cp.async ring shared by its warps; each warp runs every 16-key
// tile of a stage for all its members, loading each K / V fragment from shared memory once. At the end each
// warp writes its members' (max, sum, Oᵀ) as part `chunk` of their rows; decode_attention_kernel.cu, which runs
// next, merges them with the rows' own keys. Reads only device memory: capturable.
#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "src/model/attention_mma.cuh"
#include "src/model/decode_attention_kernel.h"
#include "src/tensor/dependent_launch.cuh"

namespace grpo {
namespace {

using namespace attention_mma;

constexpr int kWarps = 4;
constexpr int kThreads = kWarps * 32;
constexpr int kStageKeys = 64;  // 4 tiles of 16 keys per pipeline stage
template <int D> constexpr int members_per_warp() { return static_cast<int>(shared_prefix_max_members(D)) / kWarps; }
// Stages: 3 × 18 KiB at D = 64 (4 CTAs per SM), 2 × 34 KiB at D = 128 (3 per SM).
template <int D> constexpr int stages() { return D <= 64 ? 3 : 2; }
template <int D> constexpr int stage_bytes() { return 2 * kStageKeys * row_bytes<D>(); }
template <int D> constexpr int smem_bytes() { return stages<D>() * stage_bytes<D>(); }

// One item: keys [begin, end) of group row `entry`'s shared keys, KV head kvh, for all its members.
template <class T, int D>
__device__ __forceinline__ void attend_chunk(const DecodeAttentionArgs& a, const int32_t* entry, int64_t kvh,
                                             int64_t chunk, int64_t begin, int64_t end, unsigned char* smem) {
  constexpr int kMembers = members_per_warp<D>();
  constexpr int kStages = stages<D>();
  constexpr int kRow = row_bytes<D>();
  const int group = static_cast<int>(a.heads / a.kv_heads);
  const int64_t head0 = kvh * group, max_members = a.group_width - 2;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int quad = lane / 4, pair = 2 * (lane % 4);
  int64_t row[kMembers];
  bool live[kMembers];
  const T* q_rows[kMembers];
#pragma unroll
  for (int mi = 0; mi < kMembers; ++mi) {
    const int64_t j = warp + kWarps * mi;
    row[mi] = j < max_members ? entry[2 + j] : -1;
    live[mi] = row[mi] >= 0;
    q_rows[mi] = live[mi] ? static_cast<const T*>(a.q) + (row[mi] * a.heads + head0) * D : nullptr;
  }
  WarpAttention<D, kMembers> att;
  att.template init<T>(q_rows, group, lane);
  const bool any_live = live[0];  // members fill warps 0, 1, ... in turn: a warp without a first has none

  // Shared key t is cache row entry[0] + t: element ((entry[0] + t)·KVH + kvh)·D.
  const int64_t key_stride = a.kv_heads * D;
  const T* kbase = static_cast<const T*>(a.k_cache) + (static_cast<int64_t>(entry[0]) * a.kv_heads + kvh) * D;
  const T* vbase = static_cast<const T*>(a.v_cache) + (static_cast<int64_t>(entry[0]) * a.kv_heads + kvh) * D;
  const uint32_t ring = smem_addr(smem);
  const auto k_stage = [&](int s) { return ring + s * stage_bytes<D>(); };
  const auto v_stage = [&](int s) { return k_stage(s) + kStageKeys * kRow; };
  const int stage_count = static_cast<int>((end - begin + kStageKeys - 1) / kStageKeys);
  const auto load_stage = [&](int i) {
    if (i < stage_count) {
      const int64_t t0 = begin + static_cast<int64_t>(i) * kStageKeys;
      const int s = i % kStages;
      load_kv_rows<D, kStageKeys>(k_stage(s), v_stage(s), kbase, vbase, key_stride, t0, end, begin, threadIdx.x,
                                  kThreads);
    }
    cp_async_commit();  // an empty group past the end keeps the wait count uniform
  };

  const float qscale = a.scale * kLog2e;
#pragma unroll
  for (int i = 0; i < kStages - 1; ++i) load_stage(i);
  for (int i = 0; i < stage_count; ++i) {
    load_stage(i + kStages - 1);
    cp_async_wait<kStages - 1>();
    __syncthreads();  // every thread's part of stage i has landed
    const int s = i % kStages;
    const int64_t left = end - (begin + static_cast<int64_t>(i) * kStageKeys);
#pragma unroll
    for (int t = 0; t < kStageKeys / kTileKeys && any_live; ++t) {
      const int64_t valid = left - t * kTileKeys;
      if (valid <= 0) break;
      att.template attend_tile<T>(k_stage(s) + t * kTileKeys * kRow, v_stage(s) + t * kTileKeys * kRow,
                                  valid < kTileKeys ? static_cast<int>(valid) : kTileKeys, qscale, live, lane);
    }
    __syncthreads();  // every warp is done with stage s before a later iteration refills it
  }
  cp_async_wait<0>();
  att.reduce_sums();

  // Part `chunk` of each member's rows: lanes of quad 0 hold the heads' (max, sum); Oᵀ goes out as it is held.
#pragma unroll
  for (int mi = 0; mi < kMembers; ++mi) {
    if (!live[mi]) continue;
    const int64_t first = (row[mi] * a.heads + head0) * a.parts + chunk;  // part of head 0; head h: + h·parts
    if (quad == 0) {
#pragma unroll
      for (int h = 0; h < 2; ++h)
        if (pair + h < group) {
          a.part_max[first + (pair + h) * a.parts] = att.m[mi][h];
          a.part_sum[first + (pair + h) * a.parts] = att.l[mi][h];
        }
    }
#pragma unroll
    for (int j = 0; j < D / 16; ++j)
#pragma unroll
      for (int e = 0; e < 4; ++e) {
        const int dim = 16 * j + quad + (e >= 2 ? 8 : 0), head = pair + (e % 2);
        if (head < group) a.part_acc[(first + head * a.parts) * D + dim] = att.o[mi][j][e];
      }
  }
}

template <class T, int D>
__global__ void __launch_bounds__(kThreads) shared_prefix_attention_kernel(DecodeAttentionArgs a) {
  start_after_prior_kernel();
  extern __shared__ __align__(128) unsigned char smem[];
  // The rows in use come first in the table (unused ones have length -1). Count them, and for each chunk scale
  // k the items with work: Σ over rows of ⌈len / (k·prefix_chunk)⌉, times the KV heads.
  __shared__ int s_rows, s_items[kMaxPrefixChunkScale], s_scale;
  if (threadIdx.x == 0) s_rows = 0;
  if (threadIdx.x < kMaxPrefixChunkScale) s_items[threadIdx.x] = 0;
  __syncthreads();
  int rows_here = 0, items_here[kMaxPrefixChunkScale] = {};
  const int base_chunk = static_cast<int>(a.prefix_chunk);
  for (int64_t g = threadIdx.x; g < a.max_groups; g += kThreads) {
    const int len = a.groups[g * a.group_width + 1];
    if (len < 0) continue;
    ++rows_here;
    const int base_chunks = (len + base_chunk - 1) / base_chunk;  // ⌈len / (k·c)⌉ = ⌈⌈len / c⌉ / k⌉
#pragma unroll
    for (int k = 0; k < kMaxPrefixChunkScale; ++k) items_here[k] += (base_chunks + k) / (k + 1);
  }
  if (rows_here > 0) {
    atomicAdd(&s_rows, rows_here);
#pragma unroll
    for (int k = 0; k < kMaxPrefixChunkScale; ++k)
      atomicAdd(&s_items[k], items_here[k] * static_cast<int>(a.kv_heads));
  }
  __syncthreads();
  // Every CTA picks the same scale; the first one stores it for the per-row pass and the merge.
  if (threadIdx.x == 0) {
    s_scale = choose_prefix_chunk_scale(s_items, static_cast<int>(gridDim.x));
    if (blockIdx.x == 0) *a.chunk_scale = s_scale;
  }
  __syncthreads();
  const int64_t rows = s_rows, chunk_keys = s_scale * a.prefix_chunk;
  const int64_t chunks = (a.prefix_parts + s_scale - 1) / s_scale;  // enough for the longest prefix
  // Items (chunk, group row, kv head), the chunk varying slowest. Chunks past a row's shared keys are skipped at
  // once, and with rows of similar lengths they are the last items, so the CTAs that take a second item mostly
  // take such an empty one. (With the row varying slowest, 16 rows x 9 chunks x 2 heads on a grid of 264 CTAs,
  // 2 per SM at 200 registers, gave 24 CTAs a second real item: the pass took two items' time.)
  const int64_t items = chunks * rows * a.kv_heads;
  for (int64_t item = blockIdx.x; item < items; item += gridDim.x) {
    const int64_t kvh = item % a.kv_heads, g = item / a.kv_heads % rows, chunk = item / (a.kv_heads * rows);
    const int32_t* entry = a.groups + g * a.group_width;
    const int64_t len = entry[1];
    const int64_t begin = chunk * chunk_keys;
    if (begin >= len) continue;  // a chunk past the shared keys: the merge skips it
    attend_chunk<T, D>(a, entry, kvh, chunk, begin, len < begin + chunk_keys ? len : begin + chunk_keys, smem);
    __syncthreads();  // the ring is free before the next item's first loads
  }
}

template <class T, int D>
void launch_dim(const DecodeAttentionArgs& a, cudaStream_t stream) {
  auto kernel = shared_prefix_attention_kernel<T, D>;
  static const bool configured = [&] {  // above 48 KiB of dynamic shared memory needs an opt-in
    return cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, smem_bytes<D>()) == cudaSuccess;
  }();
  (void)configured;  // a failure surfaces as the launch error, which the caller checks
  static const int64_t resident = [&] {  // CTAs the GPU holds at once
    int device = 0, sms = 0, per_sm = 0;
    cudaGetDevice(&device);
    cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device);
    cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, kernel, kThreads, smem_bytes<D>());
    return std::max<int64_t>(1, int64_t{sms} * per_sm);
  }();
  const int64_t items = a.max_groups * a.prefix_parts * a.kv_heads;
  launch_dependent(kernel, static_cast<unsigned>(std::min(items, resident)), kThreads, smem_bytes<D>(), stream, a);
}

}  // namespace

void launch_shared_prefix_attention(const DecodeAttentionArgs& args, KernelDtype dtype, cudaStream_t stream) {
  if (args.max_groups == 0 || args.prefix_parts == 0) return;
  with_attention_types(dtype, args.head_dim,
                       [&](auto t, auto d) { launch_dim<decltype(t), decltype(d)::value>(args, stream); });
}

}  // namespace grpo
