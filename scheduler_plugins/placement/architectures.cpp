#include "scheduler_plugins/placement/architectures.h"

#include <algorithm>

#include "scheduler_plugins/placement/batch_scheduler.h"
#include "scheduler_plugins/placement/parallel_scheduler.h"

namespace edgetwin::scheduler_plugins::placement {
namespace {

constexpr std::pair<std::string_view, Architecture> kNames[] = {
    {"batch", Architecture::kBatch},
    {"parallel", Architecture::kParallel},
    {"sequential", Architecture::kSequential},
};

}  // namespace

bool parse_architecture(std::string_view name, Architecture* out, std::string* error) {
  for (const auto& [known, architecture] : kNames) {
    if (known == name) {
      *out = architecture;
      return true;
    }
  }
  if (error) {
    *error = "unknown scheduler architecture '" + std::string(name) + "'; valid:";
    for (const auto& [known, architecture] : kNames) *error += " " + std::string(known);
  }
  return false;
}

std::string_view architecture_name(Architecture architecture) {
  for (const auto& [known, a] : kNames) {
    if (a == architecture) return known;
  }
  return "?";
}

std::vector<int> place_pods(Architecture architecture, Framework& framework, NodeTable& nodes,
                            std::span<const PodSpec> pods, const ArchitectureOptions& options) {
  std::vector<int> placed(pods.size(), -1);
  switch (architecture) {
    case Architecture::kSequential:
      for (std::size_t i = 0; i < pods.size(); ++i) {
        placed[i] = framework.schedule(nodes, pods[i]).node;
      }
      break;
    case Architecture::kParallel: {
      ParallelScheduler scheduler(framework, options.threads);
      for (std::size_t i = 0; i < pods.size(); ++i) {
        placed[i] = scheduler.schedule(nodes, pods[i]).node;
      }
      break;
    }
    case Architecture::kBatch: {
      BatchScheduler scheduler(framework);
      const std::size_t step = static_cast<std::size_t>(std::max(options.batch_size, 1));
      for (std::size_t begin = 0; begin < pods.size(); begin += step) {
        const std::size_t count = std::min(step, pods.size() - begin);
        const BatchScheduler::Result r = scheduler.schedule(nodes, pods.subspan(begin, count));
        std::copy(r.node.begin(), r.node.end(),
                  placed.begin() + static_cast<std::ptrdiff_t>(begin));
      }
      break;
    }
  }
  return placed;
}

}  // namespace edgetwin::scheduler_plugins::placement
