#include "scheduler_plugins/rollout/driver.h"

#include <algorithm>
#include <queue>
#include <stdexcept>

namespace edgetwin::scheduler_plugins::rollout {

sim::Time PlayResult::first(std::uint32_t target, TargetState state) const {
  for (const Change& c : changes) {
    if (c.target == target && c.state == state) return c.time;
  }
  return sim::kTimeMax;
}

namespace {

enum class Phase : std::uint8_t { kQueued, kDownload, kInstall };

struct Completion {  // the end of a phase of an attempt
  sim::Time time;
  std::uint64_t seq;  // tie-break: the order in which they were scheduled
  std::uint32_t target;
  std::uint32_t attempt;
  Phase phase;
  bool operator>(const Completion& o) const { return time != o.time ? time > o.time : seq > o.seq; }
};

class Player {
 public:
  Player(RolloutStrategy& strategy, const RolloutPlan& plan, const FleetScript& script)
      : strategy_(strategy),
        plan_(plan),
        script_(script),
        progress_(plan),
        current_(plan.targets()) {
    result_.max_downloading.assign(plan.groups(), 0);
  }

  PlayResult run(PlayOptions options) {
    now_ = options.start;
    strategy_.begin(plan_, now_);
    for (;;) {
      bool events = apply_completions();
      decision_.clear();
      strategy_.decide(plan_, progress_, now_, decision_);
      const bool acted = apply(decision_);
      if (decision_.verdict == Verdict::kCompleted) break;
      if (acted || (!queue_.empty() && queue_.top().time == now_)) continue;
      if (!events && decision_.next <= now_) {
        throw std::logic_error("rollout strategy '" + std::string(strategy_.name()) +
                               "' asked to decide again at the same instant without a change");
      }
      const sim::Time next =
          std::min(queue_.empty() ? sim::kTimeMax : queue_.top().time, decision_.next);
      if (next == sim::kTimeMax || next > options.until) break;
      now_ = next;
    }
    for (int s = 0; s < kTargetStates; ++s) {
      result_.final_count[s] = progress_.count(static_cast<TargetState>(s));
    }
    return std::move(result_);
  }

 private:
  void set(std::uint32_t target, TargetState s) {
    progress_.set_state(target, s, now_);
    result_.changes.push_back({now_, target, s});
    result_.end = now_;
    if (s == TargetState::kDownloading) {
      const std::uint32_t g = plan_.group(target);
      result_.max_downloading[g] =
          std::max(result_.max_downloading[g], progress_.downloading_in_group(g));
    }
    if (in_progress(s)) {
      result_.max_in_progress = std::max(result_.max_in_progress, progress_.in_progress_count());
    }
  }

  void begin_download(std::uint32_t t, std::uint32_t attempt) {
    set(t, TargetState::kDownloading);
    queue_.push({now_ + current_[t].download, seq_++, t, attempt, Phase::kDownload});
  }

  bool apply_completions() {
    bool any = false;
    while (!queue_.empty() && queue_.top().time == now_) {
      const Completion c = queue_.top();
      queue_.pop();
      const TargetState s = progress_.state(c.target);
      if (progress_.attempts(c.target) != c.attempt || !in_progress(s)) continue;  // timed out
      any = true;
      const AttemptScript& a = current_[c.target];
      if (c.phase == Phase::kQueued) {
        begin_download(c.target, c.attempt);
      } else if (c.phase == Phase::kDownload) {
        set(c.target, TargetState::kInstalling);
        if (!a.hang) queue_.push({now_ + a.install, seq_++, c.target, c.attempt, Phase::kInstall});
      } else if (rollback_ && a.outcome == TargetState::kSucceeded) {
        set(c.target, TargetState::kRolledBack);
      } else {
        set(c.target, a.outcome);
      }
    }
    return any;
  }

  bool apply(const Decision& d) {
    for (std::uint32_t t : d.time_out) {
      if (!running(progress_.state(t))) throw violation("timed out target", t);
      set(t, TargetState::kTimedOut);
    }
    for (std::uint32_t t : d.start) {
      const TargetState s = progress_.state(t);
      if (aborted_ || in_progress(s) || s == TargetState::kCanceled) {
        throw violation("started target", t);
      }
      const std::uint32_t attempt = progress_.attempts(t) + 1;
      current_[t] = script_(t, attempt);
      if (current_[t].queued > 0) {
        set(t, TargetState::kQueued);
        queue_.push({now_ + current_[t].queued, seq_++, t, attempt, Phase::kQueued});
      } else {
        begin_download(t, attempt);
      }
    }
    bool acted = !d.start.empty() || !d.time_out.empty();
    const bool verdict_changed = d.verdict != result_.verdict;
    if (verdict_changed) {
      result_.verdict = d.verdict;
      result_.verdict_time = now_;
      result_.reason = d.reason;
    }
    if (abort(d)) acted = true;
    if (acted || verdict_changed) {
      result_.steps.push_back({now_, static_cast<std::uint32_t>(d.start.size()),
                               static_cast<std::uint32_t>(d.time_out.size()), d.verdict,
                               d.traffic_percent, d.old_replicas});
    }
    return acted;
  }

  // On the first abort: pending targets are canceled; with rollback, succeeded ones revert.
  bool abort(const Decision& d) {
    if (d.verdict != Verdict::kAborted || aborted_) return false;
    aborted_ = true;
    rollback_ = d.rollback;
    for (std::uint32_t t = 0; t < plan_.targets(); ++t) {
      const TargetState s = progress_.state(t);
      if (s == TargetState::kPending) set(t, TargetState::kCanceled);
      if (rollback_ && s == TargetState::kSucceeded) set(t, TargetState::kRolledBack);
    }
    return true;
  }

  std::logic_error violation(const char* what, std::uint32_t t) const {
    return std::logic_error("rollout strategy '" + std::string(strategy_.name()) + "' " + what +
                            " " + std::to_string(t) + " in state " +
                            target_state_name(progress_.state(t)) + " at " +
                            sim::format_duration(now_));
  }

  RolloutStrategy& strategy_;
  const RolloutPlan& plan_;
  const FleetScript& script_;
  RolloutProgress progress_;
  std::vector<AttemptScript> current_;
  std::priority_queue<Completion, std::vector<Completion>, std::greater<>> queue_;
  std::uint64_t seq_ = 0;
  sim::Time now_ = 0;
  Decision decision_;
  PlayResult result_;
  bool aborted_ = false, rollback_ = false;
};

}  // namespace

PlayResult play(RolloutStrategy& strategy, const RolloutPlan& plan, const FleetScript& script,
                PlayOptions options) {
  if (const std::string error = plan.check(); !error.empty()) {
    throw std::invalid_argument("rollout plan: " + error);
  }
  return Player(strategy, plan, script).run(options);
}

}  // namespace edgetwin::scheduler_plugins::rollout
