# LibTorch comes from the torch==2.11.0 wheel in .venv (scripts/bootstrap.sh) or, on the GPU
# machine, from the image's torch: both answer torch.utils.cmake_prefix_path.
set(GRPO_PYTHON "" CACHE FILEPATH "Python that holds torch (default: .venv/bin/python, then python3)")
if(NOT GRPO_PYTHON)
  if(EXISTS ${PROJECT_SOURCE_DIR}/.venv/bin/python)
    set(GRPO_PYTHON ${PROJECT_SOURCE_DIR}/.venv/bin/python)
  else()
    find_program(GRPO_PYTHON python3 REQUIRED)
  endif()
endif()
execute_process(COMMAND ${GRPO_PYTHON} -c "import torch;print(torch.utils.cmake_prefix_path)"
                OUTPUT_VARIABLE TORCH_CMAKE_PREFIX OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${GRPO_PYTHON} cannot import torch. HINT: run scripts/bootstrap.sh (or make test)")
endif()
list(APPEND CMAKE_PREFIX_PATH ${TORCH_CMAKE_PREFIX})
# Torch's CMake probes CUDA itself when the wheel was built with it; keep its noise down.
set(CAFFE2_USE_CUDNN OFF)
find_package(Torch REQUIRED)

find_package(PkgConfig REQUIRED)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
find_package(yaml-cpp REQUIRED)
# fmt is used header-only: the torch wheel carries its own fmt headers (a newer major version) on
# its include path, so a torch translation unit sees those and a torch-free one sees Debian's.
# Header-only keeps both self-contained (their inline namespaces differ, so nothing clashes).
find_package(fmt REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(CLI11 REQUIRED)
find_package(GTest REQUIRED)
find_package(Threads REQUIRED)
# Debian's cpp-httplib .pc names private requirements absent on some machines: find it directly.
find_path(HTTPLIB_INCLUDE httplib.h REQUIRED)
find_library(HTTPLIB_LIB cpp-httplib REQUIRED)
find_path(UTF8PROC_INCLUDE utf8proc.h REQUIRED)
find_library(UTF8PROC_LIB utf8proc REQUIRED)
