// DecodeGraphs: CUDA-graph replay of CausalLM::forward_cached for decode steps (every sequence appends
// one token). Without it a decode step issues ~25 ATen launches per layer from the host, and small
// and medium batches are bound by that host work, not by the GPU (docs/benchmarks.md). One graph per
// batch bucket (powers of two), captured on first use over static buffers; a step then costs one small
// host->device copy of the (slot, position) pairs, one device copy of the tokens and one graph launch.
//
// Rows past the live batch (bucket padding) write their K/V into `scratch_slot`, which the caller
// reserves and never hands out. Graphs hold the addresses of the weights and of the cache: they are
// valid while both keep their storage (in-place weight updates are fine); drop the object before the
// cache is reallocated. Used by rollout/model_decoder.h; not thread-safe.
#pragma once
#include <ATen/core/Tensor.h>
#include <c10/core/Allocator.h>

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "src/model/causal_lm.h"
#include "src/model/kv_cache.h"
#include "src/model/prefix_sharing.h"

namespace grpo {

class DecodeGraphs {
 public:
  // Whether this build and `model` can replay decode graphs: CUDA build, model on a GPU in bf16/fp16,
  // and a flash kernel that takes grouped K/V heads natively (the fallback path builds index tensors
  // on the host, which a graph cannot replay).
  static bool supported(const CausalLM& model);

  DecodeGraphs(CausalLM model, KVCache& cache, int64_t scratch_slot);
  ~DecodeGraphs();
  DecodeGraphs(const DecodeGraphs&) = delete;
  DecodeGraphs& operator=(const DecodeGraphs&) = delete;

  // Same contract as CausalLM::forward_cached with counts all 1: input_ids [n] int64 on the device;
  // returns logits [n, V] in the model dtype (not widened to fp32: the sampler reads them as they are).
  // The result is a view of the bucket's static output: read it before the next call. With `sharing`, rows whose
  // slots share at least kMinSharedKeys prompt keys read them once per group (a second graph per bucket).
  at::Tensor forward(const at::Tensor& input_ids, const std::vector<int64_t>& slots,
                     const std::vector<int64_t>& positions, const PrefixSharing* sharing = nullptr);

  // Below this many shared keys a group's rows read their prompt keys one by one: the group pass saves less than
  // its partial writes and merge cost (H100, B = 1024, G = 8: 0.97x the per-row attention at 128 shared keys of
  // 640, 1.06x at 256; docs/benchmarks.md).
  static constexpr int64_t kMinSharedKeys = 192;

  int64_t graphs_captured() const;
  // Steps that read shared prefixes once per group.
  int64_t shared_prefix_steps() const { return shared_steps_; }

  struct Bucket;  // one batch size's static buffers and graph (decode_graphs.cpp)

 private:
  Bucket& bucket_for(int64_t n, bool shared);
  int64_t max_members() const;  // of a prefix group row, at this model's head dimension

  CausalLM model_;
  KVCache& cache_;
  int64_t scratch_slot_;
  std::map<std::pair<int64_t, bool>, std::unique_ptr<Bucket>> buckets_;  // by padded batch size, shared prefixes
  int64_t shared_steps_ = 0;
  c10::MempoolId_t pool_{0, 0};  // one graph memory pool shared by all buckets
};

}  // namespace grpo
