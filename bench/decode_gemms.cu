// The decode step's GEMMs, one shape at a time: what cuBLAS's default pick costs against every cuBLASLt
// algorithm its heuristic offers, timed the way a decode graph runs them. Decides whether picking an
// algorithm per shape is worth wiring into the decode graphs (issue 5).
//
// y[M, N] = x[M, K] · W[N, K]ᵀ (+ bias), bf16 in and out, fp32 accumulation, as at::linear computes it.
// Each timing replays a CUDA graph of `copies` GEMMs over as many weight copies (more bytes than L2 holds, so
// the weights come from DRAM as they do in decode; x stays in L2, as a layer's input does).
// The reference is what at::linear runs: cublasGemmEx, or cuBLASLt's first heuristic pick for a GEMM with a
// bias. For each algorithm the line says whether its output equals the reference's bit for bit (then it could
// replace at::linear without changing a token) and how many memset nodes capture added (each one breaks the
// graph's kernel-to-kernel chain). A drop-in has the same bits and no more memsets than the reference.
//   build/bench/decode_gemms [--preset 0.5b|1.5b] [--batch 1024] [--show 6]
#include <cublasLt.h>
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/check_cuda.h"

namespace {

struct Shape {
  const char* name;
  int n, k;
  bool bias;
};

std::vector<Shape> shapes_of(const std::string& preset) {
  if (preset == "0.5b")  // hidden 896, 14 + 2 + 2 heads of 64, intermediate 4864
    return {{"q/k/v", 1152, 896, true},
            {"o", 896, 896, false},
            {"gate/up", 9728, 896, false},
            {"down", 896, 4864, false},
            {"lm head", 151936, 896, false}};
  if (preset == "1.5b")  // hidden 1536, 12 + 2 + 2 heads of 128, intermediate 8960
    return {{"q/k/v", 2048, 1536, true},
            {"o", 1536, 1536, false},
            {"gate/up", 17920, 1536, false},
            {"down", 1536, 8960, false},
            {"lm head", 151936, 1536, false}};
  std::fprintf(stderr, "decode_gemms: unknown preset %s (0.5b or 1.5b)\n", preset.c_str());
  std::exit(2);
}

__global__ void fill_bf16(unsigned short* p, long n, unsigned seed) {  // small random bf16 values in [-1, 1)
  for (long i = blockIdx.x * long(blockDim.x) + threadIdx.x; i < n; i += long(gridDim.x) * blockDim.x) {
    unsigned h = unsigned(i) * 2654435761u ^ seed;
    h ^= h >> 15;
    h *= 2246822519u;
    h ^= h >> 13;
    const float v = (h & 0xffff) / 32768.0f - 1.0f;
    p[i] = static_cast<unsigned short>(__float_as_uint(v) >> 16);
  }
}

struct Case {
  cublasHandle_t blas{};
  cublasLtHandle_t lt{};
  cudaStream_t stream{};
  Shape s{};
  int m = 0, copies = 0;
  std::vector<void*> weights;
  void *x = nullptr, *y = nullptr, *bias = nullptr, *workspace = nullptr;
  size_t workspace_bytes = 64 << 20;
  cublasLtMatmulDesc_t desc{};
  cublasLtMatrixLayout_t a{}, b{}, c{};

  void run_gemm_ex(int i) const {
    const float alpha = 1, beta = 0;
    CHECK_CUDA(cublasGemmEx(blas, CUBLAS_OP_T, CUBLAS_OP_N, s.n, m, s.k, &alpha, weights[i], CUDA_R_16BF, s.k, x,
                            CUDA_R_16BF, s.k, &beta, y, CUDA_R_16BF, s.n, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
  }
  void run_lt(int i, const cublasLtMatmulAlgo_t& algo, size_t ws) const {
    const float alpha = 1, beta = 0;
    CHECK_CUDA(cublasLtMatmul(lt, desc, &alpha, weights[i], a, x, b, &beta, y, c, y, c, &algo, workspace, ws, stream));
  }
  // Time per GEMM of one graph replay over all copies; also counts the graph's memset nodes.
  template <class Gemm>
  float time_graph(Gemm gemm, int* memsets) const {
    cudaGraph_t graph{};
    CHECK_CUDA(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal));
    for (int i = 0; i < copies; ++i) gemm(i);
    CHECK_CUDA(cudaStreamEndCapture(stream, &graph));
    size_t nodes = 0;
    CHECK_CUDA(cudaGraphGetNodes(graph, nullptr, &nodes));
    std::vector<cudaGraphNode_t> list(nodes);
    CHECK_CUDA(cudaGraphGetNodes(graph, list.data(), &nodes));
    *memsets = 0;
    for (auto node : list) {
      cudaGraphNodeType type{};
      CHECK_CUDA(cudaGraphNodeGetType(node, &type));
      *memsets += type == cudaGraphNodeTypeMemset;
    }
    cudaGraphExec_t exec{};
    CHECK_CUDA(cudaGraphInstantiate(&exec, graph, 0));
    cudaEvent_t start{}, stop{};
    CHECK_CUDA(cudaEventCreate(&start));
    CHECK_CUDA(cudaEventCreate(&stop));
    CHECK_CUDA(cudaGraphLaunch(exec, stream));
    constexpr int kReplays = 10;
    CHECK_CUDA(cudaEventRecord(start, stream));
    for (int r = 0; r < kReplays; ++r) CHECK_CUDA(cudaGraphLaunch(exec, stream));
    CHECK_CUDA(cudaEventRecord(stop, stream));
    CHECK_CUDA(cudaEventSynchronize(stop));
    float ms = 0;
    CHECK_CUDA(cudaEventElapsedTime(&ms, start, stop));
    CHECK_CUDA(cudaGraphExecDestroy(exec));
    CHECK_CUDA(cudaGraphDestroy(graph));
    CHECK_CUDA(cudaEventDestroy(start));
    CHECK_CUDA(cudaEventDestroy(stop));
    return ms * 1000 / (kReplays * copies);
  }
  std::vector<unsigned short> output() const {
    std::vector<unsigned short> host(size_t(m) * s.n);
    CHECK_CUDA(cudaStreamSynchronize(stream));
    CHECK_CUDA(cudaMemcpy(host.data(), y, host.size() * 2, cudaMemcpyDeviceToHost));
    return host;
  }
};

int config_attr(const cublasLtMatmulAlgo_t& algo, cublasLtMatmulAlgoConfigAttributes_t attr) {
  uint32_t value = 0;
  size_t written = 0;
  cublasLtMatmulAlgoConfigGetAttribute(&algo, attr, &value, sizeof(value), &written);
  return static_cast<int>(value);
}

void bench_shape(Case& cs, int show) {
  const Shape& s = cs.s;
  const int m = cs.m;
  const double flops = 2.0 * m * s.n * s.k;
  CHECK_CUDA(cublasLtMatmulDescCreate(&cs.desc, CUBLAS_COMPUTE_32F, CUDA_R_32F));
  const cublasOperation_t transpose = CUBLAS_OP_T;
  CHECK_CUDA(cublasLtMatmulDescSetAttribute(cs.desc, CUBLASLT_MATMUL_DESC_TRANSA, &transpose, sizeof(transpose)));
  if (s.bias) {
    const cublasLtEpilogue_t epilogue = CUBLASLT_EPILOGUE_BIAS;
    CHECK_CUDA(cublasLtMatmulDescSetAttribute(cs.desc, CUBLASLT_MATMUL_DESC_EPILOGUE, &epilogue, sizeof(epilogue)));
    CHECK_CUDA(cublasLtMatmulDescSetAttribute(cs.desc, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &cs.bias, sizeof(cs.bias)));
  }
  CHECK_CUDA(cublasLtMatrixLayoutCreate(&cs.a, CUDA_R_16BF, s.k, s.n, s.k));
  CHECK_CUDA(cublasLtMatrixLayoutCreate(&cs.b, CUDA_R_16BF, s.k, m, s.k));
  CHECK_CUDA(cublasLtMatrixLayoutCreate(&cs.c, CUDA_R_16BF, s.n, m, s.n));

  int memsets = 0, reference_memsets = 0;
  std::vector<unsigned short> reference;
  float reference_us = 0;
  const char* reference_name = "cublasGemmEx";
  cublasLtMatmulPreference_t pref{};
  CHECK_CUDA(cublasLtMatmulPreferenceCreate(&pref));
  CHECK_CUDA(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &cs.workspace_bytes,
                                                  sizeof(cs.workspace_bytes)));
  std::vector<cublasLtMatmulHeuristicResult_t> found(64);
  int count = 0;
  CHECK_CUDA(cublasLtMatmulAlgoGetHeuristic(cs.lt, cs.desc, cs.a, cs.b, cs.c, cs.c, pref, int(found.size()),
                                            found.data(), &count));
  found.resize(count);
  if (s.bias) {  // at::linear with a bias runs cuBLASLt's first heuristic pick (torch's gemm_and_bias)
    reference_name = "cuBLASLt first pick";
    reference_us =
        cs.time_graph([&](int i) { cs.run_lt(i, found[0].algo, found[0].workspaceSize); }, &reference_memsets);
    cs.run_lt(0, found[0].algo, found[0].workspaceSize);
  } else {
    reference_us = cs.time_graph([&](int i) { cs.run_gemm_ex(i); }, &reference_memsets);
    cs.run_gemm_ex(0);
  }
  reference = cs.output();
  std::printf("%-8s M=%4d N=%6d K=%5d  %s %8.2f us %4.0f TFLOPS (%d memsets)\n", s.name, m, s.n, s.k, reference_name,
              reference_us, flops / reference_us / 1e6, reference_memsets);

  struct Row {
    float us;
    int index, memsets;
    bool same;
  };
  std::vector<Row> rows;
  for (int i = 0; i < count; ++i) {
    const float us = cs.time_graph([&](int j) { cs.run_lt(j, found[i].algo, found[i].workspaceSize); }, &memsets);
    cs.run_lt(0, found[i].algo, found[i].workspaceSize);
    rows.push_back({us, i, memsets, cs.output() == reference});
  }
  std::sort(rows.begin(), rows.end(), [](const Row& l, const Row& r) { return l.us < r.us; });
  const Row* best_clean = nullptr;  // same bits, no more memsets than the reference: a drop-in replacement
  for (const auto& r : rows)
    if (r.same && r.memsets <= reference_memsets && (!best_clean || r.us < best_clean->us)) best_clean = &r;
  for (size_t shown = 0; shown < rows.size() && int(shown) < show; ++shown) {
    const Row& r = rows[shown];
    const auto& algo = found[r.index].algo;
    std::printf(
        "    #%-2d %8.2f us %4.0f TFLOPS  tile %3d stages %3d split-k %2d cluster %2d ws %8zu  memsets %d  %s\n",
        r.index, r.us, flops / r.us / 1e6, config_attr(algo, CUBLASLT_ALGO_CONFIG_TILE_ID),
        config_attr(algo, CUBLASLT_ALGO_CONFIG_STAGES_ID), config_attr(algo, CUBLASLT_ALGO_CONFIG_SPLITK_NUM),
        config_attr(algo, CUBLASLT_ALGO_CONFIG_CLUSTER_SHAPE_ID), found[r.index].workspaceSize, r.memsets,
        r.same ? "same bits" : "differs");
  }
  if (best_clean)
    std::printf("    best drop-in: #%d %.2f us, %.2fx the reference\n", best_clean->index, best_clean->us,
                reference_us / best_clean->us);
  else
    std::printf("    no drop-in among %d algorithms\n", count);
  cublasLtMatmulPreferenceDestroy(pref);
  cublasLtMatrixLayoutDestroy(cs.a);
  cublasLtMatrixLayoutDestroy(cs.b);
  cublasLtMatrixLayoutDestroy(cs.c);
  cublasLtMatmulDescDestroy(cs.desc);
}

}  // namespace

int main(int argc, char** argv) {
  std::string preset = "0.5b";
  std::vector<int> batches;
  int show = 6;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--preset")
      preset = value;
    else if (key == "--batch")
      batches.push_back(std::stoi(value));
    else if (key == "--show")
      show = std::stoi(value);
    else {
      std::fprintf(stderr, "decode_gemms: unknown option %s (takes --preset, --batch, --show)\n", key.c_str());
      return 2;
    }
  }
  if (batches.empty()) batches = {256, 1024};
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
    std::fprintf(stderr, "decode_gemms: no CUDA device\n");
    return 1;
  }
  Case cs;
  CHECK_CUDA(cudaStreamCreateWithFlags(&cs.stream, cudaStreamNonBlocking));
  CHECK_CUDA(cublasCreate(&cs.blas));
  CHECK_CUDA(cublasSetStream(cs.blas, cs.stream));
  CHECK_CUDA(cublasLtCreate(&cs.lt));
  CHECK_CUDA(cudaMalloc(&cs.workspace, cs.workspace_bytes));
  CHECK_CUDA(cublasSetWorkspace(cs.blas, cs.workspace, cs.workspace_bytes));
  int l2 = 0;
  CHECK_CUDA(cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, 0));
  for (const Shape& s : shapes_of(preset)) {
    const size_t weight_bytes = size_t(s.n) * s.k * 2;
    cs.s = s;
    cs.copies = int(std::clamp<size_t>(4 * size_t(l2) / weight_bytes + 1, 4, 64));
    for (int i = 0; i < cs.copies; ++i) {
      void* w = nullptr;
      CHECK_CUDA(cudaMalloc(&w, weight_bytes));
      fill_bf16<<<1024, 256, 0, cs.stream>>>(static_cast<unsigned short*>(w), long(s.n) * s.k, 17u + i);
      cs.weights.push_back(w);
    }
    const int widest = *std::max_element(batches.begin(), batches.end());
    CHECK_CUDA(cudaMalloc(&cs.x, size_t(widest) * s.k * 2));
    CHECK_CUDA(cudaMalloc(&cs.y, size_t(widest) * s.n * 2));
    CHECK_CUDA(cudaMalloc(&cs.bias, size_t(s.n) * 2));
    fill_bf16<<<1024, 256, 0, cs.stream>>>(static_cast<unsigned short*>(cs.x), long(widest) * s.k, 5u);
    fill_bf16<<<64, 256, 0, cs.stream>>>(static_cast<unsigned short*>(cs.bias), s.n, 9u);
    for (int m : batches) {
      cs.m = m;
      bench_shape(cs, show);
    }
    for (void* w : cs.weights) CHECK_CUDA(cudaFree(w));
    cs.weights.clear();
    for (void* p : {cs.x, cs.y, cs.bias}) CHECK_CUDA(cudaFree(p));
  }
  return 0;
}
