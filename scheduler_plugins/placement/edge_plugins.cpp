#include "scheduler_plugins/placement/edge_plugins.h"

#include <algorithm>
#include <cmath>

namespace edgetwin::scheduler_plugins::placement {
namespace {

sim::Time clamp_raw(sim::Time t) { return std::min(t, kMaxRawTime); }

bool has_capability(const NodeTable& t, int n, const Label& c) {
  if (c.first == "arch") return t.arch_[n] == c.second;
  if (c.first == "accelerator") {
    // device_catalog's labels() write "none" for a type without one; the column holds "".
    return t.accelerator_[n] == c.second || (c.second == "none" && t.accelerator_[n].empty());
  }
  for (const Label& label : t.labels_[n]) {
    if (label == c) return true;
  }
  return false;
}

// The pod's expected execution time on node n: 0 when not known, kTimeMax when it cannot run.
sim::Time exec_time(const NodeTable& t, const PodSpec& pod, int n) {
  const std::vector<double>& by_type = pod.edge.exec_s_by_type;
  if (by_type.empty()) return 0;
  const int type = t.edge_.device_type_[n];
  if (type < 0 || static_cast<std::size_t>(type) >= by_type.size() || by_type[type] < 0.0) {
    return sim::kTimeMax;
  }
  return sim::from_seconds(by_type[type]);
}

class CapabilityMatch final : public Plugin {
 public:
  std::string_view name() const override { return "CapabilityMatch"; }
  bool has_filter() const override { return true; }
  bool has_score() const override { return true; }
  bool filter(const NodeTable& t, const PodSpec& pod, int n) const override {
    for (const Label& c : pod.edge.capabilities) {
      if (!has_capability(t, n, c)) return false;
    }
    if (pod.edge.accelerators > 0 &&
        t.edge_.accelerators_[n] - t.edge_.req_accelerators_[n] < pod.edge.accelerators) {
      return false;
    }
    return exec_time(t, pod, n) != sim::kTimeMax;
  }
  std::int64_t score(const NodeTable& t, const PodSpec& pod, int n) const override {
    std::int64_t count = 0;
    for (const Label& c : pod.edge.preferred_capabilities) count += has_capability(t, n, c);
    return count;
  }
  void normalize_score(std::span<std::int64_t> scores) const override {
    default_normalize_score(scores, /*reverse=*/false);
  }
};

class Proximity final : public Plugin {
 public:
  std::string_view name() const override { return "Proximity"; }
  bool has_filter() const override { return true; }
  bool has_score() const override { return true; }
  bool pre_filter(const NodeTable& t, const PodSpec& pod) override {
    origin_ = pod.edge.source_site;
    if (pod.edge.proximity_to_data) {
      // The location holding the most bytes (ties: the first listed).
      std::int64_t most = -1;
      for (const DataLocation& d : pod.edge.data) {
        if (d.bytes > most) {
          most = d.bytes;
          origin_ = d.site;
        }
      }
    }
    if (t.edge_.sites == nullptr) origin_ = -1;
    return true;
  }
  bool filter(const NodeTable& t, const PodSpec&, int n) const override {
    return origin_ < 0 || t.edge_.sites->reachable(origin_, t.site_[n]);
  }
  std::int64_t score(const NodeTable& t, const PodSpec&, int n) const override {
    return origin_ < 0 ? 0 : clamp_raw(t.edge_.sites->latency(origin_, t.site_[n]));
  }
  void normalize_score(std::span<std::int64_t> scores) const override {
    default_normalize_score(scores, /*reverse=*/true);
  }

 private:
  int origin_ = -1;
};

class DataLocality final : public Plugin {
 public:
  std::string_view name() const override { return "DataLocality"; }
  bool has_filter() const override { return true; }
  bool has_score() const override { return true; }
  static bool inside(const PodSpec& pod, int site) {
    const std::vector<char>& allowed = pod.edge.allowed_sites;
    return allowed.empty() ||
           (static_cast<std::size_t>(site) < allowed.size() && allowed[site] != 0);
  }
  bool filter(const NodeTable& t, const PodSpec& pod, int n) const override {
    if (pod.edge.strict && !inside(pod, t.site_[n])) return false;
    return data_move_time(t, pod, t.site_[n]) != sim::kTimeMax;
  }
  std::int64_t score(const NodeTable& t, const PodSpec& pod, int n) const override {
    const sim::Time move = clamp_raw(data_move_time(t, pod, t.site_[n]));
    return inside(pod, t.site_[n]) ? move : 2 * move;
  }
  void normalize_score(std::span<std::int64_t> scores) const override {
    default_normalize_score(scores, /*reverse=*/true);
  }
};

class DeadlineFeasibility final : public Plugin {
 public:
  std::string_view name() const override { return "DeadlineFeasibility"; }
  bool has_filter() const override { return true; }
  bool has_score() const override { return true; }
  bool pre_filter(const NodeTable& t, const PodSpec& pod) override {
    image_ = pod.image.empty() ? -1 : t.image_id(pod.image);
    return true;
  }
  bool filter(const NodeTable& t, const PodSpec& pod, int n) const override {
    const sim::Time estimate = expected_completion(t, pod, image_, n);
    if (estimate == sim::kTimeMax) return false;
    return pod.edge.deadline <= 0 || estimate <= pod.edge.deadline;
  }
  std::int64_t score(const NodeTable& t, const PodSpec& pod, int n) const override {
    return clamp_raw(expected_completion(t, pod, image_, n));
  }
  void normalize_score(std::span<std::int64_t> scores) const override {
    default_normalize_score(scores, /*reverse=*/true);
  }

 private:
  int image_ = -1;
};

class BatteryAware final : public Plugin {
 public:
  std::string_view name() const override { return "BatteryAware"; }
  bool has_filter() const override { return true; }
  bool has_score() const override { return true; }
  bool filter(const NodeTable& t, const PodSpec& pod, int n) const override {
    const double soc = t.edge_.battery_[n];
    return soc < 0.0 || soc >= pod.edge.min_battery;
  }
  std::int64_t score(const NodeTable& t, const PodSpec&, int n) const override {
    const double soc = t.edge_.battery_[n];
    if (soc < 0.0) return kMaxNodeScore;
    return std::llround(std::clamp(soc, 0.0, 1.0) * static_cast<double>(kMaxNodeScore));
  }
};

class EnergyPerRequest final : public Plugin {
 public:
  std::string_view name() const override { return "EnergyPerRequest"; }
  bool has_score() const override { return true; }
  // Millijoules: one busy core (the fleet model serves a request on one core) plus the pod's
  // accelerator units, for the expected execution time.
  std::int64_t score(const NodeTable& t, const PodSpec& pod, int n) const override {
    const sim::Time exec = exec_time(t, pod, n);
    if (exec == 0 || exec == sim::kTimeMax) return 0;
    const double watts = t.edge_.core_power_w_[n] +
                         pod.edge.accelerators * t.edge_.accelerator_power_w_[n];
    return std::llround(sim::to_seconds(exec) * watts * 1000.0);
  }
  void normalize_score(std::span<std::int64_t> scores) const override {
    default_normalize_score(scores, /*reverse=*/true);
  }
};

class NodeName final : public Plugin {
 public:
  std::string_view name() const override { return "NodeName"; }
  bool has_filter() const override { return true; }
  bool filter(const NodeTable&, const PodSpec& pod, int n) const override {
    return pod.edge.node < 0 || pod.edge.node == n;
  }
};

}  // namespace

sim::Time data_move_time(const NodeTable& t, const PodSpec& pod, int site) {
  if (t.edge_.sites == nullptr) return 0;
  sim::Time total = 0;
  for (const DataLocation& d : pod.edge.data) {
    const sim::Time move = t.edge_.sites->transfer_time(d.site, site, d.bytes);
    if (move == sim::kTimeMax) return sim::kTimeMax;
    total = sim::add_saturating(total, move);
  }
  return total;
}

sim::Time expected_completion(const NodeTable& t, const PodSpec& pod, int image, int n) {
  const sim::Time exec = exec_time(t, pod, n);
  if (exec == sim::kTimeMax) return sim::kTimeMax;
  const int site = t.site_[n];
  sim::Time total = sim::add_saturating(exec, sim::from_seconds(t.edge_.container_start_s_[n]));
  const SiteLatencies* sites = t.edge_.sites.get();
  if (sites == nullptr) return total;
  const int source = pod.edge.source_site;
  if (source >= 0) {
    if (!sites->reachable(source, site) || !sites->reachable(site, source)) return sim::kTimeMax;
    total = sim::add_saturating(total, sites->latency(source, site));
    total = sim::add_saturating(total, sites->latency(site, source));
  }
  total = sim::add_saturating(total, data_move_time(t, pod, site));
  if (!pod.image.empty() && sites->registry_site >= 0 && (image < 0 || !t.has_image(n, image))) {
    const std::int64_t bytes = image < 0 ? 0 : t.image_size(image);
    total = sim::add_saturating(total, sites->transfer_time(sites->registry_site, site, bytes));
  }
  return total;
}

std::unique_ptr<Plugin> make_capability_match() { return std::make_unique<CapabilityMatch>(); }
std::unique_ptr<Plugin> make_proximity() { return std::make_unique<Proximity>(); }
std::unique_ptr<Plugin> make_data_locality() { return std::make_unique<DataLocality>(); }
std::unique_ptr<Plugin> make_deadline_feasibility() {
  return std::make_unique<DeadlineFeasibility>();
}
std::unique_ptr<Plugin> make_battery_aware() { return std::make_unique<BatteryAware>(); }
std::unique_ptr<Plugin> make_energy_per_request() { return std::make_unique<EnergyPerRequest>(); }
std::unique_ptr<Plugin> make_node_name() { return std::make_unique<NodeName>(); }

bool register_edge_placement_plugins(Registry<Plugin>& registry, std::string* error) {
  const Registry<Plugin>::Entry entries[] = {
      {"CapabilityMatch", "required arch / accelerator / label filter, preferred ones scored",
       [] { return make_capability_match(); }},
      {"Proximity", "route latency from the request source (or the data) to the node",
       [] { return make_proximity(); }},
      {"DataLocality", "data transfer time to the node; strict or soft named networks",
       [] { return make_data_locality(); }},
      {"DeadlineFeasibility", "round trip + data + image pull + start + execution <= deadline",
       [] { return make_deadline_feasibility(); }},
      {"BatteryAware", "battery state-of-charge threshold filter and score",
       [] { return make_battery_aware(); }},
      {"EnergyPerRequest", "marginal energy of one request, lower is better",
       [] { return make_energy_per_request(); }},
      {"NodeName", "only the pinned node (a fan-out placement)", [] { return make_node_name(); }},
  };
  for (const auto& entry : entries) {
    if (!registry.add(entry, error)) return false;
  }
  return true;
}

}  // namespace edgetwin::scheduler_plugins::placement
