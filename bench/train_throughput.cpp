// Training throughput of CausalLM on one GPU: forward + backward + AdamW over packed batches of
// random tokens (default 8 sequences x 2048 tokens), bf16 weights, random-init preset shapes.
//   build/bench/train_throughput --preset qwen2.5-0.5b --steps 10 [--grad-ckpt 0|1] [--chunk-tokens 2048]
//   (--device cpu --preset tiny --lr 1e-2: a functional smoke run; the loss must fall)
// Prints tokens/s and MFU with MFU = achieved FLOP/s / peak (H100 SXM bf16 dense: 989 TFLOP/s) and
//   FLOP per token = 6·N + 12·L·(H·D)·S      (PaLM, arXiv:2204.02311, App. B; N = all parameters,
//                                              embedding counted once when tied; S = sequence length)
// which is the formula behind the HF reference figures (61.9k tok/s = 22% MFU on Qwen2.5-0.5B).
// Recomputation under gradient checkpointing is not counted (it is overhead, not model FLOPs).
#include <c10/cuda/CUDACachingAllocator.h>
#include <fmt/format.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "src/model/causal_lm.h"
#include "src/model/presets.h"
#include "src/tensor/kernel_profile.h"

namespace {

struct Args {
  std::string preset = "qwen2.5-0.5b", device = "cuda";
  int steps = 10, warmup = 3, seqs = 8, seq_len = 2048, grad_ckpt = 1;
  int64_t chunk_tokens = 2048;
  double peak_tflops = 989.0, lr = 1e-6;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--preset") a.preset = v;
    else if (k == "--device") a.device = v;  // cpu: a functional smoke run of the same step
    else if (k == "--steps") a.steps = std::stoi(v);
    else if (k == "--warmup") a.warmup = std::stoi(v);
    else if (k == "--seqs") a.seqs = std::stoi(v);
    else if (k == "--seq-len") a.seq_len = std::stoi(v);
    else if (k == "--grad-ckpt") a.grad_ckpt = std::stoi(v);
    else if (k == "--chunk-tokens") a.chunk_tokens = std::stoll(v);
    else if (k == "--lr") a.lr = std::stod(v);
    else if (k == "--peak-tflops") a.peak_tflops = std::stod(v);
    else throw std::runtime_error("unknown option " + k);
  }
  return a;
}

// AdamW as torch.optim.AdamW(fused=True): one multi-tensor CUDA kernel for all parameters.
struct FusedAdamW {
  std::vector<at::Tensor> params, m, v, steps;
  double lr = 1e-6, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, wd = 0.01;
  explicit FusedAdamW(std::vector<at::Tensor> ps) : params(std::move(ps)) {
    for (auto& p : params) {
      m.push_back(torch::zeros_like(p));
      v.push_back(torch::zeros_like(p));
      steps.push_back(torch::zeros({}, p.options().dtype(torch::kFloat)));
    }
  }
  void step() {
    std::vector<at::Tensor> grads;
    for (auto& p : params) grads.push_back(p.grad());
    at::_foreach_add_(steps, 1);
    at::_fused_adamw_(params, grads, m, v, {}, steps, lr, beta1, beta2, wd, eps, false, false);
  }
};

double peak_gib() {
  if (!torch::cuda::is_available()) return 0.0;
  const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(0);
  return static_cast<double>(stats.allocated_bytes[0].peak) / (1ull << 30);  // [0] = aggregate over pools
}

}  // namespace

int run(const Args& a) {
  const bool cuda = a.device == "cuda";
  if (cuda && !torch::cuda::is_available()) {
    std::fprintf(stderr, "train_throughput: needs a CUDA GPU (or --device cpu for a smoke run)\n");
    return 1;
  }
  const auto config = grpo::model_preset(a.preset);
  const auto dev = cuda ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
  const auto opts = torch::TensorOptions().dtype(cuda ? torch::kBFloat16 : torch::kFloat).device(dev);
  grpo::CausalLM lm(config, opts);
  lm->init_weights(0);
  lm->set_gradient_checkpointing(a.grad_ckpt != 0);
  FusedAdamW opt(lm->parameters());
  opt.lr = a.lr;

  // One packed batch of random tokens built once: the step itself has no host<->device sync.
  torch::manual_seed(0);
  const int64_t T = int64_t{a.seqs} * a.seq_len;
  auto ids = torch::randint(config.vocab_size, {T}, torch::TensorOptions().dtype(torch::kLong).device(dev));
  auto targets = torch::randint(config.vocab_size, {T}, ids.options());
  auto advantages = torch::randn({T}, opts.dtype(torch::kFloat));
  auto batch = grpo::make_packed_batch(ids, std::vector<int64_t>(a.seqs, a.seq_len));
  const grpo::LogProbOptions lp_opts{false, a.chunk_tokens};

  auto step = [&] {
    auto lp = lm->token_logprobs(batch, targets, lp_opts).logprobs;
    auto loss = -(lp * advantages).mean();  // a policy-gradient-shaped loss
    loss.backward();
    opt.step();
    lm->zero_grad();
    return loss;
  };
  at::Tensor first_loss;
  for (int i = 0; i < a.warmup; ++i) {
    auto l = step();
    if (i == 0) first_loss = l;
  }
  if (cuda) torch::cuda::synchronize();
  const auto t0 = std::chrono::steady_clock::now();
  at::Tensor loss;
  {
    const auto profile = grpo::KernelProfile::from_env();  // GRPO_PROFILE=FILE: the timed steps only
    for (int i = 0; i < a.steps; ++i) loss = step();
    if (cuda) torch::cuda::synchronize();
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  const double n_params = static_cast<double>(config.num_parameters());
  const double flops_per_token = 6.0 * n_params + 12.0 * config.num_hidden_layers * config.q_size() * a.seq_len;
  const double tok_s = static_cast<double>(T) * a.steps / secs;
  const double mfu = tok_s * flops_per_token / (a.peak_tflops * 1e12);
  std::printf("%s", fmt::format("preset={} params={:.3f}B tokens/step={} ({}x{}) grad_ckpt={} steps={} loss {:.4f} -> {:.4f}\n",
                                a.preset, n_params / 1e9, T, a.seqs, a.seq_len, a.grad_ckpt, a.steps,
                                first_loss.defined() ? first_loss.item<double>() : NAN, loss.item<double>()).c_str());
  std::printf("%s", fmt::format("step {:.1f} ms  throughput {:.1f}k tok/s  MFU {:.1f}%  peak mem {:.1f} GiB\n",
                                1e3 * secs / a.steps, tok_s / 1e3, 100 * mfu,
                                peak_gib()).c_str());
  return 0;
}

int main(int argc, char** argv) {
  try {
    return run(parse(argc, argv));
  } catch (const c10::Error& e) {
    std::fprintf(stderr, "train_throughput: %s\n", e.what_without_backtrace());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "train_throughput: %s\n", e.what());
  }
  return 1;
}
