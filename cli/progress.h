// A one-line progress bar on stderr (simulated time, events/s, ETA), only when stderr is a
// terminal, so logs and pipes stay clean.
#pragma once

#include "sim/engine.h"

namespace edgetwin::cli {

class ProgressBar {
 public:
  explicit ProgressBar(sim::Time until);
  bool enabled() const { return enabled_; }
  // Connects the bar to the engine when stderr is a terminal; otherwise does nothing.
  void attach(sim::Engine& engine);
  // Clears the line.
  void finish();

 private:
  void draw(const sim::Progress& p);
  sim::Time until_;
  bool enabled_;
  bool drawn_ = false;
};

}  // namespace edgetwin::cli
