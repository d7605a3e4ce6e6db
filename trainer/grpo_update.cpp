#include "trainer/grpo_update.h"

#include <torch/torch.h>

#include <chrono>

#include "src/tensor/host_to_device.h"
#include "src/util/timer.h"
#include "trainer/aggregate.h"
#include "trainer/policy_loss.h"

namespace grpo {
namespace {

// One micro-batch, packed once and reused by every pass.
struct MicroBatch {
  PackedTraining packed;
  at::Tensor advantages;        // [n] float32
  at::Tensor rollout_logp;      // [n, L] sampler log-probs, 0-padded
  at::Tensor logp_old, logp_ref;  // [n, L] or undefined
};

// Per-token log-probs of the trained tokens laid out [n, L] (see PackedTraining::trained_positions).
at::Tensor per_sequence(const at::Tensor& packed_values, const PackedTraining& p) {
  return packed_values.index({p.trained_positions}) * p.trained_mask;
}

at::Tensor padded_rows(const std::vector<std::vector<float>>& rows, const std::vector<size_t>& which, int64_t L,
                       const c10::Device& device) {
  auto out = torch::zeros({static_cast<int64_t>(which.size()), L}, torch::kFloat32);
  auto a = out.accessor<float, 2>();
  for (size_t i = 0; i < which.size(); ++i)
    for (size_t j = 0; j < rows[which[i]].size(); ++j) a[static_cast<int64_t>(i)][static_cast<int64_t>(j)] = rows[which[i]][j];
  return out.to(device);
}

}  // namespace

GrpoUpdateStats grpo_update(TrainingRun& run, CausalLMImpl* reference, const GrpoBatch& batch,
                            const GrpoUpdateOptions& opts) {
  const auto& alg = opts.algorithm;
  CausalLMImpl& policy = *run.model();
  const auto device = run.device();
  GrpoUpdateStats st;

  // Micro-batches by token budget, in sequence order.
  std::vector<int64_t> lengths;
  for (const auto& s : batch.sequences) lengths.push_back(static_cast<int64_t>(s.tokens.size()));
  const auto plan = plan_micro_batches(lengths, opts.micro_batch_tokens);
  const auto advantages = batch.advantages.advantages.reshape({-1}).to(torch::kFloat32);
  std::vector<MicroBatch> micro;
  for (const auto& idx : plan) {
    std::vector<const TrainingSequence*> seqs;
    for (size_t i : idx) seqs.push_back(&batch.sequences[i]);
    MicroBatch mb;
    mb.packed = pack_for_training(seqs, device);
    mb.advantages =
        host_to_device(advantages.index({torch::tensor(std::vector<int64_t>(idx.begin(), idx.end()))}), device);
    mb.rollout_logp = padded_rows(batch.rollout_logprobs, idx, mb.packed.trained_mask.size(1), device);
    st.tokens += mb.packed.trained_tokens;
    micro.push_back(std::move(mb));
  }
  st.micro_batches = static_cast<int64_t>(micro.size());

  LogProbOptions lp_opts;
  lp_opts.temperature = opts.temperature;
  // pi_old: the policy before this step's first update. With one update per rollout it equals the
  // detached current policy, so it is not computed separately (ratio = 1, as TRL does).
  if (alg.num_iterations > 1) {
    torch::NoGradGuard no_grad;
    for (auto& mb : micro) mb.logp_old = per_sequence(policy.token_logprobs(mb.packed.batch, mb.packed.targets, lp_opts).logprobs, mb.packed);
  }
  if (alg.beta > 0 && reference != nullptr) {
    const auto t0 = std::chrono::steady_clock::now();
    torch::NoGradGuard no_grad;
    for (auto& mb : micro) mb.logp_ref = per_sequence(reference->token_logprobs(mb.packed.batch, mb.packed.targets, lp_opts).logprobs, mb.packed);
    st.ref_s = seconds_since(t0);
  }

  AggregateOptions agg;
  agg.mode = parse_loss_aggregation(alg.loss_type);
  agg.num_sequences = static_cast<double>(batch.sequences.size());
  agg.num_tokens = static_cast<double>(st.tokens);
  agg.num_micro_batches = static_cast<double>(micro.size());
  agg.max_completion_length = static_cast<double>(opts.max_completion_length);
  ClipOptions clip;
  clip.eps_low = alg.epsilon;
  clip.eps_high = alg.epsilon_high > 0 ? alg.epsilon_high : alg.epsilon;
  clip.dual_clip_c = alg.dual_clip;
  clip.ratio_cap = alg.delta;
  clip.beta = alg.beta;

  const auto t_update = std::chrono::steady_clock::now();
  auto zero = [&] { return torch::zeros({}, torch::TensorOptions().dtype(torch::kFloat64).device(device)); };
  at::Tensor loss_sum = zero(), kl = zero(), ent = zero(), clip_low = zero(), clip_high = zero(), region = zero(),
             ratio = zero(), lp_diff = zero(), is_w = zero();
  double grad_norm_sum = 0, lr_sum = 0;
  for (int64_t it = 0; it < alg.num_iterations; ++it) {
    const bool first = it == 0;
    for (auto& mb : micro) {
      LogProbOptions o = lp_opts;
      o.entropy = first;
      const auto tl = policy.token_logprobs(mb.packed.batch, mb.packed.targets, o);
      PolicyLossInputs in;
      in.logp = per_sequence(tl.logprobs, mb.packed);
      in.logp_old = mb.logp_old;
      in.logp_ref = mb.logp_ref;
      in.advantages = mb.advantages;
      in.mask = mb.packed.trained_mask;
      const auto base = mb.logp_old.defined() ? mb.logp_old : in.logp.detach();
      if (alg.importance_sampling_cap > 0)  // truncated IS between the sampler and the trainer (TRL's TIS)
        in.is_weights = (base - mb.rollout_logp).exp().clamp_max(alg.importance_sampling_cap) * in.mask;
      const auto out = clipped_policy_loss(in, clip);
      const auto contribution = aggregate_loss(out.per_token_loss, in.mask, agg);
      contribution.backward();
      loss_sum += contribution.detach().to(torch::kFloat64);
      // Ratio, clip and KL statistics over every pass (TRL's means); entropy and the sampler
      // mismatch describe the rollout, so once.
      kl += out.stats.kl.to(torch::kFloat64);
      clip_low += out.stats.clip_low.to(torch::kFloat64);
      clip_high += out.stats.clip_high.to(torch::kFloat64);
      region += out.stats.clip_region.to(torch::kFloat64);
      ratio += out.stats.ratio.to(torch::kFloat64);
      if (first) {
        ent += (per_sequence(tl.entropy.detach(), mb.packed)).sum().to(torch::kFloat64);
        lp_diff += ((base - mb.rollout_logp).abs() * in.mask).sum().to(torch::kFloat64);
        if (in.is_weights.defined()) is_w += in.is_weights.sum().to(torch::kFloat64);
      }
    }
    const auto u = run.apply_gradients();
    grad_norm_sum += u.applied ? u.grad_norm : 0.0;
    lr_sum += u.lr;
    st.skipped_updates += u.applied ? 0 : 1;
  }
  if (device.is_cuda()) torch::cuda::synchronize();
  st.update_s = seconds_since(t_update);
  const double tokens = std::max<double>(1.0, static_cast<double>(st.tokens));
  const double iters = static_cast<double>(alg.num_iterations);
  st.loss = loss_sum.item<double>() / iters;
  st.kl = kl.item<double>() / (tokens * iters);
  st.entropy = ent.item<double>() / tokens;
  st.clip_low = clip_low.item<double>() / (tokens * iters);
  st.clip_high = clip_high.item<double>() / (tokens * iters);
  st.clip_region = region.item<double>() / (tokens * iters);
  st.ratio = ratio.item<double>() / (tokens * iters);
  st.sampler_logprob_diff = lp_diff.item<double>() / tokens;
  st.importance_weight = alg.importance_sampling_cap > 0 ? is_w.item<double>() / tokens : 0.0;
  const int64_t applied = alg.num_iterations - st.skipped_updates;
  st.grad_norm = applied > 0 ? grad_norm_sum / static_cast<double>(applied) : std::nan("");
  st.learning_rate = lr_sum / iters;
  return st;
}

}  // namespace grpo
