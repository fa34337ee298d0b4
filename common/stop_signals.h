#pragma once
// SIGINT/SIGTERM for the daemons: the handler only counts signals; the
// loops read the count between operations, so a signal never interrupts a
// transaction half-way. First signal: drain and exit; second: exit at once.
namespace beamline {

class StopSignals {
 public:
  // Installs the handlers (process-wide) and resets the count.
  static void install();
  static int count();
  // Tests and `beamline run`: as if a signal had arrived.
  static void raise_stop();
};

}  // namespace beamline
