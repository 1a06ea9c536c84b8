// maintenance-window (start updates only inside each site's local window), bandwidth-waves
// (a cap on concurrent downloads per bandwidth group) and gated-waves (hawkBit's deployment
// groups with success and error conditions).
#include <algorithm>

#include "scheduler_plugins/rollout/builtins.h"
#include "scheduler_plugins/rollout/detail.h"

namespace edgetwin::scheduler_plugins::rollout {
namespace {

// A target may start only while its site's local time of day (UTC time of day at simulated 0,
// plus now, plus the site's offset, modulo 24 h) lies in [window_start, window_end); a window
// whose end is before its start runs past midnight. Updates already started go on after the
// window closes. At most max_concurrent in progress over the whole rollout (0: no cap).
// Sites with the same UTC offset open and close together, so targets are kept per offset (in
// index order, hence each site's in index order too): a decision costs O(distinct offsets +
// targets started), not O(sites).
class MaintenanceWindow final : public RolloutStrategy {
 public:
  std::string_view name() const override { return "maintenance-window"; }
  void configure(Params& params) override {
    start_ = params.duration("window_start", 2 * sim::kHour);
    end_ = params.duration("window_end", 4 * sim::kHour);
    if (start_ >= sim::kDay) params.error("window_start", "a time of day below 24h");
    if (end_ >= sim::kDay) params.error("window_end", "a time of day below 24h");
    if (start_ == end_) params.error("window_end", "the window is empty (end = start)");
    max_concurrent_ = params.integer("max_concurrent", 0, 0, 1'000'000'000);
  }
  void begin(const RolloutPlan& plan, sim::Time) override {
    offsets_.clear();
    std::vector<std::uint32_t> zone(plan.sites());
    for (std::uint32_t s = 0; s < plan.sites(); ++s) {
      const std::int32_t offset = plan.utc_offset_minutes[s];
      auto it = std::find(offsets_.begin(), offsets_.end(), offset);
      zone[s] = static_cast<std::uint32_t>(it - offsets_.begin());
      if (it == offsets_.end()) offsets_.push_back(offset);
    }
    zones_.build(plan.targets(), static_cast<std::uint32_t>(offsets_.size()),
                 [&](std::uint32_t t) { return zone[plan.site[t]]; });
    cursor_.assign(zones_.begin.begin(), zones_.begin.end() - 1);
  }
  void decide(const RolloutPlan& plan, const RolloutProgress& progress, sim::Time now,
              Decision& out) override {
    std::int64_t room =
        max_concurrent_ == 0 ? INT64_MAX : max_concurrent_ - progress.in_progress_count();
    bool pending = false;
    for (std::size_t z = 0; z < offsets_.size(); ++z) {
      std::uint32_t& c = cursor_[z];
      const std::uint32_t end = zones_.begin[z + 1];
      while (c < end && progress.state(zones_.member[c]) != TargetState::kPending) ++c;
      if (c == end) continue;
      pending = true;
      const sim::Time local = local_time_of_day(plan, offsets_[z], now);
      if (!open(local)) {
        out.next = std::min(out.next, now + until(local, start_));
        continue;
      }
      for (; c < end && room > 0; ++c) {
        if (progress.state(zones_.member[c]) != TargetState::kPending) continue;
        out.start.push_back(zones_.member[c]);
        --room;
      }
    }
    if (!pending && detail::all_done(progress, out)) {
      out.verdict = Verdict::kCompleted;
    } else if (out.start.empty() && progress.in_progress_count() == 0) {
      out.verdict = Verdict::kPaused;
      out.reason = "outside every pending site's maintenance window";
    }
  }

 private:
  static sim::Time local_time_of_day(const RolloutPlan& plan, std::int32_t offset_minutes,
                                     sim::Time now) {
    const sim::Time t = plan.utc_time_of_day_at_zero + now + offset_minutes * sim::kMinute;
    return ((t % sim::kDay) + sim::kDay) % sim::kDay;
  }
  bool open(sim::Time local) const {
    return start_ < end_ ? local >= start_ && local < end_ : local >= start_ || local < end_;
  }
  static sim::Time until(sim::Time from, sim::Time to) {
    return ((to - from) % sim::kDay + sim::kDay) % sim::kDay;
  }

  sim::Time start_ = 0, end_ = 0;
  std::int64_t max_concurrent_ = 0;
  std::vector<std::int32_t> offsets_;  // distinct UTC offsets, in order of first site
  detail::Groups zones_;               // targets per distinct offset
  std::vector<std::uint32_t> cursor_;
};

// Starts targets in index order within each bandwidth group (RolloutPlan::group: a link when the
// plan names links, else the site) while fewer than max_downloads_per_group of the group are
// downloading or queued to download (a queued device holds its slot: when it comes back online
// its download must not push the group past the cap), and at most max_concurrent in progress
// overall (0: no cap; KubeEdge's NodeUpgradeJob `concurrency`). A target whose group is full
// waits; other groups go on. Groups that may start something wait in a FIFO: all at the start,
// then each group when one of its slots is freed (RolloutProgress::slot_freed_log); a decision
// costs O(slots freed + targets started), not O(groups).
class BandwidthWaves final : public RolloutStrategy {
 public:
  std::string_view name() const override { return "bandwidth-waves"; }
  void configure(Params& params) override {
    per_group_ = params.integer("max_downloads_per_group", 1, 1, 1'000'000'000);
    max_concurrent_ = params.integer("max_concurrent", 0, 0, 1'000'000'000);
  }
  void begin(const RolloutPlan& plan, sim::Time) override {
    groups_.build(plan.targets(), plan.groups(), [&](std::uint32_t t) { return plan.group(t); });
    cursor_.assign(groups_.begin.begin(), groups_.begin.end() - 1);
    ready_.clear();
    head_ = 0;
    queued_.assign(groups_.size(), 1);
    for (std::uint32_t g = 0; g < groups_.size(); ++g) ready_.push_back(g);
    log_cursor_ = 0;
  }
  void decide(const RolloutPlan& plan, const RolloutProgress& progress, sim::Time,
              Decision& out) override {
    const auto& ended = progress.slot_freed_log();
    for (; log_cursor_ < ended.size(); ++log_cursor_) {
      const std::uint32_t g = plan.group(ended[log_cursor_]);
      if (!queued_[g]) {
        queued_[g] = 1;
        ready_.push_back(g);
      }
    }
    std::int64_t room =
        max_concurrent_ == 0 ? INT64_MAX : max_concurrent_ - progress.in_progress_count();
    while (head_ < ready_.size() && room > 0) {
      const std::uint32_t g = ready_[head_];
      std::uint32_t& c = cursor_[g];
      const std::uint32_t end = groups_.begin[g + 1];
      std::int64_t free = per_group_ - progress.download_slots_in_group(g);
      for (; c < end && free > 0 && room > 0; ++c) {
        if (progress.state(groups_.member[c]) != TargetState::kPending) continue;
        out.start.push_back(groups_.member[c]);
        --free;
        --room;
      }
      if (room == 0 && free > 0 && c < end) break;  // the global cap stopped it: stays first
      queued_[g] = 0;
      ++head_;
    }
    if (head_ * 2 > ready_.size()) {  // drop the served half, keep the storage
      ready_.erase(ready_.begin(), ready_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
    if (detail::all_done(progress, out)) out.verdict = Verdict::kCompleted;
  }

 private:
  std::int64_t per_group_ = 1, max_concurrent_ = 0;
  detail::Groups groups_;
  std::vector<std::uint32_t> cursor_;
  std::vector<std::uint32_t> ready_;  // FIFO of groups that may start something, from head_
  std::size_t head_ = 0, log_cursor_ = 0;
  std::vector<std::uint8_t> queued_;
};

// Eclipse hawkBit rollouts: the targets split into `groups` deployment groups, group g being
// targets [floor(g N / G), floor((g + 1) N / G)). Group 0 starts at once; the next group starts
// when succeeded x 100 >= success_threshold_percent x (the current group's size) (hawkBit's
// success condition, action NextGroup); the rollout is shut down (abort, no rollback: pending
// targets canceled, running ones finish) when unsuccessful x 100 >= error_threshold_percent x
// size in the current group (the error condition and its emergency shutdown).
class GatedWaves final : public RolloutStrategy {
 public:
  std::string_view name() const override { return "gated-waves"; }
  void configure(Params& params) override {
    groups_ = params.integer("groups", 5, 1, 1'000'000);
    success_ = params.percent_fixed("success_threshold_percent", 10000, 2);
    error_ = params.percent_fixed("error_threshold_percent", -1, 2);
    if (error_ == 0) params.error("error_threshold_percent", "0% would shut down at once");
  }
  void begin(const RolloutPlan& plan, sim::Time) override {
    n_ = plan.targets();
    group_ = 0;
    cursor_ = 0;
    succeeded_.assign(static_cast<std::size_t>(groups_), 0);
    unsuccessful_.assign(static_cast<std::size_t>(groups_), 0);
    log_cursor_ = 0;
    stopped_ = false;
  }
  void decide(const RolloutPlan&, const RolloutProgress& progress, sim::Time,
              Decision& out) override {
    if (stopped_) {
      out.verdict = Verdict::kAborted;
      return;
    }
    // Each outcome counts for its own group (an earlier group's stragglers finish later).
    const auto& log = progress.finished_log();
    for (; log_cursor_ < log.size(); ++log_cursor_) {
      const std::uint32_t t = log[log_cursor_];
      const TargetState s = progress.state(t);
      if (s == TargetState::kSucceeded) ++succeeded_[group_of(t)];
      if (s == TargetState::kFailed || s == TargetState::kRejected || s == TargetState::kTimedOut) {
        ++unsuccessful_[group_of(t)];
      }
    }
    for (;;) {
      const std::int64_t size = end_of(group_) - begin_of(group_);
      detail::start_up_to(cursor_, static_cast<std::uint32_t>(end_of(group_)), progress, out);
      if (error_ > 0 && size > 0 && unsuccessful_[group_] * 10000 >= error_ * size) {
        stopped_ = true;
        out.start.clear();
        out.verdict = Verdict::kAborted;
        out.reason = "error threshold reached in a deployment group: emergency shutdown";
        return;
      }
      if (group_ + 1 == groups_ || succeeded_[group_] * 10000 < success_ * size) break;
      ++group_;
    }
    if (group_ + 1 == groups_ && detail::all_done(progress, out)) out.verdict = Verdict::kCompleted;
  }

 private:
  std::int64_t begin_of(std::int64_t g) const { return g * n_ / groups_; }
  std::int64_t end_of(std::int64_t g) const { return (g + 1) * n_ / groups_; }
  // The g with begin_of(g) <= t < end_of(g): floor((t + 1) G / N) is at most one too high.
  std::size_t group_of(std::uint32_t t) const {
    std::int64_t g = (static_cast<std::int64_t>(t) + 1) * groups_ / n_;
    if (g >= groups_ || begin_of(g) > t) --g;
    return static_cast<std::size_t>(g);
  }

  std::int64_t groups_ = 5, success_ = 10000, error_ = -1;
  std::int64_t n_ = 0, group_ = 0;
  std::uint32_t cursor_ = 0;
  std::vector<std::int64_t> succeeded_, unsuccessful_;  // per group
  std::size_t log_cursor_ = 0;
  bool stopped_ = false;
};

}  // namespace

std::unique_ptr<RolloutStrategy> make_maintenance_window() {
  return std::make_unique<MaintenanceWindow>();
}
std::unique_ptr<RolloutStrategy> make_gated_waves() { return std::make_unique<GatedWaves>(); }
std::unique_ptr<RolloutStrategy> make_bandwidth_waves() {
  return std::make_unique<BandwidthWaves>();
}

}  // namespace edgetwin::scheduler_plugins::rollout
