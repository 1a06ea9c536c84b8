// A reference controller: plays a strategy against a scripted fleet, without the simulation.
// Each attempt of each target waits queued for a fixed time (the device offline; 0: it begins at
// once), downloads for a fixed time, installs for a fixed time, then ends in a scripted outcome
// (or hangs until the strategy times it out). Events at one instant
// are applied together, then the strategy decides; zero-length phases complete at the same
// instant and the strategy decides again. Used by the tests and for quick dry runs; the
// simulation's controller follows the same protocol with downloads over the network model.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "scheduler_plugins/rollout/strategy.h"

namespace edgetwin::scheduler_plugins::rollout {

// One attempt of one target.
struct AttemptScript {
  sim::Time download = 0;
  sim::Time install = 0;
  TargetState outcome = TargetState::kSucceeded;  // succeeded, failed or rejected
  bool hang = false;     // never finishes installing (for in-progress timeouts)
  sim::Time queued = 0;  // queued this long before the download begins (device offline)
};
// (target, attempt from 1) -> what that attempt does. Must be deterministic.
using FleetScript = std::function<AttemptScript(std::uint32_t target, std::uint32_t attempt)>;

struct PlayOptions {
  sim::Time start = 0;
  sim::Time until = sim::kTimeMax;  // stop deciding after this time
};

struct PlayResult {
  struct Change {  // a target's state change
    sim::Time time;
    std::uint32_t target;
    TargetState state;
    bool operator==(const Change&) const = default;
  };
  struct Step {  // a decision that changed something (targets started or timed out, verdict)
    sim::Time time;
    std::uint32_t started;
    std::uint32_t timed_out;
    Verdict verdict;
    int traffic_percent;
    std::int64_t old_replicas;
    bool operator==(const Step&) const = default;
  };
  std::vector<Change> changes;
  std::vector<Step> steps;
  Verdict verdict = Verdict::kRunning;  // the last one
  sim::Time verdict_time = 0;           // when it was first given
  std::string reason;
  sim::Time end = 0;                           // the last instant anything happened
  std::vector<std::uint32_t> max_downloading;  // per bandwidth group, the most at any instant
  std::uint32_t max_in_progress = 0;
  std::array<std::uint32_t, kTargetStates> final_count{};
  // Time at which `target` entered `state` for the first time (kTimeMax: never).
  sim::Time first(std::uint32_t target, TargetState state) const;
};

// Throws std::invalid_argument when plan.check() finds a problem, and std::logic_error when the
// strategy breaks the protocol (starts a target in progress, times out one that is not, or asks
// to be called again at the same instant without anything having changed).
PlayResult play(RolloutStrategy& strategy, const RolloutPlan& plan, const FleetScript& script,
                PlayOptions options = {});

}  // namespace edgetwin::scheduler_plugins::rollout
