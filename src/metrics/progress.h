// A console progress bar with rate and ETA on stderr: redrawn in place on a terminal, one line
// every `print_every_s` seconds otherwise (logs, CI). Thread-safe updates; draws at most ~10 Hz.
#pragma once
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace grpo {

class ProgressBar {
 public:
  ProgressBar(std::string label, int64_t total, std::string unit = "it", double print_every_s = 10.0);
  ~ProgressBar();  // finishes the line
  void advance(int64_t n = 1, const std::string& suffix = "");
  void set(int64_t done, const std::string& suffix = "");

 private:
  void draw(bool final);
  std::string label_, unit_, suffix_;
  int64_t total_, done_ = 0;
  bool tty_;
  bool completed_drawn_ = false;  // the 100% line is drawn once
  double print_every_s_;
  std::chrono::steady_clock::time_point start_, last_draw_;
  std::mutex mutex_;
};

// "1h02m", "3m05s", "12s": for ETAs and durations.
std::string format_duration(double seconds);

}  // namespace grpo
