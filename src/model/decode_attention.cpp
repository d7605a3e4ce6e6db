// Dispatch of the split-KV decode attention kernel: checks, split choice and scratch allocation
// (through the torch caching allocator, so graph capture pools it). Never syncs with the host.
#include "src/model/decode_attention.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstdint>

#include "src/tensor/device.h"
#include "src/util/error.h"

#ifdef GRPO_WITH_CUDA
#include <ATen/cuda/CUDAContext.h>

#include "src/model/decode_attention_kernel.h"
#endif

namespace grpo {

namespace {
// Splits shorter than this cost more in partial writes and the merge than they gain in parallelism.
constexpr int64_t kMinSplitKeys = 64;
// CTAs per SM the split count aims for. A CTA's cp.async rings take 55 KiB at D = 64 and 70 KiB at
// D = 128, so 4 and 3 CTAs are resident per SM: aiming at 3 fills about one wave without splitting a
// batch that already does (B = 256 with 2 KV heads: 512 CTAs, one wave at D = 64), since each split
// beyond one costs a partial write and the merge kernel.
constexpr int64_t kCtasPerSm = 3;
// Shared-prefix chunks: a group row's CTAs each take one chunk, so short chunks spread a few groups over the
// GPU; each chunk costs its members a partial write and a merge read, so at most 16 per row. Chunks are whole
// 64-key stages of the prefix kernel.
constexpr int64_t kMinPrefixChunk = 128, kPrefixStageKeys = 64;
// The kernel reads rows with 16-byte vector loads.
bool aligned16(const at::Tensor& t) { return reinterpret_cast<uintptr_t>(t.data_ptr()) % 16 == 0; }
}  // namespace

DecodeSplits decode_attention_splits(int64_t n, int64_t kv_heads, int64_t capacity, int64_t sm_count) {
  const int64_t ctas = std::max<int64_t>(1, n * kv_heads);
  const int64_t want = (kCtasPerSm * sm_count + ctas - 1) / ctas;
  const int64_t most = std::max<int64_t>(1, std::min<int64_t>(capacity / kMinSplitKeys, 65535));
  DecodeSplits s;
  s.splits = std::clamp<int64_t>(want, 1, most);
  s.split_len = (capacity + s.splits - 1) / s.splits;
  return s;
}

int64_t decode_attention_max_members(int64_t head_dim) {
#ifdef GRPO_WITH_CUDA
  return shared_prefix_max_members(head_dim);
#else
  return head_dim <= 64 ? 16 : 8;
#endif
}

bool decode_attention_supported(const at::Tensor& q, const at::Tensor& k_cache, const at::Tensor& v_cache) {
#ifdef GRPO_WITH_CUDA
  if (!q.is_cuda() || !fused_kernels_enabled()) return false;
  const auto dt = q.scalar_type();
  if ((dt != torch::kBFloat16 && dt != torch::kHalf) || k_cache.scalar_type() != dt || v_cache.scalar_type() != dt)
    return false;
  if (q.dim() != 3 || k_cache.dim() != 4 || !k_cache.is_contiguous() || !v_cache.is_contiguous() ||
      k_cache.sizes() != v_cache.sizes() || !aligned16(k_cache) || !aligned16(v_cache))
    return false;
  const int64_t heads = q.size(1), dim = q.size(2), kv_heads = k_cache.size(2);
  return (dim == 64 || dim == 128) && k_cache.size(3) == dim && kv_heads > 0 && heads % kv_heads == 0 &&
         heads / kv_heads <= kDecodeAttentionMaxGroup;
#else
  (void)q, (void)k_cache, (void)v_cache;
  return false;
#endif
}

at::Tensor decode_attention(const at::Tensor& q, const at::Tensor& k_cache, const at::Tensor& v_cache,
                            const at::Tensor& row_start, const at::Tensor& seqused, double scale,
                            const PrefixGroups& groups) {
  if (!decode_attention_supported(q, k_cache, v_cache))
    fail(
        "decode_attention: unsupported input (q {} {} on {}, cache {}). HINT: call cached_attention, which falls "
        "back to FlashAttention or the exact path",
        c10::str(q.sizes()), dtype_name(q.scalar_type()), q.device().str(), c10::str(k_cache.sizes()));
#ifdef GRPO_WITH_CUDA
  const int64_t n = q.size(0), heads = q.size(1), dim = q.size(2);
  const int64_t kv_heads = k_cache.size(2), capacity = k_cache.size(1);
  if (row_start.scalar_type() != torch::kInt || seqused.scalar_type() != torch::kInt || row_start.numel() < n ||
      seqused.numel() < n || !row_start.is_cuda() || !seqused.is_cuda())
    fail("decode_attention: row_start and seqused must be int32 CUDA tensors of at least {} entries (got {} and {})", n,
         row_start.numel(), seqused.numel());
  const bool shared = groups.suffix_begin.defined();
  if (shared) {
    const auto& sb = groups.suffix_begin;
    const auto& t = groups.table;
    if (sb.scalar_type() != torch::kInt || !sb.is_cuda() || !sb.is_contiguous() || sb.numel() < n || !t.defined() ||
        t.scalar_type() != torch::kInt || !t.is_cuda() || t.dim() != 2 || !t.is_contiguous() || t.size(1) < 3 ||
        t.size(1) - 2 > decode_attention_max_members(dim))
      fail(
          "decode_attention: prefix groups must be contiguous int32 CUDA tensors, suffix_begin of at least {} entries "
          "and a "
          "contiguous table of 2 + at most {} members per row (got {} and {})",
          n, decode_attention_max_members(dim), c10::str(sb.sizes()), t.defined() ? c10::str(t.sizes()) : "none");
  }
  auto qc = q.contiguous();
  if (!aligned16(qc)) qc = qc.clone();  // a view at an odd storage offset
  const auto rows = row_start.contiguous(), used = seqused.contiguous();
  auto out = torch::empty_like(qc);
  const int64_t sms = at::cuda::getCurrentDeviceProperties()->multiProcessorCount;
  const auto split = decode_attention_splits(n, kv_heads, capacity, sms);
  DecodeAttentionArgs a;
  if (shared) {
    a.suffix_begin = groups.suffix_begin.data_ptr<int32_t>();
    a.groups = groups.table.data_ptr<int32_t>();
    a.max_groups = groups.table.size(0), a.group_width = groups.table.size(1);
    // A shared prefix is at most capacity - 1 keys: every row holds at least its newest key past it.
    const int64_t longest = std::max<int64_t>(capacity - 1, 1);
    const int64_t parts =
        std::min<int64_t>(kDecodeAttentionMaxPrefixParts, (longest + kMinPrefixChunk - 1) / kMinPrefixChunk);
    const int64_t stages = ((longest + parts - 1) / parts + kPrefixStageKeys - 1) / kPrefixStageKeys;
    a.prefix_chunk = stages * kPrefixStageKeys;
    a.prefix_parts = (longest + a.prefix_chunk - 1) / a.prefix_chunk;
  }
  a.parts = a.prefix_parts + split.splits;
  at::Tensor part_acc, part_ms, chunk_scale;
  if (shared) {
    chunk_scale = torch::empty({1}, q.options().dtype(torch::kInt));
    a.chunk_scale = chunk_scale.data_ptr<int32_t>();
  }
  if (a.parts > 1) {
    const auto f32 = q.options().dtype(torch::kFloat);
    part_acc = torch::empty({n, heads, a.parts, dim}, f32);
    part_ms = torch::empty({2, n, heads, a.parts}, f32);
    a.part_acc = part_acc.data_ptr<float>();
    a.part_max = part_ms[0].data_ptr<float>();
    a.part_sum = part_ms[1].data_ptr<float>();
  }
  a.q = qc.data_ptr();
  a.k_cache = k_cache.data_ptr();
  a.v_cache = v_cache.data_ptr();
  a.row_start = rows.data_ptr<int32_t>();
  a.seqused = used.data_ptr<int32_t>();
  a.out = out.data_ptr();
  a.n = n, a.heads = heads, a.kv_heads = kv_heads, a.head_dim = dim, a.capacity = capacity;
  a.splits = split.splits, a.split_len = split.split_len;
  a.scale = static_cast<float>(scale);
  launch_decode_attention(a, *kernel_dtype(q.scalar_type()), at::cuda::getCurrentCUDAStream());
  C10_CUDA_KERNEL_LAUNCH_CHECK();
  return out;
#else
  (void)row_start, (void)seqused, (void)scale, (void)groups;
  return {};
#endif
}

}  // namespace grpo
