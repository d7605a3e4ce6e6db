// Temperature, top-k, top-p, min-p and Gumbel-max sampling as batched tensor ops. Top-k and top-p need
// one descending sort per row; it is skipped when no row of the batch uses them (a host flag, so the
// choice costs no sync). On CUDA, one fused kernel draws instead (rollout/sampler_kernel.cu), after a
// threshold kernel for top-k / top-p (rollout/truncation_kernel.cu) that needs no sort; the CPU always
// runs the chain.
#include "rollout/sampler.h"

#include <torch/torch.h>

#include <cmath>
#include <limits>

#include "src/tensor/host_to_device.h"

#ifdef GRPO_WITH_CUDA
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>

#include "rollout/sampler_kernel.h"
#include "rollout/truncation_kernel.h"
#include "src/tensor/device.h"
#endif

namespace grpo {
namespace {

at::Tensor host_float(const std::vector<float>& v, const c10::Device& d) { return host_to_device(v, torch::kFloat, d); }
at::Tensor host_long(const std::vector<int64_t>& v, const c10::Device& d) { return host_to_device(v, torch::kLong, d); }

void check_logits(const at::Tensor& logits, const SamplerRows& rows) {
  TORCH_CHECK(logits.dim() == 2 && logits.size(0) == rows.size(), "sample_tokens: logits must be [B, V] with B = ",
              rows.size(), " rows, got ", logits.sizes());
}

#ifdef GRPO_WITH_CUDA
// A per-row parameter as the kernel reads it: [B] ([B, 2] for keys) of `dtype`, contiguous, on the
// logits' device. Rows from make_sampler_rows / select_rows / concat_rows are contiguous already.
at::Tensor kernel_param(const at::Tensor& t, at::ScalarType dtype, int64_t width, const at::Tensor& logits,
                        const char* name) {
  const bool shape_ok = width == 1 ? t.dim() == 1 : t.dim() == 2 && t.size(1) == width;
  TORCH_CHECK(t.scalar_type() == dtype && t.device() == logits.device() && shape_ok && t.size(0) == logits.size(0),
              "sample_tokens: SamplerRows::", name, " must be a [B", width == 1 ? "" : ", 2", "] ", dtype,
              " tensor on ", logits.device(), " with B = ", logits.size(0), ", got ", t.scalar_type(), " ", t.sizes(),
              " on ", t.device(), " (build rows with make_sampler_rows)");
  return t.contiguous();
}

// Logits the kernels take: on CUDA, fp32 / bf16 / fp16, and 0 < V <= 2^30 (which keeps the kernels'
// int token index, and index + blockDim, from overflowing).
bool kernel_logits(const at::Tensor& logits) {
  return logits.is_cuda() && kernel_dtype(logits.scalar_type()) && logits.size(1) > 0 &&
         logits.size(1) <= (int64_t{1} << 30);
}

// The kernels' view of the logits (unit stride along V; a row stride, as a [B, T, V] slice has, is fine)
// with the rows' 1 / T and greedy flags. The tensors keep the view's pointers alive.
struct KernelRows {
  at::Tensor logits, inv_t, greedy;
  ScaledLogitRows view;
};

KernelRows kernel_rows(const at::Tensor& logits_in, const SamplerRows& rows) {
  KernelRows k;
  k.logits = logits_in.stride(1) == 1 ? logits_in : logits_in.contiguous();
  k.inv_t = kernel_param(rows.inv_temperature, torch::kFloat, 1, k.logits, "inv_temperature");
  k.greedy = kernel_param(rows.greedy, torch::kBool, 1, k.logits, "greedy");
  k.view.logits = k.logits.data_ptr();
  k.view.rows = k.logits.size(0);
  k.view.vocab = k.logits.size(1);
  k.view.row_stride = k.view.rows > 1 ? k.logits.stride(0) : k.view.vocab;
  k.view.dtype = *kernel_dtype(k.logits.scalar_type());
  k.view.inv_temperature = k.inv_t.data_ptr<float>();
  k.view.greedy = k.greedy.data_ptr<bool>();
  return k;
}

// Each row's smallest kept z under top-k / top-p, -inf for rows that keep everything ([B] fp32).
at::Tensor launch_thresholds(const KernelRows& k, const SamplerRows& rows) {
  const auto top_k = kernel_param(rows.top_k, torch::kLong, 1, k.logits, "top_k");
  const auto top_p = kernel_param(rows.top_p, torch::kFloat, 1, k.logits, "top_p");
  auto keep_from = at::empty({k.view.rows}, k.logits.options().dtype(torch::kFloat));
  TruncationArgs t;
  static_cast<ScaledLogitRows&>(t) = k.view;
  t.top_k = top_k.data_ptr<int64_t>();
  t.top_p = top_p.data_ptr<float>();
  t.keep_from = keep_from.data_ptr<float>();
  launch_truncation_threshold(t, at::cuda::getCurrentCUDAStream());
  C10_CUDA_KERNEL_LAUNCH_CHECK();
  return keep_from;
}

// One or two launches; outputs and thresholds are the only allocations (from the caching allocator, so
// graph capture is fine).
SampledTokens sample_tokens_fused(const at::Tensor& logits_in, const SamplerRows& rows) {
  const c10::cuda::CUDAGuard device_guard(logits_in.device());
  const KernelRows k = kernel_rows(logits_in, rows);
  const int64_t B = k.view.rows;
  SampledTokens out{at::empty({B}, k.logits.options().dtype(torch::kLong)),
                    at::empty({B}, k.logits.options().dtype(torch::kFloat))};
  FusedSamplerArgs a;
  static_cast<ScaledLogitRows&>(a) = k.view;
  const auto log_min_p = kernel_param(rows.log_min_p, torch::kFloat, 1, k.logits, "log_min_p");
  const auto keys = kernel_param(rows.keys, torch::kLong, 2, k.logits, "keys");
  const auto steps = kernel_param(rows.steps, torch::kLong, 1, k.logits, "steps");
  a.log_min_p = log_min_p.data_ptr<float>();
  a.keys = keys.data_ptr<int64_t>();
  a.steps = steps.data_ptr<int64_t>();
  a.apply_min_p = rows.any_min_p;
  at::Tensor keep_from;
  if (rows.any_sorted_truncation) {
    keep_from = launch_thresholds(k, rows);
    a.keep_from = keep_from.data_ptr<float>();
  }
  a.tokens = out.tokens.data_ptr<int64_t>();
  a.logprobs = out.logprobs.data_ptr<float>();
  launch_fused_sampler(a, at::cuda::getCurrentCUDAStream());
  C10_CUDA_KERNEL_LAUNCH_CHECK();
  return out;
}
#endif

}  // namespace

SamplerRows make_sampler_rows(const std::vector<const SamplingParams*>& params, const std::vector<NoiseKey>& keys,
                              const std::vector<int64_t>& steps, int64_t vocab, const c10::Device& device) {
  TORCH_CHECK(params.size() == keys.size() && params.size() == steps.size(),
              "make_sampler_rows: params, keys and steps must have one entry per row");
  std::vector<float> inv_t, top_p, log_min_p;
  std::vector<int64_t> top_k, key_words, greedy;
  SamplerRows rows;
  for (size_t i = 0; i < params.size(); ++i) {
    const SamplingParams& p = *params[i];
    const bool g = p.is_greedy();
    inv_t.push_back(p.temperature > 0.0f ? 1.0f / p.temperature : 1.0f);
    top_k.push_back(p.top_k > 0 && p.top_k < vocab ? p.top_k : vocab);
    top_p.push_back(p.top_p);
    log_min_p.push_back(p.min_p > 0.0f ? std::log(p.min_p) : -std::numeric_limits<float>::infinity());
    greedy.push_back(g ? 1 : 0);
    key_words.push_back(keys[i].lo);
    key_words.push_back(keys[i].hi);
    rows.any_sorted_truncation |= !g && (top_k.back() < vocab || p.top_p < 1.0f);
    rows.any_min_p |= !g && p.min_p > 0.0f;
  }
  const auto n = static_cast<int64_t>(params.size());
  rows.inv_temperature = host_float(inv_t, device);
  rows.top_k = host_long(top_k, device);
  rows.top_p = host_float(top_p, device);
  rows.log_min_p = host_float(log_min_p, device);
  rows.greedy = host_long(greedy, device).to(torch::kBool);
  rows.keys = host_long(key_words, device).view({n, 2});
  rows.steps = host_long(steps, device);
  return rows;
}

SamplerRows select_rows(const SamplerRows& r, const at::Tensor& index) {
  SamplerRows o;
  o.inv_temperature = r.inv_temperature.index_select(0, index);
  o.top_k = r.top_k.index_select(0, index);
  o.top_p = r.top_p.index_select(0, index);
  o.log_min_p = r.log_min_p.index_select(0, index);
  o.greedy = r.greedy.index_select(0, index);
  o.keys = r.keys.index_select(0, index);
  o.steps = r.steps.index_select(0, index);
  // Conservative: a subset never needs more than the whole did.
  o.any_sorted_truncation = r.any_sorted_truncation;
  o.any_min_p = r.any_min_p;
  return o;
}

SamplerRows concat_rows(const SamplerRows& a, const SamplerRows& b) {
  if (a.size() == 0) return b;
  if (b.size() == 0) return a;
  SamplerRows o;
  o.inv_temperature = torch::cat({a.inv_temperature, b.inv_temperature});
  o.top_k = torch::cat({a.top_k, b.top_k});
  o.top_p = torch::cat({a.top_p, b.top_p});
  o.log_min_p = torch::cat({a.log_min_p, b.log_min_p});
  o.greedy = torch::cat({a.greedy, b.greedy});
  o.keys = torch::cat({a.keys, b.keys});
  o.steps = torch::cat({a.steps, b.steps});
  o.any_sorted_truncation = a.any_sorted_truncation || b.any_sorted_truncation;
  o.any_min_p = a.any_min_p || b.any_min_p;
  return o;
}

void advance_steps(SamplerRows& rows) { rows.steps.add_(1); }

at::Tensor truncation_mask(const at::Tensor& z, const SamplerRows& rows) {
  const int64_t V = z.size(1);
  auto keep = torch::ones_like(z, torch::kBool);
  if (rows.any_sorted_truncation) {
    auto [sorted, order] = z.sort(/*dim=*/1, /*descending=*/true);
    // top-k: keep values >= the k-th largest (HF keeps ties at the k-th value too).
    const auto kth = sorted.gather(1, (rows.top_k - 1).unsqueeze(1));
    auto keep_sorted = sorted >= kth;
    // top-p over the top-k-renormalised distribution: keep a token while the mass of the strictly larger
    // values is < top_p; the most likely token is always kept. Equal values share the mass before the
    // first of them, so a tie at the boundary is kept whole, whatever order the sort gave it (as top-k).
    const auto p = torch::softmax(sorted.masked_fill(keep_sorted.logical_not(), -INFINITY), 1);
    const auto position = torch::arange(V, z.options().dtype(torch::kLong)).unsqueeze(0).expand_as(sorted);
    const auto starts_run = torch::ones_like(keep_sorted);
    starts_run.narrow(1, 1, V - 1).copy_(sorted.narrow(1, 1, V - 1) != sorted.narrow(1, 0, V - 1));
    const auto run_start = std::get<0>(torch::where(starts_run, position, torch::zeros_like(position)).cummax(1));
    const auto mass_before = (p.cumsum(1) - p).gather(1, run_start);
    keep_sorted = keep_sorted.logical_and(mass_before < rows.top_p.unsqueeze(1)).logical_or(position == 0);
    keep = torch::zeros_like(keep).scatter(1, order, keep_sorted);
  }
  if (rows.any_min_p) {
    // p_i >= min_p · p_max  <=>  z_i - max z >= log min_p; renormalising after top-k/top-p leaves the
    // ratio p_i / p_max unchanged, so the set does not depend on the order of the warpers.
    const auto rel = z - std::get<0>(z.max(1, /*keepdim=*/true));
    keep = keep.logical_and(rel >= rows.log_min_p.unsqueeze(1));
  }
  return keep;
}

SampledTokens sample_tokens_reference(const at::Tensor& logits, const SamplerRows& rows) {
  check_logits(logits, rows);
  torch::NoGradGuard no_grad;
  const int64_t V = logits.size(1);
  const auto z = logits.to(torch::kFloat) * rows.inv_temperature.unsqueeze(1);            // [B, V]
  const auto logp = torch::log_softmax(z, 1);
  auto score = z.masked_fill(truncation_mask(z, rows).logical_not(), -INFINITY) -
               log_exponential_noise(rows.keys, rows.steps, V);
  score = torch::where(rows.greedy.unsqueeze(1), z, score);
  auto tokens = score.argmax(1);
  return SampledTokens{tokens, logp.gather(1, tokens.unsqueeze(1)).squeeze(1)};
}

at::Tensor truncation_thresholds(const at::Tensor& logits_in, const SamplerRows& rows) {
  check_logits(logits_in, rows);
#ifdef GRPO_WITH_CUDA
  TORCH_CHECK(kernel_logits(logits_in),
              "truncation_thresholds: needs [B, V] fp32 / bf16 / fp16 logits on CUDA with 0 < V <= 2^30, got ",
              logits_in.scalar_type(), " ", logits_in.sizes(), " on ", logits_in.device());
  const c10::cuda::CUDAGuard device_guard(logits_in.device());
  return launch_thresholds(kernel_rows(logits_in, rows), rows);
#else
  TORCH_CHECK(false, "truncation_thresholds: this build has no CUDA kernels (", logits_in.device(), ")");
#endif
}

SampledTokens sample_tokens(const at::Tensor& logits, const SamplerRows& rows) {
  check_logits(logits, rows);
#ifdef GRPO_WITH_CUDA
  if (fused_kernels_enabled() && kernel_logits(logits)) return sample_tokens_fused(logits, rows);
#endif
  return sample_tokens_reference(logits, rows);
}

}  // namespace grpo
