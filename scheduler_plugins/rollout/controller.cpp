#include "scheduler_plugins/rollout/controller.h"

#include <algorithm>
#include <stdexcept>

namespace edgetwin::scheduler_plugins::rollout {

namespace {

using models::DeviceState;
constexpr std::uint32_t kOutcomePurpose = sim::purpose_id("rollout-outcome");
constexpr std::uint32_t kTimesPurpose = sim::purpose_id("rollout-times");
// What a phase time is drawn for: its own stream per (device, attempt, what).
enum What : std::uint32_t { kInstallTime, kRebootTime, kCheckTime, kFallbackTime, kRepairTime };

DesiredState resolve_or_throw(const UpdateModel& model, const std::vector<SimDevice>& devices) {
  std::vector<std::string> errors = model.validate("");
  std::vector<std::vector<Label>> labels;
  std::vector<Versions> installed;
  labels.reserve(devices.size());
  installed.reserve(devices.size());
  for (const SimDevice& d : devices) {
    labels.push_back(d.labels);
    installed.push_back(d.installed);
  }
  DesiredState out = resolve(model.manifest, labels, installed, "/manifest", errors);
  if (!errors.empty()) throw std::invalid_argument("rollout controller: " + errors.front());
  return out;
}

RolloutPlan make_plan(const std::vector<SimDevice>& devices,
                      const std::vector<std::uint32_t>& targets, const ControllerOptions& o) {
  RolloutPlan plan;
  plan.utc_offset_minutes = o.utc_offset_minutes;
  const bool links = std::any_of(devices.begin(), devices.end(),
                                 [](const SimDevice& d) { return d.bandwidth_group >= 0; });
  for (std::uint32_t d : targets) {
    plan.site.push_back(devices[d].site);
    if (links) {
      const std::int64_t g = devices[d].bandwidth_group;
      plan.link.push_back(g >= 0 ? static_cast<std::uint32_t>(g) : devices[d].site);
    }
  }
  if (const std::string e = plan.check(); !e.empty()) {
    throw std::invalid_argument("rollout controller: plan: " + e);
  }
  return plan;
}

}  // namespace

RolloutController::RolloutController(const UpdateModel& model, std::vector<SimDevice> devices,
                                     std::vector<OfflinePeriod> offline, ControllerOptions options,
                                     RolloutStrategy& strategy, network::Network& net, sim::LpId lp)
    : model_(model),
      devices_(std::move(devices)),
      offline_(std::move(offline)),
      options_(std::move(options)),
      strategy_(strategy),
      net_(net),
      lp_(lp),
      desired_(resolve_or_throw(model_, devices_)),
      target_device_(desired_.targets),
      plan_(make_plan(devices_, target_device_, options_)),
      progress_(plan_) {
  const std::uint32_t n = plan_.targets();
  const std::size_t devices_n = devices_.size();
  bytes_.assign(n, 0);
  for (std::uint32_t t = 0; t < n; ++t) {
    const SimDevice& dev = devices_[target_device_[t]];
    const TargetGroup& g = model_.manifest.groups[desired_.group[target_device_[t]]];
    for (const ComponentVersion& c : g.components) {
      const std::int64_t b = c.size_for(dev.arch);
      if (b < 0) {
        throw std::invalid_argument("rollout controller: device " +
                                    std::to_string(target_device_[t]) + " (" + dev.type + ", " +
                                    dev.arch + "): no artifact of '" + c.component + "' " +
                                    c.version + " for its architecture");
      }
      bytes_[t] += b;
    }
  }
  for (std::size_t i = 0; i < offline_.size(); ++i) {
    const OfflinePeriod& p = offline_[i];
    if (p.device >= devices_n || p.down < 0 || p.up <= p.down) {
      throw std::invalid_argument("rollout controller: offline period " + std::to_string(i) +
                                  ": device " + std::to_string(p.device) + " of " +
                                  std::to_string(devices_n) + ", [" + std::to_string(p.down) +
                                  ", " + std::to_string(p.up) + ") ns must be a valid interval");
    }
  }
  for (network::LinkId l : options_.watched_links) {
    if (l >= net_.topology().link_count()) {
      throw std::invalid_argument("rollout controller: watched link " + std::to_string(l) + " of " +
                                  std::to_string(net_.topology().link_count()));
    }
    metrics_.links.push_back({l, 0.0, 0.0});
  }
  phase_.assign(n, static_cast<std::uint8_t>(Phase::kIdle));
  outcome_.assign(n, 0);
  epoch_.assign(n, 0);
  transfer_.assign(n, {});
  received_.assign(n, 0);
  previous_.assign(n, {});
  state_.assign(devices_n, static_cast<std::uint8_t>(DeviceState::kOnline));
  offline_now_.assign(devices_n, 0);
  bricked_.assign(devices_n, 0);
  on_new_.assign(devices_n, 0);
  target_of_.assign(devices_n, -1);
  for (std::uint32_t t = 0; t < n; ++t) {
    target_of_[target_device_[t]] = t;
    // A target succeeds at most once (nothing retries a success), so its versions before the
    // rollout are the ones a revert restores; copied here, not on the success path.
    previous_[t] = devices_[target_device_[t]].installed;
  }
  for (std::size_t d = 0; d < devices_n; ++d) on_new_[d] = target_of_[d] < 0 ? 1 : 0;
  on_new_count_ = static_cast<std::uint32_t>(std::count(on_new_.begin(), on_new_.end(), 1));
  serving_ = static_cast<std::uint32_t>(devices_n);
  metrics_.devices = static_cast<std::uint32_t>(devices_n);
  metrics_.targets = n;
  metrics_.downloaded.assign(n, -1);
  metrics_.finished.assign(n, -1);
  last_sample_ = options_.start;
}

DeviceState RolloutController::device_state(std::uint32_t device) const {
  return static_cast<DeviceState>(state_[device]);
}

void RolloutController::start(sim::Engine& engine) {
  now_ = engine.now();
  for (std::size_t i = 0; i < offline_.size(); ++i) {
    engine.schedule(lp_, lp_, std::max(offline_[i].down, engine.now()), kDeviceDown, i);
    if (offline_[i].up != sim::kTimeMax) engine.schedule(lp_, lp_, offline_[i].up, kDeviceUp, i);
  }
  engine.schedule(lp_, lp_, std::max(options_.start, engine.now()), kDecide);
  record(options_.start);
}

void RolloutController::handle(const sim::Event& e, sim::Engine& engine) {
  now_ = engine.now();
  const auto t = static_cast<std::uint32_t>(e.payload);  // target | epoch << 32 (cookie)
  const auto epoch = static_cast<std::uint32_t>(e.payload >> 32);
  switch (e.kind) {
    case kDecide:
      decide(engine);
      break;
    case kDownloadEnded:
      if (epoch == epoch_[t] && phase(t) == Phase::kDownload) on_download_ended(e, engine);
      break;
    case kPhaseDone:
      if (epoch == epoch_[t]) on_phase_done(t, engine);
      break;
    case kRepairDone:  // payload: the device
      on_repaired(static_cast<std::uint32_t>(e.payload), engine);
      break;
    case kDeviceDown:
    case kDeviceUp:
      on_device(offline_[e.payload].device, e.kind == kDeviceDown, engine);
      break;
    case kQueueTimeout:
      if (epoch == epoch_[t] && phase(t) == Phase::kQueued) {
        set_phase(t, Phase::kIdle);
        ++metrics_.timed_out;
        set(t, TargetState::kTimedOut, engine);
      }
      break;
    default:
      throw std::logic_error("rollout controller: unknown event kind " + std::to_string(e.kind));
  }
}

std::uint64_t RolloutController::cookie(std::uint32_t t) const {
  return std::uint64_t{t} | (std::uint64_t{epoch_[t]} << 32);
}

void RolloutController::set_phase(std::uint32_t t, Phase p) {
  phase_[t] = static_cast<std::uint8_t>(p);
  refresh_device(target_device_[t]);
}

void RolloutController::refresh_device(std::uint32_t d) {
  DeviceState s = DeviceState::kOnline;
  if (bricked_[d]) {
    s = DeviceState::kFailed;
  } else if (offline_now_[d]) {
    s = DeviceState::kOffline;
  } else if (target_of_[d] >= 0) {
    const auto t = static_cast<std::uint32_t>(target_of_[d]);
    switch (phase(t)) {
      case Phase::kInstall:
        s = DeviceState::kUpdating;
        break;
      case Phase::kReboot:
      case Phase::kFallback:
      case Phase::kRevert:
        s = DeviceState::kRebooting;
        break;
      case Phase::kCheck:  // a boot loop never comes up; a good version serves while checked
        s = outcome(t) == UpdateOutcome::kBootLoopRolledBack ? DeviceState::kRebooting
                                                             : DeviceState::kOnline;
        break;
      default:
        break;
    }
  }
  const auto old = static_cast<DeviceState>(state_[d]);
  if (old == s) return;
  accumulate();
  state_[d] = static_cast<std::uint8_t>(s);
  if (old == DeviceState::kOnline) --serving_;
  if (s == DeviceState::kOnline) ++serving_;
  changed_ = true;
}

void RolloutController::set_on_new(std::uint32_t d, bool on_new) {
  if (on_new_[d] == static_cast<std::uint8_t>(on_new)) return;
  on_new_[d] = on_new ? 1 : 0;
  if (on_new) {
    ++on_new_count_;
  } else {
    --on_new_count_;
  }
  changed_ = true;
}

void RolloutController::accumulate() {
  if (now_ <= last_sample_) return;
  serving_integral_ += static_cast<double>(serving_) * static_cast<double>(now_ - last_sample_);
  last_sample_ = now_;
}

void RolloutController::record(sim::Time now) {
  if (now < options_.start) return;
  now_ = now;
  accumulate();
  const RolloutMetrics::Sample row{now - options_.start, on_new_count_,
                                   metrics_.devices - on_new_count_, serving_};
  auto& mix = metrics_.mix;
  if (!mix.empty() && mix.back().time == row.time) {
    mix.back() = row;
  } else if (mix.empty() || mix.back().on_new != row.on_new || mix.back().serving != row.serving) {
    mix.push_back(row);
  }
  changed_ = false;
}

sim::Time RolloutController::draw_seconds(const sim::Distribution& d, std::uint32_t t,
                                          std::uint32_t what) const {
  sim::RandomStream rng(options_.seed, target_device_[t],
                        kTimesPurpose + progress_.attempts(t) * 8 + what);
  return sim::from_seconds(d.sample(rng));
}

void RolloutController::set(std::uint32_t t, TargetState s, sim::Engine& engine) {
  const sim::Time now = engine.now();
  progress_.set_state(t, s, now);
  if (terminal(s)) metrics_.finished[t] = now - options_.start;
  if (s == TargetState::kSucceeded) {
    const std::uint64_t k = progress_.count(TargetState::kSucceeded) * std::uint64_t{100};
    const std::uint64_t n = plan_.targets();
    const sim::Time since = now - options_.start;
    if (metrics_.time_to_50 < 0 && k >= 50 * n) metrics_.time_to_50 = since;
    if (metrics_.time_to_90 < 0 && k >= 90 * n) metrics_.time_to_90 = since;
    if (metrics_.time_to_99 < 0 && k >= 99 * n) metrics_.time_to_99 = since;
  }
  request_decision(engine);
}

void RolloutController::request_decision(sim::Engine& engine) {
  if (decide_at_ == engine.now() || done_) return;
  decide_at_ = engine.now();
  engine.schedule(lp_, lp_, engine.now(), kDecide);
}

void RolloutController::decide(sim::Engine& engine) {
  const sim::Time now = engine.now();
  decide_at_ = -1;
  if (done_) return;
  if (!begun_) {
    strategy_.begin(plan_, now);
    begun_ = true;
  }
  decision_.clear();
  strategy_.decide(plan_, progress_, now, decision_);
  for (std::uint32_t t : decision_.time_out) {
    if (!running(progress_.state(t))) violation("timed out target", t, now);
    if (phase(t) == Phase::kDownload) net_.cancel(transfer_[t], engine);
    ++epoch_[t];  // the phase under way is abandoned: the device keeps its previous slot
    set_phase(t, Phase::kIdle);
    ++metrics_.timed_out;
    set(t, TargetState::kTimedOut, engine);
  }
  for (std::uint32_t t : decision_.start) {
    const TargetState s = progress_.state(t);
    if (aborted_ || in_progress(s) || s == TargetState::kCanceled) {
      violation("started target", t, now);
    }
    begin_attempt(t, engine);
  }
  bool acted = !decision_.start.empty() || !decision_.time_out.empty();
  if (decision_.verdict != metrics_.verdict) {
    metrics_.verdict = decision_.verdict;
    metrics_.reason = decision_.reason;
  }
  if (decision_.verdict == Verdict::kAborted && !aborted_) {
    abort(decision_.rollback, engine);
    acted = true;
  }
  if (decision_.verdict == Verdict::kCompleted) {
    done_ = true;
    metrics_.end = now - options_.start;
    engine.request_stop();
  } else if (decision_.next <= now) {
    if (!acted) {
      throw std::logic_error("rollout strategy '" + std::string(strategy_.name()) +
                             "' asked to decide again at the same instant without a change");
    }
  } else if (decision_.next != sim::kTimeMax && decision_.next != wake_at_) {
    wake_at_ = decision_.next;
    engine.schedule(lp_, lp_, wake_at_, kDecide);
  }
  if (acted) request_decision(engine);
  if (changed_) record(now);
  measure_links();
}

void RolloutController::violation(const char* what, std::uint32_t t, sim::Time now) const {
  throw std::logic_error("rollout strategy '" + std::string(strategy_.name()) + "' " + what + " " +
                         std::to_string(t) + " in state " + target_state_name(progress_.state(t)) +
                         " at " + sim::format_duration(now));
}

void RolloutController::begin_attempt(std::uint32_t t, sim::Engine& engine) {
  const std::uint32_t d = target_device_[t];
  ++epoch_[t];
  if (offline_now_[d] || bricked_[d]) {
    set_phase(t, Phase::kQueued);
    set(t, TargetState::kQueued, engine);
    if (options_.offline_timeout > 0) {
      engine.schedule(lp_, lp_, engine.now() + options_.offline_timeout, kQueueTimeout, cookie(t));
    }
    return;
  }
  begin_download(t, engine);
}

void RolloutController::begin_download(std::uint32_t t, sim::Engine& engine) {
  const std::uint32_t d = target_device_[t];
  set_phase(t, Phase::kDownload);
  set(t, TargetState::kDownloading, engine);
  const TargetGroup& g = model_.manifest.groups[desired_.group[d]];
  sim::RandomStream rng(options_.seed, d, kOutcomePurpose + progress_.attempts(t));
  outcome_[t] = static_cast<std::uint8_t>(
      draw_outcome(model_.failures.lookup(g.components.front().version, devices_[d].type), rng));
  if (bytes_[t] == 0) {
    delivered(t, engine);
    return;
  }
  network::TransferRequest r;
  r.from = options_.registry;
  r.to = devices_[d].node;
  r.bytes = bytes_[t];
  r.on_break = options_.resumable_downloads ? network::OnBreak::kResume : network::OnBreak::kFail;
  r.timeout = options_.resumable_downloads ? options_.download_timeout : 0;
  r.notify_lp = lp_;
  r.notify_kind = kDownloadEnded;
  r.cookie = cookie(t);
  transfer_[t] = net_.key(net_.start(r, engine));
}

void RolloutController::on_download_ended(const sim::Event& e, sim::Engine& engine) {
  const auto t = static_cast<std::uint32_t>(e.payload);
  measure_links();
  if (static_cast<network::Outcome>(e.aux) == network::Outcome::kDelivered) {
    delivered(t, engine);
  } else {
    ++metrics_.download_interrupted;
    end_attempt(t, TargetState::kFailed, engine);
  }
}

void RolloutController::delivered(std::uint32_t t, sim::Engine& engine) {
  if (outcome(t) == UpdateOutcome::kDownloadInterrupted) {  // gave up: the artifact is unusable
    ++metrics_.download_interrupted;
    end_attempt(t, TargetState::kFailed, engine);
    return;
  }
  if (!received_[t] && !aborted_) ++metrics_.blast_radius;
  received_[t] = 1;
  metrics_.downloaded[t] = engine.now() - options_.start;
  set(t, TargetState::kInstalling, engine);
  enter(t, Phase::kInstall, engine);
}

sim::Time RolloutController::duration(std::uint32_t t, Phase p) const {
  const UpdateTimes& times = model_.times(devices_[target_device_[t]].type);
  switch (p) {
    case Phase::kInstall:
      return draw_seconds(times.install_s, t, kInstallTime);
    case Phase::kReboot:
      return draw_seconds(times.reboot_s, t, kRebootTime);
    case Phase::kCheck:
      return draw_seconds(times.health_check_s, t, kCheckTime);
    case Phase::kFallback:
    case Phase::kRevert:
      return draw_seconds(times.reboot_s, t, kFallbackTime);
    default:
      return 0;
  }
}

void RolloutController::enter(std::uint32_t t, Phase p, sim::Engine& engine) {
  set_phase(t, p);
  // An offline device starts the phase when it comes back (on_device).
  if (offline_now_[target_device_[t]]) return;
  engine.schedule(lp_, lp_, engine.now() + duration(t, p), kPhaseDone, cookie(t));
  if (changed_) record(engine.now());
}

void RolloutController::on_phase_done(std::uint32_t t, sim::Engine& engine) {
  const std::uint32_t d = target_device_[t];
  const UpdateOutcome o = outcome(t);
  switch (phase(t)) {
    case Phase::kInstall:
      if (o == UpdateOutcome::kInstallFailed) {
        ++metrics_.install_failed;
        end_attempt(t, TargetState::kFailed, engine);
      } else {
        enter(t, Phase::kReboot, engine);
      }
      break;
    case Phase::kReboot:
      if (o == UpdateOutcome::kBricked) {
        ++metrics_.bricked;
        bricked_[d] = 1;
        const sim::Time repair =
            draw_seconds(model_.times(devices_[d].type).repair_s, t, kRepairTime);
        engine.schedule(lp_, lp_, engine.now() + repair, kRepairDone, d);
        end_attempt(t, TargetState::kFailed, engine);
      } else {
        enter(t, Phase::kCheck, engine);
      }
      break;
    case Phase::kCheck:
      if (o == UpdateOutcome::kBootLoopRolledBack) {
        enter(t, Phase::kFallback, engine);
        break;
      }
      install(model_.manifest.groups[desired_.group[d]], devices_[d].installed);
      set_on_new(d, true);
      if (rollback_) {
        ++metrics_.succeeded;
        ++metrics_.rolled_back;
        set(t, TargetState::kRolledBack, engine);
        enter(t, Phase::kRevert, engine);
      } else {
        ++metrics_.succeeded;
        set_phase(t, Phase::kIdle);
        set(t, TargetState::kSucceeded, engine);
      }
      break;
    case Phase::kFallback:  // back on the previous A/B slot
      if (o == UpdateOutcome::kBootLoopRolledBack) ++metrics_.boot_loops;
      end_attempt(t, TargetState::kFailed, engine);
      break;
    case Phase::kRevert:
      devices_[d].installed = previous_[t];
      set_on_new(d, false);
      set_phase(t, Phase::kIdle);
      break;
    default:
      break;
  }
  if (changed_) record(engine.now());
}

void RolloutController::end_attempt(std::uint32_t t, TargetState s, sim::Engine& engine) {
  if (s == TargetState::kFailed && metrics_.time_to_detect < 0) {
    metrics_.time_to_detect = engine.now() - options_.start;
  }
  set_phase(t, Phase::kIdle);
  set(t, s, engine);
  if (changed_) record(engine.now());
}

void RolloutController::on_repaired(std::uint32_t d, sim::Engine& engine) {
  bricked_[d] = 0;
  ++metrics_.repaired;
  refresh_device(d);
  if (target_of_[d] >= 0 && !offline_now_[d]) {
    const auto t = static_cast<std::uint32_t>(target_of_[d]);
    if (phase(t) == Phase::kQueued) begin_download(t, engine);
  }
  if (changed_) record(engine.now());
}

void RolloutController::on_device(std::uint32_t d, bool down, sim::Engine& engine) {
  const network::LinkId link[] = {devices_[d].access_link};
  if (down) {
    if (offline_now_[d]++ == 0) net_.hold_down(link, engine);
    if (offline_now_[d] > 1) return;
    if (target_of_[d] >= 0) {
      const auto t = static_cast<std::uint32_t>(target_of_[d]);
      const Phase p = phase(t);
      // A download parks or fails in the network; a later phase stops and is picked up on up.
      if (p != Phase::kIdle && p != Phase::kQueued && p != Phase::kDownload) ++epoch_[t];
    }
    refresh_device(d);
  } else {
    if (offline_now_[d] == 0 || --offline_now_[d] > 0) return;
    net_.release(link, engine);
    refresh_device(d);
    if (target_of_[d] >= 0 && !bricked_[d]) {
      const auto t = static_cast<std::uint32_t>(target_of_[d]);
      const Phase p = phase(t);
      if (p == Phase::kQueued) {
        begin_download(t, engine);
      } else if (p == Phase::kRevert) {
        enter(t, p, engine);
      } else if (p != Phase::kIdle && p != Phase::kDownload) {
        ++metrics_.recovered;
        if (options_.on_recovery == OnRecovery::kResume) {
          enter(t, p, engine);
        } else {
          outcome_[t] = static_cast<std::uint8_t>(UpdateOutcome::kInstallFailed);
          enter(t, Phase::kFallback, engine);
        }
      }
    }
  }
  if (changed_) record(engine.now());
}

void RolloutController::abort(bool rollback, sim::Engine& engine) {
  aborted_ = true;
  rollback_ = rollback;
  metrics_.time_to_abort = engine.now() - options_.start;
  for (std::uint32_t t = 0; t < plan_.targets(); ++t) {
    const TargetState s = progress_.state(t);
    if (s == TargetState::kPending) {
      ++metrics_.canceled;
      set(t, TargetState::kCanceled, engine);
    } else if (rollback && s == TargetState::kSucceeded) {
      ++metrics_.rolled_back;
      set(t, TargetState::kRolledBack, engine);
      enter(t, Phase::kRevert, engine);
    }
  }
}

void RolloutController::measure_links() {
  for (RolloutMetrics::LinkUsage& u : metrics_.links) {
    const double capacity = net_.topology().capacity_bps(u.link);
    if (capacity <= 0.0) continue;
    u.peak_utilisation = std::max(u.peak_utilisation, net_.flows().load_bps(u.link) / capacity);
  }
}

void RolloutController::finish(sim::Time now) {
  if (!done_) metrics_.end = std::max<sim::Time>(0, now - options_.start);
  record(std::max(now, options_.start));
  net_.account_active_flows(now);
  for (RolloutMetrics::LinkUsage& u : metrics_.links) u.bytes = net_.link_bytes()[u.link];
  metrics_.pending_at_end =
      progress_.count(TargetState::kPending) + progress_.count(TargetState::kQueued);
  const double span = static_cast<double>(last_sample_ - options_.start);
  metrics_.mean_availability =
      span > 0.0 && metrics_.devices > 0
          ? serving_integral_ / (span * metrics_.devices)
          : (metrics_.devices > 0 ? static_cast<double>(serving_) / metrics_.devices : 1.0);
  metrics_.min_availability = 1.0;
  for (const auto& row : metrics_.mix) {
    if (metrics_.devices > 0) {
      metrics_.min_availability =
          std::min(metrics_.min_availability, static_cast<double>(row.serving) / metrics_.devices);
    }
  }
}

RolloutSim::RolloutSim(network::Topology topology, network::NetworkOptions net_options,
                       const UpdateModel& model, std::vector<SimDevice> devices,
                       std::vector<OfflinePeriod> offline, ControllerOptions options,
                       RolloutStrategy& strategy)
    : net_(std::move(topology), net_options, 0),
      controller_(model, std::move(devices), std::move(offline), std::move(options), strategy, net_,
                  1) {}

void RolloutSim::handle(const sim::Event& event, sim::Engine& engine) {
  if (event.target == net_.lp()) {
    net_.handle(event, engine);
  } else {
    controller_.handle(event, engine);
  }
}

const RolloutMetrics& RolloutSim::run(sim::Time until, bool past_completion) {
  sim::Engine engine(lp_count());
  controller_.start(engine);
  // The controller asks to stop once, when the strategy completes.
  if (engine.run(*this, until).stopped && past_completion) engine.run(*this, until);
  controller_.finish(engine.now());
  return controller_.metrics();
}

}  // namespace edgetwin::scheduler_plugins::rollout
