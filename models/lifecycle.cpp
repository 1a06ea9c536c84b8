#include "models/lifecycle.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "models/network_activity.h"

namespace edgetwin::models {
namespace {

constexpr std::uint32_t kFailurePurpose = sim::purpose_id("device-failure");

bool schedulable(DeviceState s) { return s == DeviceState::kOnline; }
bool reachable(DeviceState s) { return s == DeviceState::kOnline || s == DeviceState::kUpdating; }
bool powered(DeviceState s) {
  return s == DeviceState::kOnline || s == DeviceState::kProvisioning ||
         s == DeviceState::kRebooting || s == DeviceState::kUpdating;
}

sim::Time draw(const sim::Distribution& d, sim::RandomStream& rng) {
  return sim::from_seconds(std::max(0.0, d.sample(rng)));
}

}  // namespace

const char* device_state_name(DeviceState s) {
  switch (s) {
    case DeviceState::kOnline: return "online";
    case DeviceState::kProvisioning: return "provisioning";
    case DeviceState::kRebooting: return "rebooting";
    case DeviceState::kUpdating: return "updating";
    case DeviceState::kOffline: return "offline";
    case DeviceState::kFailed: return "failed";
    case DeviceState::kRetired: return "retired";
  }
  return "?";
}

const char* failure_cause_name(FailureCause c) {
  switch (c) {
    case FailureCause::kCrash: return "crash";
    case FailureCause::kSitePower: return "site_power";
    case FailureCause::kBatch: return "batch";
    case FailureCause::kMaintenance: return "maintenance";
    case FailureCause::kTrace: return "trace";
    case FailureCause::kBattery: return "battery";
  }
  return "?";
}

Lifecycle::Lifecycle(const FleetConfig& config, FleetModel& fleet, NetworkActivity* network,
                     sim::LpId first_lp)
    : config_(config), fleet_(fleet), network_(network), first_lp_(first_lp) {
  const std::size_t n = config.devices.size();
  state_.assign(n, static_cast<std::uint8_t>(DeviceState::kOnline));
  for (int s = 1; s < kDeviceStates; ++s) holds_[s].assign(n, 0);
  since_.assign(n, 0);
  online_ns_.assign(n, 0);
  count_[0] = n;
  type_state_ns_.assign(config.types.size() * kDeviceStates, 0);
  const LifecycleConfig& lc = config.lifecycle;
  std::uint32_t groups = 0;
  for (const DeviceFailureConfig& f : lc.failures) {
    group_offset_.push_back(groups);
    for (std::uint32_t g = 0; g < f.groups(); ++g) {
      rng_.emplace_back(config.seed, groups + g, kFailurePurpose);
    }
    groups += static_cast<std::uint32_t>(f.groups());
  }
  open_row_.assign(groups, -1);
  battery_open_.assign(fleet_.energy().batteries(), -1);
  fleet_.energy().set_battery_lp(first_lp_);
  for (int s = 0; s < kDeviceStates; ++s) {
    series_.push_back({std::string("devices_") + device_state_name(static_cast<DeviceState>(s)),
                       "devices", {}, {}});
  }
  if (fleet_.energy().batteries() > 0) {
    series_.push_back({"battery_min", "fraction", {}, {}});
    series_.push_back({"battery_mean", "fraction", {}, {}});
  }
}

void Lifecycle::schedule(sim::Engine& engine, sim::Time at, Kind kind, std::uint32_t process,
                         std::uint32_t group) {
  if (at > config_.duration) return;
  engine.schedule(first_lp_, first_lp_, at, kind, std::uint64_t{process} << 32 | group);
}

void Lifecycle::start(sim::Engine& engine) {
  const LifecycleConfig& lc = config_.lifecycle;
  for (std::uint32_t d = 0; d < lc.provisioning.size(); ++d) {
    if (lc.provisioning[d] <= 0) continue;
    hold(d, DeviceState::kProvisioning, 0, engine);
    schedule(engine, lc.provisioning[d], kUp, kProvisioned, d);
  }
  for (std::uint32_t d = 0; d < lc.retire_at.size(); ++d) {
    if (lc.retire_at[d] != sim::kTimeMax) schedule(engine, lc.retire_at[d], kDown, kRetire, d);
  }
  for (std::uint32_t i = 0; i < lc.failures.size(); ++i) {
    const DeviceFailureConfig& f = lc.failures[i];
    for (std::uint32_t g = 0; g < f.groups(); ++g) {
      std::size_t w0 = 0, w1 = f.windows.size();
      if (!f.window_begin.empty()) {
        w0 = f.window_begin[g];
        w1 = f.window_begin[g + 1];
      }
      for (std::size_t w = w0; w < w1; ++w) {
        schedule(engine, f.windows[w].first, kDown, i, g);
        if (f.windows[w].second != sim::kTimeMax) schedule(engine, f.windows[w].second, kUp, i, g);
      }
      if (f.daily) schedule(engine, f.daily_start, kDown, i, g);
      if (f.random) schedule(engine, draw(f.mtbf_s, rng_[group_offset_[i] + g]), kDown, i, g);
    }
  }
  if (config_.sample_interval > 0) engine.schedule(first_lp_ + 1, first_lp_ + 1, 0, kSample);
}

void Lifecycle::handle(const sim::Event& event, sim::Engine& engine) {
  switch (event.kind) {
    case kDown: on_change(event, true, engine); break;
    case kUp: on_change(event, false, engine); break;
    case kSample: on_sample(engine); break;
    case Energy::kBatteryEvent: on_battery(event, engine); break;
    default:
      throw std::logic_error("lifecycle: unknown event kind " + std::to_string(event.kind));
  }
}

void Lifecycle::on_change(const sim::Event& event, bool down, sim::Engine& engine) {
  const auto process = static_cast<std::uint32_t>(event.payload >> 32);
  const auto g = static_cast<std::uint32_t>(event.payload & 0xFFFFFFFFu);
  const sim::Time now = event.time;
  if (process == kProvisioned) return release(g, DeviceState::kProvisioning, now, engine);
  if (process == kRetire) return hold(g, DeviceState::kRetired, now, engine);
  const DeviceFailureConfig& f = config_.lifecycle.failures[process];
  const std::uint32_t global = group_offset_[process] + g;
  const std::uint32_t begin = f.group_begin[g], end = f.group_begin[g + 1];
  if (down) {
    open_row_[global] = static_cast<std::int64_t>(records_.size());
    for (std::uint32_t k = begin; k < end; ++k) {
      const std::uint32_t d = f.devices[k];
      hold(d, f.state, now, engine);
      if (state_[d] == static_cast<std::uint8_t>(DeviceState::kRetired)) continue;  // no row
      records_.device.push_back(d);
      records_.cause.push_back(static_cast<std::uint8_t>(f.cause));
      records_.process.push_back(process);
      records_.down_ns.push_back(now);
      records_.up_ns.push_back(-1);
    }
    if (f.random) {
      schedule(engine, sim::add_saturating(now, draw(f.mttr_s, rng_[global])), kUp, process, g);
    }
    if (f.daily) {
      schedule(engine, sim::add_saturating(now, f.daily_length), kUp, process, g);
      schedule(engine, sim::add_saturating(now, sim::kDay), kDown, process, g);
    }
    return;
  }
  if (open_row_[global] < 0) return;  // an up without a down (a window cut by the run's end)
  // The episode's rows are contiguous from `first`, in group order, for the devices that were
  // not retired when it began.
  std::size_t row = static_cast<std::size_t>(open_row_[global]);
  open_row_[global] = -1;
  for (std::uint32_t k = begin; k < end; ++k) {
    const std::uint32_t d = f.devices[k];
    if (row < records_.size() && records_.device[row] == d && records_.up_ns[row] < 0 &&
        records_.process[row] == process) {
      records_.up_ns[row++] = now;
    }
    release(d, f.state, now, engine);
  }
  if (f.random) {
    schedule(engine, sim::add_saturating(now, draw(f.mtbf_s, rng_[global])), kDown, process, g);
  }
}

void Lifecycle::on_battery(const sim::Event& event, sim::Engine& engine) {
  const Energy::BatteryResult r = fleet_.energy().on_battery_event(event.payload, event.time, engine);
  const auto k = static_cast<std::size_t>(event.payload & 0xFFFFFFFFu);
  if (r.change == Energy::BatteryChange::kEmpty) {
    ++battery_shutdowns_;
    battery_open_[k] = static_cast<std::int64_t>(records_.size());
    records_.device.push_back(r.device);
    records_.cause.push_back(static_cast<std::uint8_t>(FailureCause::kBattery));
    records_.process.push_back(FailureRecords::kBatteryProcess);
    records_.down_ns.push_back(event.time);
    records_.up_ns.push_back(-1);
    hold(r.device, DeviceState::kOffline, event.time, engine);
  } else if (r.change == Energy::BatteryChange::kRecharged) {
    if (battery_open_[k] >= 0) records_.up_ns[static_cast<std::size_t>(battery_open_[k])] = event.time;
    battery_open_[k] = -1;
    release(r.device, DeviceState::kOffline, event.time, engine);
  }
}

void Lifecycle::hold(std::uint32_t device, DeviceState s, sim::Time now, sim::Engine& engine) {
  if (holds_[static_cast<int>(s)][device]++ == 0) update(device, now, engine);
}

void Lifecycle::release(std::uint32_t device, DeviceState s, sim::Time now, sim::Engine& engine) {
  std::uint16_t& h = holds_[static_cast<int>(s)][device];
  if (h == 0) return;
  if (--h == 0) update(device, now, engine);
}

void Lifecycle::update(std::uint32_t d, sim::Time now, sim::Engine& engine) {
  DeviceState next = DeviceState::kOnline;
  for (int s = kDeviceStates - 1; s > 0; --s) {
    if (holds_[s][d] > 0) {
      next = static_cast<DeviceState>(s);
      break;
    }
  }
  const auto old = static_cast<DeviceState>(state_[d]);
  if (next == old) return;
  const sim::Time spent = now - since_[d];
  type_state_ns_[config_.devices[d].type * kDeviceStates + static_cast<int>(old)] += spent;
  if (old == DeviceState::kOnline) online_ns_[d] += spent;
  since_[d] = now;
  --count_[static_cast<int>(old)];
  ++count_[static_cast<int>(next)];
  state_[d] = static_cast<std::uint8_t>(next);
  if (schedulable(old) != schedulable(next)) fleet_.set_available(d, schedulable(next), now, engine);
  if (powered(old) != powered(next)) fleet_.energy().set_powered(d, powered(next), now, &engine);
  if (network_ != nullptr && reachable(old) != reachable(next)) {
    network_->hold_device(d, !reachable(next), engine);
  }
}

void Lifecycle::on_sample(sim::Engine& engine) {
  const sim::Time now = engine.now();
  for (int s = 0; s < kDeviceStates; ++s) {
    series_[s].time_ns.push_back(now);
    series_[s].value.push_back(static_cast<double>(count_[s]));
  }
  const Energy& energy = fleet_.energy();
  if (energy.batteries() > 0) {
    double low = 1.0, sum = 0.0;
    for (std::size_t k = 0; k < energy.batteries(); ++k) {
      const double f = energy.battery_fraction(k, now);
      low = std::min(low, f);
      sum += f;
    }
    for (std::size_t i : {std::size_t{kDeviceStates}, std::size_t{kDeviceStates + 1}}) {
      series_[i].time_ns.push_back(now);
    }
    series_[kDeviceStates].value.push_back(low);
    series_[kDeviceStates + 1].value.push_back(sum / static_cast<double>(energy.batteries()));
  }
  const sim::Time next = sim::add_saturating(now, config_.sample_interval);
  if (next <= config_.duration) engine.schedule(first_lp_ + 1, first_lp_ + 1, next, kSample);
}

void Lifecycle::finish(sim::Time end) {
  for (std::uint32_t d = 0; d < state_.size(); ++d) {
    const sim::Time spent = end - since_[d];
    type_state_ns_[config_.devices[d].type * kDeviceStates + state_[d]] += spent;
    if (state_[d] == static_cast<std::uint8_t>(DeviceState::kOnline)) online_ns_[d] += spent;
    since_[d] = end;
  }
  for (std::size_t row = 0; row < records_.size(); ++row) {
    if (records_.up_ns[row] < 0) records_.up_ns[row] = end;
  }
}

}  // namespace edgetwin::models
