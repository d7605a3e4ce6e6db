// Decoder: what the rollout engine needs from a language model — a slot-based KV cache owned by the
// model side and a cached forward over it. The engine is generic over this interface; the real model
// (src/model CausalLM + KVCache) joins through a thin adapter, tests through a deterministic fake.
// Implementations never sample, never read stop conditions and never sync with the host on their own.
#pragma once
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <cstdint>
#include <vector>

namespace grpo {

class Decoder {
 public:
  virtual ~Decoder() = default;

  virtual int64_t vocab_size() const = 0;
  virtual c10::Device device() const = 0;

  // KV cache: `slots` independent regions of `capacity` positions each. The engine reserves it before
  // a rollout and releases it afterwards so that the trainer gets the memory back; num_slots() is 0
  // while released. Bytes one position of one slot costs (K and V, all layers): sizes the pool.
  virtual void reserve_cache(int64_t slots, int64_t capacity) = 0;
  virtual void release_cache() = 0;
  virtual int64_t num_slots() const = 0;
  virtual int64_t slot_capacity() const = 0;
  virtual int64_t cache_bytes_per_position() const = 0;

  // One cached forward. Sequence i appends counts[i] tokens to slot slots[i] at positions
  // starts[i] .. starts[i]+counts[i]-1 and attends over positions [0, starts[i]+counts[i]) of its
  // slot. input_ids [sum(counts)] int64 on device(), packed in sequence order (prefill: counts = prompt
  // lengths; decode: counts = 1). Returns logits [n, V] of each sequence's last new token: fp32, or
  // the model dtype where a CUDA decode graph produced them (fp32 would be an exact widening).
  // slots/starts/counts are host vectors: the engine knows them without reading the device.
  virtual at::Tensor forward_cached(const at::Tensor& input_ids, const std::vector<int64_t>& slots,
                                    const std::vector<int64_t>& starts, const std::vector<int64_t>& counts) = 0;

  // Copies positions [0, length) of slot src into every slot of dst (prefix sharing).
  virtual void copy_slot_prefix(int64_t src, const std::vector<int64_t>& dst, int64_t length) = 0;
};

}  // namespace grpo
