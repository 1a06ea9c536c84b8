// Helpers for the rollout strategy tests: plans, scripts and configured strategies.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "scheduler_plugins/rollout/builtins.h"
#include "scheduler_plugins/rollout/driver.h"

namespace edgetwin::scheduler_plugins::rollout::testing {

// `n` targets, all at one site with UTC offset 0.
inline RolloutPlan one_site(std::uint32_t n) {
  RolloutPlan plan;
  plan.site.assign(n, 0);
  plan.utc_offset_minutes = {0};
  return plan;
}

// Every attempt of every target: download `download`, install `install`, succeed.
inline FleetScript uniform(sim::Time download, sim::Time install) {
  return [=](std::uint32_t, std::uint32_t) {
    return AttemptScript{download, install, TargetState::kSucceeded, false};
  };
}

// A configured built-in; fails the test on any parameter error.
inline std::unique_ptr<RolloutStrategy> strategy(
    std::string_view name, const std::vector<std::pair<std::string, std::string>>& params,
    const std::vector<std::pair<std::string, std::vector<std::string>>>& lists = {}) {
  Params p("/rollouts/0");
  for (const auto& [k, v] : params) p.set(k, v);
  for (const auto& [k, v] : lists) p.set_list(k, v);
  std::vector<std::string> errors;
  auto s = make_strategy(name, p, errors);
  EXPECT_TRUE(errors.empty()) << (errors.empty() ? "" : errors.front());
  return s;
}

// The errors make_strategy reports for these parameters.
inline std::vector<std::string> errors_of(
    std::string_view name, const std::vector<std::pair<std::string, std::string>>& params,
    const std::vector<std::pair<std::string, std::vector<std::string>>>& lists = {}) {
  Params p("/rollouts/0");
  for (const auto& [k, v] : params) p.set(k, v);
  for (const auto& [k, v] : lists) p.set_list(k, v);
  std::vector<std::string> errors;
  auto s = make_strategy(name, p, errors);
  EXPECT_EQ(s, nullptr);
  return errors;
}

// The times at which the targets were started (first attempt), by target.
inline std::vector<sim::Time> start_times(const PlayResult& r, std::uint32_t n) {
  std::vector<sim::Time> out(n, sim::kTimeMax);
  for (const auto& c : r.changes) {
    if (c.state == TargetState::kDownloading && out[c.target] == sim::kTimeMax) {
      out[c.target] = c.time;
    }
  }
  return out;
}

}  // namespace edgetwin::scheduler_plugins::rollout::testing
