#include "models/fleet_model.h"

#include <algorithm>
#include <stdexcept>

namespace edgetwin::models {
namespace {

enum Kind : std::uint16_t {
  kArrival = 1, kRequest = 2, kDeparture = 3, kSample = 4, kPulled = 5, kStarted = 6,
  kCycleEnd = 7, kWake = 8, kExpire = 9  // with a scheduler only
};
constexpr std::uint32_t kNone = sim::PayloadPool<int>::kNone;
constexpr std::uint32_t kWorkPurpose = sim::purpose_id("service-work");
constexpr std::uint32_t kDispatchPurpose = sim::purpose_id("dispatch");
constexpr std::uint32_t kStartPurpose = sim::purpose_id("container-start");
constexpr std::uint16_t kPullTag = 0xFFFF;  // network::TransferRequest::tag of image pulls
// A cache entry at kPulling - slot or below: being pulled by request `slot`; -1: absent; >= 0:
// cached, last used then.
constexpr sim::Time kPulling = -2;

}  // namespace

const char* dispatch_name(Dispatch d) {
  switch (d) {
    case Dispatch::kRandom: return "random";
    case Dispatch::kRoundRobin: return "round_robin";
    case Dispatch::kLeastLoaded: return "least_loaded";
  }
  return "?";
}

std::string cannot_run_reason(const FleetConfig& config, std::size_t function, std::size_t type) {
  const FunctionConfig& fn = config.functions.at(function);
  const DeviceType& t = config.types.at(type);
  const ExecutionTime::Kind kind =
      type < fn.exec.size() ? fn.exec[type].kind : ExecutionTime::Kind::kCannot;
  if (!fn.arch.empty() && fn.arch != t.arch) return "needs arch " + fn.arch + ", is " + t.arch;
  if (!fn.accelerator.empty() && (fn.accelerator != t.accelerator || t.accelerators < 1)) {
    return "needs a " + fn.accelerator;
  }
  if (fn.memory_bytes > t.memory_bytes) {
    return "needs " + sim::format_size(fn.memory_bytes) + " of memory, has " +
           sim::format_size(t.memory_bytes);
  }
  std::int64_t bytes = 0;
  for (std::int32_t a : {fn.image, fn.model}) {
    if (a < 0) continue;
    const std::int64_t size = config.artifacts.at(a).size_for(t.arch);
    if (size < 0) return "no " + config.artifacts[a].name + " for " + t.arch;
    bytes += size;
  }
  if (bytes > t.storage_bytes) {
    return "needs " + sim::format_size(bytes) + " of storage, has " +
           sim::format_size(t.storage_bytes);
  }
  if (kind == ExecutionTime::Kind::kCannot) return "no execution time listed and no work";
  if (kind == ExecutionTime::Kind::kWork && !(fn.work_s > 0.0)) return "no work";
  if (t.max_instances < 1) return "max_instances is 0";
  return "";
}

const char* placement_outcome_name(PlacementOutcome o) {
  switch (o) {
    case PlacementOutcome::kPlaced: return "placed";
    case PlacementOutcome::kRejected: return "rejected";
    case PlacementOutcome::kPending: return "pending";
    case PlacementOutcome::kWithdrawn: return "withdrawn";
  }
  return "?";
}

const char* request_outcome_name(RequestOutcome o) {
  switch (o) {
    case RequestOutcome::kCompleted: return "completed";
    case RequestOutcome::kRejected: return "rejected";
    case RequestOutcome::kLost: return "lost";
  }
  return "?";
}

FleetModel::FleetModel(FleetConfig config) : config_(std::move(config)), energy_(config_) {
  const std::size_t n_devices = config_.devices.size();
  const std::size_t n_sites = config_.sites.size();
  const std::size_t n_types = config_.types.size();
  if (n_devices == 0) throw std::invalid_argument("fleet model: the fleet has no device");

  // Devices of each site, in device order.
  site_device_begin_.assign(n_sites + 1, 0);
  for (const DeviceConfig& d : config_.devices) ++site_device_begin_[d.site + 1];
  for (std::size_t s = 0; s < n_sites; ++s) site_device_begin_[s + 1] += site_device_begin_[s];
  site_devices_.resize(n_devices);
  std::vector<std::uint32_t> fill(site_device_begin_.begin(), site_device_begin_.end() - 1);
  for (std::uint32_t i = 0; i < n_devices; ++i) site_devices_[fill[config_.devices[i].site]++] = i;

  cores_.resize(n_devices);
  speed_.resize(n_devices);
  type_.resize(n_devices);
  cores_by_type_.assign(n_types, 0);
  for (std::size_t i = 0; i < n_devices; ++i) {
    const DeviceType& type = config_.types.at(config_.devices[i].type);
    cores_[i] = static_cast<std::uint32_t>(type.cores);
    speed_[i] = type.core_speed;
    type_[i] = config_.devices[i].type;
    total_cores_ += cores_[i];
    cores_by_type_[type_[i]] += cores_[i];
  }
  busy_.assign(n_devices, 0);
  core_begin_.assign(n_devices + 1, 0);
  for (std::size_t i = 0; i < n_devices; ++i) core_begin_[i + 1] = core_begin_[i] + cores_[i];
  core_request_.assign(core_begin_[n_devices], kNone);
  in_system_dev_.assign(n_devices, 0);
  queue_head_.assign(n_devices, kNone);
  queue_tail_.assign(n_devices, kNone);
  busy_since_.assign(n_devices, 0);
  busy_core_ns_.assign(n_devices, 0);
  available_.assign(n_devices, 1);
  accel_busy_.assign(n_devices, 0);
  busy_by_type_.assign(n_types, 0);
  stats_.served.assign(n_devices, 0);
  stats_.busy_core_seconds.assign(n_devices, 0.0);
  stats_.energy_j.assign(n_devices, 0.0);
  stats_.in_system.assign(n_devices, 0);
  stats_.cold_starts.assign(n_devices, 0);

  // Which functions run on which types.
  const std::size_t n_functions = config_.functions.size();
  can_run_.assign(n_functions * n_types, 0);
  for (std::size_t f = 0; f < n_functions; ++f) {
    if (config_.functions[f].exec.size() != n_types) {
      throw std::invalid_argument("fleet model: function '" + config_.functions[f].name +
                                  "' has no execution time list for every device type");
    }
    for (std::size_t t = 0; t < n_types; ++t) {
      can_run_[f * n_types + t] = cannot_run_reason(config_, f, t).empty() ? 1 : 0;
    }
  }

  double expected = 0.0;
  for (std::uint32_t w = 0; w < config_.workloads.size(); ++w) add_sources(w, expected);

  if (functions_) {
    instance_begin_.assign(n_devices + 1, 0);
    for (std::size_t d = 0; d < n_devices; ++d) {
      instance_begin_[d + 1] =
          instance_begin_[d] + static_cast<std::uint32_t>(config_.types[type_[d]].max_instances);
    }
    const std::size_t slots = instance_begin_[n_devices];
    instance_function_.assign(slots, -1);
    instance_state_.assign(slots, kFree);
    instance_doomed_.assign(slots, 0);
    instance_idle_since_.assign(slots, 0);
    memory_free_.resize(n_devices);
    cache_free_.resize(n_devices);
    for (std::size_t d = 0; d < n_devices; ++d) {
      memory_free_[d] = config_.types[type_[d]].memory_bytes;
      cache_free_[d] = config_.types[type_[d]].storage_bytes;
    }
    cache_last_use_.assign(n_devices * config_.artifacts.size(), -1);
    start_rng_.reserve(n_devices);
    for (std::uint32_t d = 0; d < n_devices; ++d) {
      start_rng_.emplace_back(config_.seed, d, kStartPurpose);
    }
  }

  if (config_.max_requests > 0) expected = std::min(expected, double(config_.max_requests));
  // A first guess only: vectors grow as needed, so a wrong estimate costs no more than a copy.
  const auto reserve = static_cast<std::size_t>(std::min(expected * 1.05 + 16.0, 4e6));
  latencies_.reserve(reserve);
  if (!config_.record_requests) {
    for (auto* v : {&parts_.network_ns, &parts_.queue_ns, &parts_.cold_start_ns, &parts_.exec_ns}) {
      v->reserve(reserve);
    }
  } else {
    for (auto* v : {&records_.arrival_ns, &records_.start_ns, &records_.end_ns,
                    &records_.network_ns, &records_.queue_ns, &records_.cold_start_ns,
                    &records_.pull_ns, &records_.exec_ns}) {
      v->reserve(reserve);
    }
    for (auto* v : {&records_.device, &records_.site, &records_.workload}) v->reserve(reserve);
    records_.function.reserve(reserve);
    records_.outcome.reserve(reserve);
    records_.retries.reserve(reserve);
    records_.deadline_missed.reserve(reserve);
  }
  sampler_lp_ = static_cast<sim::LpId>(n_devices + sources_.size());
  scheduler_lp_ = sampler_lp_ + 1;
  if (config_.make_placement) {
    policy_ = config_.make_placement(config_);
    pending_by_source_.resize(sources_.size());
    pending_head_.assign(sources_.size(), 0);
    // Which sources may send requests to each device: its own (scope device) or those whose
    // dispatch group holds it.
    device_source_begin_.assign(n_devices + 1, 0);
    auto for_each_candidate = [&](const Source& src, auto&& fn) {
      if (src.device != kNone) {
        fn(src.device);
      } else {
        for (std::uint32_t k = 0; k < src.group_size; ++k) fn(dispatch_devices_[src.group_begin + k]);
      }
    };
    for (const Source& src : sources_) {
      for_each_candidate(src, [&](std::uint32_t d) { ++device_source_begin_[d + 1]; });
    }
    for (std::size_t d = 0; d < n_devices; ++d) {
      device_source_begin_[d + 1] += device_source_begin_[d];
    }
    device_sources_.resize(device_source_begin_[n_devices]);
    std::vector<std::uint32_t> next(device_source_begin_.begin(), device_source_begin_.end() - 1);
    for (std::uint32_t s = 0; s < sources_.size(); ++s) {
      for_each_candidate(sources_[s], [&](std::uint32_t d) { device_sources_[next[d]++] = s; });
    }
  }
  series_ = {{"in_system", "requests", {}, {}},
             {"busy_cores", "cores", {}, {}},
             {"utilisation", "fraction", {}, {}},
             {"completed", "requests", {}, {}}};
  for (const DeviceType& t : config_.types) {
    series_.push_back({"utilisation." + t.name, "fraction", {}, {}});
  }
  if (functions_) series_.push_back({"instances", "instances", {}, {}});
}

LatencyParts FleetModel::latency_parts() const {
  if (!config_.record_requests) return parts_;
  LatencyParts out;
  const RequestRecords& r = records_;
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (r.outcome[i] != static_cast<std::uint8_t>(RequestOutcome::kCompleted)) continue;
    out.network_ns.push_back(r.network_ns[i]);
    out.queue_ns.push_back(r.queue_ns[i]);
    out.cold_start_ns.push_back(r.cold_start_ns[i]);
    out.exec_ns.push_back(r.exec_ns[i]);
  }
  return out;
}

bool FleetModel::can_run(std::int32_t function, std::uint32_t type) const {
  if (function < 0) return true;
  return can_run_[static_cast<std::size_t>(function) * config_.types.size() + type] != 0;
}

void FleetModel::attach_network(network::Network* net,
                                const std::vector<network::LinkId>* access_links,
                                network::NodeId first_device_node) {
  net_ = net;
  access_links_ = access_links;
  first_device_node_ = first_device_node;
}

// The sources of workload w (ArrivalScope): per site, per device of its sites, or one for the
// fleet; each times the process's parts (trace rows), except that a trace with a site column has
// one part per site, replayed only there. Random streams are named by (site, or device, or
// kFleetEntity; workload; part): part 0 of a site keeps the streams it had before parts existed.
//
// Eligibility (can_run) is applied here, once, for every scope: a site-scope source dispatches
// over the devices of its site that can run the function, a fleet-scope source over those of all
// the workload's sites, and with scope device only a device that can run the function gets a
// source (the scenario builder makes sure each site has one: a workload whose function cannot
// run on any device of one of its sites is a scenario error). Availability is checked per
// request in pick_device.
void FleetModel::add_sources(std::uint32_t w, double& expected) {
  constexpr std::uint32_t kFleetEntity = 0xFFFFFFFFu;
  constexpr std::uint32_t kPartStride = ArrivalStream::kPartStride;
  const WorkloadConfig& wl = config_.workloads[w];
  if (wl.function >= static_cast<std::int32_t>(config_.functions.size())) {
    throw std::invalid_argument("fleet model: workload '" + wl.name + "' names function " +
                                std::to_string(wl.function) + ", which does not exist");
  }
  functions_ = functions_ || wl.function >= 0;
  for (std::uint32_t s : wl.sites) {
    if (site_device_begin_[s] == site_device_begin_[s + 1]) {
      throw std::invalid_argument("fleet model: workload '" + wl.name + "' targets site '" +
                                  config_.sites[s].name + "', which has no device");
    }
  }
  if (wl.sites.empty()) return;
  const bool site_parts = wl.arrivals.kind == ArrivalProcess::Kind::kTrace &&
                          wl.arrivals.times && wl.arrivals.times->by_site;
  if (site_parts && wl.scope != ArrivalScope::kSite) {
    throw std::invalid_argument("fleet model: workload '" + wl.name +
                                "': a trace with a site column needs scope site");
  }
  const double mean = wl.arrivals.mean_rate_per_s(wl.rate_per_s) *
                      sim::to_seconds(config_.duration - config_.warmup);
  auto add = [&](std::uint32_t site, std::uint32_t entity, std::uint32_t device,
                 std::uint32_t group_begin, std::uint32_t group_size, std::uint32_t part) {
    Source src;
    src.workload = w;
    src.site = site;
    src.device = device;
    src.group_begin = group_begin;
    src.group_size = group_size;
    src.arrivals = ArrivalStream(wl.arrivals, wl.rate_per_s, config_.seed, entity, w, part);
    src.arrivals.set_horizon(config_.duration);
    src.work = sim::RandomStream(config_.seed, entity, kWorkPurpose + w + part * kPartStride);
    src.dispatch =
        sim::RandomStream(config_.seed, entity, kDispatchPurpose + w + part * kPartStride);
    sources_.push_back(src);
    expected += mean;
  };
  // Appends the devices of site s that can run the workload's function to dispatch_devices_.
  auto add_eligible = [&](std::uint32_t s) {
    for (std::uint32_t k = site_device_begin_[s]; k < site_device_begin_[s + 1]; ++k) {
      const std::uint32_t d = site_devices_[k];
      if (can_run(wl.function, type_[d])) dispatch_devices_.push_back(d);
    }
  };
  const std::uint32_t parts = wl.arrivals.parts();
  switch (wl.scope) {
    case ArrivalScope::kSite:
      for (std::uint32_t k = 0; k < wl.sites.size(); ++k) {
        const std::uint32_t s = wl.sites[k];
        const auto begin = static_cast<std::uint32_t>(dispatch_devices_.size());
        add_eligible(s);
        const auto size = static_cast<std::uint32_t>(dispatch_devices_.size()) - begin;
        if (site_parts) {
          add(s, s, kNone, begin, size, k);
        } else {
          for (std::uint32_t part = 0; part < parts; ++part) add(s, s, kNone, begin, size, part);
        }
      }
      break;
    case ArrivalScope::kDevice:
      for (std::uint32_t s : wl.sites) {
        for (std::uint32_t k = site_device_begin_[s]; k < site_device_begin_[s + 1]; ++k) {
          const std::uint32_t d = site_devices_[k];
          if (!can_run(wl.function, type_[d])) continue;  // no stream where it cannot run
          for (std::uint32_t part = 0; part < parts; ++part) add(s, d, d, 0, 0, part);
        }
      }
      break;
    case ArrivalScope::kFleet: {
      const auto begin = static_cast<std::uint32_t>(dispatch_devices_.size());
      for (std::uint32_t s : wl.sites) add_eligible(s);
      const auto size = static_cast<std::uint32_t>(dispatch_devices_.size()) - begin;
      for (std::uint32_t part = 0; part < parts; ++part) {
        add(wl.sites.front(), kFleetEntity, kNone, begin, size, part);
      }
      break;
    }
  }
}

std::uint32_t FleetModel::lp_count() const {
  return static_cast<std::uint32_t>(config_.devices.size() + sources_.size() + 1 +
                                    (policy_ ? 1 : 0));
}

void FleetModel::start(sim::Engine& engine) {
  const auto first_source = static_cast<sim::LpId>(config_.devices.size());
  for (std::uint32_t i = 0; i < sources_.size(); ++i) {
    const sim::LpId lp = first_source + i;
    Source& src = sources_[i];
    const sim::Time t = src.arrivals.next(config_.workloads[src.workload].arrivals, 0);
    if (t <= config_.duration) engine.schedule(lp, lp, t, kArrival, i);
  }
  if (config_.sample_interval > 0) engine.schedule(sampler_lp_, sampler_lp_, 0, kSample);
  energy_.start(engine);
}

void FleetModel::handle(const sim::Event& event, sim::Engine& engine) {
  switch (event.kind) {
    case kArrival: on_arrival(event, engine); break;
    case kRequest: on_request(event, engine); break;
    case kDeparture: on_departure(event, engine); break;
    case kSample: on_sample(engine); break;
    case kPulled: on_pulled(event, engine); break;
    case kStarted: on_started(event, engine); break;
    case kCycleEnd: on_cycle_end(event.time, engine); break;
    case kWake:
      if (event.time == wake_at_) wake_at_ = sim::kTimeMax;
      kick(event.time, engine);
      break;
    case kExpire: expire_idle(event.target, event.time); break;
    default: throw std::logic_error("fleet model: unknown event kind " + std::to_string(event.kind));
  }
  if (released_) flush_released(event.time, engine);
}

bool FleetModel::reachable(std::uint32_t device) const {
  return available_[device] != 0 &&
         (net_ == nullptr || net_->topology().is_up((*access_links_)[device]));
}

// The one dispatch path, for every scope. Eligibility (the function can run on the device's type)
// was applied when the sources were built (add_sources): the candidates are the source's own
// device (scope device) or its dispatch group (the eligible devices of its site, or of all the
// workload's sites for scope fleet). Availability is applied here, per request: a candidate that
// is not reachable() (available_ 0, or its access link down with a network) is skipped, and a
// request with no reachable candidate gets kNoDevice (rejected by on_arrival).
//
// Retries come here too (dispatch, from evict): a retried request draws again from its own
// source, so it stays within its scope's candidates. A device-scope request whose device failed
// has no other candidate: its retry is rejected (docs/devices.md, "Failures").
//
// set_available keeps unavailable_ equal to the number of devices with available_ 0; the fast
// path below relies on it. A per-site count of down devices would not fit here, since a
// fleet-scope group spans sites.
std::uint32_t FleetModel::pick_device(std::uint32_t index) {
  Source& source = sources_[index];
  // Without a network and with every device available, all candidates qualify; else each is
  // checked (the same draws and the same choice when all qualify).
  const bool all = unavailable_ == 0 && net_ == nullptr;
  if (source.device != kNone) {  // scope device: its device or none (no dispatch draw)
    return all || reachable(source.device) ? source.device : kNoDevice;
  }
  const std::uint32_t n = source.group_size;
  if (n == 0) return kNoDevice;
  const std::uint32_t* devices = dispatch_devices_.data() + source.group_begin;
  switch (config_.workloads[source.workload].dispatch) {
    case Dispatch::kRandom: {
      if (all) return devices[source.dispatch.uniform_int(n)];
      std::uint32_t up = 0;
      for (std::uint32_t k = 0; k < n; ++k) up += reachable(devices[k]);
      if (up == 0) return kNoDevice;
      std::uint64_t pick = source.dispatch.uniform_int(up);
      for (std::uint32_t k = 0; k < n; ++k) {
        if (reachable(devices[k]) && pick-- == 0) return devices[k];
      }
      return kNoDevice;
    }
    case Dispatch::kRoundRobin: {
      for (std::uint32_t tries = 0; tries < n; ++tries) {
        if (source.round_robin >= n) source.round_robin = 0;
        const std::uint32_t d = devices[source.round_robin];
        source.round_robin = source.round_robin + 1 == n ? 0 : source.round_robin + 1;
        if (all || reachable(d)) return d;
      }
      return kNoDevice;
    }
    case Dispatch::kLeastLoaded: {
      // Fewest requests per core: in[a] / cores[a] < in[b] / cores[b], compared exactly.
      std::uint32_t best = kNoDevice;
      for (std::uint32_t k = 0; k < n; ++k) {
        const std::uint32_t d = devices[k];
        if (!all && !reachable(d)) continue;
        if (best == kNoDevice || std::uint64_t{in_system_dev_[d]} * cores_[best] <
                                     std::uint64_t{in_system_dev_[best]} * cores_[d]) {
          best = d;
        }
      }
      return best;
    }
  }
  return kNoDevice;
}

void FleetModel::on_arrival(const sim::Event& event, sim::Engine& engine) {
  const auto index = static_cast<std::uint32_t>(event.payload);
  Source& src = sources_[index];
  const WorkloadConfig& wl = config_.workloads[src.workload];
  const sim::Time now = event.time;
  ++arrivals_;
  const std::uint32_t slot = requests_.acquire();
  Request& r = requests_[slot];
  r = Request{};
  r.arrival = now;
  r.workload = src.workload;
  // The source's site; dispatch sets the chosen device's site (for scope fleet, and for a retry
  // of scope fleet, it may differ). A request rejected at once keeps the source's site (for scope
  // fleet, the workload's first site); a retry rejected keeps its last device's site.
  r.site = src.site;
  r.source = index;
  r.recorded = now >= config_.warmup;
  r.next = kNone;
  r.instance = kNone;
  r.waiters = kNone;
  r.next_waiter = kNone;
  r.device = kNoDevice;
  dispatch(slot, event.target, now, engine);
  const sim::Time next = src.arrivals.next(wl.arrivals, now);
  if (next <= config_.duration) engine.schedule(event.target, event.target, next, kArrival, index);
}

void FleetModel::dispatch(std::uint32_t slot, sim::LpId from, sim::Time now,
                          sim::Engine& engine) {
  if (policy_ && config_.workloads[requests_[slot].workload].function >= 0) {
    dispatch_placed(slot, from, now, engine);
    return;
  }
  const std::uint32_t device = pick_device(requests_[slot].source);
  if (device == kNoDevice) {
    const Request rejected = requests_[slot];
    requests_.release(slot);
    record(kNoDevice, rejected, now, RequestOutcome::kRejected, engine);
    return;
  }
  send(slot, device, from, now, engine);
}

void FleetModel::send(std::uint32_t slot, std::uint32_t device, sim::LpId from, sim::Time now,
                      sim::Engine& engine) {
  Request& r = requests_[slot];
  Source& src = sources_[r.source];
  const WorkloadConfig& wl = config_.workloads[r.workload];
  const std::uint32_t previous = r.device;  // kNoDevice at the first dispatch
  // The execution time on the chosen device, drawn at the first dispatch. A retry on a device of
  // the same type keeps it; on another type, plain work is rescaled by core speed and a
  // function's time drawn again (from the source's stream).
  if (previous == kNoDevice || type_[previous] != type_[device]) {
    if (wl.function < 0) {
      r.exec_s = previous == kNoDevice
                     ? std::max(0.0, wl.service_s.sample(src.work)) / speed_[device]
                     : r.exec_s * speed_[previous] / speed_[device];
    } else {
      const FunctionConfig& fn = config_.functions[wl.function];
      const ExecutionTime& e = fn.exec[type_[device]];
      r.exec_s = e.kind == ExecutionTime::Kind::kFit ? e.fit.sample(src.work)
                                                     : fn.work_s / speed_[device];
    }
  }
  r.device = device;
  r.site = config_.devices[device].site;
  r.request_leg = r.response = 0;
  if (net_ != nullptr) {
    const network::LinkId up = (*access_links_)[device];
    r.request_leg = net_->topology().latency(network::Topology::reverse(up));
    r.response = net_->topology().latency(up);
  }
  ++in_system_dev_[device];
  ++in_system_;
  engine.schedule(from, device, sim::add_saturating(now, r.request_leg), kRequest, slot);
}

void FleetModel::on_request(const sim::Event& event, sim::Engine& engine) {
  const std::uint32_t device = event.target;
  const auto slot = static_cast<std::uint32_t>(event.payload);
  Request& r = requests_[slot];
  if (!available_[device]) {  // it went down while the request was on its way
    evict(slot, device, event.time, engine);
    return;
  }
  // A retried request's queueing time also covers its time on the devices that failed.
  // With a scheduler, the wait for its placement counts as queueing too.
  r.at_device =
      r.retries == 0 ? event.time - r.sched_wait : sim::add_saturating(r.arrival, r.request_leg);
  r.next = kNone;
  if (queue_head_[device] == kNone && try_start(device, slot, event.time, engine)) return;
  if (queue_tail_[device] == kNone) {
    queue_head_[device] = slot;
  } else {
    requests_[queue_tail_[device]].next = slot;
  }
  queue_tail_[device] = slot;
}

void FleetModel::account_busy(std::uint32_t device, sim::Time now) {
  busy_core_ns_[device] += std::int64_t{busy_[device]} * (now - busy_since_[device]);
  busy_since_[device] = now;
}

bool FleetModel::try_start(std::uint32_t device, std::uint32_t slot, sim::Time now,
                           sim::Engine& engine) {
  Request& r = requests_[slot];
  const std::int32_t f = config_.workloads[r.workload].function;
  if (busy_[device] >= cores_[device]) return false;
  const DeviceType& type = config_.types[type_[device]];
  const FunctionConfig* fn = f >= 0 ? &config_.functions[f] : nullptr;
  const bool accel = fn != nullptr && !fn->accelerator.empty();
  if (accel && accel_busy_[device] >= type.accelerators) return false;
  std::uint32_t instance = kNone;
  bool cold = false;
  if (fn != nullptr) {
    expire_idle(device, now);
    // With a scheduler a request brings its instance: the idle one it claimed at dispatch, or
    // the reservation of a new one (never another request's idle instance).
    instance = policy_ ? r.instance : find_idle(device, f);
    if (instance == kNone) {
      // A new instance: a free slot and memory, made by removing idle instances of other
      // functions, least recently used first; without either, the request waits.
      for (;;) {
        std::uint32_t free_slot = kNone, lru = kNone;
        for (std::uint32_t i = instance_begin_[device]; i < instance_begin_[device + 1]; ++i) {
          if (instance_state_[i] == kFree && free_slot == kNone) free_slot = i;
          if (instance_state_[i] == kIdle &&
              (lru == kNone || instance_idle_since_[i] < instance_idle_since_[lru])) {
            lru = i;
          }
        }
        if (free_slot != kNone && memory_free_[device] >= fn->memory_bytes) {
          instance = free_slot;
          break;
        }
        if (lru == kNone) return false;
        remove_instance(device, lru);
        ++counts_.instances_evicted;
      }
      instance_function_[instance] = f;
      instance_state_[instance] = kStarting;
      memory_free_[device] -= fn->memory_bytes;
      cold = true;
      r.reserved = false;  // the reservation is the instance's now
    } else {
      instance_state_[instance] = kBusy;
    }
  }
  account_busy(device, now);
  ++busy_[device];
  ++busy_total_;
  ++busy_by_type_[type_[device]];
  if (accel) ++accel_busy_[device];
  energy_.load_changed(device, busy_[device], accel_busy_[device], now, &engine);
  r.queue = now - r.at_device;
  r.instance = instance;
  r.core = core_begin_[device];
  while (core_request_[r.core] != kNone) ++r.core;  // busy_ < cores_: one is free
  core_request_[r.core] = slot;
  r.token = next_token_;
  next_token_ = next_token_ == 0xFFFFFFFFu ? 1 : next_token_ + 1;
  if (!cold) {
    if (fn != nullptr && r.recorded) ++counts_.warm_starts;
    begin_exec(device, slot, now, engine);
    return true;
  }
  if (r.recorded) ++counts_.cold_starts;
  ++stats_.cold_starts[device];
  r.cold_begin = now;
  fetch(device, slot, now, engine);
  return true;
}

// The pull step of a cold start: waits for a pull of the same artifact already under way on the
// device, else pulls what the cache lacks (marking it as being pulled by this request), else
// starts the container.
void FleetModel::fetch(std::uint32_t device, std::uint32_t slot, sim::Time now,
                       sim::Engine& engine) {
  Request& r = requests_[slot];
  const FunctionConfig& fn = config_.functions[config_.workloads[r.workload].function];
  const DeviceType& type = config_.types[type_[device]];
  const std::size_t base = std::size_t{device} * config_.artifacts.size();
  std::int64_t bytes = 0;
  for (std::int32_t a : {fn.image, fn.model}) {
    if (a < 0) continue;
    const sim::Time entry = cache_last_use_[base + static_cast<std::size_t>(a)];
    if (entry <= kPulling) {  // another request's pull brings it: wait for that one
      Request& puller = requests_[static_cast<std::uint32_t>(kPulling - entry)];
      r.next_waiter = puller.waiters;
      puller.waiters = slot;
      return;
    }
    if (entry < 0) bytes += config_.artifacts[a].size_for(type.arch);
  }
  if (bytes == 0) {
    for (std::int32_t a : {fn.image, fn.model}) {
      if (a >= 0) cache_last_use_[base + static_cast<std::size_t>(a)] = now;  // touch
    }
    r.pull = now - r.cold_begin;
    const sim::Time start = sim::from_seconds(type.container_start.sample(start_rng_[device]));
    engine.schedule(device, device, sim::add_saturating(now, start), kStarted, tagged(slot));
    return;
  }
  for (std::int32_t a : {fn.image, fn.model}) {
    if (a < 0) continue;
    sim::Time& entry = cache_last_use_[base + static_cast<std::size_t>(a)];
    if (entry < 0) entry = kPulling - static_cast<sim::Time>(slot);
  }
  counts_.pulled_bytes += static_cast<std::uint64_t>(bytes);
  if (net_ != nullptr) {
    network::TransferRequest pull;
    pull.from = static_cast<network::NodeId>(config_.registry_site);
    pull.to = first_device_node_ + device;
    pull.bytes = bytes;
    pull.on_break = network::OnBreak::kResume;
    pull.tag = kPullTag;
    pull.notify_lp = device;
    pull.notify_kind = kPulled;
    pull.cookie = tagged(slot);
    r.pull_transfer = net_->key(net_->start(pull, engine));
    r.pulling = true;
  } else {
    const double seconds = static_cast<double>(bytes) * 8.0 / type.nic_bps;
    engine.schedule(device, device, sim::add_saturating(now, sim::from_seconds(seconds)), kPulled,
                    tagged(slot));
  }
}

void FleetModel::begin_exec(std::uint32_t device, std::uint32_t slot, sim::Time now,
                            sim::Engine& engine) {
  Request& r = requests_[slot];
  r.start = now;
  // Interference, fixed at the start: the other busy cores of the device slow this one down.
  const double k = config_.types[type_[device]].interference;
  double exec_s = r.exec_s;
  if (k > 0.0) {
    const double others = static_cast<double>(busy_[device] - 1);
    exec_s *= 1.0 + k * others / static_cast<double>(cores_[device]);
  }
  engine.schedule(device, device, sim::add_saturating(now, sim::from_seconds(exec_s)), kDeparture,
                  tagged(slot));
}

void FleetModel::on_pulled(const sim::Event& event, sim::Engine& engine) {
  const std::uint32_t device = event.target;
  const std::uint32_t slot = live_slot(event.payload);
  if (slot == kNone) return;  // abandoned when its device went down
  requests_[slot].pulling = false;
  const sim::Time now = event.time;
  const bool delivered = event.aux == static_cast<std::uint16_t>(network::Outcome::kDelivered);
  // What this pull brought goes into the cache (or, failed, is absent again).
  cache_insert(device, slot, delivered, now);
  std::uint32_t waiter = requests_[slot].waiters;
  requests_[slot].waiters = kNone;
  if (!delivered) {
    const Request lost = requests_[slot];
    requests_[slot].token = 0;
    requests_.release(slot);
    release(device, lost, now, engine);
    record(device, lost, now, RequestOutcome::kLost, engine);
  } else {  // the container starts (with its artifacts, whether the cache kept them or not)
    Request& r = requests_[slot];
    r.pull = now - r.cold_begin;
    const DeviceType& type = config_.types[type_[device]];
    const sim::Time start = sim::from_seconds(type.container_start.sample(start_rng_[device]));
    engine.schedule(device, device, sim::add_saturating(now, start), kStarted, tagged(slot));
  }
  // The cold starts that waited for this pull go on: start, or pull what is still missing.
  while (waiter != kNone) {
    const std::uint32_t next = requests_[waiter].next_waiter;
    requests_[waiter].next_waiter = kNone;
    fetch(device, waiter, now, engine);
    waiter = next;
  }
  if (!delivered) drain(device, now, engine);
}

void FleetModel::on_started(const sim::Event& event, sim::Engine& engine) {
  const std::uint32_t device = event.target;
  const std::uint32_t slot = live_slot(event.payload);
  if (slot == kNone) return;  // its device went down while the container started
  Request& r = requests_[slot];
  r.cold = event.time - r.cold_begin;
  instance_state_[r.instance] = kBusy;
  begin_exec(device, slot, event.time, engine);
}

// Gives back what a request held on its device: core, accelerator, instance (idle again, or
// removed when doomed or when it never started).
void FleetModel::release(std::uint32_t device, const Request& r, sim::Time now,
                         sim::Engine& engine) {
  account_busy(device, now);
  core_request_[r.core] = kNone;
  --busy_[device];
  --busy_total_;
  --busy_by_type_[type_[device]];
  const std::int32_t f = config_.workloads[r.workload].function;
  if (f >= 0 && !config_.functions[f].accelerator.empty()) --accel_busy_[device];
  energy_.load_changed(device, busy_[device], accel_busy_[device], now, &engine);
  --in_system_dev_[device];
  --in_system_;
  if (r.instance != kNone) {
    if (instance_doomed_[r.instance] || instance_state_[r.instance] == kStarting) {
      remove_instance(device, r.instance);
    } else {
      instance_state_[r.instance] = kIdle;
      instance_idle_since_[r.instance] = now;
      // With a scheduler a request waiting for a placement takes it; else its reservation ends
      // on time, so that a waiting placement may retry.
      if (policy_ && hand_over(device, r.instance, now, engine)) return;
      const sim::Time expiry = sim::add_saturating(now, config_.functions[f].keep_alive);
      if (policy_ && expiry <= config_.duration) {
        engine.schedule(device, device, expiry, kExpire, r.instance);
      }
    }
  }
}

void FleetModel::record(std::uint32_t device, const Request& r, sim::Time end,
                        RequestOutcome outcome, sim::Engine& engine) {
  if (!r.recorded) return;
  const WorkloadConfig& wl = config_.workloads[r.workload];
  const bool completed = outcome == RequestOutcome::kCompleted;
  sim::Time exec = 0, network = 0;
  bool missed = false;
  if (completed) {
    end = sim::add_saturating(end, r.response);
    exec = end - r.response - r.start;
    network = r.request_leg + r.response;
    latencies_.push_back(end - r.arrival);
    if (!config_.record_requests) {  // else the rows hold them
      parts_.network_ns.push_back(network);
      parts_.queue_ns.push_back(r.queue);
      parts_.cold_start_ns.push_back(r.cold);
      parts_.exec_ns.push_back(exec);
    }
    ++completions_;
    ++stats_.served[device];
    const sim::Time fn_deadline = wl.function >= 0 ? config_.functions[wl.function].deadline : 0;
    const sim::Time deadline = wl.deadline > 0 ? wl.deadline : fn_deadline;
    if (deadline > 0) {
      ++counts_.deadline_requests;
      missed = end - r.arrival > deadline;
      if (missed) ++counts_.deadline_misses;
    }
  } else if (outcome == RequestOutcome::kRejected) {
    ++counts_.rejected;
  } else {
    ++counts_.lost;
  }
  if (config_.record_requests) {
    records_.arrival_ns.push_back(r.arrival);
    records_.start_ns.push_back(completed ? r.start : end);
    records_.end_ns.push_back(end);
    records_.device.push_back(device);
    records_.site.push_back(r.site);
    records_.workload.push_back(r.workload);
    records_.function.push_back(wl.function);
    records_.network_ns.push_back(network);
    records_.queue_ns.push_back(completed ? r.queue : 0);
    records_.cold_start_ns.push_back(completed ? r.cold : 0);
    records_.pull_ns.push_back(completed ? r.pull : 0);
    records_.exec_ns.push_back(exec);
    records_.outcome.push_back(static_cast<std::uint8_t>(outcome));
    records_.retries.push_back(r.retries);
    records_.deadline_missed.push_back(missed ? 1 : 0);
  }
  if (completed && config_.max_requests > 0 && completions_ >= config_.max_requests) {
    engine.request_stop();
  }
}

void FleetModel::on_departure(const sim::Event& event, sim::Engine& engine) {
  const std::uint32_t device = event.target;
  const std::uint32_t slot = live_slot(event.payload);
  if (slot == kNone) return;  // evicted by a device failure
  const sim::Time now = event.time;
  const Request r = requests_[slot];
  requests_[slot].token = 0;
  requests_.release(slot);
  release(device, r, now, engine);
  record(device, r, now, RequestOutcome::kCompleted, engine);
  drain(device, now, engine);
}

void FleetModel::drain(std::uint32_t device, sim::Time now, sim::Engine& engine) {
  for (std::uint32_t head = queue_head_[device]; head != kNone; head = queue_head_[device]) {
    if (!try_start(device, head, now, engine)) return;
    queue_head_[device] = requests_[head].next;
    if (queue_head_[device] == kNone) queue_tail_[device] = kNone;
  }
}

std::uint64_t FleetModel::tagged(std::uint32_t slot) const {
  return std::uint64_t{slot} | std::uint64_t{requests_[slot].token} << 32;
}

std::uint32_t FleetModel::live_slot(std::uint64_t payload) const {
  const auto slot = static_cast<std::uint32_t>(payload & 0xFFFFFFFFu);
  const auto token = static_cast<std::uint32_t>(payload >> 32);
  return token != 0 && requests_[slot].token == token ? slot : kNone;
}

void FleetModel::evict(std::uint32_t slot, std::uint32_t device, sim::Time now,
                       sim::Engine& engine) {
  --in_system_dev_[device];
  --in_system_;
  Request& r = requests_[slot];
  r.token = 0;  // its pending events, if any, are now stale
  if (policy_) {  // what it was to start with goes back: a claimed instance, or a reservation
    if (r.instance != kNone && instance_state_[r.instance] == kClaimed) {
      remove_instance(device, r.instance);
    }
    if (r.reserved) {
      policy_->release(device, config_.workloads[r.workload].function);
      r.reserved = false;
      released_ = true;
    }
  }
  r.instance = kNone;
  r.waiters = r.next_waiter = kNone;
  r.cold = r.pull = 0;
  if (config_.on_device_failure == FailurePolicy::kRetry && r.retries < config_.max_retries &&
      r.retries < 0xFF) {
    ++r.retries;
    if (r.recorded) ++counts_.retried;
    dispatch(slot, device, now, engine);
  } else {
    const Request lost = r;
    requests_.release(slot);
    record(device, lost, now, RequestOutcome::kLost, engine);
  }
}

void FleetModel::set_available(std::uint32_t device, bool up, sim::Time now, sim::Engine& engine) {
  if ((available_[device] != 0) == up) return;
  available_[device] = up ? 1 : 0;
  unavailable_ = up ? unavailable_ - 1 : unavailable_ + 1;
  if (up) return;  // back cold: no instance; its image cache as it was
  drop_instances(device);
  // Pulls under way are abandoned: what they brought is absent again, and their transfers, if
  // any, are cancelled in the network (recorded as cancelled now; their bandwidth goes to the
  // other transfers). A pull without a network ends later and is ignored: its request's token is
  // gone.
  if (functions_) {
    const std::size_t n = config_.artifacts.size();
    for (std::size_t a = 0; a < n; ++a) {
      sim::Time& entry = cache_last_use_[std::size_t{device} * n + a];
      if (entry <= kPulling) {
        entry = -1;
        if (policy_) policy_->artifact_dropped(device, static_cast<std::int32_t>(a));
      }
    }
  }
  // Requests holding a core (executing, or in a cold start: pulling, waiting for a pull,
  // starting their container) first, in slot order, then the queue in FIFO order.
  evict_scratch_.clear();
  for (std::uint32_t c = core_begin_[device]; c < core_begin_[device + 1]; ++c) {
    if (core_request_[c] != kNone) evict_scratch_.push_back(core_request_[c]);
  }
  std::sort(evict_scratch_.begin(), evict_scratch_.end());
  for (const std::uint32_t slot : evict_scratch_) {
    Request& r = requests_[slot];
    if (r.pulling) {
      net_->cancel(r.pull_transfer, engine);
      r.pulling = false;
    }
    release(device, r, now, engine);  // its core, accelerator, instance (doomed: removed)
    ++in_system_dev_[device];  // evict counts it out
    ++in_system_;
    evict(slot, device, now, engine);
  }
  std::uint32_t queued = queue_head_[device];
  queue_head_[device] = queue_tail_[device] = kNone;
  while (queued != kNone) {
    const std::uint32_t next = requests_[queued].next;
    evict(queued, device, now, engine);
    queued = next;
  }
  if (released_) flush_released(now, engine);
}

// ---- the scheduler (with a placement policy) --------------------------------------------------

// Warm first: among the request's reachable candidates, those holding an idle instance of its
// function, the least loaded (fewest requests per core; ties to the first in dispatch-group
// order) takes it, and the instance is claimed for it. Else a new instance is needed: the
// request waits for the scheduler as a placement. With no reachable candidate at all it is
// rejected at once, as without a scheduler.
void FleetModel::dispatch_placed(std::uint32_t slot, sim::LpId from, sim::Time now,
                                 sim::Engine& engine) {
  Request& r = requests_[slot];
  const std::int32_t f = config_.workloads[r.workload].function;
  const Source& src = sources_[r.source];
  const std::uint32_t* group = src.device != kNone ? &src.device
                                                   : dispatch_devices_.data() + src.group_begin;
  const std::uint32_t n = src.device != kNone ? 1 : src.group_size;
  std::uint32_t best = kNoDevice;
  bool any = false;
  for (std::uint32_t k = 0; k < n; ++k) {
    const std::uint32_t d = group[k];
    if (!reachable(d)) continue;
    any = true;
    expire_idle(d, now);
    if (find_idle(d, f) == kNone) continue;
    if (best == kNoDevice || std::uint64_t{in_system_dev_[d]} * cores_[best] <
                                 std::uint64_t{in_system_dev_[best]} * cores_[d]) {
      best = d;
    }
  }
  if (!any) {
    const Request rejected = r;
    requests_.release(slot);
    record(kNoDevice, rejected, now, RequestOutcome::kRejected, engine);
    return;
  }
  if (best != kNoDevice) {
    r.instance = find_idle(best, f);
    instance_state_[r.instance] = kClaimed;
    send(slot, best, from, now, engine);
    return;
  }
  const auto id = static_cast<std::uint32_t>(placements_.size());
  PlacementRecords& p = placements_;
  p.queued_ns.push_back(now);
  p.decided_ns.push_back(-1);
  p.device.push_back(kNoDevice);
  p.workload.push_back(r.workload);
  p.function.push_back(f);
  p.nodes_examined.push_back(0);
  p.feasible.push_back(0);
  p.score.push_back(0);
  p.attempts.push_back(0);
  p.outcome.push_back(static_cast<std::uint8_t>(PlacementOutcome::kPending));
  placement_slot_.push_back(slot);
  pending_by_source_[r.source].push_back(id);
  policy_->enqueue(id, f, 0, now);
  kick(now, engine);
}

std::span<const std::uint32_t> FleetModel::placement_candidates(std::uint32_t id) {
  candidates_.clear();
  const Source& src = sources_[requests_[placement_slot_.at(id)].source];
  if (src.device != kNone) {
    if (reachable(src.device)) candidates_.push_back(src.device);
  } else {
    for (std::uint32_t k = 0; k < src.group_size; ++k) {
      const std::uint32_t d = dispatch_devices_[src.group_begin + k];
      if (reachable(d)) candidates_.push_back(d);
    }
  }
  return candidates_;
}

void FleetModel::kick(sim::Time now, sim::Engine& engine) {
  if (!scheduler_busy_) start_cycle(now, engine);
}

// A cycle decides at its start, against the state then (the policy reserves at once), and its
// decisions take effect at its end; the scheduler is busy in between.
void FleetModel::start_cycle(sim::Time now, sim::Engine& engine) {
  decisions_.clear();
  const sim::Time cost = policy_->cycle(now, *this, decisions_);
  if (decisions_.empty()) {  // idle: wake when the earliest back-off ends
    const sim::Time next = policy_->next_ready();
    if (next < wake_at_ && next <= config_.duration) {
      wake_at_ = next;
      engine.schedule(scheduler_lp_, scheduler_lp_, std::max(next, now), kWake);
    }
    return;
  }
  scheduler_busy_ = true;
  engine.schedule(scheduler_lp_, scheduler_lp_, sim::add_saturating(now, cost), kCycleEnd);
}

void FleetModel::on_cycle_end(sim::Time now, sim::Engine& engine) {
  scheduler_busy_ = false;
  PlacementRecords& p = placements_;
  for (const PlacementDecision& d : decisions_) {
    const std::uint32_t slot = placement_slot_[d.id];
    p.nodes_examined[d.id] = d.nodes_examined;
    p.feasible[d.id] = d.feasible;
    p.score[d.id] = d.score;
    ++p.attempts[d.id];
    if (d.status == PlacementDecision::Status::kUnschedulable) continue;
    p.decided_ns[d.id] = now;
    placement_slot_[d.id] = kNone;
    if (d.status == PlacementDecision::Status::kNoCandidate) {
      p.outcome[d.id] = static_cast<std::uint8_t>(PlacementOutcome::kRejected);
      const Request rejected = requests_[slot];
      requests_.release(slot);
      record(kNoDevice, rejected, now, RequestOutcome::kRejected, engine);
      continue;
    }
    p.outcome[d.id] = static_cast<std::uint8_t>(PlacementOutcome::kPlaced);
    p.device[d.id] = d.device;
    requests_[slot].reserved = true;
    requests_[slot].sched_wait = now - p.queued_ns[d.id];
    send(slot, d.device, scheduler_lp_, now, engine);
  }
  start_cycle(now, engine);
}

bool FleetModel::hand_over(std::uint32_t device, std::uint32_t instance, sim::Time now,
                           sim::Engine& engine) {
  const std::int32_t f = instance_function_[instance];
  // The oldest pending placement (lowest id) of function f among the sources that may use the
  // device; per source, the first one pending that is not being decided in the cycle under way.
  std::uint32_t best = kNone;
  for (std::uint32_t k = device_source_begin_[device]; k < device_source_begin_[device + 1];
       ++k) {
    const std::uint32_t s = device_sources_[k];
    if (config_.workloads[sources_[s].workload].function != f) continue;
    const std::vector<std::uint32_t>& ids = pending_by_source_[s];
    std::size_t& head = pending_head_[s];
    while (head < ids.size() && placement_slot_[ids[head]] == kNone) ++head;
    for (std::size_t i = head; i < ids.size(); ++i) {
      const std::uint32_t id = ids[i];
      if (placement_slot_[id] == kNone) continue;
      if (scheduler_busy_ && std::any_of(decisions_.begin(), decisions_.end(),
                                         [&](const PlacementDecision& d) { return d.id == id; })) {
        continue;
      }
      if (best == kNone || id < best) best = id;
      break;
    }
  }
  if (best == kNone) return false;
  const std::uint32_t slot = placement_slot_[best];
  policy_->withdraw(best);
  placement_slot_[best] = kNone;
  placements_.decided_ns[best] = now;
  placements_.device[best] = device;
  placements_.outcome[best] = static_cast<std::uint8_t>(PlacementOutcome::kWithdrawn);
  Request& r = requests_[slot];
  r.instance = instance;
  r.sched_wait = now - placements_.queued_ns[best];
  instance_state_[instance] = kClaimed;
  send(slot, device, device, now, engine);
  return true;
}

void FleetModel::flush_released(sim::Time now, sim::Engine& engine) {
  released_ = false;
  policy_->capacity_freed(now);
  kick(now, engine);
}

// ---- instances and the image cache ------------------------------------------------------------

void FleetModel::expire_idle(std::uint32_t device, sim::Time now) {
  for (std::uint32_t i = instance_begin_[device]; i < instance_begin_[device + 1]; ++i) {
    if (instance_state_[i] != kIdle) continue;
    const sim::Time keep = config_.functions[instance_function_[i]].keep_alive;
    if (sim::add_saturating(instance_idle_since_[i], keep) <= now) remove_instance(device, i);
  }
}

void FleetModel::remove_instance(std::uint32_t device, std::uint32_t instance) {
  if (policy_) {
    policy_->release(device, instance_function_[instance]);
    released_ = true;
  }
  memory_free_[device] += config_.functions[instance_function_[instance]].memory_bytes;
  instance_state_[instance] = kFree;
  instance_doomed_[instance] = 0;
  instance_function_[instance] = -1;
}

// The most recently idle instance of `function` (ties: the lowest slot), or kNone.
std::uint32_t FleetModel::find_idle(std::uint32_t device, std::int32_t function) const {
  std::uint32_t best = kNone;
  for (std::uint32_t i = instance_begin_[device]; i < instance_begin_[device + 1]; ++i) {
    if (instance_state_[i] == kIdle && instance_function_[i] == function &&
        (best == kNone || instance_idle_since_[i] > instance_idle_since_[best])) {
      best = i;
    }
  }
  return best;
}

void FleetModel::drop_instances(std::uint32_t device) {
  if (!functions_) return;
  for (std::uint32_t i = instance_begin_[device]; i < instance_begin_[device + 1]; ++i) {
    if (instance_state_[i] == kIdle) {
      remove_instance(device, i);
    } else if (instance_state_[i] != kFree) {
      instance_doomed_[i] = 1;
    }
  }
}

// Puts the artifacts that request `slot` pulled into the device's cache, removing the least
// recently used artifacts that no instance on the device uses until each fits; one that cannot
// fit is used by the cold start that pulled it but not kept. A failed pull leaves them absent.
void FleetModel::cache_insert(std::uint32_t device, std::uint32_t slot, bool delivered,
                              sim::Time now) {
  const FunctionConfig& fn = config_.functions[config_.workloads[requests_[slot].workload].function];
  const std::string& arch = config_.types[type_[device]].arch;
  const std::size_t n_artifacts = config_.artifacts.size();
  const std::size_t base = std::size_t{device} * n_artifacts;
  const sim::Time mark = kPulling - static_cast<sim::Time>(slot);
  auto pinned = [&](std::size_t a) {
    for (std::uint32_t i = instance_begin_[device]; i < instance_begin_[device + 1]; ++i) {
      if (instance_state_[i] == kFree) continue;
      const FunctionConfig& g = config_.functions[instance_function_[i]];
      if (g.image == static_cast<std::int32_t>(a) || g.model == static_cast<std::int32_t>(a)) {
        return true;
      }
    }
    return false;
  };
  for (std::int32_t a : {fn.image, fn.model}) {
    if (a < 0) continue;
    sim::Time& entry = cache_last_use_[base + static_cast<std::size_t>(a)];
    if (entry != mark) continue;
    entry = -1;
    if (!delivered) {
      if (policy_) policy_->artifact_dropped(device, a);
      continue;
    }
    const std::int64_t size = config_.artifacts[a].size_for(arch);
    while (cache_free_[device] < size) {
      std::size_t lru = n_artifacts;
      for (std::size_t b = 0; b < n_artifacts; ++b) {
        const sim::Time last = cache_last_use_[base + b];
        if (last >= 0 && (lru == n_artifacts || last < cache_last_use_[base + lru]) && !pinned(b)) {
          lru = b;
        }
      }
      if (lru == n_artifacts) break;
      cache_last_use_[base + lru] = -1;
      if (policy_) policy_->artifact_dropped(device, static_cast<std::int32_t>(lru));
      cache_free_[device] += config_.artifacts[lru].size_for(arch);
      ++counts_.cache_evictions;
    }
    if (cache_free_[device] < size) {
      if (policy_) policy_->artifact_dropped(device, a);
      continue;
    }
    entry = now;
    cache_free_[device] -= size;
  }
}

void FleetModel::on_sample(sim::Engine& engine) {
  const sim::Time now = engine.now();
  const double busy = static_cast<double>(busy_total_);
  const double values[] = {static_cast<double>(in_system_), busy,
                           total_cores_ ? busy / static_cast<double>(total_cores_) : 0.0,
                           static_cast<double>(completions_)};
  std::size_t i = 0;
  for (; i < 4; ++i) {
    series_[i].time_ns.push_back(now);
    series_[i].value.push_back(values[i]);
  }
  for (std::size_t t = 0; t < config_.types.size(); ++t, ++i) {
    series_[i].time_ns.push_back(now);
    series_[i].value.push_back(cores_by_type_[t] ? static_cast<double>(busy_by_type_[t]) /
                                                       static_cast<double>(cores_by_type_[t])
                                                 : 0.0);
  }
  if (functions_) {
    std::uint64_t live = 0;
    for (std::uint32_t d = 0; d < cores_.size(); ++d) {
      expire_idle(d, now);
      for (std::uint32_t k = instance_begin_[d]; k < instance_begin_[d + 1]; ++k) {
        live += instance_state_[k] != kFree;
      }
    }
    series_[i].time_ns.push_back(now);
    series_[i].value.push_back(static_cast<double>(live));
  }
  const sim::Time next = sim::add_saturating(now, config_.sample_interval);
  if (next <= config_.duration) engine.schedule(sampler_lp_, sampler_lp_, next, kSample);
}

void FleetModel::finish(sim::Time end) {
  energy_.finish(end);
  stats_.energy_j = energy_.energy_j();
  for (std::uint32_t d = 0; d < cores_.size(); ++d) {
    account_busy(d, end);
    stats_.busy_core_seconds[d] = sim::to_seconds(busy_core_ns_[d]);
    stats_.in_system[d] = in_system_dev_[d];
  }
}

}  // namespace edgetwin::models
