// Host data to the device without a host-device sync.
//
// `torch::tensor(v).to(cuda)` copies from pageable memory and then waits for the stream to drain, so each
// such call empties the queue the host had built up ahead of the GPU: at admission (seven sampler
// parameters, the prompt ids) the GPU then idles while the host launches the next prefill. Here the
// values go through pinned memory and an asynchronous copy on the current stream; the caching host
// allocator keeps the pinned block until that copy has run.
#pragma once
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <cstdint>
#include <vector>

namespace grpo {

// A CPU tensor on `device` (returned as is when the device is the CPU).
at::Tensor host_to_device(const at::Tensor& host, const c10::Device& device);

// The values of v as a 1-D tensor of `dtype` on `device`.
at::Tensor host_to_device(const std::vector<int64_t>& v, c10::ScalarType dtype, const c10::Device& device);
at::Tensor host_to_device(const std::vector<int32_t>& v, c10::ScalarType dtype, const c10::Device& device);
at::Tensor host_to_device(const std::vector<float>& v, c10::ScalarType dtype, const c10::Device& device);

}  // namespace grpo
