// CHECK_CUDA(call): the plain CUDA / cuBLAS benches' error check. A non-zero status (cudaError_t,
// cublasStatus_t) prints the call, its status and where it is, then exits: a bench never times a failure.
#pragma once
#include <cstdio>
#include <cstdlib>

#define CHECK_CUDA(x)                                                                                         \
  do {                                                                                                        \
    if (const auto status = (x); status != 0) {                                                               \
      std::fprintf(stderr, "%s:%d: %s failed with %d\n", __FILE__, __LINE__, #x, static_cast<int>(status)); \
      std::exit(1);                                                                                           \
    }                                                                                                         \
  } while (0)
