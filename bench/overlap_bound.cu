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
//   build/bench/overlap_bound [--batch 1024] [--half-mb 100] [--reps 48]
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

// Reads n16 16-byte words; the XOR keeps the loads alive and is written only if it hits a magic value.
__global__ void __launch_bounds__(kThreads) stream_read(const uint4* words, long n16, unsigned* sink) {
  extern __shared__ char reserve[];
  unsigned acc = 0;
  const long stride = static_cast<long>(gridDim.x) * blockDim.x * kLoadsInFlight;
  for (long i = static_cast<long>(blockIdx.x) * blockDim.x * kLoadsInFlight + threadIdx.x; i < n16; i += stride) {
    uint4 v[kLoadsInFlight];
#pragma unroll
    for (int u = 0; u < kLoadsInFlight; ++u) {
      const long j = i + static_cast<long>(u) * blockDim.x;
      v[u] = j < n16 ? __ldg(words + j) : make_uint4(0, 0, 0, 0);
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
  std::vector<void*> weights;
  void *x = nullptr, *y = nullptr;
  cudaEvent_t start{}, stop_read{}, stop_gemm{};
  int reps = 48;

  void read_call(int ctas) {  // rotates over a buffer larger than L2, as the layers' caches do
    const long offset = (next_call++ % (kv_bytes / call_bytes)) * call_bytes;
    stream_read<<<ctas, kThreads, kSharedBytes, read_stream>>>(reinterpret_cast<const uint4*>(kv + offset),
                                                               call_bytes / 16, sink);
  }
  void layer_gemms(int m) {
    const float alpha = 1, beta = 0;
    for (size_t i = 0; i < kLayerGemms.size(); ++i) {
      const auto [n, k] = kLayerGemms[i];
      CHECK_CUDA(cublasGemmEx(blas, CUBLAS_OP_T, CUBLAS_OP_N, n, m, k, &alpha, weights[i], CUDA_R_16BF, k, x,
                              CUDA_R_16BF, k, &beta, y, CUDA_R_16BF, n, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
    }
  }
  static float us_between(cudaEvent_t a, cudaEvent_t b, int reps) {
    CHECK_CUDA(cudaEventSynchronize(b));
    float ms = 0;
    CHECK_CUDA(cudaEventElapsedTime(&ms, a, b));
    return ms * 1000 / reps;
  }
  float read_us(int ctas) {
    for (int i = 0; i < 4; ++i) read_call(ctas);
    CHECK_CUDA(cudaEventRecord(start, read_stream));
    for (int i = 0; i < reps; ++i) read_call(ctas);
    CHECK_CUDA(cudaEventRecord(stop_read, read_stream));
    return us_between(start, stop_read, reps);
  }
  float gemm_us(int m, int sm_target) {  // sm_target 0: cuBLAS plans for the whole GPU
    CHECK_CUDA(cublasSetSmCountTarget(blas, sm_target));
    for (int i = 0; i < 4; ++i) layer_gemms(m);
    CHECK_CUDA(cudaEventRecord(start, gemm_stream));
    for (int i = 0; i < reps; ++i) layer_gemms(m);
    CHECK_CUDA(cudaEventRecord(stop_gemm, gemm_stream));
    return us_between(start, stop_gemm, reps);
  }
  float concurrent_us(int ctas, int m, int sm_target) {  // both streams start together; time to the later end
    CHECK_CUDA(cublasSetSmCountTarget(blas, sm_target));
    for (int i = 0; i < 4; ++i) {  // warm-up: a new SM target can pick kernels that load lazily on first use
      read_call(ctas);
      layer_gemms(m);
    }
    CHECK_CUDA(cudaDeviceSynchronize());
    CHECK_CUDA(cudaEventRecord(start, read_stream));
    CHECK_CUDA(cudaStreamWaitEvent(gemm_stream, start));
    for (int i = 0; i < reps; ++i) {
      read_call(ctas);
      layer_gemms(m);
    }
    CHECK_CUDA(cudaEventRecord(stop_read, read_stream));
    CHECK_CUDA(cudaEventRecord(stop_gemm, gemm_stream));
    return std::max(us_between(start, stop_read, reps), us_between(start, stop_gemm, reps));
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
    else {
      std::fprintf(stderr, "overlap_bound: unknown option %s (takes --batch, --half-mb, --reps)\n", key.c_str());
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
  CHECK_CUDA(cudaFuncSetAttribute(stream_read, cudaFuncAttributeMaxDynamicSharedMemorySize, kSharedBytes));
  CHECK_CUDA(cudaStreamCreateWithFlags(&b.read_stream, cudaStreamNonBlocking));
  CHECK_CUDA(cudaStreamCreateWithFlags(&b.gemm_stream, cudaStreamNonBlocking));
  CHECK_CUDA(cublasCreate(&b.blas));
  CHECK_CUDA(cublasSetStream(b.blas, b.gemm_stream));
  void* workspace = nullptr;
  CHECK_CUDA(cudaMalloc(&workspace, 64 << 20));
  CHECK_CUDA(cublasSetWorkspace(b.blas, workspace, 64 << 20));
  int widest_k = 0;
  for (const auto& s : kLayerGemms) {
    void* w = nullptr;
    CHECK_CUDA(cudaMalloc(&w, size_t(s.n) * s.k * 2));
    CHECK_CUDA(cudaMemset(w, 0x3c, size_t(s.n) * s.k * 2));  // bf16 1.0-ish: finite products
    b.weights.push_back(w);
    widest_k = std::max(widest_k, s.k);
  }
  CHECK_CUDA(cudaMalloc(&b.x, size_t(batch) * widest_k * 2));
  CHECK_CUDA(cudaMemset(b.x, 0x3c, size_t(batch) * widest_k * 2));
  CHECK_CUDA(cudaMalloc(&b.y, size_t(batch) * 9728 * 2));
  for (auto* e : {&b.start, &b.stop_read, &b.stop_gemm}) CHECK_CUDA(cudaEventCreate(e));

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
