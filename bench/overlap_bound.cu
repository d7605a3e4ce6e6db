// What overlapping the decode attention with the GEMMs could gain, measured without the model: the bound that
// decides whether a two-half-batch pipeline is worth building (issue 5's 50%-of-roofline target at B = 1024).
//
// Stand-ins for one Qwen2.5-0.5B decoder layer at batch B:
//   attention = a streaming read of the layer's KV bytes (B/2 sequences: --half-mb, 100 MB at B = 1024, ctx 384),
//               run by k resident CTAs (one per SM, forced by shared memory) so that it leaves the other SMs free;
//   GEMMs     = q/k/v, o, gate/up and down through cuBLAS (bf16, fp32 accumulation) with M rows, with
//               cublasSetSmCountTarget(132 - k) so that cuBLAS plans for the SMs the read leaves.
// Today's decode runs them one after the other on the whole GPU: read(2 halves) + GEMMs(M = B). A pipeline
// of two half-batches would run read(half) beside GEMMs(M = B/2) twice per layer.
//   build/bench/overlap_bound [--batch 1024] [--half-mb 100] [--reps 48] [--graph 1] [--evict-first 1]
// --graph 1 times each case as one CUDA graph of its reps (decode's way); --evict-first 1 gives the KV reads an
// L2 evict_first hint, so that they leave the GEMMs' weights in L2.
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/check_cuda.h"

namespace {

constexpr int kThreads = 1024;
constexpr int kLoadsInFlight = 8;              // 16-byte loads per thread per round: 128 KiB in flight per SM
constexpr int kSharedBytes = 150 * 1024;       // more than half an SM's shared memory: one CTA per SM

// 16 bytes from global memory; with evict_first, L2 keeps the line only until it needs the space, so a stream
// of them does not push other kernels' data (the GEMMs' weights) out of L2.
template <bool kEvictFirst> __device__ __forceinline__ uint4 load16(const uint4* p, uint64_t policy) {
  if constexpr (!kEvictFirst) return __ldg(p);
  uint4 v;
  asm volatile("ld.global.nc.L2::cache_hint.v4.u32 {%0, %1, %2, %3}, [%4], %5;\n"
               : "=r"(v.x), "=r"(v.y), "=r"(v.z), "=r"(v.w)
               : "l"(p), "l"(policy));
  return v;
}

// Reads n16 16-byte words; the XOR keeps the loads alive and is written only if it hits a magic value.
template <bool kEvictFirst>
__global__ void __launch_bounds__(kThreads) stream_read(const uint4* words, long n16, unsigned* sink) {
  extern __shared__ char reserve[];
  uint64_t policy = 0;
  if constexpr (kEvictFirst) asm volatile("createpolicy.fractional.L2::evict_first.b64 %0, 1.0;\n" : "=l"(policy));
  unsigned acc = 0;
  const long stride = static_cast<long>(gridDim.x) * blockDim.x * kLoadsInFlight;
  for (long i = static_cast<long>(blockIdx.x) * blockDim.x * kLoadsInFlight + threadIdx.x; i < n16; i += stride) {
    uint4 v[kLoadsInFlight];
#pragma unroll
    for (int u = 0; u < kLoadsInFlight; ++u) {
      const long j = i + static_cast<long>(u) * blockDim.x;
      v[u] = j < n16 ? load16<kEvictFirst>(words + j, policy) : make_uint4(0, 0, 0, 0);
    }
#pragma unroll
    for (int u = 0; u < kLoadsInFlight; ++u) acc ^= v[u].x ^ v[u].y ^ v[u].z ^ v[u].w;
  }
  if (acc == 0x9e3779b9u) {
    reserve[threadIdx.x] = 1;
    sink[0] = acc + reserve[0];
  }
}

struct GemmShape { int n, k; };
// Qwen2.5-0.5B: hidden 896, 14 + 2 + 2 heads of 64, intermediate 4864.
const std::vector<GemmShape> kLayerGemms = {{1152, 896}, {896, 896}, {9728, 896}, {896, 4864}};

struct Bench {
  cudaStream_t read_stream{}, gemm_stream{};
  cublasHandle_t blas{};
  char* kv = nullptr;
  long kv_bytes = 0, call_bytes = 0, next_call = 0;
  unsigned* sink = nullptr;
  std::vector<std::vector<void*>> weights;  // copies of the layer's weights, used in turn: more bytes than L2
  size_t next_copy = 0;
  void *x = nullptr, *y = nullptr;
  cudaEvent_t start{}, stop_read{}, fork{}, join{};
  int reps = 48;
  bool graph = false, evict_first = false;

  void read_call(int ctas) {  // rotates over a buffer larger than L2, as the layers' caches do
    const long offset = (next_call++ % (kv_bytes / call_bytes)) * call_bytes;
    const auto* words = reinterpret_cast<const uint4*>(kv + offset);
    if (evict_first) stream_read<true><<<ctas, kThreads, kSharedBytes, read_stream>>>(words, call_bytes / 16, sink);
    else stream_read<false><<<ctas, kThreads, kSharedBytes, read_stream>>>(words, call_bytes / 16, sink);
  }
  void layer_gemms(int m) {
    const float alpha = 1, beta = 0;
    const auto& w = weights[next_copy++ % weights.size()];
    for (size_t i = 0; i < kLayerGemms.size(); ++i) {
      const auto [n, k] = kLayerGemms[i];
      CHECK_CUDA(cublasGemmEx(blas, CUBLAS_OP_T, CUBLAS_OP_N, n, m, k, &alpha, w[i], CUDA_R_16BF, k, x, CUDA_R_16BF,
                              k, &beta, y, CUDA_R_16BF, n, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
    }
  }
  // µs per rep of body(), which queues one rep's work on either stream or both; both streams start together
  // and the later end counts. With `graph`, the reps are captured into one CUDA graph and replayed, as decode runs.
  template <class Body> float per_rep_us(Body body) {
    for (int i = 0; i < 4; ++i) body();  // warm-up: a new SM target can pick kernels that load lazily on first use
    CHECK_CUDA(cudaDeviceSynchronize());
    const auto queue_reps = [&] {
      CHECK_CUDA(cudaEventRecord(fork, read_stream));
      CHECK_CUDA(cudaStreamWaitEvent(gemm_stream, fork));
      for (int i = 0; i < reps; ++i) body();
      CHECK_CUDA(cudaEventRecord(join, gemm_stream));
      CHECK_CUDA(cudaStreamWaitEvent(read_stream, join));
    };
    cudaGraphExec_t exec = nullptr;
    if (graph) {
      cudaGraph_t g = nullptr;
      CHECK_CUDA(cudaStreamBeginCapture(read_stream, cudaStreamCaptureModeGlobal));
      queue_reps();
      CHECK_CUDA(cudaStreamEndCapture(read_stream, &g));
      CHECK_CUDA(cudaGraphInstantiate(&exec, g, 0));
      CHECK_CUDA(cudaGraphDestroy(g));
      CHECK_CUDA(cudaGraphLaunch(exec, read_stream));  // warm
    }
    CHECK_CUDA(cudaEventRecord(start, read_stream));
    if (graph) CHECK_CUDA(cudaGraphLaunch(exec, read_stream));
    else queue_reps();
    CHECK_CUDA(cudaEventRecord(stop_read, read_stream));
    CHECK_CUDA(cudaEventSynchronize(stop_read));
    float ms = 0;
    CHECK_CUDA(cudaEventElapsedTime(&ms, start, stop_read));
    if (exec) CHECK_CUDA(cudaGraphExecDestroy(exec));
    return ms * 1000 / reps;
  }
  float read_us(int ctas) {
    return per_rep_us([&] { read_call(ctas); });
  }
  float gemm_us(int m, int sm_target) {  // sm_target 0: cuBLAS plans for the whole GPU
    CHECK_CUDA(cublasSetSmCountTarget(blas, sm_target));
    return per_rep_us([&] { layer_gemms(m); });
  }
  float concurrent_us(int ctas, int m, int sm_target) {
    CHECK_CUDA(cublasSetSmCountTarget(blas, sm_target));
    return per_rep_us([&] {
      read_call(ctas);
      layer_gemms(m);
    });
  }
};

}  // namespace

int main(int argc, char** argv) {
  int batch = 1024;
  long half_mb = 100;
  Bench b;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i], value = argv[i + 1];
    if (key == "--batch") batch = std::stoi(value);
    else if (key == "--half-mb") half_mb = std::stol(value);
    else if (key == "--reps") b.reps = std::stoi(value);
    else if (key == "--graph") b.graph = value != "0";
    else if (key == "--evict-first") b.evict_first = value != "0";
    else {
      std::fprintf(stderr, "overlap_bound: unknown option %s (takes --batch, --half-mb, --reps, --graph, --evict-first)\n",
                   key.c_str());
      return 2;
    }
  }
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
    std::fprintf(stderr, "overlap_bound: no CUDA device\n");
    return 1;
  }
  int sms = 0;
  CHECK_CUDA(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, 0));
  b.call_bytes = half_mb << 20;
  b.kv_bytes = std::max(2L << 30, 4 * b.call_bytes);
  CHECK_CUDA(cudaMalloc(&b.kv, b.kv_bytes));
  CHECK_CUDA(cudaMemset(b.kv, 1, b.kv_bytes));
  CHECK_CUDA(cudaMalloc(&b.sink, 4));
  CHECK_CUDA(cudaFuncSetAttribute(stream_read<false>, cudaFuncAttributeMaxDynamicSharedMemorySize, kSharedBytes));
  CHECK_CUDA(cudaFuncSetAttribute(stream_read<true>, cudaFuncAttributeMaxDynamicSharedMemorySize, kSharedBytes));
  CHECK_CUDA(cudaStreamCreateWithFlags(&b.read_stream, cudaStreamNonBlocking));
  CHECK_CUDA(cudaStreamCreateWithFlags(&b.gemm_stream, cudaStreamNonBlocking));
  CHECK_CUDA(cublasCreate(&b.blas));
  CHECK_CUDA(cublasSetStream(b.blas, b.gemm_stream));
  void* workspace = nullptr;
  CHECK_CUDA(cudaMalloc(&workspace, 64 << 20));
  CHECK_CUDA(cublasSetWorkspace(b.blas, workspace, 64 << 20));
  int widest_k = 0;
  for (const auto& s : kLayerGemms) widest_k = std::max(widest_k, s.k);
  constexpr int kWeightCopies = 4;  // 4 x 30 MB: the GEMMs read their weights from DRAM, as 24 layers do
  b.weights.resize(kWeightCopies);
  for (auto& copy : b.weights)
    for (const auto& s : kLayerGemms) {
      void* w = nullptr;
      CHECK_CUDA(cudaMalloc(&w, size_t(s.n) * s.k * 2));
      CHECK_CUDA(cudaMemset(w, 0x3c, size_t(s.n) * s.k * 2));  // bf16 1.0-ish: finite products
      copy.push_back(w);
    }
  CHECK_CUDA(cudaMalloc(&b.x, size_t(batch) * widest_k * 2));
  CHECK_CUDA(cudaMemset(b.x, 0x3c, size_t(batch) * widest_k * 2));
  CHECK_CUDA(cudaMalloc(&b.y, size_t(batch) * 9728 * 2));
  for (auto* e : {&b.start, &b.stop_read, &b.fork, &b.join}) CHECK_CUDA(cudaEventCreate(e));
  std::printf("%s, KV reads %s\n", b.graph ? "timed in CUDA graphs" : "timed as stream launches",
              b.evict_first ? "with an L2 evict_first hint" : "plain");

  const double mb = static_cast<double>(b.call_bytes);
  std::printf("read of %ld MB by k resident CTAs (one per SM):\n", half_mb);
  for (int k : {16, 24, 32, 40, 48, 64, 96, sms}) {
    const float us = b.read_us(k);
    std::printf("  k=%3d  %7.1f us  %5.2f TB/s\n", k, us, mb / us / 1e6);
  }
  std::printf("layer GEMMs (q/k/v, o, gate/up, down) alone:\n");
  for (int m : {batch / 2, batch})
    for (int target : {0, sms - 32, sms - 48}) {
      double flops = 0;
      for (const auto& s : kLayerGemms) flops += 2.0 * m * s.n * s.k;
      const float us = b.gemm_us(m, target);
      std::printf("  M=%4d  SM target %3d  %7.1f us  %4.0f TFLOPS\n", m, target, us, flops / us / 1e6);
    }
  const float serial = 2 * b.read_us(sms) + b.gemm_us(batch, 0);
  std::printf("today, per layer: 2 x read(%ld MB, all SMs) + GEMMs(M=%d) = %.1f us\n", half_mb, batch, serial);
  float best = 1e30f;
  for (int k : {16, 24, 32, 40, 48, 64}) {
    const float both = b.concurrent_us(k, batch / 2, sms - k);
    best = std::min(best, both);
    std::printf("  two halves, k=%2d: 2 x [read(%ld MB, k SMs) beside GEMMs(M=%d, SM target %d)] = %.1f us\n", k,
                half_mb, batch / 2, sms - k, 2 * both);
  }
  std::printf("best pipelined layer %.1f us against %.1f us today: %.2fx\n", 2 * best, serial, serial / (2 * best));
  return 0;
}
