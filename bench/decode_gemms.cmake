# build/bench/decode_gemms: the decode GEMM shapes under cuBLAS's default pick against each cuBLASLt algorithm,
# timed in CUDA graphs, with bit-equality and memset-node checks; plain CUDA + cuBLAS(Lt), no torch.
if(GRPO_WITH_CUDA)
  find_package(CUDAToolkit REQUIRED)
  add_executable(decode_gemms ${CMAKE_CURRENT_SOURCE_DIR}/decode_gemms.cu)
  target_include_directories(decode_gemms PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(decode_gemms PRIVATE CUDA::cublas CUDA::cublasLt)
endif()
