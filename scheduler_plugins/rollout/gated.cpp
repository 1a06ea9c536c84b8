// maintenance-window (start updates only inside each site's local window) and bandwidth-waves
// (a cap on concurrent downloads per bandwidth group).
#include <algorithm>

#include "scheduler_plugins/rollout/builtins.h"
#include "scheduler_plugins/rollout/detail.h"

namespace edgetwin::scheduler_plugins::rollout {
namespace {

// A target may start only while its site's local time of day (UTC time of day at simulated 0,
// plus now, plus the site's offset, modulo 24 h) lies in [window_start, window_end); a window
// whose end is before its start runs past midnight. Updates already started go on after the
// window closes. Targets of each site start in index order, at most max_concurrent in progress
// over the whole rollout (0: no cap).
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
    sites_.build(plan, true);
    cursor_.assign(sites_.begin.begin(), sites_.begin.end() - 1);
  }
  void decide(const RolloutPlan& plan, const RolloutProgress& progress, sim::Time now,
              Decision& out) override {
    std::int64_t room = max_concurrent_ == 0 ? INT64_MAX
                                             : max_concurrent_ - progress.in_progress_count();
    bool pending = false;
    for (std::uint32_t s = 0; s < sites_.size(); ++s) {
      std::uint32_t& c = cursor_[s];
      const std::uint32_t end = sites_.begin[s + 1];
      while (c < end && progress.state(sites_.member[c]) != TargetState::kPending) ++c;
      if (c == end) continue;
      pending = true;
      const sim::Time local = local_time_of_day(plan, s, now);
      if (!open(local)) {
        out.next = std::min(out.next, now + until(local, start_));
        continue;
      }
      for (; c < end && room > 0; ++c) {
        if (progress.state(sites_.member[c]) != TargetState::kPending) continue;
        out.start.push_back(sites_.member[c]);
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
  sim::Time local_time_of_day(const RolloutPlan& plan, std::uint32_t site, sim::Time now) const {
    const sim::Time t = plan.utc_time_of_day_at_zero + now +
                        plan.utc_offset_minutes[site] * sim::kMinute;
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
  detail::Groups sites_;
  std::vector<std::uint32_t> cursor_;
};

// Starts targets in index order within each bandwidth group (RolloutPlan::group: a link when the
// plan names links, else the site) while fewer than max_downloads_per_group of the group are
// downloading, and at most max_concurrent in progress overall (0: no cap; KubeEdge's
// NodeUpgradeJob `concurrency`). A target whose group is full waits; later targets of other
// groups may go first.
class BandwidthWaves final : public RolloutStrategy {
 public:
  std::string_view name() const override { return "bandwidth-waves"; }
  void configure(Params& params) override {
    per_group_ = params.integer("max_downloads_per_group", 1, 1, 1'000'000'000);
    max_concurrent_ = params.integer("max_concurrent", 0, 0, 1'000'000'000);
  }
  void begin(const RolloutPlan& plan, sim::Time) override {
    groups_.build(plan, false);
    cursor_.assign(groups_.begin.begin(), groups_.begin.end() - 1);
  }
  void decide(const RolloutPlan&, const RolloutProgress& progress, sim::Time,
              Decision& out) override {
    std::int64_t room = max_concurrent_ == 0 ? INT64_MAX
                                             : max_concurrent_ - progress.in_progress_count();
    for (std::uint32_t g = 0; g < groups_.size() && room > 0; ++g) {
      std::uint32_t& c = cursor_[g];
      const std::uint32_t end = groups_.begin[g + 1];
      std::int64_t free = per_group_ - progress.downloading_in_group(g);
      for (; c < end && free > 0 && room > 0; ++c) {
        if (progress.state(groups_.member[c]) != TargetState::kPending) continue;
        out.start.push_back(groups_.member[c]);
        --free;
        --room;
      }
    }
    if (detail::all_done(progress, out)) out.verdict = Verdict::kCompleted;
  }

 private:
  std::int64_t per_group_ = 1, max_concurrent_ = 0;
  detail::Groups groups_;
  std::vector<std::uint32_t> cursor_;
};

}  // namespace

std::unique_ptr<RolloutStrategy> make_maintenance_window() {
  return std::make_unique<MaintenanceWindow>();
}
std::unique_ptr<RolloutStrategy> make_bandwidth_waves() {
  return std::make_unique<BandwidthWaves>();
}

}  // namespace edgetwin::scheduler_plugins::rollout
