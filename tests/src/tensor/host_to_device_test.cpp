// host_to_device: the values arrive, on CPU it is a plain tensor, and on CUDA the host does not wait for
// the stream (the point of it), while every copy still lands its own values.
#include "src/tensor/host_to_device.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "test_util.h"

#ifdef GRPO_WITH_CUDA
#include <ATen/cuda/Sleep.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>
#endif

namespace grpo {
namespace {

TEST(HostToDevice, CpuKeepsValuesAndTypes) {
  const auto a = host_to_device(std::vector<int64_t>{3, -1, 7}, torch::kLong, torch::kCPU);
  EXPECT_TRUE(torch::equal(a, torch::tensor({3, -1, 7}, torch::kLong)));
  const auto b = host_to_device(std::vector<int32_t>{0, 5}, torch::kInt, torch::kCPU);
  EXPECT_EQ(b.scalar_type(), torch::kInt);
  EXPECT_EQ(b[1].item<int>(), 5);
  const auto c = host_to_device(std::vector<float>{0.25f}, torch::kFloat, torch::kCPU);
  EXPECT_EQ(c.item<float>(), 0.25f);
  EXPECT_EQ(host_to_device(std::vector<int64_t>{}, torch::kLong, torch::kCPU).numel(), 0);
  const auto t = torch::arange(6).view({2, 3});
  EXPECT_TRUE(torch::equal(host_to_device(t, torch::kCPU), t));
}

#ifdef GRPO_WITH_CUDA

TEST(HostToDeviceCuda, DoesNotWaitForTheStreamAndEveryCopyLands) {
  GRPO_REQUIRE_CUDA();
  const auto stream = c10::cuda::getCurrentCUDAStream();
  stream.synchronize();
  at::cuda::sleep(int64_t{200} * 1000 * 1000);  // ~0.1 s of device work queued ahead of the copies
  std::vector<at::Tensor> copies;
  for (int64_t i = 0; i < 64; ++i)
    copies.push_back(host_to_device(std::vector<int64_t>{i, 2 * i, 3 * i}, torch::kLong, torch::kCUDA));
  // A copy that synced would have drained the sleep: the stream must still be busy now.
  EXPECT_EQ(cudaStreamQuery(stream.stream()), cudaErrorNotReady);
  (void)cudaGetLastError();  // the query's "not ready" must not reach a later launch check
  stream.synchronize();
  for (int64_t i = 0; i < 64; ++i) {
    ASSERT_TRUE(copies[i].is_cuda());
    EXPECT_TRUE(torch::equal(copies[i].cpu(), torch::tensor({i, 2 * i, 3 * i}, torch::kLong))) << i;
  }
  const auto f = host_to_device(std::vector<float>{1.5f, -2.0f}, torch::kFloat, torch::kCUDA);
  EXPECT_TRUE(torch::equal(f.cpu(), torch::tensor({1.5f, -2.0f})));
  const auto empty = host_to_device(std::vector<int32_t>{}, torch::kInt, torch::kCUDA);
  EXPECT_TRUE(empty.is_cuda());
  EXPECT_EQ(empty.numel(), 0);
  EXPECT_EQ(empty.scalar_type(), torch::kInt);
}

#endif

}  // namespace
}  // namespace grpo
