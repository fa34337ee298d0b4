#pragma once
// `beamline run`'s progress on stderr: a bar redrawn in place on a terminal
// (done/total, rate, ETA, SDC so far), plain lines every few seconds
// otherwise (logs, CI), so stdout stays the report.
#include <cstdint>
#include <cstdio>
#include <deque>
#include <string>
#include <utility>

#include "coordinator/daemon/coordinator_daemon.h"

namespace beamline::coordinator {

class ProgressPrinter {
 public:
  explicit ProgressPrinter(std::FILE* out);
  void update(const Progress& progress);
  void finish();  // ends the bar's line

  // The text of one update, for tests: rate in trials/s, eta in seconds
  // (negative: unknown).
  static std::string format(const Progress& progress, double rate, double eta_seconds, bool bar);

 private:
  std::FILE* out_;
  bool terminal_;
  std::deque<std::pair<double, uint64_t>> window_;  // (seconds, done) over the last few seconds
  double last_line_ = -1e9;
  bool drawn_ = false;
};

}  // namespace beamline::coordinator
