// The batch architecture: places a batch of pending pods at once by a min-cost max-flow over a
// Firmament-style flow network (docs/scheduling.md, "Batch min-cost-flow scheduler").
//
//   source -> pod (capacity 1, cost 0)
//   pod -> node, for the pod's best candidate nodes (capacity 1, cost C - total score)
//   pod -> sink directly: "unscheduled" (capacity 1, cost P = (pods x C) + 1)
//   node -> sink (capacity: how many pods of the batch can fit there together, cost 0)
//
// C is the largest weighted total of any candidate, so every cost is >= 0 and the minimum cost
// is, lexicographically, the most pods placed and then the highest sum of total scores. Scores,
// filters and node capacities are taken from the framework against the table as it stands before
// the round. The solution is then bound pod by pod in batch order, each pod re-checked by the
// framework's PreFilter and Filter against the table with the batch's earlier pods already bound;
// pods refused there go to the next round (re-scored against the new state).
// Exactly optimal when the batch's pods have equal cpu and memory requests and no filter couples
// pods of the same batch (one round); otherwise an approximation (see the docs).
// Not thread-safe; reuses its buffers from batch to batch.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "scheduler_plugins/placement/framework.h"

namespace edgetwin::scheduler_plugins::placement {

class BatchScheduler {
 public:
  // The plug-ins, weights and sampling are `framework`'s, which must outlive the scheduler; with
  // sampling, each pod's candidates are its sample (and the framework's rotating start advances
  // as in its own cycles). Use Framework(100) for the optimality above.
  explicit BatchScheduler(Framework& framework) : framework_(framework) {}

  struct Result {
    std::vector<int> node;  // per pod of the batch: its node, or -1 when left unscheduled
    int placed = 0;
    int rounds = 0;                // flow problems solved
    std::int64_t total_score = 0;  // sum of the placed pods' totals in the round that placed them
  };

  // Places `pods` onto `nodes` (reserves and binds the placed ones).
  Result schedule(NodeTable& nodes, std::span<const PodSpec> pods);

  // One flow problem without binding: for each pod, the node it is assigned to (-1: the
  // unscheduled arc), given per pod its candidate nodes and their totals (higher is better) and,
  // per node, the number of batch pods it takes. Exposed for tests against brute force.
  struct Problem {
    std::vector<std::vector<int>> candidates;       // [pod] node indices
    std::vector<std::vector<std::int64_t>> totals;  // [pod] same length as candidates
    std::vector<int> capacity;                      // [node]
  };
  static std::vector<int> solve(const Problem& problem);

  // How many of the batch's pods can sit on `node` together at most: the largest k such that the
  // k smallest cpu requests fit in the free cpu and the k smallest memory requests in the free
  // memory (exact when all requests are equal). `cpu_prefix[k]` is the sum of the k smallest cpu
  // requests (cpu_prefix[0] = 0), likewise `mem_prefix`.
  static int slot_capacity(const NodeTable& nodes, int node,
                           std::span<const std::int64_t> cpu_prefix,
                           std::span<const std::int64_t> mem_prefix);

 private:
  Framework& framework_;
  Problem problem_;
};

}  // namespace edgetwin::scheduler_plugins::placement
