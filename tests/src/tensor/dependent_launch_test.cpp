// Programmatic dependent launch (src/tensor/dependent_launch.cuh): two of our kernels captured back to back
// are joined by a programmatic edge in the graph (so the second may be scheduled before the first ends), and
// the replay still computes what two ordered eager launches compute, also after the input changes in place.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cstdlib>
#include <string_view>
#include <vector>

#include "test_util.h"

#ifdef GRPO_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>

#include "src/tensor/rms_norm_kernel.h"
#endif

namespace grpo {
namespace {

#ifdef GRPO_WITH_CUDA

TEST(DependentLaunchCuda, GraphEdgeIsProgrammaticAndReplayKeepsTheOrder) {
  GRPO_REQUIRE_CUDA();
  const char* off = std::getenv("GRPO_DEPENDENT_LAUNCH");
  if (off != nullptr && std::string_view(off) == "0") GTEST_SKIP() << "GRPO_DEPENDENT_LAUNCH=0";
  const auto bf = torch::TensorOptions().device(torch::kCUDA).dtype(torch::kBFloat16);
  const int64_t rows = 1024, cols = 896;
  torch::manual_seed(5);
  auto x = torch::randn({rows, cols}, bf), w = torch::rand({cols}, bf) + 0.5;
  auto y = torch::empty_like(x), z = torch::empty_like(x);
  const auto stream = c10::cuda::getStreamFromPool();
  c10::cuda::CUDAStreamGuard guard(stream);
  // z = norm(norm(x)): the second kernel reads what the first writes.
  const auto both = [&] {
    launch_rms_norm(x.data_ptr(), w.data_ptr(), y.data_ptr(), nullptr, rows, cols, 1e-6f, KernelDtype::kBf16, stream);
    launch_rms_norm(y.data_ptr(), w.data_ptr(), z.data_ptr(), nullptr, rows, cols, 1e-6f, KernelDtype::kBf16, stream);
  };
  both();
  stream.synchronize();
  const auto eager = z.clone();

  cudaGraph_t graph = nullptr;
  ASSERT_EQ(cudaSuccess, cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal));
  both();
  ASSERT_EQ(cudaSuccess, cudaStreamEndCapture(stream, &graph));
  size_t edges = 0;
  ASSERT_EQ(cudaSuccess, cudaGraphGetEdges(graph, nullptr, nullptr, nullptr, &edges));
  ASSERT_EQ(edges, 1u);
  cudaGraphNode_t from = nullptr, to = nullptr;
  cudaGraphEdgeData data{};
  ASSERT_EQ(cudaSuccess, cudaGraphGetEdges(graph, &from, &to, &data, &edges));
  int major = 0;
  ASSERT_EQ(cudaSuccess, cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, stream.device_index()));
  if (major >= 9) {  // Hopper and later
    EXPECT_EQ(data.type, cudaGraphDependencyTypeProgrammatic);
  }

  cudaGraphExec_t exec = nullptr;
  ASSERT_EQ(cudaSuccess, cudaGraphInstantiate(&exec, graph, 0));
  z.zero_();
  ASSERT_EQ(cudaSuccess, cudaGraphLaunch(exec, stream));
  stream.synchronize();
  EXPECT_TRUE(torch::equal(z, eager));
  // New input in place: the replay's second kernel must see the first one's new output.
  x.copy_(torch::randn({rows, cols}, bf));
  both();
  stream.synchronize();
  const auto eager_new = z.clone();
  z.zero_();
  y.zero_();
  ASSERT_EQ(cudaSuccess, cudaGraphLaunch(exec, stream));
  stream.synchronize();
  EXPECT_TRUE(torch::equal(z, eager_new));
  EXPECT_FALSE(torch::equal(eager_new, eager));
  ASSERT_EQ(cudaSuccess, cudaGraphExecDestroy(exec));
  ASSERT_EQ(cudaSuccess, cudaGraphDestroy(graph));
}

#endif  // GRPO_WITH_CUDA

}  // namespace
}  // namespace grpo
