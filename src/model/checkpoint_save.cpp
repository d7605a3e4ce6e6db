// Sharded, atomic HF checkpoint writer.
#include "src/model/checkpoint_save.h"

#include <fcntl.h>
#include <ftw.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cstdio>
#include <fstream>
#include <linux/fs.h>

#include "src/model/safetensors.h"
#include "src/util/error.h"
#include "src/util/fs.h"

namespace grpo {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

void fsync_path(const fs::path& p, bool directory) {
  const int fd = ::open(p.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) fail("{}: cannot open for fsync", p.string());
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) fail("{}: fsync failed. HINT: check the file system", p.string());
}

void write_json(const fs::path& p, const Json& j) {
  {
    std::ofstream out(p);
    out << j.dump(2) << "\n";
    if (!out) fail("{}: write failed. HINT: check free disk space", p.string());
  }
  fsync_path(p, false);
}

const char* hf_dtype(c10::ScalarType t) {
  switch (t) {
    case c10::kFloat: return "float32";
    case c10::kBFloat16: return "bfloat16";
    case c10::kHalf: return "float16";
    default: fail("save: cannot store a model in {}. HINT: use fp32, bf16 or fp16", c10::toString(t));
  }
}

using Shard = std::vector<std::pair<std::string, at::Tensor>>;

std::vector<Shard> plan_shards(CausalLMImpl& model, c10::ScalarType dtype, int64_t max_bytes) {
  std::vector<Shard> shards(1);
  int64_t used = 0;
  for (const auto& p : model.named_parameters()) {
    const int64_t bytes = p.value().numel() * static_cast<int64_t>(c10::elementSize(dtype));
    if (!shards.back().empty() && used + bytes > max_bytes) {
      shards.emplace_back();
      used = 0;
    }
    shards.back().emplace_back(p.key(), p.value());
    used += bytes;
  }
  return shards;
}

void write_weights(CausalLMImpl& model, const fs::path& dir, c10::ScalarType dtype, int64_t max_bytes) {
  torch::NoGradGuard no_grad;
  auto shards = plan_shards(model, dtype, max_bytes);
  const size_t n = shards.size();
  Json weight_map = Json::object();
  int64_t total = 0;
  for (size_t i = 0; i < n; ++i) {
    const std::string file = n == 1 ? "model.safetensors" : fmt::format("model-{:05d}-of-{:05d}.safetensors", i + 1, n);
    for (auto& [name, t] : shards[i]) {
      t = t.detach().to(torch::kCPU, dtype).contiguous();  // one tensor at a time
      weight_map[name] = file;
      total += t.numel() * t.element_size();
    }
    write_safetensors(dir / file, shards[i]);
    shards[i].clear();
  }
  if (n > 1) write_json(dir / "model.safetensors.index.json", {{"metadata", {{"total_size", total}}}, {"weight_map", weight_map}});
}

void copy_tokenizer(const fs::path& from, const fs::path& to) {
  static const char* kFiles[] = {"tokenizer.json", "tokenizer_config.json", "vocab.json", "merges.txt",
                                 "special_tokens_map.json", "added_tokens.json", "chat_template.jinja",
                                 "tokenizer.model", "generation_config.json"};
  for (const char* f : kFiles) {
    if (!fs::exists(from / f)) continue;
    fs::copy_file(from / f, to / f, fs::copy_options::overwrite_existing);
    fsync_path(to / f, false);
  }
}

// Puts `tmp` at `dir`: an atomic exchange when `dir` exists (then the old tree is removed), else a rename.
void publish(const fs::path& tmp, const fs::path& dir) {
  if (fs::exists(dir)) {
    if (syscall(SYS_renameat2, AT_FDCWD, tmp.c_str(), AT_FDCWD, dir.c_str(), RENAME_EXCHANGE) != 0)
      fail("{}: cannot replace the existing checkpoint ({}). HINT: save to a new directory", dir.string(),
           std::strerror(errno));
    remove_tree(tmp);
  } else if (std::rename(tmp.c_str(), dir.c_str()) != 0) {
    fail("{}: cannot move the finished checkpoint into place ({})", dir.string(), std::strerror(errno));
  }
  fsync_path(dir.parent_path().empty() ? fs::path(".") : dir.parent_path(), true);
}

}  // namespace

void save_checkpoint(CausalLMImpl& model, const fs::path& target, const SaveOptions& opts) {
  const fs::path dir = fs::absolute(target).lexically_normal();
  const fs::path parent = dir.parent_path();
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (fs::exists(dir) && !fs::is_directory(dir)) fail("{}: exists and is not a directory", dir.string());
  std::string pattern = (parent / ("." + dir.filename().string() + ".tmp-XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr)
    fail("{}: cannot create a temporary directory ({}). HINT: check that it is writable", parent.string(), std::strerror(errno));
  const fs::path tmp = pattern;
  try {
    const auto dtype = opts.dtype.value_or(model.options().dtype().toScalarType());
    ModelConfig config = model.config();
    config.dtype = hf_dtype(dtype);
    write_weights(model, tmp, dtype, opts.max_shard_bytes);
    write_json(tmp / "config.json", model_config_to_json(config));
    if (!opts.tokenizer_dir.empty()) copy_tokenizer(opts.tokenizer_dir, tmp);
    if (!fs::exists(tmp / "generation_config.json")) write_json(tmp / "generation_config.json", generation_config_json(config));
    fsync_path(tmp, true);
    publish(tmp, dir);
  } catch (...) {
    remove_tree(tmp);
    throw;
  }
}

}  // namespace grpo
