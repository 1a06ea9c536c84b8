#include "scheduler_plugins/placement/edge.h"

#include <cmath>
#include <limits>
#include <tuple>

namespace edgetwin::scheduler_plugins::placement {

SiteLatencies::SiteLatencies(int sites)
    : sites_(sites),
      latency_(static_cast<std::size_t>(sites) * static_cast<std::size_t>(sites), sim::kTimeMax),
      bandwidth_(latency_.size(), std::numeric_limits<double>::infinity()) {
  for (int s = 0; s < sites; ++s) latency_[index(s, s)] = 0;
}

void SiteLatencies::set(int from, int to, sim::Time latency, double bandwidth_bps) {
  latency_[index(from, to)] = latency;
  bandwidth_[index(from, to)] = bandwidth_bps;
}

sim::Time SiteLatencies::transfer_time(int from, int to, std::int64_t bytes) const {
  const sim::Time l = latency(from, to);
  if (l == sim::kTimeMax) return sim::kTimeMax;
  const double bw = bandwidth_bps(from, to);
  if (bytes <= 0 || std::isinf(bw)) return l;
  const double ns = std::ceil(8.0 * static_cast<double>(bytes) / bw * 1e9);
  if (!(ns < 9e18)) return sim::kTimeMax;
  return sim::add_saturating(l, static_cast<sim::Time>(ns));
}

int EdgeColumns::find(const std::vector<std::string>& names, std::string_view name) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<int>(i);
  }
  return -1;
}

void EdgeColumns::add(const EdgeNodeSpec& spec, std::string_view arch,
                      std::string_view accelerator) {
  for (auto [names, ids, name] : {std::tuple{&arch_names_, &arch_id_, arch},
                                  std::tuple{&accelerator_names_, &accelerator_id_, accelerator}}) {
    int id = find(*names, name);
    if (id < 0) {
      id = static_cast<int>(names->size());
      names->emplace_back(name);
    }
    ids->push_back(id);
  }
  accelerators_.push_back(spec.accelerators);
  req_accelerators_.push_back(0);
  device_type_.push_back(spec.device_type);
  container_start_.push_back(sim::from_seconds(spec.container_start_s));
  core_power_w_.push_back(spec.core_power_w);
  accelerator_power_w_.push_back(spec.accelerator_power_w);
  battery_.push_back(spec.battery);
}

}  // namespace edgetwin::scheduler_plugins::placement
