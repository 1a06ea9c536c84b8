// The arrival processes of request workloads (ArrivalProcess in fleet_config.h): when the next
// request of one arrival stream (of a workload at a site, a device or the fleet) arrives. The sampling methods are exact for each process
// (docs/devices.md, "Arrival processes"):
//   poisson   exponential gaps;
//   constant  t_k = (k + 1 - U) / rate, U = 0 or uniform on [0, 1) once (the phase);
//   diurnal   sinusoid: thinning (Lewis & Shedler 1979) of a Poisson process at the peak rate;
//             profile: inversion of the integrated rate, hour by hour;
//   mmpp      competing exponentials: the next arrival in the current state against the
//             state's end, drawn on entering it;
//   azure_trace  each minute's (scaled) count c spread over the minute: c sorted uniforms drawn
//             one at a time in increasing order (sequential order statistics: with n left after
//             position u, the next is u + (1 - u) (1 - V^(1/n))), or evenly spaced;
//   trace     the listed times, exactly.
// Continuous state is kept in double seconds and rounded to the nanosecond only on output, so
// rounding never accumulates.
#pragma once

#include <cstdint>

#include "models/fleet_config.h"
#include "sim/random.h"
#include "sim/units.h"

namespace edgetwin::models {

// The state of one arrival stream: a few words and two random streams, no allocation. Arrival
// gaps, thinning and the phase are drawn from (seed, entity, purpose_id("arrivals") + offset);
// the MMPP's state changes from (seed, entity, purpose_id("arrival-modulation") + offset), so the
// same seed gives the same modulating path whatever the rates.
class ArrivalStream {
 public:
  // Parts (trace rows) get their own random streams: purpose + offset + part * kPartStride,
  // distinct while offsets (workload indices) stay below the stride.
  static constexpr std::uint32_t kPartStride = 0x10000;

  ArrivalStream() = default;
  // REQUIRES: `process` is valid for `rate_per_s` (as the scenario builder checks): a positive
  // rate for poisson, constant and the sinusoid; a profile of 24 non-negative values, not all 0;
  // at least 2 MMPP states, sojourns > 0, some rate > 0. Throws std::invalid_argument otherwise.
  // `part` picks the trace row (azure_trace) or the part of the times (trace); it also
  // separates the random streams of the parts (0 leaves them as they were without parts).
  ArrivalStream(const ArrivalProcess& process, double rate_per_s, std::uint64_t seed,
                std::uint32_t entity, std::uint32_t offset, std::uint32_t part = 0);

  // The time of the next arrival; `previous` is the last time it returned (0 before the first).
  // `process` must be the one given to the constructor. Non-decreasing; kTimeMax at most.
  sim::Time next(const ArrivalProcess& process, sim::Time previous);
  // azure_trace: minutes that start after `horizon` (the end of the run) are not scaled or
  // spread; the stream ends there. A repeated day of rare rows thinned hard would otherwise
  // walk on for centuries of simulated time looking for its next request.
  void set_horizon(sim::Time horizon) { horizon_ = horizon; }

 private:
  double next_profile(const ArrivalProcess& process);
  double next_sinusoid(const ArrivalProcess& process);
  double next_mmpp(const ArrivalProcess& process);
  sim::Time next_azure(const ArrivalProcess& process);

  ArrivalProcess::Kind kind_ = ArrivalProcess::Kind::kPoisson;
  double rate_per_s_ = 0.0;
  double mean_gap_s_ = 0.0;  // 1 / rate_per_s_
  double t_s_ = 0.0;         // diurnal, mmpp: the exact time of the last arrival
  double phase_ = 0.0;       // constant: U
  double day_integral_ = 0.0;  // profile: expected arrivals per day
  std::uint64_t k_ = 0;      // constant: arrivals so far
  std::uint32_t state_ = 0;  // mmpp
  double switch_at_s_ = 0.0;  // mmpp: when the current state ends
  // azure_trace: the next entry of the row (index into MinuteCounts), the row's end, the
  // repetitions of the day so far, the current minute's start, the requests left in it, its
  // (scaled) count, and the last position in it (a fraction of the minute). trace: entry_ and
  // end_ index InvocationTimes::time.
  std::uint32_t entry_ = 0;
  std::uint32_t end_ = 0;
  std::uint32_t row_begin_ = 0;
  std::uint64_t cycle_ = 0;
  sim::Time minute_start_ = 0;
  std::uint64_t left_ = 0;
  std::uint64_t in_minute_ = 0;
  double position_ = 0.0;
  sim::Time horizon_ = sim::kTimeMax;
  sim::RandomStream arrivals_;
  sim::RandomStream modulation_;
};

}  // namespace edgetwin::models
