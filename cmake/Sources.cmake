# The one library target. Sources are globbed per layer; the layering rules (docs/ARCHITECTURE.md)
# are checked by tests/layout_check.py, not by separate targets, to keep the build lean.
file(GLOB_RECURSE GRPO_SOURCES CONFIGURE_DEPENDS
     ${PROJECT_SOURCE_DIR}/src/*.cpp ${PROJECT_SOURCE_DIR}/rewards/*.cpp
     ${PROJECT_SOURCE_DIR}/rollout/*.cpp ${PROJECT_SOURCE_DIR}/trainer/*.cpp)
list(FILTER GRPO_SOURCES EXCLUDE REGEX "/src/cli/")
file(GLOB_RECURSE GRPO_CUDA_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/*.cu
     ${PROJECT_SOURCE_DIR}/rollout/*.cu ${PROJECT_SOURCE_DIR}/trainer/*.cu)
if(GRPO_WITH_CUDA)
  list(APPEND GRPO_SOURCES ${GRPO_CUDA_SOURCES})
endif()

add_library(grpo STATIC ${GRPO_SOURCES})
target_include_directories(grpo PUBLIC ${PROJECT_SOURCE_DIR} ${HTTPLIB_INCLUDE} ${UTF8PROC_INCLUDE})
target_link_libraries(grpo PUBLIC ${TORCH_LIBRARIES} PkgConfig::RE2 yaml-cpp fmt::fmt-header-only
                      nlohmann_json::nlohmann_json ${HTTPLIB_LIB} ${UTF8PROC_LIB} Threads::Threads ${CMAKE_DL_LIBS})
# libtorch.so exports its own, statically linked copy of std::filesystem (remove_all, copy, ...),
# which crashes when called from our code. Listing libstdc++ first among the needed libraries makes
# the dynamic linker resolve those symbols to the system's libstdc++.
target_link_options(grpo INTERFACE "LINKER:--push-state,--no-as-needed,-lstdc++,--pop-state")
target_compile_definitions(grpo PUBLIC GRPO_VERSION="${PROJECT_VERSION}")
if(GRPO_WITH_CUDA)
  target_compile_definitions(grpo PUBLIC GRPO_WITH_CUDA=1)
endif()
target_compile_options(grpo PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra>)

# Torch's headers cost ~40 s per translation unit: precompile them once, and only for the files
# that use torch. A file that never includes torch (rewards/, the tokenizer, config, util) is marked
# torch-free by its directory (tests/layout_check.py enforces it) and skips the PCH.
target_precompile_headers(grpo PRIVATE $<$<COMPILE_LANGUAGE:CXX>:${PROJECT_SOURCE_DIR}/src/util/torch_pch.h>)
foreach(src ${GRPO_SOURCES})
  # Match the path relative to the checkout: a checkout that itself lives under ".../rewards/"
  # would otherwise mark every source torch-free and no PCH would be built.
  file(RELATIVE_PATH rel ${PROJECT_SOURCE_DIR} ${src})
  if(rel MATCHES "^(rewards|src/tokenizer|src/config|src/util|src/metrics|src/checkpoint|src/data|src/pipeline|src/report)/")
    set_source_files_properties(${src} PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
  endif()
endforeach()

# The binary: main.cpp, the cmd_*.cpp subcommands and their shared CLI helpers (src/cli/*.cpp).
file(GLOB GRPO_CLI_SOURCES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/cli/*.cpp)
add_executable(grpo_cli ${GRPO_CLI_SOURCES})
set_target_properties(grpo_cli PROPERTIES OUTPUT_NAME grpo)
target_link_libraries(grpo_cli PRIVATE grpo CLI11::CLI11)
target_compile_options(grpo_cli PRIVATE -Wall -Wextra)
target_precompile_headers(grpo_cli REUSE_FROM grpo)
