#include "models/energy.h"

#include <algorithm>
#include <cmath>

namespace edgetwin::models {
namespace {

constexpr double kJoulesPerWh = 3600.0;

// The smallest whole number of nanoseconds at least `seconds` (>= 0), saturating.
sim::Time ceil_ns(double seconds) {
  const double ns = std::ceil(seconds * 1e9);
  return ns >= 9.2e18 ? sim::kTimeMax : static_cast<sim::Time>(ns);
}

bool in_daily_window(sim::Time tod, sim::Time start, sim::Time end) {
  return start < end ? tod >= start && tod < end : tod >= start || tod < end;
}

}  // namespace

double BatteryConfig::charge_w(sim::Time t) const {
  const sim::Time tod = t % sim::kDay;
  double w = solar_w.empty() ? 0.0 : solar_w[static_cast<std::size_t>(tod / sim::kHour)];
  if (plug_w > 0 && plug_start != plug_end && in_daily_window(tod, plug_start, plug_end)) {
    w += plug_w;
  }
  return w;
}

sim::Time BatteryConfig::next_charge_change(sim::Time t) const {
  const sim::Time day = t - t % sim::kDay;
  const sim::Time tod = t % sim::kDay;
  sim::Time next = sim::kTimeMax;
  if (!solar_w.empty()) {
    const auto hour = static_cast<std::size_t>(tod / sim::kHour);
    for (std::size_t h = 1; h <= 24; ++h) {
      if (solar_w[(hour + h) % 24] != solar_w[hour]) {
        next = day + static_cast<sim::Time>(hour + h) * sim::kHour;
        break;
      }
    }
  }
  if (plug_w > 0 && plug_start != plug_end) {
    for (sim::Time edge : {plug_start, plug_end}) {
      const sim::Time at = day + edge > t ? day + edge : day + sim::kDay + edge;
      next = std::min(next, at);
    }
  }
  return next;
}

Energy::Energy(const FleetConfig& config) : config_(config) {
  for (const DeviceType& t : config.types) {
    idle_w_.push_back(t.idle_power_w);
    core_w_.push_back(t.cores > 0 ? (t.max_power_w - t.idle_power_w) / t.cores : 0.0);
    accel_w_.push_back(t.accelerator_power_w);
    // Every accelerator busy (the function model holds at most `accelerators`; at least one is
    // assumed for a type that names an accelerator).
    const int units = std::max(t.accelerators, t.accelerator.empty() ? 0 : 1);
    top_w_.push_back(t.max_power_w + units * t.accelerator_power_w);
  }
  const std::size_t n = config.devices.size();
  meter_.resize(n);
  for (std::size_t d = 0; d < n; ++d) {
    meter_[d].type = config.devices[d].type;
    meter_[d].load_w = idle_w_[meter_[d].type];
  }
  energy_j_.assign(n, 0.0);
  const LifecycleConfig& lc = config.lifecycle;
  if (lc.battery_of.empty()) return;
  battery_of_.assign(n, kNone);
  for (std::uint32_t d = 0; d < n; ++d) {
    if (lc.battery_of[d] == LifecycleConfig::kNoBattery) continue;
    const BatteryConfig& b = lc.batteries.at(lc.battery_of[d]);
    battery_of_[d] = static_cast<std::uint32_t>(battery_device_.size());
    battery_device_.push_back(d);
    battery_config_.push_back(&b);
    capacity_j_.push_back(b.capacity_wh * kJoulesPerWh);
    level_j_.push_back(b.capacity_wh * kJoulesPerWh * b.initial_fraction);
    restart_j_.push_back(b.capacity_wh * kJoulesPerWh * b.restart_fraction);
  }
  const std::size_t k = battery_device_.size();
  level_at_.assign(k, 0);
  pending_.assign(k, sim::kTimeMax);
  generation_.assign(k, 0);
  drained_.assign(k, 0);
}

void Energy::start(sim::Engine& engine) {
  if (battery_lp_ == 0xFFFFFFFFu) return;
  for (std::uint32_t k = 0; k < battery_device_.size(); ++k) reschedule(k, 0, &engine, false);
}

void Energy::integrate(std::uint32_t device, sim::Time now) {
  Meter& m = meter_[device];
  if (m.powered) m.energy_j += m.load_w * sim::to_seconds(now - m.since);
  m.since = now;
}

void Energy::battery_load_changed(std::uint32_t device, std::uint32_t busy_cores,
                                  std::uint32_t busy_accelerators, sim::Time now,
                                  sim::Engine* engine) {
  const std::uint32_t k = battery_of_[device];
  advance(k, now);
  integrate(device, now);
  Meter& m = meter_[device];
  m.load_w = idle_w_[m.type] + core_w_[m.type] * busy_cores + accel_w_[m.type] * busy_accelerators;
  top_w_[m.type] = std::max(top_w_[m.type], m.load_w);
  reschedule(k, now, engine, true);
}

void Energy::set_powered(std::uint32_t device, bool on, sim::Time now, sim::Engine* engine) {
  const std::uint32_t k = battery_of_.empty() ? kNone : battery_of_[device];
  if (k != kNone) advance(k, now);
  integrate(device, now);
  meter_[device].powered = on ? 1 : 0;
  if (k != kNone) reschedule(k, now, engine, false);
}

void Energy::advance(std::uint32_t k, sim::Time now) {
  const sim::Time at = level_at_[k];
  if (now <= at) return;
  const std::uint32_t d = battery_device_[k];
  const double net = battery_config_[k]->charge_w(at) - power_w(d);
  level_j_[k] = std::clamp(level_j_[k] + net * sim::to_seconds(now - at), 0.0, capacity_j_[k]);
  level_at_[k] = now;
}

double Energy::battery_fraction(std::size_t k, sim::Time now) const {
  const sim::Time at = level_at_[k];
  const double net = battery_config_[k]->charge_w(at) - power_w(battery_device_[k]);
  const double level = std::clamp(
      level_j_[k] + net * sim::to_seconds(std::max<sim::Time>(0, now - at)), 0.0, capacity_j_[k]);
  return capacity_j_[k] > 0 ? level / capacity_j_[k] : 0.0;
}

// REQUIRES: level_at_[k] == now. The earliest of: the crossing (empty while running, the restart
// charge while drained) and the next change of charge power. With `guard`, a running device's
// crossing is taken at its highest power (an instant no later than the crossing).
sim::Time Energy::next_battery_event(std::uint32_t k, sim::Time now, bool guard) const {
  const BatteryConfig& b = *battery_config_[k];
  const std::uint32_t d = battery_device_[k];
  const double charge = b.charge_w(now);
  const double net = charge - power_w(d);
  sim::Time cross = sim::kTimeMax;
  if (!drained_[k] && net < 0) {
    cross = sim::add_saturating(now, ceil_ns(level_j_[k] / -net));
    const double fastest = charge - top_w_[meter_[d].type];
    if (guard && fastest < 0) {
      const double s = std::floor(level_j_[k] / -fastest * 1e9);  // ns, rounded down
      cross = std::min(cross, sim::add_saturating(now, s >= 9.2e18 ? sim::kTimeMax
                                                                   : static_cast<sim::Time>(s)));
    }
  } else if (drained_[k] && net > 0) {
    cross = sim::add_saturating(now, ceil_ns(std::max(0.0, restart_j_[k] - level_j_[k]) / net));
  }
  return std::min(cross, b.next_charge_change(now));
}

void Energy::reschedule(std::uint32_t k, sim::Time now, sim::Engine* engine, bool guard) {
  if (engine == nullptr || battery_lp_ == 0xFFFFFFFFu) return;
  if (next_battery_event(k, now, false) >= pending_[k]) return;  // the pending one comes first
  const sim::Time at = next_battery_event(k, now, guard);
  if (at > config_.duration) return;
  pending_[k] = at;
  ++generation_[k];
  engine->schedule(battery_lp_, battery_lp_, at, kBatteryEvent,
                   std::uint64_t{k} | std::uint64_t{generation_[k]} << 32);
}

Energy::BatteryResult Energy::on_battery_event(std::uint64_t payload, sim::Time now,
                                               sim::Engine& engine) {
  const auto k = static_cast<std::uint32_t>(payload & 0xFFFFFFFFu);
  if (static_cast<std::uint32_t>(payload >> 32) != generation_[k]) return {};  // stale
  pending_[k] = sim::kTimeMax;
  advance(k, now);
  const std::uint32_t d = battery_device_[k];
  const double net = battery_config_[k]->charge_w(now) - power_w(d);
  // Within half a nanosecond's worth of charge (rounding of the crossing instant) counts as
  // there; a guard at least a nanosecond before the crossing does not.
  const double slack = 1e-13 * capacity_j_[k] + std::abs(net) * 0.5e-9;
  BatteryResult result;
  if (!drained_[k] && level_j_[k] <= slack) {
    level_j_[k] = 0.0;
    drained_[k] = 1;
    result = {BatteryChange::kEmpty, d};
  } else if (drained_[k] && level_j_[k] >= restart_j_[k] - slack) {
    drained_[k] = 0;
    result = {BatteryChange::kRecharged, d};
  }
  reschedule(k, now, &engine, false);
  return result;
}

void Energy::finish(sim::Time end) {
  for (std::uint32_t d = 0; d < meter_.size(); ++d) {
    integrate(d, end);
    energy_j_[d] = meter_[d].energy_j;
  }
  for (std::uint32_t k = 0; k < battery_device_.size(); ++k) advance(k, end);
}

}  // namespace edgetwin::models
