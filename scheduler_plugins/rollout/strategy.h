// The rollout strategy interface: pure decision logic, independent of the simulation.
//
// A controller (the simulation's, or `play` in driver.h) owns the rollout's state and asks the
// strategy what to do:
//
//   strategy->configure(params)            once; params.finish() then lists every parameter
//                                          error (make_strategy in builtins.h does both)
//   strategy->begin(plan, now)             once, when the rollout starts
//   strategy->decide(plan, progress, now, decision)
//                                          at decision.next (the strategy's own wake-up) and
//                                          whenever a target changed state; extra calls are
//                                          harmless (a call at which nothing is due starts
//                                          nothing).
//
// The controller then starts the targets in decision.start (in that order; queued when the
// device cannot begin yet), marks those in decision.time_out as timed out, and acts on the
// verdict. Targets are indexed 0..N-1 in the
// order the rollout takes them (the controller decides that order, e.g. by device id).
// Strategies are deterministic: no random draws, integer arithmetic for every count and time.
// docs/rollouts.md describes each built-in.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/units.h"

namespace edgetwin::scheduler_plugins::rollout {

class Params;

// Where one update attempt of a target stands. In progress: queued .. installing (running:
// downloading or installing). Terminal: succeeded .. rolled back.
enum class TargetState : std::uint8_t {
  kPending,      // not started by the strategy
  kQueued,       // started, but the device has not begun (offline, busy): AWS QUEUED
  kDownloading,  // the artifact is downloading (counts against bandwidth caps): AWS IN_PROGRESS
  kInstalling,   // downloaded; install, reboot and health check under way
  kSucceeded,
  kFailed,      // install failed, boot loop rolled back, bricked, download gave up
  kRejected,    // the device refused the update (AWS REJECTED)
  kTimedOut,    // in progress longer than the strategy's timeout
  kCanceled,    // never started: the rollout was aborted first
  kRolledBack,  // had succeeded; reverted because the rollout was aborted with rollback
};
inline constexpr int kTargetStates = 10;
const char* target_state_name(TargetState s);
inline bool running(TargetState s) {
  return s == TargetState::kDownloading || s == TargetState::kInstalling;
}
inline bool in_progress(TargetState s) { return s == TargetState::kQueued || running(s); }
inline bool terminal(TargetState s) { return s != TargetState::kPending && !in_progress(s); }

// Fixed for the rollout: where each target is.
struct RolloutPlan {
  std::vector<std::uint32_t> site;  // per target: its site, 0..sites-1
  std::vector<std::uint32_t> link;  // per target: its bandwidth group (site uplink, cell,
                                    //   backhaul link); empty: the site
  std::vector<std::int32_t> utc_offset_minutes;  // per site: local time = UTC + offset
  sim::Time utc_time_of_day_at_zero = 0;         // the UTC time of day at simulated time 0
  std::uint32_t targets() const { return static_cast<std::uint32_t>(site.size()); }
  std::uint32_t sites() const { return static_cast<std::uint32_t>(utc_offset_minutes.size()); }
  std::uint32_t group(std::uint32_t target) const {
    return link.empty() ? site[target] : link[target];
  }
  std::uint32_t groups() const;
  // Empty when consistent, else what is wrong ("target 3: site 7 of 4 sites").
  std::string check() const;
};

// The live state of the rollout, owned by the controller; strategies read it. Counts are kept
// by set_state, so a strategy never scans the targets to count them.
class RolloutProgress {
 public:
  explicit RolloutProgress(const RolloutPlan& plan);

  TargetState state(std::uint32_t target) const { return static_cast<TargetState>(state_[target]); }
  std::uint32_t attempts(std::uint32_t target) const { return attempts_[target]; }
  std::uint32_t count(TargetState s) const { return count_[static_cast<int>(s)]; }
  // Queued, downloading or installing.
  std::uint32_t in_progress_count() const {
    return count(TargetState::kQueued) + count(TargetState::kDownloading) +
           count(TargetState::kInstalling);
  }
  std::uint32_t downloading_in_group(std::uint32_t group) const { return downloading_[group]; }
  // Targets of the group holding a download slot: queued or downloading. A queued target holds
  // its slot, so that a device coming back online cannot push its group past a cap.
  std::uint32_t download_slots_in_group(std::uint32_t group) const { return slots_[group]; }
  // Targets in the order they reached a terminal state (a retried target appears once per
  // terminal attempt). Strategies keep a cursor into it.
  const std::vector<std::uint32_t>& finished_log() const { return finished_; }
  // Targets in the order they released a download slot (the download ended, or the target left
  // the queue without downloading): where a bandwidth group can start another.
  const std::vector<std::uint32_t>& slot_freed_log() const { return slot_freed_; }
  // Attempts in the order they began running (entered kDownloading), with the time: AWS's
  // in-progress timer starts there, not when the target was started (queued).
  struct Began {
    sim::Time time;
    std::uint32_t target;
    std::uint32_t attempt;
  };
  const std::vector<Began>& began_log() const { return began_; }
  std::uint32_t targets() const { return static_cast<std::uint32_t>(state_.size()); }

  // Controller side, at simulated time `now` (never decreasing). Entering queued or downloading
  // from pending or a terminal state counts an attempt.
  void set_state(std::uint32_t target, TargetState s, sim::Time now);

 private:
  const RolloutPlan& plan_;
  std::vector<std::uint8_t> state_;
  std::vector<std::uint16_t> attempts_;
  std::array<std::uint32_t, kTargetStates> count_{};
  std::vector<std::uint32_t> downloading_;
  std::vector<std::uint32_t> slots_;
  std::vector<std::uint32_t> finished_;
  std::vector<std::uint32_t> slot_freed_;
  std::vector<Began> began_;
};

enum class Verdict : std::uint8_t {
  kRunning,    // keep going
  kPaused,     // waiting on a gate (a window closed, a check inconclusive, a deadline passed)
  kPromoted,   // canary / blue-green: the new version takes all traffic; remaining targets start
  kAborted,    // stop starting targets; `rollback` says whether updated ones revert
  kCompleted,  // every target is terminal and nothing more will start
};
const char* verdict_name(Verdict v);

// The strategy's answer. The controller clears it (clear()) before each decide.
struct Decision {
  std::vector<std::uint32_t> start;     // pending targets, or terminal ones to retry
  std::vector<std::uint32_t> time_out;  // running targets to mark timed out
  Verdict verdict = Verdict::kRunning;
  bool rollback = false;           // with kAborted
  int traffic_percent = -1;        // services: the share of traffic on the new version
                                   //   (-1: not a service strategy)
  std::int64_t old_replicas = -1;  // rolling: old-version replicas still serving (-1: n/a)
  sim::Time next = sim::kTimeMax;  // ask again at this time even if nothing changes
  const char* reason = "";         // why the verdict (abort / pause): a static string, so that
                                   //   deciding never allocates
  void clear() {
    start.clear();
    time_out.clear();
    verdict = Verdict::kRunning;
    rollback = false;
    traffic_percent = -1;
    old_replicas = -1;
    next = sim::kTimeMax;
    reason = "";
  }
};

class RolloutStrategy {
 public:
  virtual ~RolloutStrategy() = default;
  // Stable, written into results.
  virtual std::string_view name() const = 0;
  // Reads the strategy's parameters; call params.finish() afterwards for the full error list.
  virtual void configure(Params& params) = 0;
  // The rollout starts at `now` over `plan` (which outlives the rollout). Resets all state, so a
  // strategy object can run several rollouts one after the other.
  virtual void begin(const RolloutPlan& plan, sim::Time now) = 0;
  virtual void decide(const RolloutPlan& plan, const RolloutProgress& progress, sim::Time now,
                      Decision& out) = 0;
};

}  // namespace edgetwin::scheduler_plugins::rollout
