// canary: weight steps, pauses and an analysis every interval (Argo Rollouts steps, Flagger
// stepWeight / maxWeight / interval / threshold).
#include <algorithm>
#include <charconv>

#include "scheduler_plugins/rollout/builtins.h"
#include "scheduler_plugins/rollout/detail.h"

namespace edgetwin::scheduler_plugins::rollout {

std::uint32_t weight_targets(std::int64_t percent, std::uint32_t total) {
  return static_cast<std::uint32_t>((percent * total + 99) / 100);
}

namespace {

struct Step {
  std::int64_t weight = -1;  // >= 0: setWeight
  sim::Time pause = 0;       // when weight < 0
};

// Steps: a weight step starts the targets up to ceil(weight x N / 100) and is done when none of
// the started targets is in progress and the latest analysis would pass (Argo waits for the
// canary to be available; Flagger does not advance on a failed check). A pause step is done
// after its duration. After the last step: promotion (every remaining target starts).
// Analysis: every `interval` from the start until promotion, over the started targets: a check
// fails when unsuccessful x 100 > max_failure_percent x finished; else it succeeds when
// succeeded x 100 >= min_success_percent x started (in-progress targets count against it);
// else it is inconclusive. Nothing finished yet: not counted. After `threshold` failed checks
// the rollout aborts with rollback; after more than `inconclusive_limit` inconclusive ones it
// pauses for good (Argo: an Inconclusive run pauses the rollout until a person resumes it). A
// weight whose targets are still in progress progress_deadline after it began aborts with rollback
// too (Flagger's progressDeadlineSeconds; 0: no deadline).
class Canary final : public RolloutStrategy {
 public:
  std::string_view name() const override { return "canary"; }
  void configure(Params& params) override {
    steps_.clear();
    interval_ = params.duration("interval", sim::kMinute, sim::kSecond);
    threshold_ = params.integer("threshold", 5, 1, 1000);
    max_failure_ = params.percent_fixed("max_failure_percent", 0, 2);
    min_success_ = params.percent_fixed("min_success_percent", 0, 2);
    inconclusive_limit_ = params.integer("inconclusive_limit", 0, 0, 1000);
    deadline_ = params.duration("progress_deadline", 0);
    const bool flagger =
        params.has("step_weight") || params.has("max_weight") || params.has("step_weights");
    if (params.has("steps") && flagger) {
      params.error("steps", "give either steps or step_weight / step_weights / max_weight");
    }
    const bool given = params.has("steps");
    const auto items = params.list("steps");
    if (given) {
      read_steps(params, items);
    } else {
      flagger_steps(params);
    }
  }
  void begin(const RolloutPlan&, sim::Time now) override {
    cursor_ = 0;
    step_ = 0;
    step_started_ = now;
    next_check_ = now + interval_;
    failed_checks_ = inconclusive_checks_ = 0;
    weight_ = 0;
    promoted_ = aborted_ = false;
  }
  void decide(const RolloutPlan& plan, const RolloutProgress& progress, sim::Time now,
              Decision& out) override {
    if (aborted_) {
      abort(out);
      return;
    }
    if (!promoted_) {
      for (; next_check_ <= now; next_check_ += interval_) {
        if (detail::executed(progress) == 0) continue;
        if (!check_passes(progress)) {
          ++failed_checks_;
        } else if (static_cast<std::int64_t>(progress.count(TargetState::kSucceeded)) * 10000 <
                   min_success_ * static_cast<std::int64_t>(detail::executed(progress) +
                                                            progress.in_progress_count())) {
          ++inconclusive_checks_;
        }
      }
      if (failed_checks_ >= threshold_) {
        aborted_ = true;
        abort(out);
        out.reason = "failed analysis checks reached the threshold";
        return;
      }
      if (inconclusive_checks_ > inconclusive_limit_) {
        out.verdict = Verdict::kPaused;
        out.traffic_percent = static_cast<int>(weight_);
        out.reason = "analysis inconclusive: paused until resumed";
        return;
      }
      if (!advance(plan, progress, now, out)) {
        aborted_ = true;
        abort(out);
        out.reason = "canary targets still in progress after progress_deadline";
        return;
      }
    }
    if (promoted_) {
      detail::start_up_to(cursor_, plan.targets(), progress, out);
      out.traffic_percent = 100;
      out.verdict = detail::all_done(progress, out) ? Verdict::kCompleted : Verdict::kPromoted;
      return;
    }
    out.traffic_percent = static_cast<int>(weight_);
    out.next = std::min(out.next, next_check_);
  }

 private:
  // False when a weight's targets are still in progress progress_deadline after it began.
  bool advance(const RolloutPlan& plan, const RolloutProgress& progress, sim::Time now,
               Decision& out) {
    while (step_ < steps_.size()) {
      const Step& step = steps_[step_];
      if (step.weight >= 0) {
        weight_ = step.weight;
        const std::uint32_t before = static_cast<std::uint32_t>(out.start.size());
        detail::start_up_to(cursor_, weight_targets(step.weight, plan.targets()), progress, out);
        const bool started_now = out.start.size() != before;
        const bool waiting = started_now || progress.in_progress_count() > 0;
        if (waiting && deadline_ > 0) {
          if (now >= step_started_ + deadline_) return false;
          out.next = std::min(out.next, step_started_ + deadline_);
        }
        if (waiting || !check_passes(progress)) return true;
      } else if (now < step_started_ + step.pause) {
        out.next = step_started_ + step.pause;
        return true;
      }
      ++step_;
      step_started_ = now;
    }
    promoted_ = true;
    return true;
  }
  bool check_passes(const RolloutProgress& progress) const {
    return static_cast<std::int64_t>(detail::unsuccessful(progress)) * 10000 <=
           max_failure_ * static_cast<std::int64_t>(detail::executed(progress));
  }
  void abort(Decision& out) const {
    out.verdict = Verdict::kAborted;
    out.rollback = true;
    out.traffic_percent = 0;
  }
  void read_steps(Params& params, const std::vector<std::string>& items) {
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string& item = items[i];
      const std::string key = "steps/" + std::to_string(i);
      Step step;
      if (item.rfind("weight=", 0) == 0) {
        const std::string_view v = std::string_view(item).substr(7);
        auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), step.weight);
        if (ec != std::errc() || ptr != v.data() + v.size() || step.weight < 0 ||
            step.weight > 100) {
          params.error(key, "expected weight=0..100, got '" + item + "'");
          continue;
        }
      } else if (item.rfind("pause=", 0) == 0) {
        auto parsed = sim::parse_duration(std::string_view(item).substr(6));
        if (!parsed.ok() || parsed.value <= 0) {
          params.error(key,
                       "expected pause=DURATION (> 0; an indefinite pause needs a manual "
                       "resume, which a simulated rollout has not), got '" +
                           item + "'");
          continue;
        }
        step.pause = parsed.value;
      } else {
        params.error(key, "unknown step '" + item + "'; valid: weight=PERCENT, pause=DURATION");
        continue;
      }
      steps_.push_back(step);
    }
    if (items.empty()) params.error("steps", "expected at least one step");
  }
  // Flagger: weights stepWeight, 2 stepWeight, ... capped at maxWeight (or the stepWeights
  // list), each followed by one interval.
  void flagger_steps(Params& params) {
    std::vector<std::int64_t> weights;
    const auto list = params.list("step_weights");
    const std::int64_t max_weight = params.integer("max_weight", 50, 1, 100);
    const std::int64_t step_weight = params.integer("step_weight", 10, 1, 100);
    if (!list.empty()) {
      for (std::size_t i = 0; i < list.size(); ++i) {
        std::int64_t w = -1;
        auto [ptr, ec] = std::from_chars(list[i].data(), list[i].data() + list[i].size(), w);
        const bool rising = weights.empty() || w > weights.back();
        if (ec != std::errc() || ptr != list[i].data() + list[i].size() || w < 1 || w > 100 ||
            !rising) {
          params.error("step_weights/" + std::to_string(i),
                       "expected increasing weights in 1..100, got '" + list[i] + "'");
          return;
        }
        weights.push_back(w);
      }
    } else {
      for (std::int64_t w = step_weight;; w += step_weight) {
        weights.push_back(std::min(w, max_weight));
        if (w >= max_weight) break;
      }
    }
    for (std::int64_t w : weights) {
      steps_.push_back({w, 0});
      steps_.push_back({-1, interval_});
    }
  }

  std::vector<Step> steps_;
  sim::Time interval_ = 0, deadline_ = 0;
  std::int64_t threshold_ = 0, max_failure_ = 0, min_success_ = 0, inconclusive_limit_ = 0;
  std::uint32_t cursor_ = 0;
  std::size_t step_ = 0;
  sim::Time step_started_ = 0, next_check_ = 0;
  std::int64_t failed_checks_ = 0, inconclusive_checks_ = 0, weight_ = 0;
  bool promoted_ = false, aborted_ = false;
};

}  // namespace

std::unique_ptr<RolloutStrategy> make_canary() { return std::make_unique<Canary>(); }

}  // namespace edgetwin::scheduler_plugins::rollout
