// The classic hold model (Jones, CACM 1986): a fixed population of pending events; handling one
// schedules one more at now + Exp(mean). It measures the engine and its event list alone.
#pragma once

#include <cstdint>

#include "sim/engine.h"
#include "sim/random.h"

namespace edgetwin::sim {

class HoldModel final : public Model {
 public:
  HoldModel(std::uint64_t seed, Time mean_increment)
      : rng_(seed, 0, purpose_id("hold")), mean_(static_cast<double>(mean_increment)) {}

  // Schedules `pending` events on LP 0. REQUIRES: engine has at least one LP.
  void start(Engine& engine, std::uint64_t pending) {
    for (std::uint64_t i = 0; i < pending; ++i) engine.schedule(0, 0, increment(), 0);
  }
  void handle(const Event& event, Engine& engine) override {
    engine.schedule(0, 0, event.time + increment(), 0);
  }

 private:
  Time increment() { return static_cast<Time>(rng_.exponential(mean_)) + 1; }
  RandomStream rng_;
  double mean_;
};

}  // namespace edgetwin::sim
