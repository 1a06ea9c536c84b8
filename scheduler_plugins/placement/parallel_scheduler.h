// The parallel architecture: the framework's scheduling cycle with Filter and Score spread over
// chunks of nodes on TBB worker threads, making exactly the decisions Framework::select /
// schedule make (docs/scheduling.md, "Parallel scheduler").
//
// Same plug-ins and weights (the framework's), same sampling (num_feasible_nodes_to_find), same
// rotating start (its own next_start_node_index, advanced as the framework advances its own), the
// same feasible set in the same order, the same normalisation, and the same winner (highest
// total, ties to the lowest node index, by a deterministic parallel reduction). Requires the
// plug-ins' filter() and score() to be safe to call concurrently (Plugin's contract; every
// built-in only reads). PreFilter, PreScore, NormalizeScore, Reserve and Bind run on the caller.
// One scheduler per thread of control; buffers are reused from cycle to cycle.
#pragma once

#include <memory>
#include <span>

#include "scheduler_plugins/placement/framework.h"

namespace edgetwin::scheduler_plugins::placement {

class ParallelScheduler {
 public:
  // `framework` (its plug-ins, weights and sampling percentage) must outlive the scheduler and
  // not run cycles of its own meanwhile (the plug-ins' per-cycle state is shared). `threads`:
  // the concurrency of the scheduler's own TBB arena (1: everything on the calling thread);
  // `grain`: nodes per task.
  ParallelScheduler(Framework& framework, int threads, int grain = 256);
  ~ParallelScheduler();
  ParallelScheduler(const ParallelScheduler&) = delete;
  ParallelScheduler& operator=(const ParallelScheduler&) = delete;

  using Result = Framework::Result;
  // One cycle; with a node found, reserves and binds the pod onto `nodes`.
  Result schedule(NodeTable& nodes, const PodSpec& pod);
  // Like schedule() but binds nothing.
  Result select(const NodeTable& nodes, const PodSpec& pod);

  std::span<const int> last_feasible() const;
  std::span<const std::int64_t> last_totals() const;
  int next_start_node_index() const;
  int threads() const;

 private:
  struct Impl;
  Framework& framework_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace edgetwin::scheduler_plugins::placement
