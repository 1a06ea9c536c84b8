#include "models/arrivals.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace edgetwin::models {
namespace {

constexpr std::uint32_t kArrivalPurpose = sim::purpose_id("arrivals");
constexpr std::uint32_t kModulationPurpose = sim::purpose_id("arrival-modulation");
constexpr double kHourS = 3600.0;
constexpr double kDayS = 24.0 * kHourS;

// Binomial(n, p) by geometric skips: the gaps between successes are geometric, so the draws cost
// O(n min(p, 1 - p) + 1) (counting the rarer outcome), with no allocation.
std::uint64_t binomial(std::uint64_t n, double p, sim::RandomStream& rng) {
  if (n == 0 || !(p > 0.0)) return 0;
  if (p >= 1.0) return n;
  const bool flip = p > 0.5;
  const double log_miss = std::log1p(-(flip ? 1.0 - p : p));
  std::uint64_t hits = 0;
  double trials = 0.0;
  for (;;) {
    // Failures before the next success: floor(ln U / ln(1 - p)), U on (0, 1].
    trials += std::floor(std::log(rng.uniform01_open_low()) / log_miss) + 1.0;
    if (trials > static_cast<double>(n)) break;
    ++hits;
  }
  return flip ? n - hits : hits;
}

}  // namespace

const char* arrival_process_name(ArrivalProcess::Kind k) {
  switch (k) {
    case ArrivalProcess::Kind::kPoisson: return "poisson";
    case ArrivalProcess::Kind::kConstant: return "constant";
    case ArrivalProcess::Kind::kDiurnal: return "diurnal";
    case ArrivalProcess::Kind::kMmpp: return "mmpp";
    case ArrivalProcess::Kind::kAzureTrace: return "azure_trace";
    case ArrivalProcess::Kind::kTrace: return "trace";
  }
  return "?";
}

const char* arrival_scope_name(ArrivalScope s) {
  switch (s) {
    case ArrivalScope::kSite: return "site";
    case ArrivalScope::kDevice: return "device";
    case ArrivalScope::kFleet: return "fleet";
  }
  return "?";
}

std::uint32_t ArrivalProcess::parts() const {
  if (kind == Kind::kAzureTrace) return minute_counts ? minute_counts->rows() : 0;
  if (kind == Kind::kTrace && times) {
    return static_cast<std::uint32_t>(times->part_begin.size() - 1);
  }
  return 1;
}

double ArrivalProcess::mean_rate_per_s(double rate_per_s) const {
  if (kind == Kind::kDiurnal && !hourly_per_s.empty()) {
    double sum = 0.0;
    for (double r : hourly_per_s) sum += r;
    return sum / static_cast<double>(hourly_per_s.size());
  }
  if (kind == Kind::kMmpp) {
    // pi_i = m_i / sum_j m_j: the embedded jump chain (uniform over the other states) is doubly
    // stochastic, so it visits every state equally often, and state i holds for m_i on average.
    double time = 0.0, arrivals = 0.0;
    for (const MmppState& s : states) {
      time += s.mean_sojourn_s;
      arrivals += s.rate_per_s * s.mean_sojourn_s;
    }
    return time > 0.0 ? arrivals / time : 0.0;
  }
  return rate_per_s;
}

ArrivalStream::ArrivalStream(const ArrivalProcess& process, double rate_per_s, std::uint64_t seed,
                             std::uint32_t entity, std::uint32_t offset, std::uint32_t part)
    : kind_(process.kind),
      rate_per_s_(rate_per_s),
      mean_gap_s_(1.0 / rate_per_s),
      arrivals_(seed, entity, kArrivalPurpose + offset + part * kPartStride),
      modulation_(seed, entity, kModulationPurpose + offset + part * kPartStride) {
  auto invalid = [&](const std::string& what) {
    throw std::invalid_argument(std::string("arrival process ") +
                                arrival_process_name(process.kind) + ": " + what);
  };
  using Kind = ArrivalProcess::Kind;
  const bool profile = kind_ == Kind::kDiurnal && !process.hourly_per_s.empty();
  // Poisson keeps its old leniency: a rate of 0 gives no arrival (an infinite first gap).
  if ((kind_ == Kind::kConstant || (kind_ == Kind::kDiurnal && !profile)) && !(rate_per_s > 0.0)) {
    invalid("rate must be positive");
  }
  switch (kind_) {
    case Kind::kPoisson: break;
    case Kind::kConstant:
      if (process.random_phase) phase_ = arrivals_.uniform01();
      break;
    case Kind::kDiurnal:
      if (!profile) {
        if (!(process.amplitude >= 0.0 && process.amplitude <= 1.0)) {
          invalid("amplitude must be in [0, 1]");
        }
        if (process.period <= 0) invalid("period must be positive");
        break;
      }
      if (process.hourly_per_s.size() != 24) invalid("the profile needs 24 hourly rates");
      for (double r : process.hourly_per_s) {
        if (!(r >= 0.0)) invalid("hourly rates must be non-negative");
        day_integral_ += r * kHourS;
      }
      if (!(day_integral_ > 0.0)) invalid("every hourly rate is 0");
      break;
    case Kind::kMmpp: {
      if (process.states.size() < 2) invalid("needs at least 2 states");
      double total = 0.0;
      bool any = false;
      for (const ArrivalProcess::MmppState& s : process.states) {
        if (!(s.mean_sojourn_s > 0.0)) invalid("every state's mean sojourn must be positive");
        if (!(s.rate_per_s >= 0.0)) invalid("state rates must be non-negative");
        any = any || s.rate_per_s > 0.0;
        total += s.mean_sojourn_s;
      }
      if (!any) invalid("every state's rate is 0");
      // The initial state from the stationary distribution, with a fresh (memoryless) sojourn:
      // the process is stationary from t = 0.
      double u = modulation_.uniform01() * total;
      state_ = static_cast<std::uint32_t>(process.states.size() - 1);
      for (std::uint32_t i = 0; i + 1 < process.states.size(); ++i) {
        u -= process.states[i].mean_sojourn_s;
        if (u < 0.0) {
          state_ = i;
          break;
        }
      }
      switch_at_s_ = modulation_.exponential(process.states[state_].mean_sojourn_s);
      break;
    }
    case Kind::kAzureTrace: {
      const MinuteCounts* counts = process.minute_counts.get();
      if (!counts || part >= counts->rows()) invalid("no such trace row");
      if (!(process.scale > 0.0)) invalid("scale must be positive");
      if (process.start_minute >= counts->minutes) invalid("start must be within the trace");
      row_begin_ = counts->row_begin[part];
      end_ = counts->row_begin[part + 1];
      // The first minute replayed is start_minute.
      entry_ = row_begin_;
      while (entry_ < end_ && counts->minute[entry_] < process.start_minute) ++entry_;
      break;
    }
    case Kind::kTrace: {
      const InvocationTimes* times = process.times.get();
      if (!times || part + 1 >= times->part_begin.size()) invalid("no such part");
      entry_ = times->part_begin[part];
      end_ = times->part_begin[part + 1];
      break;
    }
  }
}

sim::Time ArrivalStream::next(const ArrivalProcess& process, sim::Time previous) {
  switch (kind_) {
    case ArrivalProcess::Kind::kPoisson:
      // Exactly the draws and rounding of the original Poisson sources (results stay identical).
      return sim::add_saturating(previous, sim::from_seconds(arrivals_.exponential(mean_gap_s_)));
    case ArrivalProcess::Kind::kConstant: {
      // From k, not by adding gaps: each time is rounded once, so there is no drift.
      const double t = (static_cast<double>(k_) + 1.0 - phase_) / rate_per_s_;
      ++k_;
      return std::max(previous, sim::from_seconds(t));
    }
    case ArrivalProcess::Kind::kDiurnal:
      t_s_ = process.hourly_per_s.empty() ? next_sinusoid(process) : next_profile(process);
      break;
    case ArrivalProcess::Kind::kMmpp:
      t_s_ = next_mmpp(process);
      break;
    case ArrivalProcess::Kind::kAzureTrace:
      return std::max(previous, next_azure(process));
    case ArrivalProcess::Kind::kTrace:
      if (entry_ == end_) return sim::kTimeMax;
      return std::max(previous, process.times->time[entry_++]);
  }
  return std::max(previous, sim::from_seconds(t_s_));
}

// Thinning: candidates from a Poisson process at the peak rate rate * (1 + a), each kept with
// probability rate(t) / peak rate. The kept points are a Poisson process of rate rate(t).
double ArrivalStream::next_sinusoid(const ArrivalProcess& process) {
  const double a = process.amplitude;
  const double period = sim::to_seconds(process.period);
  const double shift = period / 4.0 - sim::to_seconds(process.peak);
  const double candidate_gap = mean_gap_s_ / (1.0 + a);
  double t = t_s_;
  for (;;) {
    t += arrivals_.exponential(candidate_gap);
    // The angle reduced to one period first, so that it stays accurate over long runs.
    const double x = std::fmod(t + shift, period);
    const double relative = 1.0 + a * std::sin(2.0 * std::numbers::pi * x / period);
    if (arrivals_.uniform01() * (1.0 + a) < relative) return t;
  }
}

// Inversion: the next arrival is where the integrated rate from the last one reaches an Exp(1)
// draw E. Whole days are skipped at once (each holds day_integral_), then hour by hour.
double ArrivalStream::next_profile(const ArrivalProcess& process) {
  double e = arrivals_.exponential(1.0);
  double t = t_s_;
  if (e >= day_integral_) {
    const double days = std::floor(e / day_integral_);
    e = std::max(0.0, e - days * day_integral_);
    t += days * kDayS;
  }
  for (;;) {
    const double hour = std::floor(t / kHourS);
    const double end = (hour + 1.0) * kHourS;
    const double rate = process.hourly_per_s[static_cast<std::size_t>(std::fmod(hour, 24.0))];
    const double mass = rate * (end - t);
    if (e < mass) return t + e / rate;
    e -= mass;
    t = end;
  }
}

// Competing exponentials: in state i the next arrival is Exp(rate_i) away (memoryless, so drawn
// afresh after each arrival); if the state ends first, the clock moves to its end, the next state
// begins with its own Exp(sojourn) and the race starts again.
double ArrivalStream::next_mmpp(const ArrivalProcess& process) {
  const auto n = static_cast<std::uint32_t>(process.states.size());
  double t = t_s_;
  for (;;) {
    const double rate = process.states[state_].rate_per_s;
    if (rate > 0.0) {
      const double candidate = t + arrivals_.exponential(1.0 / rate);
      if (candidate < switch_at_s_) return candidate;
    }
    t = switch_at_s_;
    if (n == 2) {
      state_ = 1 - state_;
    } else {
      auto j = static_cast<std::uint32_t>(modulation_.uniform_int(n - 1));
      state_ = j >= state_ ? j + 1 : j;
    }
    switch_at_s_ = t + modulation_.exponential(process.states[state_].mean_sojourn_s);
  }
}

// The minutes of the row in order, the whole trace period again and again with `repeat`; each
// minute's count is scaled once, on entering it, then its requests are placed one at a time.
// Positions are whole nanoseconds inside the minute, so every request of trace minute m lands in
// simulated minute m - start (exact per-minute counts).
sim::Time ArrivalStream::next_azure(const ArrivalProcess& process) {
  const MinuteCounts& counts = *process.minute_counts;
  while (left_ == 0) {
    if (entry_ == end_) {
      if (!process.repeat || row_begin_ == end_) return sim::kTimeMax;
      entry_ = row_begin_;
      ++cycle_;
      if (cycle_ > 100000) return sim::kTimeMax;  // 270+ years: past any run and the horizon
    }
    const auto minute = static_cast<std::int64_t>(cycle_ * counts.minutes + counts.minute[entry_]) -
                        static_cast<std::int64_t>(process.start_minute);
    if (minute > horizon_ / sim::kMinute) return sim::kTimeMax;
    const std::uint64_t c = counts.count[entry_];
    const double whole = std::floor(process.scale);
    std::uint64_t n = static_cast<std::uint64_t>(whole) * c;
    n += binomial(c, process.scale - whole, modulation_);
    ++entry_;
    minute_start_ = minute * sim::kMinute;
    left_ = in_minute_ = n;
    position_ = 0.0;
  }
  const std::uint64_t i = in_minute_ - left_;  // 0-based index in the minute
  double offset_ns;
  if (process.even_spread) {
    offset_ns = (static_cast<double>(i) + 0.5) / static_cast<double>(in_minute_) *
                static_cast<double>(sim::kMinute);
  } else {
    // The smallest of `left_` uniforms on [position_, 1): 1 - V^(1/left_) of the rest, V on (0, 1].
    const double v = arrivals_.uniform01_open_low();
    position_ += (1.0 - position_) * -std::expm1(std::log(v) / static_cast<double>(left_));
    offset_ns = position_ * static_cast<double>(sim::kMinute);
  }
  --left_;
  const auto offset = std::min(static_cast<sim::Time>(offset_ns), sim::kMinute - 1);
  return minute_start_ + offset;
}

}  // namespace edgetwin::models
