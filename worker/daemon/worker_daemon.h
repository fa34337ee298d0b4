#pragma once
// The worker process: a DEALER socket to the coordinator, hello with a
// stable id and capacity, manifest check of the files under --model-root,
// credit-based flow, units run on a UnitExecutor thread while this loop
// heartbeats, Results kept until acknowledged and resent after a
// reconnect, reconnection with back-off when the coordinator goes silent
// (Paranoid Pirate), exit when told to stop.
#include <cstdint>
#include <string>

#include "worker/units/unit_runner.h"

namespace beamline::worker {

struct WorkerOptions {
  std::string connect;     // tcp://HOST:PORT
  std::string worker_id;   // default_worker_id() unless given
  std::string device = "cpu";
  std::string model_root;  // the campaign root on this machine
  uint32_t capacity = 2;   // units held at once: one running, the rest queued
  uint32_t reconnect_initial_ms = 1000;
  uint32_t reconnect_max_ms = 32000;
  bool handle_signals = true;
  uint32_t protocol_version = 0;  // 0: this build's; tests send others
};

// "HOST/DEVICE": the same worker after a restart has the same id, so the
// coordinator's worker row and leases carry over. Two workers sharing a
// host and device must be given distinct ids (--id).
std::string default_worker_id(const std::string& device);

// Returns 0 when the coordinator ends the campaign or stops, or on a
// signal. Throws beamline::Error when refused (protocol version, manifest).
int run_worker(const WorkerOptions& options, units::UnitRunner& runner);

}  // namespace beamline::worker
