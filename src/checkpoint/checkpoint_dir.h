// The checkpoint directory of a run: <run>/checkpoint-<step>/ folders, written atomically and
// rotated. A checkpoint is first written into <run>/.tmp-checkpoint-<step>/, then renamed into
// place and recorded in <run>/latest (itself replaced atomically), so a kill at any moment leaves
// the previous checkpoint intact and `latest` pointing at a complete one. Torch-free: what goes
// inside a checkpoint folder is the caller's business (model weights, trainer state).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace grpo {

class CheckpointDir {
 public:
  // keep_last = 0 keeps every checkpoint. Leftover .tmp-checkpoint-* folders of a killed run are removed.
  CheckpointDir(std::string run_dir, int keep_last);

  // A fresh, empty staging folder for `step`'s checkpoint.
  std::string begin(int64_t step) const;
  // Moves the staging folder into place, updates `latest`, removes checkpoints beyond keep_last.
  // Returns the final folder.
  std::string commit(int64_t step) const;

  // The newest complete checkpoint, if any (read from `latest`, verified to exist).
  std::optional<std::string> latest() const;
  std::vector<int64_t> steps() const;  // completed checkpoints, ascending
  std::string path_for(int64_t step) const;

 private:
  std::string run_dir_;
  int keep_last_;
};

}  // namespace grpo
