#include "coordinator/cli/progress_printer.h"

#include <fmt/core.h>
#include <unistd.h>

#include <chrono>
#include <cmath>

namespace beamline::coordinator {
namespace {

constexpr double kRateWindowSeconds = 10.0;
constexpr double kPlainLineSeconds = 5.0;
constexpr int kBarWidth = 24;

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string duration_text(double seconds) {
  if (seconds < 0 || !std::isfinite(seconds)) return "--:--";
  const auto s = static_cast<uint64_t>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

}  // namespace

ProgressPrinter::ProgressPrinter(std::FILE* out) : out_(out), terminal_(::isatty(::fileno(out)) != 0) {}

std::string ProgressPrinter::format(const Progress& progress, double rate, double eta_seconds, bool bar) {
  const double fraction = progress.total > 0 ? static_cast<double>(progress.done) / progress.total : 1.0;
  std::string text;
  if (bar) {
    const int filled = static_cast<int>(fraction * kBarWidth);
    text = "[" + std::string(static_cast<size_t>(filled), '#') + std::string(static_cast<size_t>(kBarWidth - filled), '-') +
           "] ";
  }
  text += fmt::format("{}/{} trials ({:.1f}%)  {:.0f}/s  ETA {}  SDC {}  DUE {}  workers {}", progress.done,
                      progress.total, 100.0 * fraction, rate, duration_text(eta_seconds), progress.sdc, progress.due,
                      progress.workers);
  return text;
}

void ProgressPrinter::update(const Progress& progress) {
  const double now = seconds_now();
  window_.emplace_back(now, progress.done);
  while (window_.size() > 2 && now - window_.front().first > kRateWindowSeconds) window_.pop_front();
  double rate = 0.0;
  if (window_.size() >= 2 && window_.back().first > window_.front().first) {
    rate = static_cast<double>(window_.back().second - window_.front().second) /
           (window_.back().first - window_.front().first);
  }
  const uint64_t remaining = progress.total > progress.done ? progress.total - progress.done : 0;
  const double eta = rate > 0 ? static_cast<double>(remaining) / rate : (remaining == 0 ? 0.0 : -1.0);
  if (terminal_) {
    fmt::print(out_, "\r{}\x1b[K", format(progress, rate, eta, true));
    drawn_ = true;
  } else if (now - last_line_ >= kPlainLineSeconds || progress.complete) {
    fmt::print(out_, "progress: {}\n", format(progress, rate, eta, false));
    last_line_ = now;
  }
  std::fflush(out_);
}

void ProgressPrinter::finish() {
  if (drawn_) fmt::print(out_, "\n");
  drawn_ = false;
  std::fflush(out_);
}

}  // namespace beamline::coordinator
