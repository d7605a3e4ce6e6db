#include "src/tensor/host_to_device.h"

#include <torch/torch.h>

namespace grpo {

at::Tensor host_to_device(const at::Tensor& host, const c10::Device& device) {
  if (!device.is_cuda() || !host.device().is_cpu()) return host.to(device);
  if (host.numel() == 0) return torch::empty(host.sizes(), host.options().device(device));
  return host.pin_memory().to(device, /*non_blocking=*/true);
}

namespace {
template <class T> at::Tensor from_vector(const std::vector<T>& v, c10::ScalarType dtype, const c10::Device& device) {
  return host_to_device(torch::tensor(v, dtype), device);
}
}  // namespace

at::Tensor host_to_device(const std::vector<int64_t>& v, c10::ScalarType dtype, const c10::Device& device) {
  return from_vector(v, dtype, device);
}
at::Tensor host_to_device(const std::vector<int32_t>& v, c10::ScalarType dtype, const c10::Device& device) {
  return from_vector(v, dtype, device);
}
at::Tensor host_to_device(const std::vector<float>& v, c10::ScalarType dtype, const c10::Device& device) {
  return from_vector(v, dtype, device);
}

}  // namespace grpo
