// all-at-once, rolling (Kubernetes Deployment RollingUpdate) and blue-green (Argo Rollouts).
#include <algorithm>

#include "scheduler_plugins/rollout/builtins.h"
#include "scheduler_plugins/rollout/detail.h"

namespace edgetwin::scheduler_plugins::rollout {

Fenceposts resolve_fenceposts(CountOrPercent max_surge, CountOrPercent max_unavailable,
                              std::int64_t replicas) {
  Fenceposts f{max_surge.resolve(replicas, true), max_unavailable.resolve(replicas, false)};
  if (f.surge == 0 && f.unavailable == 0) f.unavailable = 1;
  return f;
}

namespace {

class AllAtOnce final : public RolloutStrategy {
 public:
  std::string_view name() const override { return "all-at-once"; }
  void configure(Params&) override {}
  void begin(const RolloutPlan&, sim::Time) override { cursor_ = 0; }
  void decide(const RolloutPlan& plan, const RolloutProgress& progress, sim::Time,
              Decision& out) override {
    detail::start_up_to(cursor_, plan.targets(), progress, out);
    if (detail::all_done(progress, out)) out.verdict = Verdict::kCompleted;
  }

 private:
  std::uint32_t cursor_ = 0;
};

// A Deployment of N replicas, one per target: starting a target creates its new replica, which
// is ready when the target succeeds; old replicas are counted, not placed (the controller reads
// Decision::old_replicas for availability). Each decision runs the Deployment controller's sync
// to a fixed point: reconcileNewReplicaSet (scale the new set up to at most N + surge in total),
// then reconcileOldReplicaSets (scale old down while old + ready new stays >= N - unavailable).
class Rolling final : public RolloutStrategy {
 public:
  std::string_view name() const override { return "rolling"; }
  void configure(Params& params) override {
    surge_ = params.count_or_percent("max_surge", {25, true});
    unavailable_ = params.count_or_percent("max_unavailable", {25, true});
    deadline_ = params.duration("progress_deadline", 600 * sim::kSecond, sim::kSecond);
    if (surge_.value == 0 && unavailable_.value == 0) {
      params.error("max_unavailable", "max_surge and max_unavailable cannot both be 0");
    }
  }
  void begin(const RolloutPlan& plan, sim::Time now) override {
    n_ = plan.targets();
    fence_ = resolve_fenceposts(surge_, unavailable_, n_);
    old_ = n_;
    cursor_ = 0;
    last_ready_ = 0;
    last_progress_ = now;
  }
  void decide(const RolloutPlan&, const RolloutProgress& progress, sim::Time now,
              Decision& out) override {
    const std::int64_t ready = progress.count(TargetState::kSucceeded);
    const std::int64_t n = n_;
    for (bool changed = true; changed;) {
      changed = false;
      const std::int64_t created = cursor_;
      const std::int64_t up = std::min(n + fence_.surge - (old_ + created), n - created);
      if (up > 0) {
        detail::start_up_to(cursor_, static_cast<std::uint32_t>(created + up), progress, out);
        changed = true;
      }
      const std::int64_t down = std::min(old_, old_ + ready - (n - fence_.unavailable));
      if (down > 0) {
        old_ -= down;
        changed = true;
      }
    }
    out.old_replicas = old_;
    if (ready != last_ready_ || !out.start.empty()) {
      last_ready_ = ready;
      last_progress_ = now;
    }
    if (old_ == 0 && detail::all_done(progress, out)) {
      out.verdict = Verdict::kCompleted;
    } else if (now - last_progress_ >= deadline_) {
      out.verdict = Verdict::kPaused;  // Progressing=False; Kubernetes does not roll back
      out.reason = "ProgressDeadlineExceeded";
    } else {
      out.next = last_progress_ + deadline_;
    }
  }

 private:
  CountOrPercent surge_, unavailable_;
  sim::Time deadline_ = 0;
  Fenceposts fence_;
  std::int64_t n_ = 0, old_ = 0, last_ready_ = 0;
  std::uint32_t cursor_ = 0;
  sim::Time last_progress_ = 0;
};

// Green = the targets, all updated at once while traffic stays on blue. Once every green target
// has succeeded: wait auto_promotion_delay, switch (kPromoted, traffic 100), keep blue for
// scale_down_delay, then complete. A green failure before the switch aborts (traffic never
// moved); one during scale_down_delay (the controller moves a succeeded target to failed when
// its post-switch health check fails) switches back (abort with rollback).
class BlueGreen final : public RolloutStrategy {
 public:
  std::string_view name() const override { return "blue-green"; }
  void configure(Params& params) override {
    promotion_delay_ = params.duration("auto_promotion_delay", 0);
    scale_down_delay_ = params.duration("scale_down_delay", 30 * sim::kSecond);
  }
  void begin(const RolloutPlan&, sim::Time) override {
    cursor_ = 0;
    healthy_at_ = switched_at_ = sim::kTimeMax;
    aborted_ = false;
  }
  void decide(const RolloutPlan& plan, const RolloutProgress& progress, sim::Time now,
              Decision& out) override {
    out.traffic_percent = 0;
    if (aborted_) {
      out.verdict = Verdict::kAborted;
      out.rollback = true;
      return;
    }
    detail::start_up_to(cursor_, plan.targets(), progress, out);
    const bool green_done = detail::all_done(progress, out);
    if (detail::unsuccessful(progress) > 0 && (green_done || switched_at_ != sim::kTimeMax) &&
        now < sim::add_saturating(switched_at_, scale_down_delay_)) {
      aborted_ = true;
      out.verdict = Verdict::kAborted;
      out.rollback = true;
      out.reason = switched_at_ == sim::kTimeMax ? "green set unhealthy before the switch"
                                                 : "green set unhealthy after the switch";
      return;
    }
    if (!green_done) return;
    if (healthy_at_ == sim::kTimeMax) healthy_at_ = now;
    if (switched_at_ == sim::kTimeMax && now >= healthy_at_ + promotion_delay_) switched_at_ = now;
    if (switched_at_ == sim::kTimeMax) {
      out.next = healthy_at_ + promotion_delay_;
      return;
    }
    out.traffic_percent = 100;
    out.verdict = Verdict::kPromoted;
    if (now >= switched_at_ + scale_down_delay_) {
      out.verdict = Verdict::kCompleted;
    } else {
      out.next = switched_at_ + scale_down_delay_;
    }
  }

 private:
  sim::Time promotion_delay_ = 0, scale_down_delay_ = 0;
  std::uint32_t cursor_ = 0;
  sim::Time healthy_at_ = sim::kTimeMax, switched_at_ = sim::kTimeMax;
  bool aborted_ = false;
};

}  // namespace

std::unique_ptr<RolloutStrategy> make_all_at_once() { return std::make_unique<AllAtOnce>(); }
std::unique_ptr<RolloutStrategy> make_rolling() { return std::make_unique<Rolling>(); }
std::unique_ptr<RolloutStrategy> make_blue_green() { return std::make_unique<BlueGreen>(); }

}  // namespace edgetwin::scheduler_plugins::rollout
