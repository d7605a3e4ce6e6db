# build/bench/overlap_bound: the most a two-half-batch pipeline could gain by running the decode attention (a
# streaming read on k SMs) beside the layer GEMMs (cuBLAS on the other SMs); plain CUDA + cuBLAS, no torch.
if(GRPO_WITH_CUDA)
  find_package(CUDAToolkit REQUIRED)
  add_executable(overlap_bound ${CMAKE_CURRENT_SOURCE_DIR}/overlap_bound.cu)
  target_include_directories(overlap_bound PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(overlap_bound PRIVATE CUDA::cublas)
endif()
