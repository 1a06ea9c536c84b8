// The placement hook of the fleet model: with a scheduler (FleetConfig::make_placement), the
// device of every new function instance is chosen by a PlacementPolicy, and choosing takes
// simulated time. models/ defines the interface only; the Kubernetes-style implementation is in
// scheduler_plugins/placement/ (docs/scheduling.md, "Placement in a scenario"), built by
// scenarios/ from the scenario's "scheduler" section.
//
// The protocol, all in simulated time:
// - A function request that finds no idle instance of its function among its candidates becomes
//   a placement: the fleet model numbers it (0, 1, ... in order of creation) and enqueue()s it.
// - The fleet model runs one scheduling cycle at a time. cycle() takes what is ready at `now`
//   (the queue architecture: one placement), decides it against the policy's own view of the
//   fleet, reserves the instance's resources on the chosen device, and returns how long the
//   cycle takes; the decisions take effect (the request goes to its device) that much later, and
//   the next cycle starts then. Placements wait in the queue while the scheduler is busy.
// - An unschedulable placement (no feasible device) is kept by the policy and retried after its
//   back-off once capacity_freed() says that something was released.
// - release() gives back a reservation: its instance was removed (keep-alive, eviction, device
//   down), or its request never created it.
// - withdraw() takes back a pending placement whose request was served otherwise: an instance of
//   its function became idle on one of its candidates before its turn came.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sim/units.h"

namespace edgetwin::models {

struct FleetConfig;

// What the policy may ask the fleet model about a pending placement.
class PlacementHost {
 public:
  // The devices placement `id` may go to now: those of its request's candidates (its source's
  // dispatch group, or its device) that are reachable at this moment, in device order. Valid
  // until the next call.
  virtual std::span<const std::uint32_t> placement_candidates(std::uint32_t id) = 0;

 protected:
  ~PlacementHost() = default;
};

struct PlacementDecision {
  enum class Status : std::uint8_t {
    kPlaced,         // `device` chosen, the instance's resources reserved there
    kUnschedulable,  // no candidate was feasible: the policy retries it after a back-off
    kNoCandidate,    // no candidate was reachable: the request is rejected
  };
  std::uint32_t id = 0;  // the placement
  Status status = Status::kPlaced;
  std::uint32_t device = 0xFFFFFFFFu;  // with kPlaced
  std::uint32_t nodes_examined = 0;    // filtered in this cycle
  std::uint32_t feasible = 0;          // scored in this cycle
  std::int64_t score = 0;              // the winner's weighted total
};

class PlacementPolicy {
 public:
  virtual ~PlacementPolicy() = default;
  // Written into the results ("queue").
  virtual std::string name() const = 0;
  // A new placement of an instance of `function` (an index into FleetConfig::functions).
  virtual void enqueue(std::uint32_t id, std::int32_t function, int priority, sim::Time now) = 0;
  // One scheduling cycle at `now`: appends one decision per placement it took to `out` and
  // returns the cycle's simulated duration; takes nothing (and returns 0) when none is ready.
  virtual sim::Time cycle(sim::Time now, PlacementHost& host,
                          std::vector<PlacementDecision>& out) = 0;
  // Resources were released at `now`: unschedulable placements become ready after their back-off.
  virtual void capacity_freed(sim::Time now) = 0;
  // When the earliest back-off ends (a cycle then has work); sim::kTimeMax when none.
  virtual sim::Time next_ready() const = 0;
  // The reservation of one instance of `function` on `device` ends.
  virtual void release(std::uint32_t device, std::int32_t function) = 0;
  // Artifact `artifact` (an index into FleetConfig::artifacts) is no longer in `device`'s cache:
  // evicted, a failed or abandoned pull, or too big to keep. A placement on the device records
  // its image there as present (kube-scheduler assumes so too); this corrects it.
  virtual void artifact_dropped(std::uint32_t /*device*/, std::int32_t /*artifact*/) {}
  // Placement `id`, pending and not in the cycle under way, is no longer wanted.
  virtual void withdraw(std::uint32_t id) = 0;
  // Placements enqueued and not yet placed, rejected or withdrawn.
  virtual std::size_t pending() const = 0;
};

// Builds a fresh policy for one run of `config` (its devices are the nodes).
using PlacementFactory =
    std::function<std::unique_ptr<PlacementPolicy>(const FleetConfig& config)>;

}  // namespace edgetwin::models
