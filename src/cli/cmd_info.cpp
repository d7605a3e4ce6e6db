// `grpo info`: versions, build options and the devices this binary can use.
#include <fmt/format.h>
#include <torch/torch.h>

#include <cstdio>

#include "src/cli/commands.h"
#include "src/tensor/device.h"

namespace grpo {

std::string version_text() {
  const int gpus = cuda_available() ? cuda_device_count() : 0;
  return fmt::format("grpo {} (torch {}, CUDA: {}{})", GRPO_VERSION, TORCH_VERSION, gpus > 0 ? "yes" : "no",
                     gpus > 0 ? fmt::format(", {} device{}", gpus, gpus == 1 ? "" : "s") : "");
}

void add_info_command(CLI::App& app) {
  CLI::App* sub = app.add_subcommand("info", "Print versions, build options and available devices");
  set_command_action(sub, [] {
    std::printf("%s\n", version_text().c_str());
#ifdef GRPO_WITH_CUDA
    std::printf("built with CUDA kernels: yes\n");
#else
    std::printf("built with CUDA kernels: no (nvcc was not found at build time)\n");
#endif
    std::printf("CPU threads: %d\n", torch::get_num_threads());
    for (int i = 0; cuda_available() && i < cuda_device_count(); ++i)
      std::printf("cuda:%d available\n", i);
    return 0;
  });
}

}  // namespace grpo
