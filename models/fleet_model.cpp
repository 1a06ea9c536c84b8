#include "models/fleet_model.h"

#include <algorithm>
#include <stdexcept>

namespace edgetwin::models {
namespace {

enum Kind : std::uint16_t { kArrival = 1, kRequest = 2, kDeparture = 3, kSample = 4 };
constexpr std::uint32_t kNone = sim::PayloadPool<int>::kNone;
constexpr std::uint32_t kWorkPurpose = sim::purpose_id("service-work");
constexpr std::uint32_t kDispatchPurpose = sim::purpose_id("dispatch");

}  // namespace

const char* dispatch_name(Dispatch d) {
  switch (d) {
    case Dispatch::kRandom: return "random";
    case Dispatch::kRoundRobin: return "round_robin";
    case Dispatch::kLeastLoaded: return "least_loaded";
  }
  return "?";
}

FleetModel::FleetModel(FleetConfig config) : config_(std::move(config)) {
  const std::size_t n_devices = config_.devices.size();
  const std::size_t n_sites = config_.sites.size();
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
  for (std::size_t i = 0; i < n_devices; ++i) {
    const DeviceType& type = config_.types.at(config_.devices[i].type);
    cores_[i] = static_cast<std::uint32_t>(type.cores);
    speed_[i] = type.core_speed;
    total_cores_ += cores_[i];
  }
  busy_.assign(n_devices, 0);
  in_system_dev_.assign(n_devices, 0);
  queue_head_.assign(n_devices, kNone);
  queue_tail_.assign(n_devices, kNone);
  busy_since_.assign(n_devices, 0);
  busy_core_ns_.assign(n_devices, 0);
  stats_.served.assign(n_devices, 0);
  stats_.busy_core_seconds.assign(n_devices, 0.0);
  stats_.energy_j.assign(n_devices, 0.0);
  stats_.in_system.assign(n_devices, 0);

  double expected = 0.0;
  for (std::uint32_t w = 0; w < config_.workloads.size(); ++w) add_sources(w, expected);
  if (config_.max_requests > 0) expected = std::min(expected, double(config_.max_requests));
  // A first guess only: vectors grow as needed, so a wrong estimate costs no more than a copy.
  const auto reserve = static_cast<std::size_t>(std::min(expected * 1.05 + 16.0, 4e6));
  latencies_.reserve(reserve);
  if (config_.record_requests) {
    for (auto* v : {&records_.arrival_ns, &records_.start_ns, &records_.end_ns}) v->reserve(reserve);
    for (auto* v : {&records_.device, &records_.site, &records_.workload}) v->reserve(reserve);
  }
  sampler_lp_ = static_cast<sim::LpId>(n_devices + sources_.size());
  series_ = {{"in_system", "requests", {}, {}},
             {"busy_cores", "cores", {}, {}},
             {"utilisation", "fraction", {}, {}},
             {"completed", "requests", {}, {}}};
}

// The sources of workload w (ArrivalScope): per site, per device of its sites, or one for the
// fleet; each times the process's parts (trace rows), except that a trace with a site column has
// one part per site, replayed only there. Random streams are named by (site, or device, or
// kFleetEntity; workload; part): part 0 of a site keeps the streams it had before parts existed.
void FleetModel::add_sources(std::uint32_t w, double& expected) {
  constexpr std::uint32_t kFleetEntity = 0xFFFFFFFFu;
  constexpr std::uint32_t kPartStride = ArrivalStream::kPartStride;
  const WorkloadConfig& wl = config_.workloads[w];
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
  const std::uint32_t parts = wl.arrivals.parts();
  switch (wl.scope) {
    case ArrivalScope::kSite:
      for (std::uint32_t k = 0; k < wl.sites.size(); ++k) {
        const std::uint32_t s = wl.sites[k];
        if (site_parts) {
          add(s, s, kNone, 0, 0, k);
        } else {
          for (std::uint32_t part = 0; part < parts; ++part) add(s, s, kNone, 0, 0, part);
        }
      }
      break;
    case ArrivalScope::kDevice:
      for (std::uint32_t s : wl.sites) {
        for (std::uint32_t k = site_device_begin_[s]; k < site_device_begin_[s + 1]; ++k) {
          const std::uint32_t d = site_devices_[k];
          for (std::uint32_t part = 0; part < parts; ++part) add(s, d, d, 0, 0, part);
        }
      }
      break;
    case ArrivalScope::kFleet: {
      const auto begin = static_cast<std::uint32_t>(scope_devices_.size());
      for (std::uint32_t s : wl.sites) {
        scope_devices_.insert(scope_devices_.end(), site_devices_.begin() + site_device_begin_[s],
                              site_devices_.begin() + site_device_begin_[s + 1]);
      }
      const auto size = static_cast<std::uint32_t>(scope_devices_.size()) - begin;
      for (std::uint32_t part = 0; part < parts; ++part) {
        add(wl.sites.front(), kFleetEntity, kNone, begin, size, part);
      }
      break;
    }
  }
}

std::uint32_t FleetModel::lp_count() const {
  return static_cast<std::uint32_t>(config_.devices.size() + sources_.size() + 1);
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
}

void FleetModel::handle(const sim::Event& event, sim::Engine& engine) {
  switch (event.kind) {
    case kArrival: on_arrival(event, engine); break;
    case kRequest: on_request(event, engine); break;
    case kDeparture: on_departure(event, engine); break;
    case kSample: on_sample(engine); break;
    default: throw std::logic_error("fleet model: unknown event kind " + std::to_string(event.kind));
  }
}

std::uint32_t FleetModel::pick_device(Source& source) {
  if (source.device != kNone) return source.device;  // scope device
  const std::uint32_t* list = source.group_size > 0
                                  ? scope_devices_.data() + source.group_begin
                                  : site_devices_.data() + site_device_begin_[source.site];
  const std::uint32_t n = source.group_size > 0 ? source.group_size
                                                : site_device_begin_[source.site + 1] -
                                                      site_device_begin_[source.site];
  switch (config_.workloads[source.workload].dispatch) {
    case Dispatch::kRandom:
      return list[source.dispatch.uniform_int(n)];
    case Dispatch::kRoundRobin: {
      const std::uint32_t d = list[source.round_robin];
      source.round_robin = source.round_robin + 1 == n ? 0 : source.round_robin + 1;
      return d;
    }
    case Dispatch::kLeastLoaded: {
      // Fewest requests per core: in[a] / cores[a] < in[b] / cores[b], compared exactly.
      std::uint32_t best = list[0];
      for (std::uint32_t k = 1; k < n; ++k) {
        const std::uint32_t d = list[k];
        if (std::uint64_t{in_system_dev_[d]} * cores_[best] <
            std::uint64_t{in_system_dev_[best]} * cores_[d]) {
          best = d;
        }
      }
      return best;
    }
  }
  return list[0];
}

void FleetModel::on_arrival(const sim::Event& event, sim::Engine& engine) {
  const auto index = static_cast<std::uint32_t>(event.payload);
  Source& src = sources_[index];
  const sim::Time now = event.time;
  const std::uint32_t slot = requests_.acquire();
  Request& r = requests_[slot];
  r.arrival = now;
  r.workload = src.workload;
  r.work_s = std::max(0.0, config_.workloads[src.workload].service_s.sample(src.work));
  r.recorded = now >= config_.warmup;
  r.next = kNone;
  ++arrivals_;
  const std::uint32_t device = pick_device(src);
  r.site = config_.devices[device].site;  // the source's site, except for scope fleet
  ++in_system_dev_[device];
  ++in_system_;
  engine.schedule(event.target, device, now, kRequest, slot);

  const sim::Time next = src.arrivals.next(config_.workloads[src.workload].arrivals, now);
  if (next <= config_.duration) engine.schedule(event.target, event.target, next, kArrival, index);
}

void FleetModel::on_request(const sim::Event& event, sim::Engine& engine) {
  const std::uint32_t device = event.target;
  const auto slot = static_cast<std::uint32_t>(event.payload);
  if (busy_[device] < cores_[device]) {
    begin_service(device, slot, event.time, engine);
    return;
  }
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

void FleetModel::begin_service(std::uint32_t device, std::uint32_t slot, sim::Time now,
                               sim::Engine& engine) {
  account_busy(device, now);
  ++busy_[device];
  ++busy_total_;
  Request& r = requests_[slot];
  r.start = now;
  const sim::Time service = sim::from_seconds(r.work_s / speed_[device]);
  engine.schedule(device, device, sim::add_saturating(now, service), kDeparture, slot);
}

void FleetModel::on_departure(const sim::Event& event, sim::Engine& engine) {
  const std::uint32_t device = event.target;
  const auto slot = static_cast<std::uint32_t>(event.payload);
  const sim::Time now = event.time;
  const Request r = requests_[slot];
  requests_.release(slot);
  account_busy(device, now);
  --busy_[device];
  --busy_total_;
  --in_system_dev_[device];
  --in_system_;
  if (r.recorded) {
    latencies_.push_back(now - r.arrival);
    ++completions_;
    ++stats_.served[device];
    if (config_.record_requests) {
      records_.arrival_ns.push_back(r.arrival);
      records_.start_ns.push_back(r.start);
      records_.end_ns.push_back(now);
      records_.device.push_back(device);
      records_.site.push_back(r.site);
      records_.workload.push_back(r.workload);
    }
    if (config_.max_requests > 0 && completions_ >= config_.max_requests) engine.request_stop();
  }
  const std::uint32_t head = queue_head_[device];
  if (head != kNone) {
    queue_head_[device] = requests_[head].next;
    if (queue_head_[device] == kNone) queue_tail_[device] = kNone;
    begin_service(device, head, now, engine);
  }
}

void FleetModel::on_sample(sim::Engine& engine) {
  const sim::Time now = engine.now();
  const double busy = static_cast<double>(busy_total_);
  const double values[] = {static_cast<double>(in_system_), busy,
                           total_cores_ ? busy / static_cast<double>(total_cores_) : 0.0,
                           static_cast<double>(completions_)};
  for (std::size_t i = 0; i < series_.size(); ++i) {
    series_[i].time_ns.push_back(now);
    series_[i].value.push_back(values[i]);
  }
  const sim::Time next = sim::add_saturating(now, config_.sample_interval);
  if (next <= config_.duration) engine.schedule(sampler_lp_, sampler_lp_, next, kSample);
}

void FleetModel::finish(sim::Time end) {
  for (std::uint32_t d = 0; d < cores_.size(); ++d) {
    account_busy(d, end);
    stats_.busy_core_seconds[d] = sim::to_seconds(busy_core_ns_[d]);
    const DeviceType& type = config_.types[config_.devices[d].type];
    stats_.energy_j[d] = type.idle_power_w * sim::to_seconds(end) +
                         (type.max_power_w - type.idle_power_w) / static_cast<double>(cores_[d]) *
                             stats_.busy_core_seconds[d];
    stats_.in_system[d] = in_system_dev_[d];
  }
}

}  // namespace edgetwin::models
