# build/bench/fuzz_safetensors: the safetensors header parser under libFuzzer when the compiler is clang
# (cmake -DCMAKE_CXX_COMPILER=clang++ -DGRPO_FUZZ=ON; run: fuzz_safetensors CORPUS_DIR), otherwise a
# plain program that replays the files or directories given on its command line through the parser.
add_executable(fuzz_safetensors ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_safetensors.cpp)
target_link_libraries(fuzz_safetensors PRIVATE grpo)
target_compile_options(fuzz_safetensors PRIVATE -Wall -Wextra)
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang" AND GRPO_FUZZ)
  target_compile_definitions(fuzz_safetensors PRIVATE GRPO_LIBFUZZER=1)
  target_compile_options(fuzz_safetensors PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_options(fuzz_safetensors PRIVATE -fsanitize=fuzzer,address,undefined)
else()
  target_precompile_headers(fuzz_safetensors REUSE_FROM grpo)
endif()
