# build/bench/decode_attention: µs per call and effective TB/s of the tensor-core decode attention kernel
# against FlashAttention varlen (per head and grouped) over the same slot cache (needs CUDA at run time).
grpo_gpu_bench(decode_attention_bench decode_attention.cpp)
if(TARGET decode_attention_bench)
  set_target_properties(decode_attention_bench PROPERTIES OUTPUT_NAME decode_attention)
endif()
