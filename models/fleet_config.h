// What the fleet model needs to run: the resolved, validated scenario in numbers.
// scenarios/ builds it from a scenario file; tests may build it by hand.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "models/device_catalog.h"
#include "models/placement.h"
#include "network/network.h"
#include "sim/random.h"
#include "sim/units.h"

namespace edgetwin::models {

struct SiteConfig {
  std::string name;
  std::string kind;  // "cloud", "region", "edge", "on-prem"
};

struct DeviceConfig {
  std::string name;
  std::uint32_t type = 0;  // index into FleetConfig::types
  std::uint32_t site = 0;  // index into FleetConfig::sites
  std::vector<std::pair<std::string, std::string>> labels;
};

// How a site's arrival stream picks one of the site's devices.
enum class Dispatch {
  kRandom,       // uniform over the site's devices
  kRoundRobin,   // in device order
  kLeastLoaded,  // fewest requests in the system per core; ties to the lower device index
};
const char* dispatch_name(Dispatch d);

// Per-minute invocation counts of the rows selected from an Azure Functions 2019 trace (files
// invocations_per_function_md.anon.dXX.csv: one row per function, 1440 minutes of one day; one
// or more consecutive days), kept sparse and shared by every stream that replays them: the minutes
// of row r with a count > 0 are entries [row_begin[r], row_begin[r + 1]), in increasing order.
struct MinuteCounts {
  std::uint32_t minutes = 1440;  // the replayed period: 1440 per day, at most 45 days
  std::vector<std::uint32_t> row_begin = {0};
  std::vector<std::uint16_t> minute;  // 0..minutes - 1
  std::vector<std::uint32_t> count;   // > 0
  std::vector<std::uint32_t> file_row;  // the data row (0-based, header not counted) of each row
  std::uint64_t total = 0;              // invocations over all rows
  std::uint32_t rows() const { return static_cast<std::uint32_t>(row_begin.size() - 1); }
};

// The request times of one workload read from a CSV invocation trace (time,workload[,site]),
// sorted, split in parts: with a site column one part per site of the workload (in the order of
// WorkloadConfig::sites), else one part. Part k is times [part_begin[k], part_begin[k + 1]).
struct InvocationTimes {
  std::vector<sim::Time> time;
  std::vector<std::uint32_t> part_begin = {0};
  bool by_site = false;
};

// Where a workload's arrival streams are and which devices a stream's requests go to.
enum class ArrivalScope : std::uint8_t {
  kSite,    // one stream per site, dispatched over the site's devices
  kDevice,  // one stream per device, all its requests to that device
  kFleet,   // one stream for the workload, dispatched over all devices of its sites
};
const char* arrival_scope_name(ArrivalScope s);

// When the requests of one arrival stream (ArrivalScope) arrive (docs/devices.md, "Arrival
// processes"). Time t is simulated time since the start of the run, which starts at midnight.
// The workload's rate_per_s is the long-run mean rate; it is the parameter of kPoisson, kConstant
// and the diurnal sinusoid, and derived (mean_rate_per_s) for a diurnal profile and for kMmpp.
struct ArrivalProcess {
  enum class Kind : std::uint8_t {
    kPoisson,   // exponential inter-arrival times of mean 1 / rate_per_s
    kConstant,  // every 1 / rate_per_s, from a phase of 0 (first at 1 / rate) or a random one
    kDiurnal,   // non-homogeneous Poisson: a sinusoid, or hourly_per_s when that is not empty
    kMmpp,      // Markov-modulated Poisson: `states`, each left after an exponential sojourn
    kAzureTrace,  // per-minute counts of one row of `minute_counts`, spread over each minute
    kTrace,       // the times of one part of `times`, exactly
  };
  struct MmppState {
    double rate_per_s = 0.0;      // >= 0
    double mean_sojourn_s = 1.0;  // > 0; the state is left at rate 1 / mean_sojourn_s
  };
  Kind kind = Kind::kPoisson;
  bool random_phase = false;  // kConstant: first arrival uniform on (0, 1 / rate] instead of at 1 / rate
  // Sinusoid: rate(t) = rate_per_s * (1 + amplitude * sin(2 pi (t - peak + period / 4) / period)),
  // highest (rate_per_s * (1 + amplitude)) at t = peak.
  double amplitude = 0.0;  // in [0, 1]
  sim::Time peak = 12 * sim::kHour;
  sim::Time period = sim::kDay;
  // Profile: rate in hour h of each day is hourly_per_s[h]; 24 values, >= 0, not all 0.
  std::vector<double> hourly_per_s;
  // kMmpp: at least 2 states; on leaving state i the process enters one of the others, chosen
  // uniformly (with 2 states: the other one). At t = 0 the state is drawn from the stationary
  // distribution pi_i = mean_sojourn_i / sum_j mean_sojourn_j.
  std::vector<MmppState> states;
  // kAzureTrace: one stream per row (parts()). Trace minute m is replayed over simulated minute
  // m - start_minute (+ minute_counts->minutes per repetition when `repeat`). A minute's count c becomes
  // floor(scale) * c + Binomial(c, scale - floor(scale)) requests (each invocation kept with
  // the fractional part's probability), placed uniformly at random in the minute (sorted
  // uniforms), or evenly: the i-th of n at (i + 1/2) / n of the minute.
  std::shared_ptr<const MinuteCounts> minute_counts;
  double scale = 1.0;  // > 0
  bool even_spread = false;
  std::uint32_t start_minute = 0;  // < minute_counts->minutes
  bool repeat = true;
  // kTrace: the workload's request times; one stream per part.
  std::shared_ptr<const InvocationTimes> times;

  // Streams per (site, or device, or fleet) place: rows of minute_counts for kAzureTrace, 1
  // otherwise (a kTrace with a site column has one part per site; each site replays its own).
  std::uint32_t parts() const;

  // The long-run mean rate, 1/s: `rate_per_s` for kPoisson, kConstant and the sinusoid; the mean
  // of the hourly profile; sum_i pi_i * rate_i for kMmpp; `rate_per_s` for the traces (the
  // builder sets it to the mean rate of one stream).
  double mean_rate_per_s(double rate_per_s) const;
};
const char* arrival_process_name(ArrivalProcess::Kind k);

// Requests arriving at each of `sites` as an independent stream of the arrival process
// `arrivals` (Poisson of rate `rate_per_s` by default), each served by one core of a device of
// that site for service_s / core_speed seconds. `scope` puts the streams at each device or one
// for the whole workload instead (then rate_per_s is per device, or for the fleet).
//
// With a function (function >= 0) a request runs that function instead: its execution time
// comes from the function's per-device-type model, it needs an instance of the function on the
// device (a cold start when none is idle), and it is dispatched only to devices that can run
// the function (FleetModel::can_run): over those of its site (scope site) or of all its sites
// (scope fleet); with scope device only the devices that can run it get a stream. service_s is
// then unused.
struct WorkloadConfig {
  std::string name;
  std::vector<std::uint32_t> sites;
  double rate_per_s = 0.0;  // the mean rate of each stream (see ArrivalProcess, scope)
  sim::Distribution service_s = sim::Distribution::exponential(0.1);
  Dispatch dispatch = Dispatch::kLeastLoaded;
  ArrivalProcess arrivals = {};
  ArrivalScope scope = ArrivalScope::kSite;
  std::int32_t function = -1;  // index into FleetConfig::functions; -1: a plain service time
  sim::Time deadline = 0;      // 0: the function's (none for a plain service time)
};

// ---- Functions (docs/devices.md, "Functions and cold starts") --------------------------------

// How long a function runs on one device type.
struct ExecutionTime {
  enum class Kind : std::uint8_t {
    kCannot,  // never placed on this type
    kFit,     // a bounded lognormal, in seconds on this type
    kWork,    // FunctionConfig::work_s / core_speed
  };
  Kind kind = Kind::kCannot;
  BoundedLognormal fit = {};
};

// A function: what a request of a workload with `function` runs. An instance (container) holds
// memory_bytes of its device's memory from its cold start until it is removed.
struct FunctionConfig {
  std::string name;
  std::int32_t image = -1;  // into FleetConfig::artifacts; -1: none (nothing to pull)
  std::int32_t model = -1;  // an ML model pulled with the image; -1: none
  std::int64_t memory_bytes = 0;
  std::string arch;         // required CPU architecture; "" for any
  std::string accelerator;  // required accelerator ("gpu", "tpu"); "" runs on cores alone
  double work_s = 0.0;      // seconds on one reference core (the kWork fallback)
  std::vector<ExecutionTime> exec;  // by FleetConfig::types index
  sim::Time deadline = 0;           // 0: none
  sim::Time keep_alive = 5 * sim::kMinute;  // an idle instance is removed after this
};

// ---- Network (docs/network.md) ----------------------------------------------------------------
// Nodes: one per site (its switch or router), then one per device, attached to its site by its
// access link. Site links (backhaul, WAN) join site nodes.

struct AccessConfig {  // a device's access link; bandwidths as seen from the device
  std::string preset;  // the preset it came from ("" when given in full)
  double up_bps = 0.0;
  double down_bps = 0.0;
  sim::Time latency = 0;
  sim::Distribution jitter_s = sim::Distribution::constant(0.0);
};

struct SiteLinkConfig {  // bidirectional; a -> b is "up"
  std::uint32_t a = 0, b = 0;  // site indices
  double ab_bps = 0.0, ba_bps = 0.0;
  sim::Time latency = 0;
  sim::Distribution jitter_s = sim::Distribution::constant(0.0);
};

struct NetworkConfig {
  bool enabled = false;              // false: the scenario has no "network" section
  std::vector<AccessConfig> access;  // by device index
  std::vector<SiteLinkConfig> links;
  std::int64_t message_threshold_bytes = 64 * 1024;  // fast path at or below
  std::uint32_t queue_capacity = 1000;  // store-and-forward messages held per device
  network::DropPolicy drop = network::DropPolicy::kDropOldest;
  std::uint32_t busiest_links = 10;  // utilisation series kept for this many links
};

// What an outage takes down: a site link, a device's access link, or a whole site (its site links
// and its devices' access links).
struct OutageElement {
  enum class Kind : std::uint8_t { kSiteLink, kAccessLink, kSite };
  Kind kind = Kind::kSiteLink;
  std::uint32_t index = 0;  // into NetworkConfig::links, devices, or sites
};

// A set of elements that go down and come back together: at fixed windows (also how traces are
// replayed), or alternately up for Exp/Weibull... (mtbf_s) and down for (mttr_s), first failure
// drawn from the up-time distribution. Overlapping outages hold an element down until all end.
struct OutageConfig {
  std::string name;
  std::vector<OutageElement> elements;
  std::vector<std::pair<sim::Time, sim::Time>> windows;  // [down at, up at), sorted, disjoint
  bool random = false;
  sim::Distribution mtbf_s = sim::Distribution::exponential(86400.0);
  sim::Distribution mttr_s = sim::Distribution::exponential(3600.0);
};

// Bulk transfers (images, models, data) between devices and a site, each device an independent
// Poisson source.
struct TransferWorkloadConfig {
  std::string name;
  std::vector<std::uint32_t> devices;
  std::uint32_t peer_site = 0;
  bool upload = true;  // device -> peer site; false: peer site -> device
  double rate_per_s = 0.0;  // per device
  sim::Distribution size_bytes = sim::Distribution::constant(1e6);
  network::OnBreak on_break = network::OnBreak::kResume;
  sim::Time timeout = 0;  // resumable transfers give up after this (0: never)
};

// Telemetry: each device sends `bytes` to the peer site every `interval` (first at a uniform
// random phase), through its store-and-forward queue.
struct MessageWorkloadConfig {
  std::string name;
  std::vector<std::uint32_t> devices;
  std::uint32_t peer_site = 0;
  sim::Time interval = sim::kMinute;
  std::int64_t bytes = 1024;
};

// ---- Lifecycle, batteries and device failures (docs/devices.md, "Lifecycle and failures") ----

// What a device is doing. A device is online unless something holds it in another state; when
// several do, the one listed last wins (retired over failed over offline ...).
enum class DeviceState : std::uint8_t {
  kOnline, kProvisioning, kRebooting, kUpdating, kOffline, kFailed, kRetired
};
inline constexpr int kDeviceStates = 7;
const char* device_state_name(DeviceState s);

// A battery: the device draws from it and a charger fills it. Charge power at time t is
// solar_w[hour of day] (when given) plus plug_w inside the daily plug-in window.
struct BatteryConfig {
  double capacity_wh = 0.0;        // > 0
  double initial_fraction = 1.0;   // charge at t = 0, of capacity
  double restart_fraction = 0.2;   // an emptied device restarts at this charge
  std::vector<double> solar_w;     // empty, or 24 hourly charge powers from midnight
  sim::Time plug_start = 0;        // time of day the plug-in window opens, [0, 24h)
  sim::Time plug_end = 0;          // time of day it closes; before plug_start: past midnight
  double plug_w = 0.0;             // 0: no plug-in window
  // Charge power (W) at time t, and the next time after t at which it changes (kTimeMax: never).
  double charge_w(sim::Time t) const;
  sim::Time next_charge_change(sim::Time t) const;
};

// Why a device is down: written into /events/failures.
enum class FailureCause : std::uint8_t { kCrash, kSitePower, kBatch, kMaintenance, kTrace, kBattery };
const char* failure_cause_name(FailureCause c);

// A failure process over groups of devices: each group goes down and comes back together (a site
// for site power, one device for crashes), independently of the other groups. When: fixed windows
// (shared by every group, or per group for traces), a daily window, or random (alternately up for
// mtbf_s and down for mttr_s, drawn per group).
struct DeviceFailureConfig {
  std::string name;
  FailureCause cause = FailureCause::kCrash;
  DeviceState state = DeviceState::kFailed;  // the state the devices are held in
  std::vector<std::uint32_t> group_begin;    // CSR over devices: group g is
  std::vector<std::uint32_t> devices;        //   devices[group_begin[g] .. group_begin[g+1])
  std::vector<std::pair<sim::Time, sim::Time>> windows;  // [down, up), sorted, disjoint
  std::vector<std::uint32_t> window_begin;  // empty: every group has all windows; else CSR
  bool daily = false;                       // down every day at daily_start for daily_length
  sim::Time daily_start = 0, daily_length = 0;
  bool random = false;
  sim::Distribution mtbf_s = sim::Distribution::exponential(30 * 86400.0);
  sim::Distribution mttr_s = sim::Distribution::exponential(7200.0);
  std::size_t groups() const { return group_begin.empty() ? 0 : group_begin.size() - 1; }
};

// What happens to the requests queued or running on a device that goes down.
enum class FailurePolicy : std::uint8_t { kLose, kRetry };

struct LifecycleConfig {
  std::vector<BatteryConfig> batteries;
  std::vector<std::uint32_t> battery_of;  // by device: index into batteries, or kNoBattery;
                                          // empty: no device has one
  std::vector<sim::Time> provisioning;    // by device; empty: none
  std::vector<sim::Time> retire_at;       // by device, kTimeMax: never; empty: none retires
  std::vector<DeviceFailureConfig> failures;
  static constexpr std::uint32_t kNoBattery = 0xFFFFFFFFu;
  bool any() const {
    return !battery_of.empty() || !provisioning.empty() || !retire_at.empty() ||
           !failures.empty();
  }
};

struct FleetConfig {
  std::uint64_t seed = 1;
  sim::Time duration = sim::kHour;
  sim::Time warmup = 0;  // requests that arrive before this are served but not recorded
  std::uint64_t max_requests = 0;  // stop after this many recorded completions (0: no limit)
  sim::Time sample_interval = sim::kMinute;
  bool record_requests = true;  // keep one row per request for /events/requests
  std::vector<DeviceType> types;
  std::vector<SiteConfig> sites;
  std::vector<DeviceConfig> devices;
  std::vector<WorkloadConfig> workloads;
  NetworkConfig network;
  std::vector<OutageConfig> outages;
  std::vector<TransferWorkloadConfig> transfers;
  std::vector<MessageWorkloadConfig> messages;
  LifecycleConfig lifecycle;
  // A device going down loses its queued and running requests, or sends each back to its site's
  // dispatch (at most max_retries times; then it is lost).
  FailurePolicy on_device_failure = FailurePolicy::kLose;
  std::uint32_t max_retries = 3;
  std::vector<Artifact> artifacts;  // container images and ML models
  std::vector<FunctionConfig> functions;
  std::uint32_t registry_site = 0;  // where images are pulled from (with a network)
  // With a scheduler: builds the policy that chooses the device of every new function instance
  // (models/placement.h); empty: instances start on the device dispatch sends a request to.
  PlacementFactory make_placement;
};

// Why function `function` cannot run on device type `type` of `config` ("no execution time",
// "needs a gpu", "no image for armv7", "needs 2GiB of memory, has 1GiB", ...), or "" if it can:
// the rule FleetModel::can_run applies and the scenario checks use to name the problem.
std::string cannot_run_reason(const FleetConfig& config, std::size_t function, std::size_t type);

}  // namespace edgetwin::models
