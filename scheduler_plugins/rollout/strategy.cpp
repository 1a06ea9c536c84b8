#include "scheduler_plugins/rollout/strategy.h"

#include <algorithm>

namespace edgetwin::scheduler_plugins::rollout {

const char* target_state_name(TargetState s) {
  switch (s) {
    case TargetState::kPending:
      return "pending";
    case TargetState::kQueued:
      return "queued";
    case TargetState::kDownloading:
      return "downloading";
    case TargetState::kInstalling:
      return "installing";
    case TargetState::kSucceeded:
      return "succeeded";
    case TargetState::kFailed:
      return "failed";
    case TargetState::kRejected:
      return "rejected";
    case TargetState::kTimedOut:
      return "timed_out";
    case TargetState::kCanceled:
      return "canceled";
    case TargetState::kRolledBack:
      return "rolled_back";
  }
  return "?";
}

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kRunning:
      return "running";
    case Verdict::kPaused:
      return "paused";
    case Verdict::kPromoted:
      return "promoted";
    case Verdict::kAborted:
      return "aborted";
    case Verdict::kCompleted:
      return "completed";
  }
  return "?";
}

std::uint32_t RolloutPlan::groups() const {
  const auto& g = link.empty() ? site : link;
  std::uint32_t n = link.empty() ? sites() : 0;
  for (std::uint32_t v : g) n = std::max(n, v + 1);
  return n;
}

std::string RolloutPlan::check() const {
  if (!link.empty() && link.size() != site.size()) {
    return std::to_string(link.size()) + " link entries for " + std::to_string(site.size()) +
           " targets";
  }
  for (std::uint32_t t = 0; t < targets(); ++t) {
    if (site[t] >= sites()) {
      return "target " + std::to_string(t) + ": site " + std::to_string(site[t]) + " of " +
             std::to_string(sites()) + " sites";
    }
  }
  for (std::int32_t offset : utc_offset_minutes) {
    if (offset < -12 * 60 || offset > 14 * 60) {
      return "UTC offset " + std::to_string(offset) + " min is outside -12h..+14h";
    }
  }
  return {};
}

RolloutProgress::RolloutProgress(const RolloutPlan& plan)
    : plan_(plan),
      state_(plan.targets(), static_cast<std::uint8_t>(TargetState::kPending)),
      attempts_(plan.targets(), 0),
      downloading_(plan.groups(), 0),
      slots_(plan.groups(), 0) {
  count_[static_cast<int>(TargetState::kPending)] = plan.targets();
  // One entry per target and attempt: with no retries the logs never grow past this, so a
  // controller's state changes allocate nothing.
  finished_.reserve(plan.targets());
  slot_freed_.reserve(plan.targets());
  began_.reserve(plan.targets());
}

void RolloutProgress::set_state(std::uint32_t target, TargetState s, sim::Time now) {
  const auto old = static_cast<TargetState>(state_[target]);
  if (old == s) return;
  --count_[static_cast<int>(old)];
  ++count_[static_cast<int>(s)];
  state_[target] = static_cast<std::uint8_t>(s);
  const auto holds_slot = [](TargetState x) {
    return x == TargetState::kQueued || x == TargetState::kDownloading;
  };
  const std::uint32_t g = plan_.group(target);
  if (old == TargetState::kDownloading) --downloading_[g];
  if (s == TargetState::kDownloading) ++downloading_[g];
  if (holds_slot(old) && !holds_slot(s)) {
    --slots_[g];
    slot_freed_.push_back(target);
  }
  if (!holds_slot(old) && holds_slot(s)) ++slots_[g];
  if (!in_progress(old) && in_progress(s)) ++attempts_[target];
  if (s == TargetState::kDownloading && !running(old)) {
    began_.push_back({now, target, attempts_[target]});
  }
  if (terminal(s) && !terminal(old)) finished_.push_back(target);
}

}  // namespace edgetwin::scheduler_plugins::rollout
