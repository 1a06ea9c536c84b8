// The headline figures of a run (definitions in docs/results.md, "Summary").
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <numeric>
#include <stdexcept>

#include "analysis/detail/stats.h"
#include "analysis/results.h"

namespace edgetwin::analysis {
namespace {

// Keys whose values are counts: printed as integers.
bool is_count(const std::string& key) {
  return key == "events" || key == "requests" || key == "arrivals" ||
         key == "requests_rejected" || key == "requests_lost" || key == "requests_retried" ||
         key == "cold_starts" ||
         key == "warm_starts" || key == "deadline_misses" || key == "pulled_bytes" ||
         key == "requests_in_flight" || key == "network_bytes" || key == "outages" ||
         key == "network_in_flight" || key == "failures" ||
         key == "battery_shutdowns" || key.starts_with("placements") ||
         (key.starts_with("transfers") || key.starts_with("messages"));
}

bool is_latency(const std::string& key) {
  return (key.starts_with("latency_") || key.starts_with("transfer_time_") ||
          key.starts_with("scheduling_latency_") ||
          key.starts_with("message_wait_")) &&
         key.ends_with("_s");
}

}  // namespace

double Summary::get(const std::string& key) const {
  for (const auto& [k, v] : values) {
    if (k == key) return v;
  }
  throw std::out_of_range("summary has no key '" + key + "'");
}

Summary summarize(const models::FleetModel& model, const RunInfo& info) {
  const models::FleetConfig& config = model.config();
  const models::DeviceStats& stats = model.device_stats();
  const double sim_time_s = sim::to_seconds(info.end_time);
  const double measured_s = sim::to_seconds(std::max<sim::Time>(info.end_time - config.warmup, 0));

  std::vector<sim::Time> latencies = model.latencies_ns();
  long double latency_sum = 0;
  for (sim::Time t : latencies) latency_sum += static_cast<long double>(t);
  const double n = static_cast<double>(latencies.size());
  const double mean_ns = latencies.empty() ? 0.0 : static_cast<double>(latency_sum / n);
  const sim::Time max_ns =
      latencies.empty() ? 0 : *std::max_element(latencies.begin(), latencies.end());
  const sim::Time p50 = detail::nearest_rank(latencies, 50);
  const sim::Time p95 = detail::nearest_rank(latencies, 95);
  const sim::Time p99 = detail::nearest_rank(latencies, 99);

  double total_cores = 0.0;
  for (const auto& device : config.devices) total_cores += config.types.at(device.type).cores;
  const double busy =
      std::accumulate(stats.busy_core_seconds.begin(), stats.busy_core_seconds.end(), 0.0);
  const double in_flight = static_cast<double>(
      std::accumulate(stats.in_system.begin(), stats.in_system.end(), std::uint64_t{0}));
  const double capacity = total_cores * sim_time_s;
  const double energy_j = std::accumulate(stats.energy_j.begin(), stats.energy_j.end(), 0.0);

  const models::FunctionCounts& counts = model.function_counts();
  models::LatencyParts parts = model.latency_parts();
  const double starts = static_cast<double>(counts.cold_starts + counts.warm_starts);

  Summary s;
  s.scenario = info.scenario;
  s.seed = info.seed;
  s.values = {
      {"events", static_cast<double>(info.events)},
      {"wall_s", info.wall_seconds},
      {"sim_time_s", sim_time_s},
      {"requests", n},
      {"arrivals", static_cast<double>(model.arrivals())},
      {"requests_in_flight", in_flight},
      {"throughput_per_s", measured_s > 0 ? n / measured_s : 0.0},
      {"latency_mean_s", mean_ns * 1e-9},
      {"latency_p50_s", sim::to_seconds(p50)},
      {"latency_p95_s", sim::to_seconds(p95)},
      {"latency_p99_s", sim::to_seconds(p99)},
      {"latency_max_s", sim::to_seconds(max_ns)},
      {"utilisation_mean", capacity > 0 ? busy / capacity : 0.0},
      {"energy_kwh", energy_j / 3.6e6},
      {"power_mean_w", sim_time_s > 0 ? energy_j / sim_time_s : 0.0},
      {"requests_rejected", static_cast<double>(counts.rejected)},
      {"requests_lost", static_cast<double>(counts.lost)},
      {"requests_retried", static_cast<double>(counts.retried)},
      {"cold_starts", static_cast<double>(counts.cold_starts)},
      {"warm_starts", static_cast<double>(counts.warm_starts)},
      {"cold_start_ratio", starts > 0 ? static_cast<double>(counts.cold_starts) / starts : 0.0},
      {"pulled_bytes", static_cast<double>(counts.pulled_bytes)},
      {"deadline_misses", static_cast<double>(counts.deadline_misses)},
      {"deadline_miss_ratio",
       counts.deadline_requests > 0 ? static_cast<double>(counts.deadline_misses) /
                                          static_cast<double>(counts.deadline_requests)
                                    : 0.0},
  };
  // Percentiles of each latency component over the completed requests.
  const std::pair<const char*, std::vector<sim::Time>*> components[] = {
      {"network", &parts.network_ns},
      {"queue", &parts.queue_ns},
      {"cold_start", &parts.cold_start_ns},
      {"exec", &parts.exec_ns}};
  for (const auto& [name, values] : components) {
    for (int q : {50, 95, 99}) {
      s.values.emplace_back("latency_" + std::string(name) + "_p" + std::to_string(q) + "_s",
                            sim::to_seconds(detail::nearest_rank(*values, q)));
    }
  }
  // With a scheduler: placements made, those found unschedulable at least once, those withdrawn
  // and those still pending, and the percentiles of decided - queued over the placed ones.
  if (model.placement_policy() != nullptr) {
    const models::PlacementRecords& p = model.placements();
    std::vector<sim::Time> waits;
    double unschedulable = 0.0, pending = 0.0, withdrawn = 0.0;
    for (std::size_t i = 0; i < p.size(); ++i) {
      const auto outcome = static_cast<models::PlacementOutcome>(p.outcome[i]);
      const bool placed = outcome == models::PlacementOutcome::kPlaced;
      if (placed) waits.push_back(p.decided_ns[i] - p.queued_ns[i]);
      pending += outcome == models::PlacementOutcome::kPending ? 1.0 : 0.0;
      withdrawn += outcome == models::PlacementOutcome::kWithdrawn ? 1.0 : 0.0;
      // Failed attempts: all of them, but the last one of a placed placement.
      unschedulable += p.attempts[i] > (placed ? 1u : 0u) ? 1.0 : 0.0;
    }
    s.values.insert(s.values.end(), {{"placements", static_cast<double>(waits.size())},
                                     {"placements_unschedulable", unschedulable},
                                     {"placements_withdrawn", withdrawn},
                                     {"placements_pending", pending}});
    for (int q : {50, 95, 99}) {
      s.values.emplace_back("scheduling_latency_p" + std::to_string(q) + "_s",
                            sim::to_seconds(detail::nearest_rank(waits, q)));
    }
  }
  return s;
}

namespace {

// Lifecycle figures of a Twin: failures, availability, and energy and
// availability per device type and (up to 20 sites) per site.
void add_lifecycle(Summary& s, const models::Twin& twin, const RunInfo& info) {
  const models::FleetModel& fleet = twin.fleet();
  const models::FleetConfig& config = fleet.config();
  const models::Lifecycle* life = twin.lifecycle();
  const double seconds = sim::to_seconds(info.end_time);
  const auto n = static_cast<double>(config.devices.size());
  double online = n * seconds;
  if (life != nullptr) {
    online = 0.0;
    for (sim::Time t : life->online_ns()) online += sim::to_seconds(t);
  }
  s.values.insert(s.values.end(),
                  {{"failures", life ? static_cast<double>(life->failures().size()) : 0.0},
                   {"battery_shutdowns", life ? static_cast<double>(life->battery_shutdowns()) : 0.0},
                   {"availability", n * seconds > 0 ? online / (n * seconds) : 1.0}});
  const std::vector<double>& energy = fleet.device_stats().energy_j;
  std::vector<double> type_energy(config.types.size(), 0.0), type_devices(config.types.size(), 0.0);
  std::vector<double> site_energy(config.sites.size(), 0.0);
  for (std::size_t d = 0; d < config.devices.size(); ++d) {
    type_energy[config.devices[d].type] += energy[d];
    type_devices[config.devices[d].type] += 1.0;
    site_energy[config.devices[d].site] += energy[d];
  }
  for (std::uint32_t t = 0; t < config.types.size(); ++t) {
    const std::string& name = config.types[t].name;
    const double capacity = type_devices[t] * seconds;
    const double up = life ? life->state_seconds(t, models::DeviceState::kOnline) : capacity;
    s.values.emplace_back("energy_kwh." + name, type_energy[t] / 3.6e6);
    s.values.emplace_back("availability." + name, capacity > 0 ? up / capacity : 1.0);
  }
  if (config.sites.size() <= 20) {
    for (std::uint32_t k = 0; k < config.sites.size(); ++k) {
      s.values.emplace_back("energy_kwh.site." + config.sites[k].name, site_energy[k] / 3.6e6);
    }
  }
}

}  // namespace

Summary summarize(const models::Twin& twin, const RunInfo& info) {
  Summary s = summarize(twin.fleet(), info);
  add_lifecycle(s, twin, info);
  const models::NetworkActivity* activity = twin.network();
  if (activity == nullptr) return s;
  const network::Network& net = activity->net();
  const network::TransferRecords& t = net.records();
  const network::MessageRecords& m = net.messages();
  constexpr auto kDelivered = static_cast<std::uint16_t>(network::Outcome::kDelivered);
  constexpr auto kDropped = static_cast<std::uint16_t>(network::Outcome::kDropped);
  constexpr auto kCancelled = static_cast<std::uint16_t>(network::Outcome::kCancelled);
  double bytes = 0.0, delivered = 0.0, cancelled = 0.0;
  std::vector<sim::Time> times;
  for (std::size_t i = 0; i < t.size(); ++i) {
    bytes += static_cast<double>(t.bytes_delivered[i]);
    if (t.outcome[i] == kDelivered) {
      ++delivered;
      times.push_back(t.end_ns[i] - t.start_ns[i]);
    } else if (t.outcome[i] == kCancelled) {
      ++cancelled;
    }
  }
  double m_delivered = 0.0, m_dropped = 0.0, m_late = 0.0;
  std::vector<sim::Time> waits;
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (m.outcome[i] == kDelivered) {
      ++m_delivered;
      bytes += static_cast<double>(m.bytes[i]);
      const sim::Time wait = m.transmit_ns[i] - m.sent_ns[i];
      waits.push_back(wait);
      if (wait > 0) ++m_late;
    } else if (m.outcome[i] == kDropped) {
      ++m_dropped;
    }
  }
  const sim::Time wait_max = waits.empty() ? 0 : *std::max_element(waits.begin(), waits.end());
  const auto n = static_cast<double>(t.size());
  s.values.insert(s.values.end(), {
      {"network_bytes", bytes},
      {"transfers", n},
      {"transfers_delivered", delivered},
      {"transfers_failed", n - delivered - cancelled},
      {"transfers_cancelled", cancelled},
      {"transfer_time_p50_s", sim::to_seconds(detail::nearest_rank(times, 50))},
      {"transfer_time_p95_s", sim::to_seconds(detail::nearest_rank(times, 95))},
      {"transfer_time_p99_s", sim::to_seconds(detail::nearest_rank(times, 99))},
      {"messages", static_cast<double>(m.size())},
      {"messages_delivered", m_delivered},
      {"messages_dropped", m_dropped},
      {"messages_late", m_late},
      {"message_wait_p95_s", sim::to_seconds(detail::nearest_rank(waits, 95))},
      {"message_wait_max_s", sim::to_seconds(wait_max)},
      {"outages", static_cast<double>(activity->outages().size())},
      {"network_in_flight", static_cast<double>(net.active_transfers())},
      {"messages_queued", static_cast<double>(net.queued_messages())},
  });
  return s;
}

std::string summary_json(const Summary& summary) {
  nlohmann::ordered_json j;
  j["scenario"] = summary.scenario;
  j["seed"] = summary.seed;
  for (const auto& [key, value] : summary.values) {
    if (is_count(key) && value >= 0 && value < 0x1p53 && value == std::floor(value)) {
      j[key] = static_cast<std::uint64_t>(value);
    } else {
      j[key] = value;  // nlohmann prints the shortest text that reads back to the same double
    }
  }
  return j.dump();
}

std::string summary_text(const Summary& summary) {
  std::vector<std::pair<std::string, std::string>> lines;
  char buffer[64];
  for (const auto& [key, value] : summary.values) {
    if (is_latency(key)) {
      std::snprintf(buffer, sizeof buffer, "%.3f", value * 1e3);
      lines.emplace_back(key.substr(0, key.size() - 2) + "_ms", buffer);
    } else if (is_count(key)) {
      std::snprintf(buffer, sizeof buffer, "%.0f", value);
      lines.emplace_back(key, buffer);
    } else {
      std::snprintf(buffer, sizeof buffer, "%.6g", value);
      lines.emplace_back(key, buffer);
    }
  }
  std::size_t width = 0;
  for (const auto& line : lines) width = std::max(width, line.first.size());
  std::string text;
  for (const auto& [key, value] : lines) {
    text += key;
    text.append(width + 2 - key.size(), ' ');
    text += value;
    text += '\n';
  }
  return text;
}

}  // namespace edgetwin::analysis
