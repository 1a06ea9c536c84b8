// The arrival processes of request workloads (ArrivalProcess in fleet_config.h): when the next
// request of one (workload, site) stream arrives. The sampling methods are exact for each process
// (docs/devices.md, "Arrival processes"):
//   poisson   exponential gaps;
//   constant  t_k = (k + 1 - U) / rate, U = 0 or uniform on [0, 1) once (the phase);
//   diurnal   sinusoid: thinning (Lewis & Shedler 1979) of a Poisson process at the peak rate;
//             profile: inversion of the integrated rate, hour by hour;
//   mmpp      competing exponentials: the next arrival in the current state against the
//             state's end, drawn on entering it.
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
  ArrivalStream() = default;
  // REQUIRES: `process` is valid for `rate_per_s` (as the scenario builder checks): a positive
  // rate for poisson, constant and the sinusoid; a profile of 24 non-negative values, not all 0;
  // at least 2 MMPP states, sojourns > 0, some rate > 0. Throws std::invalid_argument otherwise.
  ArrivalStream(const ArrivalProcess& process, double rate_per_s, std::uint64_t seed,
                std::uint32_t entity, std::uint32_t offset);

  // The time of the next arrival; `previous` is the last time it returned (0 before the first).
  // `process` must be the one given to the constructor. Non-decreasing; kTimeMax at most.
  sim::Time next(const ArrivalProcess& process, sim::Time previous);

 private:
  double next_profile(const ArrivalProcess& process);
  double next_sinusoid(const ArrivalProcess& process);
  double next_mmpp(const ArrivalProcess& process);

  ArrivalProcess::Kind kind_ = ArrivalProcess::Kind::kPoisson;
  double rate_per_s_ = 0.0;
  double mean_gap_s_ = 0.0;  // 1 / rate_per_s_
  double t_s_ = 0.0;         // diurnal, mmpp: the exact time of the last arrival
  double phase_ = 0.0;       // constant: U
  double day_integral_ = 0.0;  // profile: expected arrivals per day
  std::uint64_t k_ = 0;      // constant: arrivals so far
  std::uint32_t state_ = 0;  // mmpp
  double switch_at_s_ = 0.0;  // mmpp: when the current state ends
  sim::RandomStream arrivals_;
  sim::RandomStream modulation_;
};

}  // namespace edgetwin::models
