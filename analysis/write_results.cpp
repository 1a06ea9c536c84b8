// The HDF5 result file writer. The layout is documented in docs/results.md; keep the two in step.
//
// Reproducibility: object timestamps are off and the file-format bounds are pinned to 1.8, so two
// runs with the same scenario and seed give byte-identical files apart from /@wall_seconds.
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <stdexcept>

#include "analysis/detail/h5.h"
#include "analysis/detail/result_writer.h"
#include "analysis/results.h"

namespace edgetwin::analysis {
namespace {

using detail::check;
using detail::Handle;
using detail::TableWriter;
using detail::write_attribute;

Handle create_group(hid_t parent, const std::string& name) {
  Handle props = detail::untimed_group_props();
  return check(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, props.get(), H5P_DEFAULT),
               "group " + name);
}

void write_root_attributes(hid_t file, const scenarios::Scenario& scenario, const RunInfo& info) {
  write_attribute(file, "edgetwin_version", info.version);
  write_attribute(file, "scenario_name", scenario.name);
  write_attribute(file, "seed", info.seed);
  write_attribute(file, "threads", std::int32_t{info.threads});
  write_attribute(file, "ranks", std::int32_t{info.ranks});
  write_attribute(file, "wall_seconds", info.wall_seconds);
  write_attribute(file, "events", info.events);
  write_attribute(file, "end_time_ns", std::int64_t{info.end_time});
  write_attribute(file, "event_list", info.event_list);
  write_attribute(file, "created_by", std::string("edgetwin run"));
}

}  // namespace

namespace detail {

void write_scenario_text(hid_t file, const std::string& json) {
  const std::string what = "dataset scenario";
  Handle type = detail::string_type(json.size());
  Handle space = check(H5Screate(H5S_SCALAR), what);
  Handle dcpl = check(H5Pcreate(H5P_DATASET_CREATE), what);
  check(H5Pset_obj_track_times(dcpl.get(), false), what);
  Handle dataset = check(
      H5Dcreate2(file, "scenario", type.get(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
      what);
  std::string padded = json;
  padded.resize(std::max<std::size_t>(json.size(), 1), '\0');
  check(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, padded.data()), what);
}

}  // namespace detail

namespace {

using detail::write_scenario_text;

void write_sites(hid_t file, const models::FleetModel& model) {
  const models::FleetConfig& config = model.config();
  std::vector<std::string> name, kind;
  for (const auto& s : config.sites) {
    name.push_back(s.name);
    kind.push_back(s.kind);
  }
  std::vector<double> energy(config.sites.size(), 0.0);
  for (std::size_t d = 0; d < config.devices.size(); ++d) {
    energy[config.devices[d].site] += model.device_stats().energy_j[d];
  }
  TableWriter table(config.sites.size());
  table.add("name", name);
  table.add("kind", kind);
  table.add("energy_j", energy);
  table.write(file, "sites");
}

void write_workloads(hid_t file, const models::FleetConfig& config) {
  std::vector<std::string> name, dispatch, function, service, arrivals, scope;
  std::vector<double> deadline, rate, service_mean;
  std::vector<std::uint32_t> sites;
  for (const auto& w : config.workloads) {
    name.push_back(w.name);
    dispatch.push_back(models::dispatch_name(w.dispatch));
    function.push_back(w.function >= 0 ? config.functions.at(w.function).name : std::string());
    const sim::Time fn_deadline = w.function >= 0 ? config.functions[w.function].deadline : 0;
    deadline.push_back(sim::to_seconds(w.deadline > 0 ? w.deadline : fn_deadline));
    arrivals.push_back(models::arrival_process_name(w.arrivals.kind));
    scope.push_back(models::arrival_scope_name(w.scope));
    rate.push_back(w.rate_per_s);
    service.push_back(w.service_s.kind_name());
    service_mean.push_back(w.service_s.mean());
    sites.push_back(static_cast<std::uint32_t>(w.sites.size()));
  }
  TableWriter table(config.workloads.size());
  table.add("name", name);
  table.add("dispatch", dispatch);
  table.add("function", function);
  table.add("deadline_s", deadline);
  table.add("rate_per_s", rate);
  table.add("service_distribution", service);
  table.add("service_mean_s", service_mean);
  table.add("sites", sites);
  table.add("arrivals", arrivals);
  table.add("scope", scope);
  table.write(file, "workloads");
}

void write_functions(hid_t file, const models::FleetConfig& config) {
  const std::size_t n = config.functions.size();
  std::vector<std::string> name(n), image(n), model(n), accelerator(n), arch(n), runs_on(n);
  std::vector<std::int64_t> memory(n), image_bytes(n);
  std::vector<double> work(n), deadline(n), keep_alive(n);
  for (std::size_t i = 0; i < n; ++i) {
    const models::FunctionConfig& f = config.functions[i];
    name[i] = f.name;
    image[i] = f.image >= 0 ? config.artifacts.at(f.image).name : "";
    model[i] = f.model >= 0 ? config.artifacts.at(f.model).name : "";
    accelerator[i] = f.accelerator;
    arch[i] = f.arch;
    memory[i] = f.memory_bytes;
    work[i] = f.work_s;
    deadline[i] = sim::to_seconds(f.deadline);
    keep_alive[i] = sim::to_seconds(f.keep_alive);
    for (std::size_t t = 0; t < config.types.size() && t < f.exec.size(); ++t) {
      static const char* kinds[] = {"cannot", "fit", "work"};
      if (!runs_on[i].empty()) runs_on[i] += ' ';
      const bool can = models::cannot_run_reason(config, i, t).empty();
      runs_on[i] += config.types[t].name + ":" +
                    (can ? kinds[static_cast<int>(f.exec[t].kind)] : "cannot");
    }
  }
  TableWriter table(n);
  table.add("name", name);
  table.add("image", image);
  table.add("model", model);
  table.add("memory_bytes", memory);
  table.add("arch", arch);
  table.add("accelerator", accelerator);
  table.add("work_s", work);
  table.add("deadline_s", deadline);
  table.add("keep_alive_s", keep_alive);
  table.add("execution_times", runs_on);
  Handle dataset = table.write(file, "functions");
  write_attribute(dataset.get(), "execution_times",
                  std::string("per device type of the fleet: fit (a bounded lognormal), work "
                              "(work_s / core_speed) or cannot (never placed there)"));
}

void write_devices(hid_t file, const models::FleetModel& model, sim::Time end_time,
                   const models::Twin* twin) {
  const models::FleetConfig& config = model.config();
  const models::DeviceStats& stats = model.device_stats();
  const std::size_t n = config.devices.size();
  const double sim_seconds = sim::to_seconds(end_time);
  std::vector<std::uint32_t> id(n);
  std::vector<std::string> name(n), type(n), site(n), arch(n), accelerator(n), locality(n);
  std::vector<std::int32_t> cores(n);
  std::vector<double> speed(n), utilisation(n);
  for (std::size_t d = 0; d < n; ++d) {
    const auto& device = config.devices[d];
    const auto& device_type = config.types.at(device.type);
    id[d] = static_cast<std::uint32_t>(d);
    name[d] = device.name;
    type[d] = device_type.name;
    site[d] = config.sites.at(device.site).name;
    cores[d] = device_type.cores;
    speed[d] = device_type.core_speed;
    arch[d] = device_type.arch;
    accelerator[d] = device_type.accelerator;
    locality[d] = device_type.locality;
    const double capacity = device_type.cores * sim_seconds;
    utilisation[d] = capacity > 0 && d < stats.busy_core_seconds.size()
                         ? stats.busy_core_seconds[d] / capacity
                         : 0.0;
  }
  TableWriter table(n);
  table.add("id", id);
  table.add("name", name);
  table.add("type", type);
  table.add("site", site);
  table.add("cores", cores);
  table.add("core_speed", speed);
  table.add("arch", arch);
  table.add("accelerator", accelerator);
  table.add("locality", locality);
  table.add("served", stats.served);
  table.add("cold_starts", stats.cold_starts);
  table.add("busy_core_seconds", stats.busy_core_seconds);
  table.add("utilisation", utilisation);
  table.add("in_system", stats.in_system);
  table.add("energy_j", stats.energy_j);
  // A twin's devices also have a lifecycle: seconds online, and that as a fraction of the run.
  std::vector<double> online_s(n, sim_seconds), availability(n, 1.0);
  if (twin != nullptr && twin->lifecycle() != nullptr) {
    for (std::size_t d = 0; d < n; ++d) {
      online_s[d] = sim::to_seconds(twin->lifecycle()->online_ns()[d]);
      availability[d] = sim_seconds > 0 ? online_s[d] / sim_seconds : 1.0;
    }
  }
  if (twin != nullptr) {
    table.add("online_s", online_s);
    table.add("availability", availability);
  }
  table.write(file, "devices");
}

// Per device type: devices, energy, and the device-seconds spent in each lifecycle state.
void write_device_types(hid_t file, const models::Twin& twin, sim::Time end_time) {
  const models::FleetConfig& config = twin.config();
  const models::Lifecycle* life = twin.lifecycle();
  const std::size_t n = config.types.size();
  const double seconds = sim::to_seconds(end_time);
  std::vector<std::string> name(n);
  std::vector<std::uint32_t> devices(n, 0);
  std::vector<double> energy(n, 0.0), availability(n, 1.0);
  for (std::size_t d = 0; d < config.devices.size(); ++d) {
    ++devices[config.devices[d].type];
    energy[config.devices[d].type] += twin.fleet().device_stats().energy_j[d];
  }
  std::vector<std::vector<double>> state_s(models::kDeviceStates, std::vector<double>(n, 0.0));
  for (std::uint32_t t = 0; t < n; ++t) {
    name[t] = config.types[t].name;
    const double capacity = devices[t] * seconds;
    for (int s = 0; s < models::kDeviceStates; ++s) {
      const auto state = static_cast<models::DeviceState>(s);
      state_s[s][t] = life ? life->state_seconds(t, state)
                           : (state == models::DeviceState::kOnline ? capacity : 0.0);
    }
    availability[t] = capacity > 0 ? state_s[0][t] / capacity : 1.0;
  }
  TableWriter table(n);
  table.add("name", name);
  table.add("devices", devices);
  table.add("energy_j", energy);
  for (int s = 0; s < models::kDeviceStates; ++s) {
    table.add(std::string(models::device_state_name(static_cast<models::DeviceState>(s))) + "_s",
              state_s[s]);
  }
  table.add("availability", availability);
  Handle dataset = table.write(file, "device_types");
  write_attribute(dataset.get(), "rows",
                  std::string("one per device type the fleet uses; <state>_s: device-seconds "
                              "spent in that state; availability = online_s / (devices x run)"));
}

void write_failures(hid_t events, const models::Twin& twin) {
  static const models::FailureRecords kNone;
  const models::Lifecycle* life = twin.lifecycle();
  const models::FailureRecords& r = life ? life->failures() : kNone;
  const models::FleetConfig& config = twin.config();
  std::vector<std::string> name, cause, process;
  for (std::size_t i = 0; i < r.size(); ++i) {
    name.push_back(config.devices[r.device[i]].name);
    cause.emplace_back(models::failure_cause_name(static_cast<models::FailureCause>(r.cause[i])));
    process.push_back(r.process[i] == models::FailureRecords::kBatteryProcess
                          ? std::string("battery")
                          : config.lifecycle.failures[r.process[i]].name);
  }
  TableWriter table(r.size());
  table.add("device", r.device);
  table.add("name", name);
  table.add("cause", cause);
  table.add("process", process);
  table.add("down_ns", r.down_ns);
  table.add("up_ns", r.up_ns);
  Handle d = table.write(events, "failures");
  write_attribute(d.get(), "rows",
                  std::string("one per device per episode down, in order of going down; up_ns "
                              "is the run's end when the device had not come back"));
}

void write_series(hid_t group, const models::TimeSeries& series) {
  if (series.name.empty() || series.name == "." || series.name.find('/') != std::string::npos) {
    throw std::runtime_error("timeseries name '" + series.name + "' is not a valid HDF5 name");
  }
  TableWriter table(series.time_ns.size());
  table.add("time_ns", series.time_ns);
  table.add("value", series.value);
  Handle dataset = table.write(group, series.name);
  write_attribute(dataset.get(), "unit", series.unit);
}

// The fleet's series, then the network's: its own, and "link_util.A->B" for the busiest
// directed site links (by bytes carried), as load / capacity at each sample.
void write_timeseries(hid_t file, const models::FleetModel& model,
                      const models::NetworkActivity* network, const models::Lifecycle* life) {
  Handle group = create_group(file, "timeseries");
  for (const auto& series : model.timeseries()) write_series(group.get(), series);
  if (life != nullptr) {
    for (const auto& series : life->timeseries()) write_series(group.get(), series);
  }
  if (network == nullptr) return;
  for (const auto& series : network->timeseries()) write_series(group.get(), series);
  const network::Network& net = network->net();
  std::vector<std::size_t> order(2 * network->site_links().size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  auto link_of = [&](std::size_t k) {
    const network::LinkId l = network->site_links()[k / 2];
    return k % 2 == 0 ? l : network::Topology::reverse(l);
  };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    return net.link_bytes()[link_of(x)] > net.link_bytes()[link_of(y)];
  });
  const std::size_t keep = std::min<std::size_t>(order.size(), model.config().network.busiest_links);
  for (std::size_t i = 0; i < keep; ++i) {
    const std::size_t k = order[i];
    models::TimeSeries series{"link_util." + net.topology().link_name(link_of(k)), "fraction",
                              network->sample_times(), network->site_link_load()[k]};
    write_series(group.get(), series);
  }
}

// Every directed link: what it is and what it carried.
void write_links(hid_t file, const models::NetworkActivity& network, sim::Time end_time) {
  const network::Network& net = network.net();
  const network::Topology& topo = net.topology();
  const std::size_t n = topo.link_count();
  std::vector<std::uint32_t> id(n);
  std::vector<std::string> name(n), kind(n);
  std::vector<double> capacity(n), latency(n), utilisation(n);
  const double seconds = sim::to_seconds(end_time);
  const std::size_t access_links = 2 * network.access_links().size();
  for (network::LinkId l = 0; l < n; ++l) {
    id[l] = l;
    name[l] = topo.link_name(l);
    kind[l] = l < access_links ? "access" : "site";
    capacity[l] = topo.capacity_bps(l);
    latency[l] = sim::to_seconds(topo.latency(l));
    const double possible = capacity[l] * seconds;
    utilisation[l] = possible > 0 ? net.link_bytes()[l] * 8.0 / possible : 0.0;
  }
  TableWriter table(n);
  table.add("id", id);
  table.add("name", name);
  table.add("kind", kind);
  table.add("capacity_bps", capacity);
  table.add("latency_s", latency);
  table.add("bytes", net.link_bytes());
  table.add("utilisation", utilisation);
  Handle dataset = table.write(file, "links");
  write_attribute(dataset.get(), "rows",
                  std::string("one per directed link: access links (device->site, site->device) "
                              "first, then site links (a->b, b->a)"));
}

std::vector<std::string> node_names(const network::Network& net,
                                    const std::vector<network::NodeId>& nodes) {
  std::vector<std::string> out;
  out.reserve(nodes.size());
  for (network::NodeId node : nodes) out.push_back(net.topology().node_name(node));
  return out;
}

// The name of each stored outcome code, for a string column: name(Enum(code)).
template <class Enum, class Code, class NameOf>
std::vector<std::string> outcome_names(const std::vector<Code>& codes, NameOf name) {
  std::vector<std::string> out;
  out.reserve(codes.size());
  for (Code c : codes) out.emplace_back(name(static_cast<Enum>(c)));
  return out;
}
std::vector<std::string> outcome_names(const std::vector<std::uint16_t>& outcomes) {
  return outcome_names<network::Outcome>(
      outcomes, [](network::Outcome o) { return network::outcome_name(o); });
}

void write_network_events(hid_t events, const models::FleetConfig& config,
                          const models::NetworkActivity& network) {
  const network::Network& net = network.net();
  {
    const network::TransferRecords& t = net.records();
    const auto from = node_names(net, t.from), to = node_names(net, t.to);
    const auto outcome = outcome_names(t.outcome);
    std::vector<std::string> workload;
    for (std::uint16_t tag : t.tag) {
      workload.push_back(tag == 0xFFFF ? std::string("image-pull") : config.transfers.at(tag).name);
    }
    TableWriter table(t.size());
    table.add("from", from);
    table.add("to", to);
    table.add("workload", workload);
    table.add("bytes", t.bytes);
    table.add("bytes_delivered", t.bytes_delivered);
    table.add("start_ns", t.start_ns);
    table.add("end_ns", t.end_ns);
    table.add("outcome", outcome);
    table.add("reroutes", t.reroutes);
    Handle d = table.write(events, "transfers");
    write_attribute(d.get(), "rows", std::string("one per ended transfer, in order of ending; end_ns "
                                                 "is delivery (last byte + route latency) or failure"));
  }
  {
    const network::MessageRecords& m = net.messages();
    const auto from = node_names(net, m.from), to = node_names(net, m.to);
    const auto outcome = outcome_names(m.outcome);
    TableWriter table(m.size());
    table.add("from", from);
    table.add("to", to);
    table.add("bytes", m.bytes);
    table.add("sent_ns", m.sent_ns);
    table.add("transmit_ns", m.transmit_ns);
    table.add("delivered_ns", m.delivered_ns);
    table.add("outcome", outcome);
    Handle d = table.write(events, "messages");
    write_attribute(d.get(), "rows", std::string("one per ended store-and-forward message; "
                                                 "transmit_ns - sent_ns is the time it waited"));
  }
  {
    const models::OutageRecords& o = network.outages();
    std::vector<std::string> name;
    for (std::uint32_t i : o.outage) name.push_back(config.outages.at(i).name);
    TableWriter table(o.size());
    table.add("outage", name);
    table.add("down_ns", o.down_ns);
    table.add("up_ns", o.up_ns);
    table.write(events, "outages");
  }
}

// With a scheduler: one row per placement (docs/results.md).
void write_placements(hid_t events, const models::FleetModel& model) {
  if (model.placement_policy() == nullptr) return;
  const models::PlacementRecords& p = model.placements();
  TableWriter table(p.size());
  table.add("queued_ns", p.queued_ns);
  table.add("decided_ns", p.decided_ns);
  table.add("device", p.device);
  table.add("workload", p.workload);
  table.add("function", p.function);
  table.add("nodes_examined", p.nodes_examined);
  table.add("feasible", p.feasible);
  table.add("score", p.score);
  table.add("attempts", p.attempts);
  const auto outcome = outcome_names<models::PlacementOutcome>(
      p.outcome, [](auto o) { return models::placement_outcome_name(o); });
  table.add("outcome", outcome);  // borrowed until write()
  Handle dataset = table.write(events, "placements");
  const hid_t d = dataset.get();
  write_attribute(d, "rows",
                  std::string("one per placement of a new function instance (a request that "
                              "found no idle instance), warmup included, in order of queueing; "
                              "outcome placed, rejected (no candidate device was reachable) or "
                              "pending (still waiting at the end)"));
  write_attribute(d, "time_unit", std::string("ns since the start of the run"));
  write_attribute(d, "decided_ns", std::string("end of the cycle that placed or rejected it; -1 "
                                               "when pending"));
  write_attribute(d, "device", std::string("row (= id) in /devices; 4294967295 unless placed"));
  write_attribute(d, "nodes_examined", std::string("nodes its last cycle filtered"));
  write_attribute(d, "feasible", std::string("nodes its last cycle found feasible and scored"));
  write_attribute(d, "score", std::string("the chosen node's weighted total score"));
  write_attribute(d, "attempts", std::string("scheduling cycles it went through"));
  write_attribute(d, "scheduler", model.placement_policy()->name());
}

void write_requests(hid_t file, const models::FleetModel& model,
                    const models::NetworkActivity* network, const models::Twin* twin) {
  Handle group = create_group(file, "events");
  if (network != nullptr) write_network_events(group.get(), model.config(), *network);
  if (twin != nullptr) write_failures(group.get(), *twin);
  write_placements(group.get(), model);
  const models::RequestRecords& r = model.requests();
  TableWriter table(r.size());
  table.add("arrival_ns", r.arrival_ns);
  table.add("start_ns", r.start_ns);
  table.add("end_ns", r.end_ns);
  table.add("device", r.device);
  table.add("site", r.site);
  table.add("workload", r.workload);
  table.add("function", r.function);
  table.add("network_ns", r.network_ns);
  table.add("queue_ns", r.queue_ns);
  table.add("cold_start_ns", r.cold_start_ns);
  table.add("pull_ns", r.pull_ns);
  table.add("exec_ns", r.exec_ns);
  const auto outcome = outcome_names<models::RequestOutcome>(
      r.outcome, [](auto o) { return models::request_outcome_name(o); });
  table.add("outcome", outcome);  // borrowed until write()
  const std::vector<std::int32_t> missed(r.deadline_missed.begin(), r.deadline_missed.end());
  table.add("deadline_missed", missed);
  const std::vector<std::int32_t> retries(r.retries.begin(), r.retries.end());
  table.add("retries", retries);
  Handle dataset = table.write(group.get(), "requests");
  const hid_t d = dataset.get();
  write_attribute(d, "rows",
                  std::string("one per recorded request (arrived at or after warmup) that "
                              "ended by the end of the run, in order of ending: completed, "
                              "rejected (no device could take it, at arrival or at a retry) or "
                              "lost (failed pull, or its device went down); for a completed one "
                              "end_ns - arrival_ns = network_ns + queue_ns + cold_start_ns + "
                              "exec_ns (a retried one's queue_ns includes its time on the "
                              "devices that failed)"));
  write_attribute(d, "time_unit", std::string("ns since the start of the run"));
  write_attribute(d, "device", std::string("row (= id) in /devices: the last one; 4294967295 "
                                           "when rejected"));
  write_attribute(d, "retries", std::string("times a device going down sent it back to dispatch "
                                            "(on_device_failure retry)"));
  write_attribute(d, "function", std::string("row in /functions; -1 for a plain service time"));
  write_attribute(d, "site", std::string("row in /sites: its device's site; for a rejected "
                                         "request its stream's (scope fleet: the workload's "
                                         "first site)"));
  write_attribute(d, "workload", std::string("row in /workloads"));
}


void write_file(const std::string& file_path, const scenarios::Scenario& scenario,
                const models::FleetModel& model, const models::Twin* twin,
                const RunInfo& info, const Summary& summary) {
  const models::NetworkActivity* network = twin ? twin->network() : nullptr;
  const models::Lifecycle* life = twin ? twin->lifecycle() : nullptr;
  Handle file = detail::create_file(file_path);
  write_root_attributes(file.get(), scenario, info);
  write_scenario_text(file.get(), scenario.resolved_json);
  write_sites(file.get(), model);
  write_workloads(file.get(), model.config());
  write_functions(file.get(), model.config());
  write_devices(file.get(), model, info.end_time, twin);
  if (twin != nullptr) write_device_types(file.get(), *twin, info.end_time);
  write_timeseries(file.get(), model, network, life);
  write_requests(file.get(), model, network, twin);
  if (network != nullptr) write_links(file.get(), *network, info.end_time);
  detail::write_summary(file.get(), summary);
  check(H5Fclose(file.release()), "closing the file");
}

}  // namespace

static void write_run(const std::string& path, const scenarios::Scenario& scenario,
               const models::FleetModel& model, const models::Twin* twin,
               const RunInfo& info, const Summary& summary);

std::string temp_path(const std::string& path) {
  return path + ".tmp-" + std::to_string(::getpid());
}

void write_results(const std::string& path, const scenarios::Scenario& scenario,
                   const models::FleetModel& model, const RunInfo& info, const Summary& summary) {
  write_run(path, scenario, model, nullptr, info, summary);
}

void write_results(const std::string& path, const scenarios::Scenario& scenario,
                   const models::Twin& twin, const RunInfo& info, const Summary& summary) {
  write_run(path, scenario, twin.fleet(), &twin, info, summary);
}

static void write_run(const std::string& path, const scenarios::Scenario& scenario,
               const models::FleetModel& model, const models::Twin* twin,
               const RunInfo& info, const Summary& summary) {
  detail::write_atomically(path, [&](const std::string& temp) {
    write_file(temp, scenario, model, twin, info, summary);
  });
}

namespace detail {
namespace {

// Flushes a file (or directory) to stable storage, so a rename cannot outlive its content.
void sync_path(const std::string& p, int flags) {
  const int fd = ::open(p.c_str(), flags);
  if (fd < 0) return;  // best effort: e.g. directories that cannot be opened
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

Handle create_file(const std::string& file_path) {
  Handle fcpl = check(H5Pcreate(H5P_FILE_CREATE), "file properties");
  check(H5Pset_obj_track_times(fcpl.get(), false), "file properties");
  Handle fapl = check(H5Pcreate(H5P_FILE_ACCESS), "file properties");
  check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_V18), "file properties");
  check(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG), "file properties");
  return check(H5Fcreate(file_path.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()),
               "creating the file");
}

void write_summary(hid_t parent, const Summary& summary) {
  Handle props = untimed_group_props();
  Handle group = check(H5Gcreate2(parent, "summary", H5P_DEFAULT, props.get(), H5P_DEFAULT),
                       "group summary");
  for (const auto& [key, value] : summary.values) write_attribute(group.get(), key, value);
}

void write_atomically(const std::string& path, const std::function<void(const std::string&)>& write) {
  const std::string temp = temp_path(path);
  // On failure the temporary file is removed, unless the name was taken by a directory (which
  // makes the create fail, and is not ours to remove).
  std::error_code ec;
  const bool ours = !std::filesystem::is_directory(temp, ec);
  try {
    Quiet quiet;
    write(temp);
    sync_path(temp, O_RDONLY);
    std::filesystem::rename(temp, path);
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    sync_path(parent.empty() ? "." : parent.string(), O_RDONLY | O_DIRECTORY);
  } catch (const std::exception& e) {
    std::error_code ignored;
    if (ours) std::filesystem::remove(temp, ignored);
    throw std::runtime_error("cannot write results to " + path + ": " + e.what());
  }
}

}  // namespace detail

}  // namespace edgetwin::analysis
