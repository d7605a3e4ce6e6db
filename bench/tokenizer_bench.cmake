# Tokenizer encode throughput vs HF tokenizers (commands and numbers in docs/tokenizer.md).
add_executable(tokenizer_bench ${PROJECT_SOURCE_DIR}/bench/tokenizer_bench.cpp)
target_link_libraries(tokenizer_bench PRIVATE grpo)
target_compile_options(tokenizer_bench PRIVATE -Wall -Wextra)
