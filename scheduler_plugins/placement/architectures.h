// The placement architectures by name, so that a benchmark or a scenario can choose one:
// "sequential" (Framework, one cycle per pod), "parallel" (ParallelScheduler: the same decisions,
// Filter and Score on TBB threads) and "batch" (BatchScheduler: min-cost flow over batches of
// pods). docs/scheduling.md describes each.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scheduler_plugins/placement/framework.h"

namespace edgetwin::scheduler_plugins::placement {

enum class Architecture : std::uint8_t { kSequential, kParallel, kBatch };

// False for an unknown name; `error` then lists the valid ones.
bool parse_architecture(std::string_view name, Architecture* out, std::string* error = nullptr);
std::string_view architecture_name(Architecture architecture);

struct ArchitectureOptions {
  int threads = 1;      // parallel: the TBB arena's concurrency
  int batch_size = 64;  // batch: pods per flow problem
};

// Places `pods` in order onto `nodes` (reserving and binding) with `architecture` over
// `framework`'s plug-ins; returns each pod's node, -1 for the ones left unscheduled.
// Sequential and parallel return the same vector for any thread count.
std::vector<int> place_pods(Architecture architecture, Framework& framework, NodeTable& nodes,
                            std::span<const PodSpec> pods, const ArchitectureOptions& options = {});

}  // namespace edgetwin::scheduler_plugins::placement
