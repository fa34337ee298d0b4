#include "common/stop_signals.h"

#include <csignal>

#include <atomic>

namespace beamline {
namespace {

std::atomic<int> g_signals{0};

extern "C" void on_stop_signal(int) { g_signals.fetch_add(1); }

}  // namespace

void StopSignals::install() {
  g_signals.store(0);
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocking poll returns at once
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int StopSignals::count() { return g_signals.load(); }

void StopSignals::raise_stop() { g_signals.fetch_add(1); }

}  // namespace beamline
