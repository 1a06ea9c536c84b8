// exponential-waves: AWS IoT Jobs' jobExecutionsRolloutConfig (exponentialRate,
// maximumPerMinute), abortConfig, timeoutConfig and jobExecutionsRetryConfig.
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "scheduler_plugins/rollout/builtins.h"
#include "scheduler_plugins/rollout/detail.h"

namespace edgetwin::scheduler_plugins::rollout {

sim::Time notification_gap(std::int64_t rate_milli) { return sim::kMinute * 1000 / rate_milli; }

std::int64_t increased_rate(std::int64_t rate_milli, std::int64_t factor_tenths,
                            std::int64_t max_rate_milli) {
  return std::min(rate_milli * factor_tenths / 10, max_rate_milli);
}

namespace {

// Notifications are evenly spaced at the current rate: the first at the start, each next one a
// gap (60 s / rate) after the previous. The rate starts at baseRatePerMinute (capped at
// maximumPerMinute) and is multiplied by incrementFactor each time `rate_increase_count` things
// have been notified (or have succeeded) since the last increase. So with gaps g_s per stage
// and c per stage, thing m = s c + k (0 <= k < c) is notified at sum_{j<s} c g_j + k g_s.
// Without a base rate the rate is maximumPerMinute throughout.
class ExponentialWaves final : public RolloutStrategy {
 public:
  std::string_view name() const override { return "exponential-waves"; }
  void configure(Params& params) override {
    max_rate_milli_ = params.integer("maximum_per_minute", 1000, 1, 1000) * 1000;
    base_rate_milli_ = params.integer("base_rate_per_minute", 0, 1, 1000) * 1000;
    const double factor = params.number("increment_factor", 2.0, 1.1, 5.0);
    factor_tenths_ = std::llround(factor * 10);
    if (std::abs(factor * 10 - static_cast<double>(factor_tenths_)) > 1e-9) {
      params.error("increment_factor", "expected one decimal place (1.1 .. 5.0)");
    }
    by_success_ = params.choice("rate_increase_criterion", "notified", {"notified", "succeeded"}) ==
                  "succeeded";
    increase_every_ = params.integer("rate_increase_count", 1000, 1, 1'000'000'000);
    if (base_rate_milli_ == 0 &&
        (params.has("increment_factor") || params.has("rate_increase_count"))) {
      params.error("base_rate_per_minute",
                   "increment_factor and rate_increase_count need a base rate");
    }
    criteria_.clear();
    const std::string type =
        params.choice("abort_failure_type", "", {"FAILED", "REJECTED", "TIMED_OUT", "ALL"});
    params.choice("abort_action", "CANCEL", {"CANCEL"});
    const std::int64_t threshold = params.percent_fixed("abort_threshold_percent", -1, 2);
    const std::int64_t min = params.integer("abort_min_executed", 1, 1, 1'000'000'000);
    if (params.has("abort_failure_type") != params.has("abort_threshold_percent")) {
      params.error("abort_threshold_percent",
                   "abort_failure_type and abort_threshold_percent go together");
    } else if (!type.empty() && threshold >= 0) {
      criteria_.push_back({failure_type(type), threshold, min});
    }
    // AWS's criteriaList: "TYPE:PERCENT:MIN_EXECUTED" each, e.g. "FAILED:20:10".
    const auto list = params.list("abort_criteria");
    for (std::size_t i = 0; i < list.size(); ++i) read_criterion(params, i, list[i]);
    timeout_ = params.duration("in_progress_timeout", 0, sim::kMinute);
    if (timeout_ > 7 * sim::kDay) params.error("in_progress_timeout", "at most 7d (10080 min)");
    retry_failed_ = params.integer("retries_failed", 0, 0, 10);
    retry_timed_out_ = params.integer("retries_timed_out", 0, 0, 10);
  }
  void begin(const RolloutPlan&, sim::Time now) override {
    rate_milli_ =
        base_rate_milli_ == 0 ? max_rate_milli_ : std::min(base_rate_milli_, max_rate_milli_);
    cursor_ = 0;
    in_stage_ = 0;
    succeeded_at_increase_ = 0;
    next_notify_ = now;
    head_ = 0;
    log_cursor_ = 0;
    aborted_ = false;
  }
  void decide(const RolloutPlan& plan, const RolloutProgress& progress, sim::Time now,
              Decision& out) override {
    time_out(progress, now, out);
    if (aborted_) {
      out.verdict = Verdict::kAborted;
      return;
    }
    // Retries start at once; a target waiting for one does not count as failed.
    std::int64_t retried_failed = 0, retried_timed_out = 0;
    const auto& log = progress.finished_log();
    for (; log_cursor_ < log.size(); ++log_cursor_) {
      const std::uint32_t t = log[log_cursor_];
      const TargetState s = progress.state(t);
      const std::int64_t retries_used = progress.attempts(t) - 1;
      if (s == TargetState::kFailed && retries_used < retry_failed_) {
        ++retried_failed;
      } else if (s == TargetState::kTimedOut && retries_used < retry_timed_out_) {
        ++retried_timed_out;
      } else {
        continue;
      }
      out.start.push_back(t);
    }
    if (const int fired = abort_fires(progress, retried_failed, retried_timed_out); fired >= 0) {
      aborted_ = true;
      out.start.clear();
      out.verdict = Verdict::kAborted;
      static constexpr const char* kReason[] = {"abort criterion FAILED reached its threshold",
                                                "abort criterion REJECTED reached its threshold",
                                                "abort criterion TIMED_OUT reached its threshold",
                                                "abort criterion ALL reached its threshold"};
      out.reason = kReason[fired];
      return;
    }
    if (by_success_) {
      while (progress.count(TargetState::kSucceeded) - succeeded_at_increase_ >= increase_every_ &&
             base_rate_milli_ != 0) {
        succeeded_at_increase_ += increase_every_;
        rate_milli_ = increased_rate(rate_milli_, factor_tenths_, max_rate_milli_);
      }
    }
    while (cursor_ < plan.targets() && next_notify_ <= now) {
      const std::uint32_t t = cursor_++;
      if (progress.state(t) != TargetState::kPending) continue;
      out.start.push_back(t);
      next_notify_ += notification_gap(rate_milli_);
      if (!by_success_ && base_rate_milli_ != 0 && ++in_stage_ == increase_every_) {
        in_stage_ = 0;
        rate_milli_ = increased_rate(rate_milli_, factor_tenths_, max_rate_milli_);
      }
    }
    if (cursor_ < plan.targets()) out.next = std::min(out.next, next_notify_);
    if (cursor_ == plan.targets() && detail::all_done(progress, out) && out.time_out.empty()) {
      out.verdict = Verdict::kCompleted;
    }
  }

 private:
  // Attempts in the order they began running (RolloutProgress::began_log): the oldest one
  // still running times out first. A queued attempt (device offline) is never timed out.
  void time_out(const RolloutProgress& progress, sim::Time now, Decision& out) {
    if (timeout_ == 0) return;
    const auto& began = progress.began_log();
    for (; head_ < began.size(); ++head_) {
      const auto& [at, t, attempt] = began[head_];
      // Finished, or an earlier attempt of a retried target (the retry has its own entry).
      if (!running(progress.state(t)) || progress.attempts(t) != attempt) continue;
      if (at + timeout_ > now) {
        out.next = std::min(out.next, at + timeout_);
        break;
      }
      out.time_out.push_back(t);
    }
  }
  // AWS: a criterion fires once at least its minimum number of things have an outcome and
  // failures of its type make up at least its percentage of them (exact: failures x 10^4 >=
  // p x executed, p in hundredths of a percent). The type of the first that fires, else -1.
  int abort_fires(const RolloutProgress& progress, std::int64_t retried_failed,
                  std::int64_t retried_timed_out) const {
    const std::int64_t failed = progress.count(TargetState::kFailed) - retried_failed;
    const std::int64_t rejected = progress.count(TargetState::kRejected);
    const std::int64_t timed_out = progress.count(TargetState::kTimedOut) - retried_timed_out;
    const std::int64_t executed =
        progress.count(TargetState::kSucceeded) + failed + rejected + timed_out;
    for (const Criterion& c : criteria_) {
      const std::int64_t failures = c.type == kFailedType     ? failed
                                    : c.type == kRejectedType ? rejected
                                    : c.type == kTimedOutType ? timed_out
                                                              : failed + rejected + timed_out;
      if (executed >= c.min_executed && failures * 10000 >= c.threshold * executed) return c.type;
    }
    return -1;
  }
  enum FailureType : std::uint8_t { kFailedType, kRejectedType, kTimedOutType, kAllTypes };
  static FailureType failure_type(std::string_view name) {
    return name == "FAILED"      ? kFailedType
           : name == "REJECTED"  ? kRejectedType
           : name == "TIMED_OUT" ? kTimedOutType
                                 : kAllTypes;
  }
  void read_criterion(Params& params, std::size_t i, const std::string& text) {
    const std::string key = "abort_criteria/" + std::to_string(i);
    const std::size_t a = text.find(':');
    const std::size_t b = a == std::string::npos ? a : text.find(':', a + 1);
    const std::string type = text.substr(0, a);
    Criterion c{kAllTypes, 0, 0};
    std::string error;
    const bool known =
        type == "FAILED" || type == "REJECTED" || type == "TIMED_OUT" || type == "ALL";
    const bool ok =
        b != std::string::npos && known &&
        parse_percent_fixed(std::string_view(text).substr(a + 1, b - a - 1), 2, c.threshold, error);
    const std::string min = b == std::string::npos ? "" : text.substr(b + 1);
    c.min_executed = std::atoll(min.c_str());
    if (!ok || min.empty() || min.find_first_not_of("0123456789") != std::string::npos ||
        c.min_executed < 1) {
      params.error(key,
                   "expected FAILED|REJECTED|TIMED_OUT|ALL:PERCENT:MIN_EXECUTED (e.g. "
                   "FAILED:20:10), got '" +
                       text + "'" + (error.empty() ? "" : " (" + error + ")"));
      return;
    }
    c.type = failure_type(type);
    criteria_.push_back(c);
  }

  std::int64_t max_rate_milli_ = 0, base_rate_milli_ = 0, factor_tenths_ = 20;
  bool by_success_ = false;
  std::int64_t increase_every_ = 0;
  struct Criterion {
    FailureType type;
    std::int64_t threshold;  // hundredths of a percent
    std::int64_t min_executed;
  };
  std::vector<Criterion> criteria_;
  sim::Time timeout_ = 0;
  std::int64_t retry_failed_ = 0, retry_timed_out_ = 0;

  std::int64_t rate_milli_ = 0, in_stage_ = 0, succeeded_at_increase_ = 0;
  std::uint32_t cursor_ = 0;
  sim::Time next_notify_ = 0;
  std::size_t head_ = 0, log_cursor_ = 0;
  bool aborted_ = false;
};

}  // namespace

std::unique_ptr<RolloutStrategy> make_exponential_waves() {
  return std::make_unique<ExponentialWaves>();
}

}  // namespace edgetwin::scheduler_plugins::rollout
