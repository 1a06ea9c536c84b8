// Devices serving requests as multi-server FIFO queues (one server per core), fed by arrival
// streams (Poisson, constant, diurnal, MMPP or traces: models/arrivals.h), one per (workload,
// site), per (workload, device) or per workload (ArrivalScope), times the process's parts (trace
// rows). Requests of a function also need an instance of it on the device: a warm idle one, or a
// new one after a cold start (image pull + container start); docs/devices.md, "Functions and cold
// starts".
//
// With a placement policy (FleetConfig::make_placement, models/placement.h) every new function
// instance is placed by it: a function request takes an idle instance of its function on one of
// its candidates, else waits for a placement decision, which takes simulated time
// (docs/scheduling.md, "Placement in a scenario").
//
// Logical processes: one per device (LP id = device index), one per arrival source, one sampler,
// and with a placement policy one scheduler. A request is three events: its arrival at the source, its hand-over to the chosen
// device (one request-route latency later: 0 without a network), and its departure from a core;
// a cold start adds a pull-done and a started event. Energy (models/energy.h) is told of every
// change of busy cores and accelerators; the lifecycle (models/lifecycle.h) takes devices out of
// service and back through set_available. Events of a request that holds a core carry a token, so
// those of a request evicted by a device going down are recognised as stale.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "models/arrivals.h"
#include "models/energy.h"
#include "models/fleet_config.h"
#include "models/placement.h"
#include "network/network.h"
#include "sim/engine.h"
#include "sim/payload_pool.h"
#include "sim/random.h"

namespace edgetwin::models {

enum class RequestOutcome : std::uint8_t {
  kCompleted = 0,
  kRejected = 1,  // no available device of its site can run its function
  kLost = 2,      // its cold start's image pull failed, or its device went down (policy lose,
                  // or out of retries)
};
const char* request_outcome_name(RequestOutcome o);

inline constexpr std::uint32_t kNoDevice = 0xFFFFFFFFu;

// One row per recorded request, as structure of arrays. For a completed request
// end - arrival = network + queue + cold_start + exec; start is when execution began. A request
// retried after its device went down keeps one row: its device is the last one, network counts
// that device's routes, and queue also holds the time it spent on the devices that failed. A lost
// request's device is the one that lost it.
struct RequestRecords {
  std::vector<sim::Time> arrival_ns;
  std::vector<sim::Time> start_ns;
  std::vector<sim::Time> end_ns;
  std::vector<std::uint32_t> device;  // kNoDevice for a rejected request
  std::vector<std::uint32_t> site;
  std::vector<std::uint32_t> workload;
  std::vector<std::int32_t> function;  // -1 for a plain service time
  std::vector<sim::Time> network_ns;   // request + response route latency
  std::vector<sim::Time> queue_ns;     // from arrival at the device to taking a core (above),
                                       // plus the wait for its placement (with a scheduler)
  std::vector<sim::Time> cold_start_ns;  // pull + container start; 0 for a warm start
  std::vector<sim::Time> pull_ns;
  std::vector<sim::Time> exec_ns;
  std::vector<std::uint8_t> outcome;          // RequestOutcome
  std::vector<std::uint8_t> retries;          // re-dispatches after device failures
  std::vector<std::uint8_t> deadline_missed;  // 1: completed later than its deadline
  std::size_t size() const { return arrival_ns.size(); }
};

// The latency components of every recorded completed request, in completion order.
struct LatencyParts {
  std::vector<sim::Time> network_ns, queue_ns, cold_start_ns, exec_ns;
};

// Counts of the function model over the recorded requests (cold/warm starts: every start).
struct FunctionCounts {
  std::uint64_t rejected = 0;
  std::uint64_t lost = 0;
  std::uint64_t retried = 0;  // re-dispatches after a device failure
  std::uint64_t cold_starts = 0;
  std::uint64_t warm_starts = 0;
  std::uint64_t deadline_requests = 0;  // completed requests that had a deadline
  std::uint64_t deadline_misses = 0;
  std::uint64_t pulled_bytes = 0;
  std::uint64_t cache_evictions = 0;
  std::uint64_t instances_evicted = 0;  // idle instances removed to make room
};

// A fleet-level metric sampled every sample_interval.
struct TimeSeries {
  std::string name;
  std::string unit;
  std::vector<sim::Time> time_ns;
  std::vector<double> value;
};

// With a scheduler (FleetConfig::make_placement): one row per placement, in order of creation
// (warmup included), as structure of arrays. The attempt figures are those of its last cycle.
enum class PlacementOutcome : std::uint8_t {
  kPlaced = 0,
  kRejected = 1,  // no candidate was reachable when its turn came: its request was rejected
  kPending = 2,   // still waiting at the end of the run (unschedulable, or queued)
  kWithdrawn = 3,  // its request took an instance that became idle on a candidate meanwhile
};
const char* placement_outcome_name(PlacementOutcome o);
struct PlacementRecords {
  std::vector<sim::Time> queued_ns;   // when its request found no idle instance
  // End of the cycle that placed or rejected it, or when it was withdrawn; -1: pending.
  std::vector<sim::Time> decided_ns;
  std::vector<std::uint32_t> device;  // kNoDevice unless placed (or withdrawn: the idle one)
  std::vector<std::uint32_t> workload;
  std::vector<std::int32_t> function;
  std::vector<std::uint32_t> nodes_examined;
  std::vector<std::uint32_t> feasible;
  std::vector<std::int64_t> score;
  std::vector<std::uint32_t> attempts;  // scheduling cycles it went through
  std::vector<std::uint8_t> outcome;    // PlacementOutcome
  std::size_t size() const { return queued_ns.size(); }
};

// Per-device totals at the end of the run.
struct DeviceStats {
  std::vector<std::uint64_t> served;      // recorded completions
  std::vector<double> busy_core_seconds;  // integral of busy cores over time
  // Energy in joules: the exact integral of the device's power (models/energy.h), 0 while off.
  std::vector<double> energy_j;
  std::vector<std::uint32_t> in_system;   // requests queued or in service at the end
  std::vector<std::uint64_t> cold_starts;
};

class FleetModel final : public sim::Model, private PlacementHost {
 public:
  explicit FleetModel(FleetConfig config);
  // Not copyable or movable: energy_ refers to config_.
  FleetModel(const FleetModel&) = delete;
  FleetModel& operator=(const FleetModel&) = delete;

  // Schedules the first arrivals and the first sample. Call once, before running the engine.
  void start(sim::Engine& engine);
  void handle(const sim::Event& event, sim::Engine& engine) override;
  // Closes the busy-time integrals at `end`, the engine's final time.
  void finish(sim::Time end);

  // The number of logical processes the engine must be built with.
  std::uint32_t lp_count() const;

  // Image pulls and request routes then go over `net`: device d is node `first_device_node + d`,
  // site s is node s, and device d's access link is access_links[d] (device -> site). Call before
  // start(); `net` and `access_links` outlive this object.
  void attach_network(network::Network* net, const std::vector<network::LinkId>* access_links,
                      network::NodeId first_device_node);
  // Removes the device's warm instances (idle ones at once; starting and busy ones when their
  // request ends). set_available(device, false) calls it, after which the device has none: its
  // requests are evicted. Its image cache is kept.
  void drop_instances(std::uint32_t device);
  // 1: the device accepts new requests (dispatch skips the others, and with a network also
  // devices whose access link is down). Changed only by set_available.
  const std::vector<std::uint8_t>& available() const { return available_; }
  // True iff a request of `function` (-1: a plain service time) may be placed on device type
  // `type`: every plain request may; a function needs an execution time there, its arch and
  // accelerator, an image for the type's arch, and memory and storage enough for one instance.
  bool can_run(std::int32_t function, std::uint32_t type) const;
  // Busy accelerators of each device now (for energy).
  const std::vector<std::uint16_t>& busy_accelerators() const { return accel_busy_; }

  const FleetConfig& config() const { return config_; }
  const std::vector<sim::Time>& latencies_ns() const { return latencies_; }
  const RequestRecords& requests() const { return records_; }
  // The components of the completed requests' latencies: taken from the rows when they are
  // recorded (which they then duplicate no more), else kept on their own.
  LatencyParts latency_parts() const;
  const FunctionCounts& function_counts() const { return counts_; }
  const std::vector<TimeSeries>& timeseries() const { return series_; }
  const DeviceStats& device_stats() const { return stats_; }
  // nullptr without a scheduler.
  const PlacementPolicy* placement_policy() const { return policy_.get(); }
  const PlacementRecords& placements() const { return placements_; }
  std::uint64_t arrivals() const { return arrivals_; }
  std::uint64_t completions() const { return completions_; }
  // Recorded requests lost (to a device going down or a failed pull), sent back to dispatch by a
  // device going down (each time), and refused because no device of their site could take them.
  std::uint64_t lost() const { return counts_.lost; }
  std::uint64_t retried() const { return counts_.retried; }
  std::uint64_t rejected() const { return counts_.rejected; }

  // Takes a device out of service (up = false) or back in. Going down, its queued and running
  // requests (cold starts included) are lost or re-dispatched at their site
  // (FleetConfig::on_device_failure), its instances dropped and its pulls under way abandoned
  // (their artifacts absent again; what it had cached stays: a crash keeps the disk); dispatch
  // skips it until it is back, cold. Its power is the lifecycle's business
  // (Energy::set_powered). Idempotent.
  void set_available(std::uint32_t device, bool up, sim::Time now, sim::Engine& engine);
  bool available(std::uint32_t device) const { return available_[device] != 0; }
  Energy& energy() { return energy_; }
  const Energy& energy() const { return energy_; }

 private:
  struct Request {
    sim::Time arrival = 0;
    sim::Time start = 0;       // execution start
    sim::Time at_device = 0;   // arrival at the device
    sim::Time queue = 0;       // queueing time
    sim::Time cold_begin = 0;  // when the cold start began
    sim::Time pull = 0;
    sim::Time cold = 0;
    sim::Time response = 0;  // response route latency, added at the end
    sim::Time request_leg = 0;
    double exec_s = 0.0;  // execution time on its device before interference, drawn at arrival
    std::uint32_t workload = 0;
    std::uint32_t site = 0;         // its (last) device's; before any, its source's site
    std::uint32_t source = 0;       // index into sources_: where it came from, and retries go
    std::uint32_t next = 0;         // FIFO link while queued
    std::uint32_t instance = 0;     // its instance slot, or kNone
    std::uint32_t waiters = 0;      // cold starts waiting for this request's pull (a list), kNone
    std::uint32_t next_waiter = 0;  // the next in the list this request waits in
    std::uint32_t device = 0;       // while it holds a core
    std::uint32_t core = 0;         // which one: its index into core_request_
    // Of its pulled/started/departure events while it holds a core; 0: it holds none. An event
    // whose token differs is stale (its request was evicted by a device failure).
    std::uint32_t token = 0;
    // Its image pull's transfer while under way over the network (pulling set): cancelled if its
    // device goes down.
    network::TransferKey pull_transfer;
    bool pulling = false;
    std::uint8_t retries = 0;
    bool recorded = false;
    // With a scheduler: it holds the reservation of the instance it is to create on `device`
    // (its placement was decided), until try_start creates the instance.
    bool reserved = false;
    sim::Time sched_wait = 0;  // from its placement's queueing to its decision (first dispatch)
  };
  struct Source {  // one arrival stream: of a workload at a site, a device, or the fleet
    std::uint32_t workload;
    std::uint32_t site;  // scope site and device; fleet: the workload's first site
    // Where its requests go (ArrivalScope), see pick_device: `device` when it is not kNone
    // (scope device; only devices that can run the workload's function get such a source); else
    // the `group_size` devices from dispatch_devices_[group_begin]: the devices of its site
    // (scope site) or of all the workload's sites (scope fleet) that can run the function.
    std::uint32_t device;
    std::uint32_t group_begin;
    std::uint32_t group_size;
    // Drawn per source, so the same seed offers the same requests (times and work) whatever the
    // dispatch policy or fleet does with them: common random numbers across policies.
    ArrivalStream arrivals;
    sim::RandomStream work;
    sim::RandomStream dispatch;
    std::uint32_t round_robin = 0;
  };

  void on_arrival(const sim::Event& event, sim::Engine& engine);
  void on_request(const sim::Event& event, sim::Engine& engine);
  void on_departure(const sim::Event& event, sim::Engine& engine);
  void on_pulled(const sim::Event& event, sim::Engine& engine);
  void on_started(const sim::Event& event, sim::Engine& engine);
  void on_sample(sim::Engine& engine);
  // Takes a core (and accelerator, and instance) for the request if it can start now; false
  // leaves it waiting.
  bool try_start(std::uint32_t device, std::uint32_t slot, sim::Time now, sim::Engine& engine);
  void begin_exec(std::uint32_t device, std::uint32_t slot, sim::Time now, sim::Engine& engine);
  // Starts the queued requests of `device` while the head can start.
  void drain(std::uint32_t device, sim::Time now, sim::Engine& engine);
  void release(std::uint32_t device, const Request& r, sim::Time now, sim::Engine& engine);
  void record(std::uint32_t device, const Request& r, sim::Time end, RequestOutcome outcome,
              sim::Engine& engine);
  // The device for the next request of source `source` (a new one or a retry), or kNoDevice (the
  // request is rejected).
  std::uint32_t pick_device(std::uint32_t source);
  // Adds workload w's sources (per scope, times the parts) and their dispatch groups.
  void add_sources(std::uint32_t w, double& expected);
  // Sends the request to a device of its source's candidates (its hand-over one request-route
  // latency later), or records it rejected. Used for new requests and for retries alike.
  void dispatch(std::uint32_t slot, sim::LpId from, sim::Time now, sim::Engine& engine);
  // A request of a device that went down: retried (re-dispatched) or lost (a row, outcome lost).
  void evict(std::uint32_t slot, std::uint32_t device, sim::Time now, sim::Engine& engine);
  // The payload of an event of request `slot` while it holds a core: slot | token << 32.
  std::uint64_t tagged(std::uint32_t slot) const;
  // The request of such an event, or kNone when the event is stale.
  std::uint32_t live_slot(std::uint64_t payload) const;
  // True iff `device` accepts new requests: available, and its access link is up (with a
  // network).
  bool reachable(std::uint32_t device) const;
  void account_busy(std::uint32_t device, sim::Time now);
  // Instances and the cache.
  void expire_idle(std::uint32_t device, sim::Time now);
  void remove_instance(std::uint32_t device, std::uint32_t instance);
  std::uint32_t find_idle(std::uint32_t device, std::int32_t function) const;
  void fetch(std::uint32_t device, std::uint32_t slot, sim::Time now, sim::Engine& engine);
  void cache_insert(std::uint32_t device, std::uint32_t slot, bool delivered, sim::Time now);
  bool uses_instances(std::int32_t function) const { return function >= 0; }
  // The scheduler (with a policy; models/placement.h). A function request is sent warm to a
  // candidate with an idle instance, claiming it; else it becomes a placement.
  void dispatch_placed(std::uint32_t slot, sim::LpId from, sim::Time now, sim::Engine& engine);
  // The second half of dispatch: the request goes to `device` (drawing its execution time).
  void send(std::uint32_t slot, std::uint32_t device, sim::LpId from, sim::Time now,
            sim::Engine& engine);
  std::span<const std::uint32_t> placement_candidates(std::uint32_t id) override;
  // Starts a cycle when the scheduler is idle.
  void kick(sim::Time now, sim::Engine& engine);
  void start_cycle(sim::Time now, sim::Engine& engine);
  void on_cycle_end(sim::Time now, sim::Engine& engine);
  // Instance `instance` of `device` just became idle: the oldest pending placement of its
  // function that has the device among its candidates (and is not being decided) is withdrawn,
  // and its request claims the instance. False when there is none.
  bool hand_over(std::uint32_t device, std::uint32_t instance, sim::Time now,
                 sim::Engine& engine);
  // Tells the policy that capacity was released since the last call, and wakes the scheduler.
  void flush_released(sim::Time now, sim::Engine& engine);

  FleetConfig config_;
  Energy energy_;  // after config_, which it reads
  std::vector<Source> sources_;
  // Devices of each site, in device order (CSR).
  std::vector<std::uint32_t> site_device_begin_;
  std::vector<std::uint32_t> site_devices_;
  // Device state, structure of arrays.
  std::vector<std::uint32_t> cores_;
  std::vector<double> speed_;
  std::vector<std::uint32_t> busy_;
  // The request holding each core (kNone: free), cores of device d from core_begin_[d] (CSR), so
  // a failing device finds its running requests without a scan of the request pool.
  std::vector<std::uint32_t> core_begin_;
  std::vector<std::uint32_t> core_request_;
  std::vector<std::uint32_t> evict_scratch_;
  std::vector<std::uint32_t> in_system_dev_;  // queued + in service
  std::vector<std::uint32_t> queue_head_;
  std::vector<std::uint32_t> queue_tail_;
  std::vector<sim::Time> busy_since_;
  std::vector<std::int64_t> busy_core_ns_;
  std::vector<std::uint32_t> type_;
  std::vector<std::uint8_t> available_;   // 1: accepts new work (set_available)
  // Devices with available_ 0, kept by set_available: pick_device's fast path (no check per
  // candidate) needs it to be 0. A global count, not per site: a fleet-scope group spans sites.
  std::uint32_t unavailable_ = 0;
  std::vector<std::uint16_t> accel_busy_;
  std::vector<std::uint32_t> busy_by_type_;
  std::vector<std::uint64_t> cores_by_type_;
  DeviceStats stats_;
  // Which (function, type) pairs can run: can_run_[function * types + type].
  std::vector<std::uint8_t> can_run_;
  // Dispatch groups, ranges referred to by Source::group_begin/group_size: the devices that can
  // run a workload's function, of one site (scope site: one range per (workload, site), shared
  // by the site's trace-row sources) or of all the workload's sites (scope fleet: one range per
  // workload), in device order within each site. Built once; pick_device filters them by
  // availability at each request.
  std::vector<std::uint32_t> dispatch_devices_;
  // Function instances: device d owns slots [instance_begin_[d], instance_begin_[d + 1]).
  // kClaimed (with a scheduler only): idle, taken by a request on its way to the device.
  enum InstanceState : std::uint8_t { kFree = 0, kStarting, kBusy, kIdle, kClaimed };
  std::vector<std::uint32_t> instance_begin_;
  std::vector<std::int32_t> instance_function_;
  std::vector<std::uint8_t> instance_state_;
  std::vector<std::uint8_t> instance_doomed_;  // removed when its request ends
  std::vector<sim::Time> instance_idle_since_;
  std::vector<std::int64_t> memory_free_;
  // Image cache: device d's entry for artifact a at d * artifacts + a: last use, -1 if absent,
  // or -2 - slot while request `slot` pulls it.
  std::vector<sim::Time> cache_last_use_;
  std::vector<std::int64_t> cache_free_;
  std::vector<sim::RandomStream> start_rng_;  // container start times, per device
  bool functions_ = false;  // some workload runs a function
  // The network, when attached.
  network::Network* net_ = nullptr;
  const std::vector<network::LinkId>* access_links_ = nullptr;
  network::NodeId first_device_node_ = 0;

  // The scheduler, with a policy: its LP (after the sampler), whether a cycle is under way, the
  // decisions of that cycle, the earliest wake-up scheduled, the placements' rows and the
  // request of each pending placement (kNone once decided).
  std::unique_ptr<PlacementPolicy> policy_;
  sim::LpId scheduler_lp_ = 0;
  bool scheduler_busy_ = false;
  bool released_ = false;  // a reservation was released since flush_released
  sim::Time wake_at_ = sim::kTimeMax;
  std::vector<PlacementDecision> decisions_;
  PlacementRecords placements_;
  std::vector<std::uint32_t> placement_slot_;
  // Pending placements by arrival source, in order of creation (decided ones skipped lazily from
  // pending_head_), and the sources whose candidates include each device (CSR), for hand_over.
  std::vector<std::vector<std::uint32_t>> pending_by_source_;
  std::vector<std::size_t> pending_head_;
  std::vector<std::uint32_t> device_source_begin_;
  std::vector<std::uint32_t> device_sources_;
  std::vector<std::uint32_t> candidates_;

  sim::PayloadPool<Request> requests_;
  std::vector<sim::Time> latencies_;
  RequestRecords records_;
  LatencyParts parts_;
  FunctionCounts counts_;
  std::vector<TimeSeries> series_;
  std::uint64_t arrivals_ = 0;
  std::uint64_t completions_ = 0;
  std::uint32_t next_token_ = 1;
  std::uint64_t in_system_ = 0;
  std::uint64_t busy_total_ = 0;
  std::uint64_t total_cores_ = 0;
  sim::LpId sampler_lp_ = 0;
};

}  // namespace edgetwin::models
