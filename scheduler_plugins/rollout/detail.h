// Helpers shared by the built-in strategies' .cpp files; not part of the public interface.
#pragma once

#include <cstdint>
#include <vector>

#include "scheduler_plugins/rollout/strategy.h"

namespace edgetwin::scheduler_plugins::rollout::detail {

// Starts pending targets in index order from `cursor` until `limit` targets have been started
// (cursor reaching `limit`). Skips targets no longer pending (canceled by the controller).
inline void start_up_to(std::uint32_t& cursor, std::uint32_t limit, const RolloutProgress& progress,
                        Decision& out) {
  for (; cursor < limit; ++cursor) {
    if (progress.state(cursor) == TargetState::kPending) out.start.push_back(cursor);
  }
}

// Every target terminal and none started by this decision.
inline bool all_done(const RolloutProgress& progress, const Decision& out) {
  return progress.count(TargetState::kPending) == 0 && progress.in_progress_count() == 0 &&
         out.start.empty();
}

// Targets that finished without success (failed, rejected or timed out).
inline std::uint32_t unsuccessful(const RolloutProgress& progress) {
  return progress.count(TargetState::kFailed) + progress.count(TargetState::kRejected) +
         progress.count(TargetState::kTimedOut);
}

// Succeeded plus unsuccessful: the executions that reached an outcome.
inline std::uint32_t executed(const RolloutProgress& progress) {
  return progress.count(TargetState::kSucceeded) + unsuccessful(progress);
}

// Targets grouped by a key, each group in index order (CSR): members of group g are
// member[begin[g] .. begin[g+1]).
struct Groups {
  std::vector<std::uint32_t> begin;
  std::vector<std::uint32_t> member;
  // key(t) in [0, groups) for every target t.
  template <class Key>
  void build(std::uint32_t targets, std::uint32_t groups, Key key) {
    begin.assign(groups + 1, 0);
    for (std::uint32_t t = 0; t < targets; ++t) ++begin[key(t) + 1];
    for (std::uint32_t g = 0; g < groups; ++g) begin[g + 1] += begin[g];
    member.assign(targets, 0);
    std::vector<std::uint32_t> fill(begin.begin(), begin.end() - 1);
    for (std::uint32_t t = 0; t < targets; ++t) member[fill[key(t)]++] = t;
  }
  std::uint32_t size() const { return static_cast<std::uint32_t>(begin.size()) - 1; }
};

}  // namespace edgetwin::scheduler_plugins::rollout::detail
