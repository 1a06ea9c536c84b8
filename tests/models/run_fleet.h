// Runs a fleet model to the end of its duration (tests only).
#pragma once

#include <memory>

#include "models/fleet_model.h"
#include "sim/engine.h"

namespace edgetwin::models::testing {

inline std::unique_ptr<FleetModel> run_fleet(const FleetConfig& config) {
  auto model = std::make_unique<FleetModel>(config);
  sim::Engine engine(model->lp_count());
  model->start(engine);
  engine.run(*model, config.duration);
  model->finish(engine.now());
  return model;
}

}  // namespace edgetwin::models::testing
