// Progress bar drawing (see progress.h).
#include "src/metrics/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace grpo {

std::string format_duration(double seconds) {
  if (!(seconds >= 0) || seconds > 1e8) return "?";
  const auto s = static_cast<int64_t>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

ProgressBar::ProgressBar(std::string label, int64_t total, std::string unit, double print_every_s)
    : label_(std::move(label)), unit_(std::move(unit)), total_(std::max<int64_t>(total, 1)),
      tty_(::isatty(STDERR_FILENO) != 0), print_every_s_(print_every_s),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

ProgressBar::~ProgressBar() {
  std::lock_guard<std::mutex> lock(mutex_);
  draw(true);
}

void ProgressBar::advance(int64_t n, const std::string& suffix) {
  std::lock_guard<std::mutex> lock(mutex_);
  done_ += n;
  if (!suffix.empty()) suffix_ = suffix;
  draw(false);
}

void ProgressBar::set(int64_t done, const std::string& suffix) {
  std::lock_guard<std::mutex> lock(mutex_);
  done_ = done;
  if (!suffix.empty()) suffix_ = suffix;
  draw(false);
}

void ProgressBar::draw(bool final) {
  const auto now = std::chrono::steady_clock::now();
  const double since_draw = std::chrono::duration<double>(now - last_draw_).count();
  if (!final && since_draw < (tty_ ? 0.1 : print_every_s_) && done_ < total_) return;
  if (completed_drawn_) return;
  completed_drawn_ = done_ >= total_ || final;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0.0;
  const double eta = rate > 0 ? static_cast<double>(total_ - done_) / rate : -1.0;
  const double frac = std::min(1.0, static_cast<double>(done_) / static_cast<double>(total_));
  constexpr int kWidth = 24;
  const int filled = static_cast<int>(frac * kWidth);
  const std::string bar = std::string(static_cast<size_t>(filled), '#') + std::string(static_cast<size_t>(kWidth - filled), '.');
  const std::string line = fmt::format("{} [{}] {}/{} {} | {:.2f} {}/s | {} elapsed, ETA {}{}{}", label_, bar, done_,
                                       total_, unit_, rate, unit_, format_duration(elapsed), format_duration(eta),
                                       suffix_.empty() ? "" : " | ", suffix_);
  if (tty_) {
    std::fprintf(stderr, "\r\033[K%s%s", line.c_str(), final ? "\n" : "");
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  std::fflush(stderr);
}

}  // namespace grpo
