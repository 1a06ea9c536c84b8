// The checks that span values (names, selectors, device types, the network, outages,
// workloads), and the build of a models::FleetConfig. The members are defined by topic:
// builder.cpp (the order of the passes, scale limits, the build), build_types.cpp,
// build_fleet.cpp (sites and devices), select.cpp (selectors), build_network.cpp,
// build_links.cpp, build_outages.cpp, build_trace.cpp, build_workloads.cpp and
// build_arrival_traces.cpp.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "models/fleet_config.h"
#include "scenarios/detail/validate.h"
#include "scheduler_plugins/placement/fleet_scheduler.h"

namespace edgetwin::scenarios::detail {

struct TraceText;

class Builder {
 public:
  // `resolved`: the document after the generic pass. `base_dir`: where relative paths in the
  // scenario (trace files) start; "" for the current directory.
  Builder(Json& resolved, Diagnostics& diag, std::filesystem::path base_dir)
      : r_(resolved), diag_(diag), base_dir_(std::move(base_dir)) {}

  // Checks everything; fills the resolved document's computed defaults. Builds `out` only when
  // there is no error at all.
  void run(models::FleetConfig& out);

 private:
  struct SiteInfo {
    std::string name, kind, path;
    std::uint64_t devices = 0;
    bool maybe_devices = false;  // an invalid fleet entry may have meant to put devices here
  };
  struct TypeInfo {
    models::DeviceType type;
    bool used = false;
  };
  struct EntryInfo {
    std::string type;
    std::vector<std::uint32_t> sites;
  };
  struct LinkInfo {
    std::uint32_t a, b;
    double distance;   // random_geometric: in sides of the unit square
    std::string path;  // explicit links: "/network/links/<k>"; "" for generated ones
  };
  using Windows = std::vector<std::pair<sim::Time, sim::Time>>;
  using Indices = std::vector<std::uint32_t>;
  static constexpr std::uint32_t kNoHub = 0xFFFFFFFFu;
  // Ends the message when something needs a network section and the scenario has none.
  static constexpr const char* kAddNetwork = "(add \"network\": {} to use the defaults)";

  // builder.cpp
  void check_times();
  void check_scale();
  void check_outage_scale(const models::FleetConfig& out);
  void build(models::FleetConfig& out);  // REQUIRES: no error was reported

  // build_types.cpp: built-ins, then declared types (each from its base).
  void resolve_types();
  bool resolve_type(const std::string& name, std::vector<std::string>& visiting);
  std::vector<std::string> type_names() const;
  // Reports `type` (at `path`) as unknown: "unknown <what> '<type>'; ... known types: ...".
  void unknown_type(const std::string& path, const char* what, const std::string& type);
  std::optional<models::BoundedLognormal> bounded_lognormal(const Json& fit,
                                                            const std::string& path);

  // build_functions.cpp: images, functions and the registry.
  struct FunctionInfo {
    models::BuiltinFunction base;  // name, image, model, memory, accelerator, work_s
    std::string arch;
    bool builtin = false;
    bool work_given = false;
    sim::Time deadline = 0;
    sim::Time keep_alive = 5 * sim::kMinute;
    std::unordered_map<std::string, models::BoundedLognormal> fits;  // by device type
  };
  void check_functions();
  // The function named `name` at `path` (a workload's "function"), resolved; nullptr if unknown
  // (reported).
  const FunctionInfo* function_info(const std::string& name, const std::string& path);
  // The index of function `name` in out.functions, added (with its artifacts) on first use.
  std::int32_t function_index(const std::string& name, models::FleetConfig& out);
  std::int32_t artifact_index(const std::string& name, models::FleetConfig& out);
  void check_placeable(const models::FleetConfig& out);

  // build_fleet.cpp
  void expand_sites();
  void expand_fleet();
  void list_devices();
  const std::vector<std::string>& device_names();
  // "<prefix>-<site>-<k>": the name of the k-th device (from 1) a fleet entry makes at a site.
  std::string device_name(const std::string& prefix, std::uint32_t site, std::uint64_t k) const;

  // select.cpp
  std::optional<Indices> select(const Json& selector, const std::string& path);
  std::optional<Indices> select_devices(const Json& selector, const std::string& path);
  std::optional<std::uint32_t> exact_site(const Json& v, const std::string& path);
  void require_devices(const Indices& sites, const std::string& path, const char* what);

  // build_network.cpp
  void check_access(const Json& v, const std::string& path);
  void check_network();
  std::uint32_t find_hub(Json& net, const std::string& shape, bool needs_hub);
  void build_network(models::FleetConfig& out);  // REQUIRES: no error was reported

  // build_links.cpp
  void generate_links(Json& net, const std::string& shape, bool needs_hub, std::uint32_t hub);
  bool add_explicit_links(Json& net);
  void check_connected(const std::string& shape, std::uint32_t hub);
  std::optional<std::pair<std::uint32_t, std::uint32_t>> link_ends(const Json& between,
                                                                   const std::string& path);
  Indices links_between(std::uint32_t a, std::uint32_t b) const;
  std::string link_names_of(std::uint32_t site) const;

  // build_outages.cpp
  void check_outages();
  bool check_timing(Json& o, const std::string& path, std::optional<Windows>& when);
  std::optional<Windows> windows_of(const Json& o, const std::string& path);
  bool outage_elements(Json& o, const std::string& kind, const std::string& path,
                       std::vector<models::OutageElement>& elements);
  bool partition_links(const Json& o, const std::string& path,
                       std::vector<models::OutageElement>& elements);

  // build_trace.cpp
  void check_trace(const Json& o, const std::string& path, const std::string& name);
  // Reads and parses the outage trace named by o's "file" (rows "time,SUBJECT,state"); false,
  // with the problem reported at PATH/file, when the file is missing or cannot be read.
  bool read_outage_trace(const Json& o, const std::string& path, const std::string& subject,
                         TraceText& trace);

  // build_lifecycle.cpp: the device outage kinds, batteries, provisioning, retirement.
  static bool is_device_kind(const std::string& kind);
  void check_device_outage(Json& o, std::size_t index, const std::string& kind,
                           const std::string& name);
  std::optional<Indices> selected_devices(const Json& o, std::size_t index,
                                          const std::string& path);
  void check_device_trace(const Json& o, const std::string& path, const std::string& name);
  void check_lifecycle();
  const Json* battery_of_entry(const Json& entry) const;
  void build_lifecycle(models::FleetConfig& out);  // REQUIRES: no error was reported

  // build_workloads.cpp
  void check_workloads();
  void check_distribution(const Json& d, const std::string& path, bool sizes);
  // The arrivals of workload i (a requests or transfers workload at `path`): the checks that span
  // keys, the sinusoid's computed defaults, and workload_arrivals_[i], workload_rate_[i].
  void check_arrivals(std::size_t i, const std::string& kind, const std::string& path);
  void build_workloads(models::FleetConfig& out);  // REQUIRES: no error was reported

  // build_arrival_traces.cpp: the arrivals of workload i replay a trace file (`a` at `at`):
  // read it, check it against the scenario, set workload_arrivals_[i] and workload_rate_[i].
  void check_azure_trace(std::size_t i, Json& a, const std::string& at);
  void check_invocation_trace(std::size_t i, const Json& a, const std::string& at);

  // build_scheduler.cpp: the "scheduler" section.
  void check_scheduler();
  void build_scheduler(models::FleetConfig& out);  // REQUIRES: no error was reported

  Json& r_;
  Diagnostics& diag_;
  std::filesystem::path base_dir_;
  std::unordered_map<std::string, TypeInfo> types_;
  std::unordered_map<std::string, bool> resolved_;
  std::vector<SiteInfo> sites_;
  std::vector<std::string> site_names_;  // the names of sites_, in order
  std::unordered_map<std::string, std::uint32_t> site_index_;
  std::vector<EntryInfo> entries_;
  bool fleet_incomplete_ = false;  // some fleet entry's sites are unknown
  bool sites_incomplete_ = false;  // some site name failed to expand
  std::vector<Indices> workload_sites_;
  std::vector<models::ArrivalProcess> workload_arrivals_;
  std::vector<double> workload_rate_;  // mean rate per stream (requests) or device (transfers)
  std::vector<models::ArrivalScope> workload_scope_;
  // Azure traces read so far, by file and selection: workloads that replay the same rows share
  // one copy of the counts.
  std::unordered_map<std::string, std::shared_ptr<const models::MinuteCounts>> azure_traces_;
  // Invocation trace files whose file-level errors were reported already (by the first workload
  // that replays each).
  std::vector<std::string> invocation_files_reported_;
  // Network, outages, transfers and messages.
  bool network_ = false;         // the scenario has a network section
  std::vector<LinkInfo> links_;  // generated, then explicit: NetworkConfig::links
  std::size_t generated_links_ = 0;
  std::vector<models::OutageConfig> outages_;
  std::vector<models::DeviceFailureConfig> device_failures_;
  std::vector<Indices> workload_devices_;  // transfers, messages
  Indices workload_peer_;
  Indices device_site_;  // by device; empty when the fleet is invalid
  bool devices_incomplete_ = false;
  std::unordered_map<std::string, models::Artifact> images_;  // built-in and declared
  std::unordered_map<std::string, FunctionInfo> functions_;  // declared and used built-ins
  std::uint32_t registry_ = 0;
  std::vector<std::string> device_names_;  // built on first use
  std::unordered_map<std::string, std::uint32_t> device_index_;
  std::optional<scheduler_plugins::placement::SchedulerConfig> scheduler_;  // when valid
};

}  // namespace edgetwin::scenarios::detail
