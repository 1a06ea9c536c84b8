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

FleetModel::FleetModel(FleetConfig config) : config_(std::move(config)), energy_(config_) {
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
  available_.assign(n_devices, 1);
  site_down_.assign(n_sites, 0);
  busy_since_.assign(n_devices, 0);
  busy_core_ns_.assign(n_devices, 0);
  stats_.served.assign(n_devices, 0);
  stats_.busy_core_seconds.assign(n_devices, 0.0);
  stats_.energy_j.assign(n_devices, 0.0);
  stats_.in_system.assign(n_devices, 0);

  double expected = 0.0;
  for (std::uint32_t w = 0; w < config_.workloads.size(); ++w) {
    const WorkloadConfig& wl = config_.workloads[w];
    for (std::uint32_t s : wl.sites) {
      if (site_device_begin_[s] == site_device_begin_[s + 1]) {
        throw std::invalid_argument("fleet model: workload '" + wl.name + "' targets site '" +
                                    config_.sites[s].name + "', which has no device");
      }
      Source src;
      src.workload = w;
      src.site = s;
      src.arrivals = ArrivalStream(wl.arrivals, wl.rate_per_s, config_.seed, s, w);
      src.work = sim::RandomStream(config_.seed, s, kWorkPurpose + w);
      src.dispatch = sim::RandomStream(config_.seed, s, kDispatchPurpose + w);
      sources_.push_back(src);
      expected += wl.arrivals.mean_rate_per_s(wl.rate_per_s) *
                  sim::to_seconds(config_.duration - config_.warmup);
    }
  }
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
  energy_.start(engine);
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
  const std::uint32_t begin = site_device_begin_[source.site];
  const std::uint32_t n = site_device_begin_[source.site + 1] - begin;
  const bool all_up = site_down_[source.site] == 0;
  // Random and round robin: the drawn device, or the next available one after it in site order.
  auto first_available_from = [&](std::uint32_t k) {
    if (all_up) return site_devices_[begin + k];
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::uint32_t d = site_devices_[begin + (k + i) % n];
      if (available_[d]) return d;
    }
    return kNone;
  };
  switch (config_.workloads[source.workload].dispatch) {
    case Dispatch::kRandom:
      return first_available_from(static_cast<std::uint32_t>(source.dispatch.uniform_int(n)));
    case Dispatch::kRoundRobin: {
      const std::uint32_t d = first_available_from(source.round_robin);
      source.round_robin = source.round_robin + 1 == n ? 0 : source.round_robin + 1;
      return d;
    }
    case Dispatch::kLeastLoaded: {
      // Fewest requests per core: in[a] / cores[a] < in[b] / cores[b], compared exactly.
      if (all_up) {
        std::uint32_t best = site_devices_[begin];
        for (std::uint32_t k = 1; k < n; ++k) {
          const std::uint32_t d = site_devices_[begin + k];
          if (std::uint64_t{in_system_dev_[d]} * cores_[best] <
              std::uint64_t{in_system_dev_[best]} * cores_[d]) {
            best = d;
          }
        }
        return best;
      }
      std::uint32_t best = kNone;
      for (std::uint32_t k = 0; k < n; ++k) {
        const std::uint32_t d = site_devices_[begin + k];
        if (!available_[d]) continue;
        if (best == kNone || std::uint64_t{in_system_dev_[d]} * cores_[best] <
                                 std::uint64_t{in_system_dev_[best]} * cores_[d]) {
          best = d;
        }
      }
      return best;
    }
  }
  return kNone;
}

void FleetModel::dispatch(std::uint32_t slot, sim::LpId from, sim::Time now, sim::Engine& engine) {
  const std::uint32_t device = pick_device(sources_[requests_[slot].source]);
  if (device == kNone) {
    ++rejected_;
    requests_.release(slot);
    return;
  }
  ++in_system_dev_[device];
  ++in_system_;
  engine.schedule(from, device, now, kRequest, slot);
}

void FleetModel::evict(std::uint32_t slot, std::uint32_t device, sim::Time now,
                       sim::Engine& engine) {
  --in_system_dev_[device];
  --in_system_;
  Request& r = requests_[slot];
  r.token = 0;  // its departure event, if any, is now stale
  if (config_.on_device_failure == FailurePolicy::kRetry && r.retries < config_.max_retries) {
    ++r.retries;
    ++retried_;
    dispatch(slot, device, now, engine);
  } else {
    ++lost_;
    requests_.release(slot);
  }
}

void FleetModel::set_available(std::uint32_t device, bool up, sim::Time now, sim::Engine& engine) {
  if ((available_[device] != 0) == up) return;
  available_[device] = up ? 1 : 0;
  std::uint32_t& down = site_down_[config_.devices[device].site];
  down = up ? down - 1 : down + 1;
  if (up) return;
  drop_instances(device);
  account_busy(device, now);
  busy_total_ -= busy_[device];
  busy_[device] = 0;
  energy_.load_changed(device, 0, 0, now, &engine);
  // Running requests first, in slot order, then the queue in FIFO order. The running ones are
  // found by a scan of the request pool (as large as the most requests ever alive at once):
  // failures are rare, and a per-device list would cost every request two more cache misses.
  for (std::uint32_t slot = 0; slot < requests_.capacity(); ++slot) {
    const Request& r = requests_[slot];
    if (r.token != 0 && r.device == device) evict(slot, device, now, engine);
  }
  std::uint32_t queued = queue_head_[device];
  queue_head_[device] = queue_tail_[device] = kNone;
  while (queued != kNone) {
    const std::uint32_t next = requests_[queued].next;
    evict(queued, device, now, engine);
    queued = next;
  }
}

void FleetModel::on_arrival(const sim::Event& event, sim::Engine& engine) {
  const auto index = static_cast<std::uint32_t>(event.payload);
  Source& src = sources_[index];
  const sim::Time now = event.time;
  const std::uint32_t slot = requests_.acquire();
  Request& r = requests_[slot];
  r.arrival = now;
  r.workload = src.workload;
  r.site = src.site;
  r.source = index;
  r.work_s = std::max(0.0, config_.workloads[src.workload].service_s.sample(src.work));
  r.recorded = now >= config_.warmup;
  r.next = kNone;
  ++arrivals_;
  dispatch(slot, event.target, now, engine);

  const sim::Time next = src.arrivals.next(config_.workloads[src.workload].arrivals, now);
  if (next <= config_.duration) engine.schedule(event.target, event.target, next, kArrival, index);
}

void FleetModel::on_request(const sim::Event& event, sim::Engine& engine) {
  const std::uint32_t device = event.target;
  const auto slot = static_cast<std::uint32_t>(event.payload);
  if (!available_[device]) {  // went down since it was chosen, at this same instant
    evict(slot, device, event.time, engine);
    return;
  }
  if (busy_[device] < cores_[device]) {
    begin_service(device, slot, event.time, engine);
    return;
  }
  requests_[slot].next = kNone;
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
  energy_.load_changed(device, busy_[device], 0, now, &engine);
  Request& r = requests_[slot];
  r.start = now;
  r.device = device;
  r.token = next_token_;
  next_token_ = next_token_ == 0xFFFFFFFFu ? 1 : next_token_ + 1;
  const sim::Time service = sim::from_seconds(r.work_s / speed_[device]);
  engine.schedule(device, device, sim::add_saturating(now, service), kDeparture,
                  std::uint64_t{slot} | std::uint64_t{r.token} << 32);
}

void FleetModel::on_departure(const sim::Event& event, sim::Engine& engine) {
  const std::uint32_t device = event.target;
  const auto slot = static_cast<std::uint32_t>(event.payload & 0xFFFFFFFFu);
  const sim::Time now = event.time;
  const Request r = requests_[slot];
  // A request evicted by a failure leaves its departure behind: the token no longer matches.
  if (r.token != static_cast<std::uint32_t>(event.payload >> 32)) return;
  requests_[slot].token = 0;
  requests_.release(slot);
  account_busy(device, now);
  --busy_[device];
  --busy_total_;
  energy_.load_changed(device, busy_[device], 0, now, &engine);
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
  energy_.finish(end);
  stats_.energy_j = energy_.energy_j();
  for (std::uint32_t d = 0; d < cores_.size(); ++d) {
    account_busy(d, end);
    stats_.busy_core_seconds[d] = sim::to_seconds(busy_core_ns_[d]);
    stats_.in_system[d] = in_system_dev_[d];
  }
}

}  // namespace edgetwin::models
