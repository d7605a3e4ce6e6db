// The H100 memory bandwidth that issue 5's roofline divides by: device-to-device copies of a large buffer
// (bytes read + bytes written per second), and a read-only reduction over it for comparison.
//   build/bench/copy_bandwidth [--gib 2] [--reps 20]
// Prints one line per measurement; the last one is the copy figure as a bare number (TB/s) for scripts.
#include <c10/cuda/CUDAStream.h>
#include <fmt/format.h>
#include <torch/torch.h>

#include <ATen/cuda/CUDAEvent.h>
#include <string>

namespace {

// Mean seconds per call of fn over `reps` calls on the current stream, after two warm-up calls.
template <class Fn> double seconds_per_call(int reps, Fn&& fn) {
  for (int i = 0; i < 2; ++i) fn();
  at::cuda::CUDAEvent start(cudaEventDefault), stop(cudaEventDefault);
  const auto stream = c10::cuda::getCurrentCUDAStream();
  start.record(stream);
  for (int i = 0; i < reps; ++i) fn();
  stop.record(stream);
  stop.synchronize();
  return start.elapsed_time(stop) / 1e3 / reps;
}

}  // namespace

int main(int argc, char** argv) {
  double gib = 2;
  int reps = 20;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--gib") gib = std::stod(v);
    else if (k == "--reps") reps = std::stoi(v);
    else {
      fmt::print(stderr, "copy_bandwidth: unknown option {} (takes --gib, --reps)\n", k);
      return 2;
    }
  }
  if (!torch::cuda::is_available()) {
    fmt::print(stderr, "copy_bandwidth: no CUDA device\n");
    return 1;
  }
  torch::NoGradGuard no_grad;
  const auto n = static_cast<int64_t>(gib * (1 << 30) / 2);  // bf16 elements
  const auto opts = torch::TensorOptions().dtype(torch::kBFloat16).device(torch::kCUDA);
  auto src = torch::ones({n}, opts), dst = torch::empty({n}, opts);
  const double bytes = 2.0 * static_cast<double>(n);
  const double copy_s = seconds_per_call(reps, [&] { dst.copy_(src); });
  const double read_s = seconds_per_call(reps, [&] { (void)src.sum(); });
  fmt::print("buffer {:.2f} GiB, {} reps\n", bytes / (1 << 30), reps);
  fmt::print("read (sum):       {:.3f} TB/s read\n", bytes / read_s / 1e12);
  fmt::print("copy (D2D):       {:.3f} TB/s read + written\n", 2 * bytes / copy_s / 1e12);
  fmt::print("{:.4f}\n", 2 * bytes / copy_s / 1e12);
  return 0;
}
