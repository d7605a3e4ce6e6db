# build/bench/copy_bandwidth: the device's copy bandwidth (read + write bytes per second), the denominator of
# the rollout benchmark's roofline (needs CUDA at run time).
if(GRPO_WITH_CUDA)
  add_executable(copy_bandwidth ${CMAKE_CURRENT_SOURCE_DIR}/copy_bandwidth.cpp)
  target_link_libraries(copy_bandwidth PRIVATE grpo)
  target_compile_options(copy_bandwidth PRIVATE -Wall -Wextra)
  target_precompile_headers(copy_bandwidth REUSE_FROM grpo)
endif()
