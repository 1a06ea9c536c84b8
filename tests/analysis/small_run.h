// A small real run for the analysis tests: two sites, three devices of two types, one workload,
// run to completion with the sequential engine.
#pragma once

#include <memory>
#include <string>

#include "analysis/results.h"
#include "models/fleet_model.h"
#include "scenarios/scenario.h"
#include "sim/engine.h"

namespace edgetwin::analysis::testing {

inline scenarios::Scenario small_scenario(std::uint64_t seed = 7) {
  models::FleetConfig c;
  c.seed = seed;
  c.duration = 20 * sim::kSecond;
  c.warmup = 2 * sim::kSecond;
  c.sample_interval = sim::kSecond;
  c.types.resize(2);
  c.types[0].name = "small";
  c.types[0].cores = 2;
  c.types[0].core_speed = 0.5;
  c.types[1].name = "big";
  c.types[1].cores = 4;
  c.types[1].core_speed = 1.0;
  c.sites = {{"cloud", "cloud"}, {"edge-1", "edge"}};
  c.devices = {{"vm-0", 1, 0, {}}, {"pi-0", 0, 1, {}}, {"pi-1", 0, 1, {}}};
  models::WorkloadConfig w;
  w.name = "infer";
  w.sites = {0, 1};
  w.rate_per_s = 40.0;
  w.service_s = sim::Distribution::exponential(0.02);
  w.dispatch = models::Dispatch::kLeastLoaded;
  c.workloads = {w};
  scenarios::Scenario s;
  s.name = "analysis-small";
  s.source = "<test>";
  s.resolved_json =
      "{\n  \"name\": \"analysis-small\",\n  \"seed\": " + std::to_string(seed) + "\n}";
  s.fleet = std::move(c);
  return s;
}

struct SmallRun {
  scenarios::Scenario scenario;
  std::unique_ptr<models::FleetModel> model;
  RunInfo info;
  Summary summary;
};

inline SmallRun run_small(std::uint64_t seed = 7) {
  SmallRun r;
  r.scenario = small_scenario(seed);
  r.model = std::make_unique<models::FleetModel>(r.scenario.fleet);
  sim::Engine engine(r.model->lp_count());
  r.model->start(engine);
  const sim::RunStats stats = engine.run(*r.model, r.scenario.fleet.duration);
  r.model->finish(engine.now());
  r.info.version = "test";
  r.info.seed = seed;
  r.info.wall_seconds = stats.wall_seconds;
  r.info.events = engine.events_handled();
  r.info.end_time = engine.now();
  r.info.event_list = "ladder";
  r.info.scenario = r.scenario.name;
  r.summary = summarize(*r.model, r.info);
  return r;
}

}  // namespace edgetwin::analysis::testing
