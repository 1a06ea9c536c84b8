// Energy and batteries: each device's power, integrated exactly between events, and the charge
// of the devices that run on a battery (docs/devices.md, "Energy" and "Batteries").
//
// Power is piecewise constant: P = idle_w + (max_w - idle_w) * busy_cores / cores +
// accelerator_power_w * busy_accelerators while the device is powered, 0 while it is off. It
// changes only when the fleet model reports a new load (load_changed) or the lifecycle switches
// the device (set_powered), so E = sum of P * dt over those intervals is exact.
//
// A battery's charge is linear between changes of load or of charge power (the solar profile
// changes on the hour, the plug-in window at its ends), so the instant it runs empty, or, while
// off, reaches its restart charge, is computed exactly. Each battery has at most one live event
// (on battery_lp, payload = battery | generation << 32), never later than the crossing: a change
// that brings the crossing before it schedules a new one and bumps the generation, which makes
// the older one stale; a change that delays the crossing leaves the pending event, which fires,
// finds nothing to do and re-schedules. So no crossing is missed or late.
//
// Guards: a load change that brings the crossing earlier does not schedule the new crossing but a
// guard, the instant the charge would run out at the device's highest power (never later than
// the crossing under any load). Load changes before the guard then schedule nothing; at the guard
// the exact crossing under the load of that moment is scheduled. Without guards every request
// started on a battery device would leave a stale event behind.
#pragma once

#include <cstdint>
#include <vector>

#include "models/fleet_config.h"
#include "sim/engine.h"

namespace edgetwin::models {

class Energy {
 public:
  static constexpr std::uint16_t kBatteryEvent = 0x200;
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;
  enum class BatteryChange : std::uint8_t { kNone, kEmpty, kRecharged };

  // `config` must outlive this object. Every device starts powered and idle.
  explicit Energy(const FleetConfig& config);

  // The LP that battery events are scheduled on (the lifecycle's); without it batteries are
  // not simulated (a fleet model run on its own). Call before start().
  void set_battery_lp(sim::LpId lp) { battery_lp_ = lp; }
  void start(sim::Engine& engine);

  // The device now has `busy_cores` cores and `busy_accelerators` accelerators busy. Cheap: a
  // few multiplications, plus a re-schedule check for battery devices; allocates nothing.
  void load_changed(std::uint32_t device, std::uint32_t busy_cores,
                    std::uint32_t busy_accelerators, sim::Time now, sim::Engine* engine) {
    if (!battery_of_.empty() && battery_of_[device] != kNone) {
      return battery_load_changed(device, busy_cores, busy_accelerators, now, engine);
    }
    Meter& m = meter_[device];
    if (m.powered) m.energy_j += m.load_w * sim::to_seconds(now - m.since);
    m.since = now;
    m.load_w = idle_w_[m.type] + core_w_[m.type] * busy_cores + accel_w_[m.type] * busy_accelerators;
  }
  // The device is switched on (draws its load power) or off (draws nothing, still charges).
  void set_powered(std::uint32_t device, bool on, sim::Time now, sim::Engine* engine);
  // Handles a battery event. kEmpty: the battery just ran empty (the device must shut down);
  // kRecharged: an emptied battery just reached its restart charge.
  struct BatteryResult {
    BatteryChange change = BatteryChange::kNone;
    std::uint32_t device = kNone;
  };
  BatteryResult on_battery_event(std::uint64_t payload, sim::Time now, sim::Engine& engine);

  // Closes the integrals at `end` and fills energy_j().
  void finish(sim::Time end);

  const std::vector<double>& energy_j() const { return energy_j_; }  // after finish()
  double power_w(std::uint32_t device) const {
    return meter_[device].powered ? meter_[device].load_w : 0.0;
  }
  std::size_t batteries() const { return battery_device_.size(); }
  std::uint32_t battery_device(std::size_t k) const { return battery_device_[k]; }
  // The charge of battery k at `now` (>= the last change), as a fraction of its capacity.
  double battery_fraction(std::size_t k, sim::Time now) const;
  bool battery_empty(std::size_t k) const { return drained_[k] != 0; }

 private:
  // One device's integral. Its fields are read and written together at every load change, so
  // they share a cache line (one miss per change instead of one per field).
  struct Meter {
    double load_w = 0.0;    // power while powered
    double energy_j = 0.0;  // integral up to `since`
    sim::Time since = 0;
    std::uint32_t type = 0;
    std::uint8_t powered = 1;
  };
  static_assert(sizeof(Meter) == 32);

  void battery_load_changed(std::uint32_t device, std::uint32_t busy_cores,
                            std::uint32_t busy_accelerators, sim::Time now, sim::Engine* engine);
  void integrate(std::uint32_t device, sim::Time now);
  void advance(std::uint32_t k, sim::Time now);  // level to now
  sim::Time next_battery_event(std::uint32_t k, sim::Time now, bool guard) const;
  void reschedule(std::uint32_t k, sim::Time now, sim::Engine* engine, bool guard);

  const FleetConfig& config_;
  sim::LpId battery_lp_ = 0xFFFFFFFFu;
  // Per device type.
  std::vector<double> idle_w_, core_w_, accel_w_;
  std::vector<double> top_w_;  // highest power: max_w + every accelerator busy
  // Per device.
  std::vector<Meter> meter_;
  std::vector<double> energy_j_;  // filled by finish()
  std::vector<std::uint32_t> battery_of_;  // empty when no device has a battery
  // Per battery.
  std::vector<std::uint32_t> battery_device_;
  std::vector<const BatteryConfig*> battery_config_;
  std::vector<double> level_j_, capacity_j_, restart_j_;
  std::vector<sim::Time> level_at_, pending_;
  std::vector<std::uint32_t> generation_;
  std::vector<std::uint8_t> drained_;
};

}  // namespace edgetwin::models
