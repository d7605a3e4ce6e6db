# build/bench/decode_attention: µs per call and effective TB/s of the tensor-core decode attention kernel
# against FlashAttention varlen (per head and grouped) over the same slot cache (needs CUDA at run time).
if(GRPO_WITH_CUDA)
  add_executable(decode_attention_bench ${CMAKE_CURRENT_SOURCE_DIR}/decode_attention.cpp)
  set_target_properties(decode_attention_bench PROPERTIES OUTPUT_NAME decode_attention)
  target_link_libraries(decode_attention_bench PRIVATE grpo)
  target_compile_options(decode_attention_bench PRIVATE -Wall -Wextra)
  target_precompile_headers(decode_attention_bench REUSE_FROM grpo)
endif()
