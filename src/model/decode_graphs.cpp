// Decode graphs: per bucket, static (slot, position) and token buffers, the CachedStep built from them
// by device ops inside the graph, and the captured forward. Only the flash-native-GQA path of
// cached_attention is captured: it reads nothing but tensors (no host vectors).
#include "src/model/decode_graphs.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include "src/model/attention.h"
#include "src/model/decode_attention.h"
#include "src/util/error.h"
#include "src/util/log.h"
#include "src/util/timer.h"

#ifdef GRPO_WITH_CUDA
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace grpo {

struct DecodeGraphs::Bucket {
#ifdef GRPO_WITH_CUDA
  at::cuda::CUDAGraph graph;  // declared first: destroyed after the tensors whose memory it pools
#endif
  int64_t size = 0;
  at::Tensor ids;         // [P] int64: the tokens fed back
  at::Tensor meta;        // [2, P] int64: row i appends at (slot meta[0][i], position meta[1][i])
  at::Tensor cu_q;        // [P+1] int32: 0..P (one query per row)
  at::Tensor last_index;  // [P] int64: 0..P-1
  at::Tensor cu_k_tail;   // [1] int32: S·C, the end of the last slot region
  // Shared-prefix buckets only: PrefixPlan's suffix_begin [P], then its table [max(1, P/2), width], int32.
  at::Tensor prefix;
  int64_t prefix_width = 0;
  at::Tensor logits;  // [P, V] in the model dtype, written by each replay
};

namespace {

// Padded batch sizes: powers of two. A finer grid pads less but captures more graphs per rollout
// (each capture costs about one eager forward plus instantiation).
int64_t bucket_size(int64_t n) {
  int64_t p = 1;
  while (p < n) p *= 2;
  return p;
}

}  // namespace

bool DecodeGraphs::supported(const CausalLM& model) {
#ifdef GRPO_WITH_CUDA
  const auto o = model->options();
  const auto dt = o.dtype().toScalarType();
  return o.device().is_cuda() && (dt == torch::kBFloat16 || dt == torch::kHalf) && model->config().head_dim <= 256 &&
         flash_native_gqa();
#else
  (void)model;
  return false;
#endif
}

DecodeGraphs::DecodeGraphs(CausalLM model, KVCache& cache, int64_t scratch_slot)
    : model_(std::move(model)), cache_(cache), scratch_slot_(scratch_slot) {
  if (!supported(model_))
    fail("decode graphs: this build or model cannot replay CUDA graphs (needs a CUDA bf16/fp16 model)");
  if (scratch_slot < 0 || scratch_slot >= cache.slots())
    fail("decode graphs: scratch slot {} outside the cache's {} slots", scratch_slot, cache.slots());
}

DecodeGraphs::~DecodeGraphs() = default;

int64_t DecodeGraphs::graphs_captured() const { return static_cast<int64_t>(buckets_.size()); }

int64_t DecodeGraphs::max_members() const { return decode_attention_max_members(model_->config().head_dim); }

#ifdef GRPO_WITH_CUDA
namespace {

// The decode step of bucket b as device ops on its static buffers (captured into the graph).
at::Tensor decode_forward(CausalLM& model, KVCache& cache, const DecodeGraphs::Bucket& b) {
  const auto& meta = b.meta;
  const int64_t C = cache.capacity();
  const auto slots = meta[0], positions = meta[1];
  CachedStep s;
  s.input_ids = b.ids;
  s.position_ids = positions;
  s.write_index = slots * C + positions;
  s.cu_seqlens_q = b.cu_q;
  s.cu_seqlens_k = torch::cat({(slots * C).to(torch::kInt), b.cu_k_tail});
  s.seqused_k = (positions + 1).to(torch::kInt);
  s.last_index = b.last_index;
  s.max_q = 1;
  if (b.prefix.defined()) {
    const int64_t P = b.size;
    s.suffix_begin = b.prefix.narrow(0, 0, P);
    s.prefix_groups = b.prefix.narrow(0, P, b.prefix.numel() - P).view({-1, b.prefix_width});
  }
  // Logits stay in the model dtype: the sampler kernel reads bf16/fp16 rows directly, and widening
  // [P, V] to fp32 here would cost a read and a write of twice the size on every step.
  return model->forward_cached(s, cache, model->options().dtype().toScalarType());
}

}  // namespace

DecodeGraphs::Bucket& DecodeGraphs::bucket_for(int64_t n, bool shared) {
  const int64_t P = bucket_size(n);
  if (auto it = buckets_.find({P, shared}); it != buckets_.end()) return *it->second;
  const auto t0 = std::chrono::steady_clock::now();
  const auto device = model_->options().device();
  const auto on = [&](c10::ScalarType t) { return torch::TensorOptions().dtype(t).device(device); };
  auto b = std::make_unique<Bucket>();
  b->size = P;
  b->ids = torch::zeros({P}, on(torch::kLong));
  b->meta = torch::stack({torch::full({P}, scratch_slot_, on(torch::kLong)), torch::zeros({P}, on(torch::kLong))});
  b->cu_q = torch::arange(P + 1, on(torch::kInt));
  b->last_index = torch::arange(P, on(torch::kLong));
  b->cu_k_tail = torch::full({1}, cache_.slots() * cache_.capacity(), on(torch::kInt));
  if (shared) {  // until the first real step: no group (suffix_begin 0, every table row unused)
    const PrefixPlan none = PrefixSharing().plan({}, P, cache_.capacity(), max_members(), kMinSharedKeys);
    b->prefix_width = none.width;
    b->prefix =
        torch::cat({torch::tensor(none.suffix_begin, torch::kInt), torch::tensor(none.table, torch::kInt)}).to(device);
  }
  torch::NoGradGuard no_grad;
  c10::cuda::CUDAGuard device_guard(device);
  // Capture on a side stream (the legacy default stream cannot capture); one eager run first so that
  // lazy initialisation (cuBLAS workspaces, the flash GQA probe) happens outside the capture. Both
  // runs write only the scratch slot: every row of meta points there until the first real step.
  const auto capture_stream = c10::cuda::getStreamFromPool(/*isHighPriority=*/false, device.index());
  c10::cuda::device_synchronize();
  {
    c10::cuda::CUDAStreamGuard stream_guard(capture_stream);
    decode_forward(model_, cache_, *b);
    capture_stream.synchronize();
    // Buckets share one memory pool: replays run one at a time on one stream, and each replay's
    // logits are consumed before the next replay, so intermediates may alias across graphs.
    if (buckets_.empty()) pool_ = at::cuda::graph_pool_handle();
    b->graph.capture_begin(pool_);
    b->logits = decode_forward(model_, cache_, *b);
    b->graph.capture_end();
  }
  c10::cuda::device_synchronize();
  log_debug("decode graphs: captured batch bucket {}{} in {:.3f} s", P, shared ? " (shared prefixes)" : "",
            seconds_since(t0));
  return *buckets_.emplace(std::make_pair(P, shared), std::move(b)).first->second;
}

at::Tensor DecodeGraphs::forward(const at::Tensor& input_ids, const std::vector<int64_t>& slots,
                                 const std::vector<int64_t>& positions, const PrefixSharing* sharing) {
  const auto n = static_cast<int64_t>(slots.size());
  if (n == 0 || positions.size() != slots.size() || input_ids.numel() != n)
    fail("decode graphs: {} tokens, {} slots and {} positions must agree and be non-empty", input_ids.numel(), n,
         positions.size());
  for (int64_t i = 0; i < n; ++i)
    if (slots[i] < 0 || slots[i] >= cache_.slots() || slots[i] == scratch_slot_ || positions[i] < 0 ||
        positions[i] >= cache_.capacity())
      fail("decode graphs: row {} writes slot {} position {} outside the {} usable slots x {} positions", i, slots[i],
           positions[i], cache_.slots() - 1, cache_.capacity());
  const int64_t P = bucket_size(n);
  std::optional<PrefixPlan> plan;
  if (sharing != nullptr) {
    plan = sharing->plan(slots, P, cache_.capacity(), max_members(), kMinSharedKeys);
    if (plan->groups == 0) plan.reset();
  }
  Bucket& b = bucket_for(n, plan.has_value());
  // A fresh pinned buffer per step: the copy is truly asynchronous, and the caching host allocator
  // keeps the block until the copy has run, so the host never overwrites data still in flight.
  auto meta = torch::empty({2, P}, torch::TensorOptions().dtype(torch::kLong).pinned_memory(true));
  int64_t* m = meta.data_ptr<int64_t>();
  for (int64_t i = 0; i < P; ++i) {
    m[i] = i < n ? slots[i] : scratch_slot_;
    m[P + i] = i < n ? positions[i] : 0;
  }
  b.meta.copy_(meta, /*non_blocking=*/true);
  if (plan) {
    auto prefix = torch::empty({b.prefix.numel()}, torch::TensorOptions().dtype(torch::kInt).pinned_memory(true));
    int32_t* p = prefix.data_ptr<int32_t>();
    std::copy(plan->suffix_begin.begin(), plan->suffix_begin.end(), p);
    std::copy(plan->table.begin(), plan->table.end(), p + P);
    b.prefix.copy_(prefix, /*non_blocking=*/true);
    ++shared_steps_;
  }
  b.ids.narrow(0, 0, n).copy_(input_ids.view({-1}), /*non_blocking=*/true);
  b.graph.replay();
  return b.logits.narrow(0, 0, n);
}

#else

DecodeGraphs::Bucket& DecodeGraphs::bucket_for(int64_t, bool) { fail("decode graphs: built without CUDA"); }
at::Tensor DecodeGraphs::forward(const at::Tensor&, const std::vector<int64_t>&, const std::vector<int64_t>&,
                                 const PrefixSharing*) {
  fail("decode graphs: built without CUDA");
}

#endif

}  // namespace grpo
