# build/bench/train_throughput: fwd+bwd+AdamW tokens/s and MFU on one GPU (needs CUDA at run time).
if(GRPO_WITH_CUDA)
  add_executable(train_throughput ${CMAKE_CURRENT_SOURCE_DIR}/train_throughput.cpp)
  target_link_libraries(train_throughput PRIVATE grpo)
  target_compile_options(train_throughput PRIVATE -Wall -Wextra)
  target_precompile_headers(train_throughput REUSE_FROM grpo)
endif()
