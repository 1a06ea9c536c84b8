// PHOLD, the parallel hold model (Fujimoto, "Performance of Time Warp under synthetic workloads",
// 1990): the standard synthetic benchmark of parallel discrete-event engines. Generic: nothing here
// knows about edge computing.
//
// N LPs, split into P partitions of contiguous blocks (partition p owns LPs
// [p*N/P, (p+1)*N/P)). Each LP starts with E events of its own; handling an event at time t
// schedules exactly one new event at
//
//     t + lookahead + floor(Exp(mean - lookahead))            (nanoseconds)
//
// so every delay is at least the lookahead and the mean delay is `mean` (less half a nanosecond
// for the floor). With probability `remote` the new event goes to an LP drawn uniformly from the
// LPs of the *other* partitions, else to the handling LP itself. This is ROSS's parameterisation
// (ROSS-org/ROSS models/phold: --remote, --lookahead, --mean, --start-events; the exponential part
// has mean `mean - lookahead`), with "remote" meaning "another partition" so that exactly the
// fraction `remote` of events crosses partitions. The common setting (perf-anchors.md §1.1):
// remote 0.25, lookahead 0.1 * mean, one event per LP. Initial events are at
// lookahead + floor(Exp(mean - lookahead)) from time 0.
//
// Every draw comes from the LP's own stream RandomStream(seed, lp, "phold"), and each LP handles
// its events in the same order under every engine, so runs do not depend on threads. The partition
// map is a model parameter, fixed independently of the thread count. The population is conserved:
// N * E events are pending (or in transit) at all times.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/engine.h"
#include "sim/random.h"

namespace edgetwin::sim {

struct PholdConfig {
  std::uint32_t lps = 1000;
  std::uint32_t events_per_lp = 1;
  double remote = 0.25;  // fraction of events sent to another partition
  Time mean = kMillisecond;
  Time lookahead = 100 * kMicrosecond;
  std::uint32_t partitions = 1;
  std::uint64_t seed = 1;
};

class PholdModel final : public Model {
 public:
  // Throws std::invalid_argument naming the parameter on: lps == 0, events_per_lp == 0,
  // remote outside [0, 1], lookahead < 1 ns, mean < lookahead, partitions == 0 or > lps, or
  // remote > 0 with a single partition.
  explicit PholdModel(const PholdConfig& config);

  const PholdConfig& config() const { return config_; }
  // partition_of[lp], for ParallelEngine.
  std::vector<std::uint32_t> partition_map() const;
  std::uint32_t partition_begin(std::uint32_t p) const {
    return static_cast<std::uint32_t>(std::uint64_t{p} * config_.lps / config_.partitions);
  }

  // Schedules every LP's initial events. Works with Engine and ParallelEngine.
  template <class AnyEngine>
  void start(AnyEngine& engine) {
    for (LpId lp = 0; lp < config_.lps; ++lp) {
      for (std::uint32_t i = 0; i < config_.events_per_lp; ++i) {
        engine.schedule(lp, lp, delay(lp), 0);
      }
    }
  }

  void handle(const Event& event, Engine& engine) override {
    const LpId lp = event.target;
    LpId target = lp;
    if (config_.remote > 0.0 && rng_[lp].uniform01() < config_.remote) target = remote_lp(lp);
    engine.schedule(lp, target, event.time + delay(lp), 0);
  }

 private:
  Time delay(LpId lp) {
    return config_.lookahead + static_cast<Time>(rng_[lp].exponential(exp_mean_));
  }
  // Uniform over the LPs outside lp's partition block.
  LpId remote_lp(LpId lp) {
    const std::uint32_t p = part_of_[lp];
    const std::uint32_t begin = partition_begin(p);
    const std::uint32_t size = partition_begin(p + 1) - begin;
    const auto r = static_cast<LpId>(rng_[lp].uniform_int(config_.lps - size));
    return r < begin ? r : r + size;
  }

  PholdConfig config_;
  double exp_mean_;
  std::vector<RandomStream> rng_;       // one stream per LP
  std::vector<std::uint32_t> part_of_;  // partition of each LP
};

inline PholdModel::PholdModel(const PholdConfig& config)
    : config_(config), exp_mean_(static_cast<double>(config.mean - config.lookahead)) {
  auto bad = [](const std::string& what) { throw std::invalid_argument("phold: " + what); };
  if (config_.lps == 0) bad("lps: expected at least one LP");
  if (config_.events_per_lp == 0) bad("events_per_lp: expected at least one event per LP");
  if (!(config_.remote >= 0.0 && config_.remote <= 1.0)) {
    bad("remote: expected a fraction in [0, 1], got " + std::to_string(config_.remote));
  }
  if (config_.lookahead < 1) bad("lookahead: expected at least 1 ns");
  if (config_.mean < config_.lookahead) {
    bad("mean: the mean delay (" + std::to_string(config_.mean) +
        " ns) must be at least the lookahead (" + std::to_string(config_.lookahead) + " ns)");
  }
  if (config_.partitions == 0 || config_.partitions > config_.lps) {
    bad("partitions: expected 1 to " + std::to_string(config_.lps) + " (the LP count), got " +
        std::to_string(config_.partitions));
  }
  if (config_.remote > 0.0 && config_.partitions < 2) {
    bad("remote: events can only go to another partition with at least 2 partitions");
  }
  part_of_ = partition_map();
  rng_.reserve(config_.lps);
  for (LpId lp = 0; lp < config_.lps; ++lp) {
    rng_.emplace_back(config_.seed, lp, purpose_id("phold"));
  }
}

inline std::vector<std::uint32_t> PholdModel::partition_map() const {
  std::vector<std::uint32_t> map(config_.lps);
  for (std::uint32_t p = 0; p < config_.partitions; ++p) {
    for (std::uint32_t lp = partition_begin(p); lp < partition_begin(p + 1); ++lp) map[lp] = p;
  }
  return map;
}

}  // namespace edgetwin::sim
