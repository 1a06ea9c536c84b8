// Runs a fleet model, or the whole twin (fleet, network, lifecycle), to the end of its duration
// (tests only).
#pragma once

#include <memory>

#include "models/fleet_model.h"
#include "models/network_activity.h"
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

inline std::unique_ptr<Twin> run_twin(const FleetConfig& config) {
  auto twin = std::make_unique<Twin>(config);
  sim::Engine engine(twin->lp_count());
  twin->start(engine);
  engine.run(*twin, config.duration);
  twin->finish(engine.now());
  return twin;
}

}  // namespace edgetwin::models::testing
