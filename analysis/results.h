// Results of a run: the summary, the HDF5 result file (layout in docs/results.md) and its reader.
// Heavy headers (HDF5, nlohmann-json) stay in the .cpp files.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "models/fleet_model.h"
#include "models/network_activity.h"
#include "scenarios/scenario.h"

namespace edgetwin::analysis {

// What the run itself decided, beyond the scenario.
struct RunInfo {
  std::string version;
  std::uint64_t seed = 0;
  int threads = 1;
  int ranks = 1;
  double wall_seconds = 0.0;
  std::uint64_t events = 0;
  sim::Time end_time = 0;
  std::string event_list;  // "ladder" or "heap"
  std::string scenario;    // the scenario's name, for summary_json
};

// Headline figures, in a fixed order. Keys at least: events, wall_s, sim_time_s, requests,
// latency_mean_s, latency_p50_s, latency_p95_s, latency_p99_s, latency_max_s, throughput_per_s,
// utilisation_mean, requests_in_flight.
struct Summary {
  std::vector<std::pair<std::string, double>> values;
  std::string scenario;    // RunInfo::scenario
  std::uint64_t seed = 0;  // RunInfo::seed
  double get(const std::string& key) const;  // throws std::out_of_range naming the key
};

Summary summarize(const models::FleetModel& model, const RunInfo& info);
// The summary of a whole run: the request figures, then, with a network, its figures (keys in
// docs/results.md): network_bytes, transfers, transfers_delivered, transfers_failed,
// transfers_cancelled, transfer_time_p50_s/p95_s/p99_s, messages, messages_delivered,
// messages_dropped, messages_late, message_wait_p95_s, message_wait_max_s, outages. Before the
// network's, the lifecycle's: failures, battery_shutdowns, availability, then
// energy_kwh.<type> and availability.<type> per device type and energy_kwh.site.<site> per site
// (at most 20 sites; all are in /sites).
Summary summarize(const models::Twin& twin, const RunInfo& info);
std::string summary_json(const Summary& summary);  // one JSON object, one line
std::string summary_text(const Summary& summary);  // aligned "key  value" lines for people

// The temporary name write_results() uses for PATH: "PATH.tmp-<pid>".
std::string temp_path(const std::string& path);

// Writes the whole result file to temp_path(PATH), flushes it to disk and renames it to PATH.
// Throws std::runtime_error (naming the path) on failure, leaving any previous PATH untouched.
void write_results(const std::string& path, const scenarios::Scenario& scenario,
                   const models::FleetModel& model, const RunInfo& info, const Summary& summary);
// The same for a whole run; with a network also /links, /events/transfers, /events/messages,
// /events/outages and the network's time series; and /device_types, /events/failures and the
// lifecycle's time series (docs/results.md).
void write_results(const std::string& path, const scenarios::Scenario& scenario,
                   const models::Twin& twin, const RunInfo& info, const Summary& summary);

// A result file read back (used by tests, `report` and `compare`).
struct Table {
  std::vector<std::string> column_names;
  std::map<std::string, std::vector<double>> numeric;       // every numeric column, as double
  std::map<std::string, std::vector<std::int64_t>> integer;  // integer columns, exact
  std::map<std::string, std::vector<std::string>> text;      // string columns
  std::size_t rows = 0;
  std::map<std::string, std::string> attributes;  // string attributes (units, index meanings)
};
struct ResultFile {
  std::map<std::string, std::string> text_attributes;  // root string attributes
  std::map<std::string, double> numeric_attributes;    // root numeric attributes
  std::string scenario_json;
  Table devices;
  Table sites;
  Table workloads;
  Table links;  // empty (0 rows) when the run had no network
  Table device_types;  // energy and time in each lifecycle state per type; empty before them
  Table functions;  // one row per function the workloads run (files before functions: none)
  std::map<std::string, Table> timeseries;  // name -> {time_ns, value}
  std::map<std::string, Table> events;      // name -> columns
  std::map<std::string, double> summary;
};
// Throws std::runtime_error naming the path and the missing part.
ResultFile read_results(const std::string& path);

}  // namespace edgetwin::analysis
