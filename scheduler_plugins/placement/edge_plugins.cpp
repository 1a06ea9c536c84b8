#include "scheduler_plugins/placement/edge_plugins.h"

#include <algorithm>
#include <cmath>

namespace edgetwin::scheduler_plugins::placement {
namespace {

sim::Time clamp_raw(sim::Time t) { return std::min(t, kMaxRawTime); }

// Where a capability is looked up: the arch column, the accelerator column (both by interned
// id), or the labels.
enum class CapabilityKind : std::uint8_t { kArch, kAccelerator, kLabel };
struct Resolved {
  CapabilityKind kind;
  int id;  // kArch, kAccelerator: the value's id (-1: no node has it)
};

void resolve(const NodeTable& t, const std::vector<Label>& capabilities,
             std::vector<Resolved>& out) {
  out.clear();
  for (const Label& c : capabilities) {
    if (c.first == "arch") {
      out.push_back({CapabilityKind::kArch, t.edge_.arch_id(c.second)});
    } else if (c.first == "accelerator") {
      // device_catalog's labels() write "none" for a type without one; the column holds "".
      out.push_back({CapabilityKind::kAccelerator,
                     t.edge_.accelerator_id(c.second == "none" ? "" : c.second)});
    } else {
      out.push_back({CapabilityKind::kLabel, -1});
    }
  }
}

bool has_capability(const NodeTable& t, int n, Resolved r, const Label& c) {
  switch (r.kind) {
    case CapabilityKind::kArch:
      return t.edge_.arch_id_[n] == r.id;
    case CapabilityKind::kAccelerator:
      return t.edge_.accelerator_id_[n] == r.id;
    case CapabilityKind::kLabel:
      break;
  }
  for (const Label& label : t.labels_[n]) {
    if (label == c) return true;
  }
  return false;
}

// The pod's execution time by device type in ns (kTimeMax: cannot run there), once per cycle.
void exec_by_type(const PodSpec& pod, std::vector<sim::Time>& out) {
  out.clear();
  for (double s : pod.edge.exec_s_by_type)
    out.push_back(s < 0.0 ? sim::kTimeMax : sim::from_seconds(s));
}
// Node n's entry of `by_type`: 0 when the pod lists no times, kTimeMax when n's type has none.
sim::Time exec_of(const NodeTable& t, const PodSpec& pod, const std::vector<sim::Time>& by_type,
                  int n) {
  if (pod.edge.exec_s_by_type.empty()) return 0;
  const int type = t.edge_.device_type_[n];
  if (type < 0 || static_cast<std::size_t>(type) >= by_type.size()) return sim::kTimeMax;
  return by_type[type];
}

bool in_table(const SiteLatencies& sites, int site) { return site >= 0 && site < sites.sites(); }

// The request round trip source <-> site (0 without a source or a table; kTimeMax unreachable).
sim::Time round_trip(const NodeTable& t, const PodSpec& pod, int site) {
  const SiteLatencies* sites = t.edge_.sites.get();
  const int source = pod.edge.source_site;
  if (sites == nullptr || source < 0) return 0;
  if (!in_table(*sites, source) || !in_table(*sites, site) || !sites->reachable(source, site) ||
      !sites->reachable(site, source)) {
    return sim::kTimeMax;
  }
  return sim::add_saturating(sites->latency(source, site), sites->latency(site, source));
}

// The image pull to `site` (0 without an image, a table or a registry site).
sim::Time pull_time(const NodeTable& t, const PodSpec& pod, int image, int site) {
  const SiteLatencies* sites = t.edge_.sites.get();
  if (pod.image.empty() || sites == nullptr || !in_table(*sites, sites->registry_site)) return 0;
  if (!in_table(*sites, site)) return sim::kTimeMax;
  return sites->transfer_time(sites->registry_site, site, image < 0 ? 0 : t.image_size(image));
}

class CapabilityMatch final : public Plugin {
 public:
  std::string_view name() const override { return "CapabilityMatch"; }
  bool has_filter() const override { return true; }
  bool has_score() const override { return true; }
  bool pre_filter(const NodeTable& t, const PodSpec& pod) override {
    resolve(t, pod.edge.capabilities, required_);
    resolve(t, pod.edge.preferred_capabilities, preferred_);
    exec_by_type(pod, exec_);
    return true;
  }
  bool filter(const NodeTable& t, const PodSpec& pod, int n) const override {
    for (std::size_t i = 0; i < required_.size(); ++i) {
      if (!has_capability(t, n, required_[i], pod.edge.capabilities[i])) return false;
    }
    if (pod.edge.accelerators > 0 &&
        t.edge_.accelerators_[n] - t.edge_.req_accelerators_[n] < pod.edge.accelerators) {
      return false;
    }
    return exec_of(t, pod, exec_, n) != sim::kTimeMax;
  }
  std::int64_t score(const NodeTable& t, const PodSpec& pod, int n) const override {
    std::int64_t count = 0;
    for (std::size_t i = 0; i < preferred_.size(); ++i) {
      count += has_capability(t, n, preferred_[i], pod.edge.preferred_capabilities[i]);
    }
    return count;
  }
  void normalize_score(std::span<std::int64_t> scores) const override {
    default_normalize_score(scores, /*reverse=*/false);
  }

 private:
  std::vector<Resolved> required_, preferred_;
  std::vector<sim::Time> exec_;
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
    // The latency from the origin by site (kTimeMax: unreachable); empty: no origin.
    latency_.clear();
    const SiteLatencies* sites = t.edge_.sites.get();
    if (sites == nullptr || origin_ < 0) return true;
    latency_.assign(static_cast<std::size_t>(t.site_count()), sim::kTimeMax);
    if (!in_table(*sites, origin_)) return true;
    for (int s = 0; s < t.site_count() && s < sites->sites(); ++s) {
      latency_[s] = sites->latency(origin_, s);
    }
    return true;
  }
  bool filter(const NodeTable& t, const PodSpec&, int n) const override {
    return latency_.empty() || latency_[t.site_[n]] != sim::kTimeMax;
  }
  std::int64_t score(const NodeTable& t, const PodSpec&, int n) const override {
    return latency_.empty() ? 0 : clamp_raw(latency_[t.site_[n]]);
  }
  void normalize_score(std::span<std::int64_t> scores) const override {
    default_normalize_score(scores, /*reverse=*/true);
  }

 private:
  int origin_ = -1;
  std::vector<sim::Time> latency_;
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
  bool pre_filter(const NodeTable& t, const PodSpec& pod) override {
    move_.resize(static_cast<std::size_t>(t.site_count()));
    for (int s = 0; s < t.site_count(); ++s) move_[s] = data_move_time(t, pod, s);
    return true;
  }
  bool filter(const NodeTable& t, const PodSpec& pod, int n) const override {
    if (pod.edge.strict && !inside(pod, t.site_[n])) return false;
    return move_[t.site_[n]] != sim::kTimeMax;
  }
  std::int64_t score(const NodeTable& t, const PodSpec& pod, int n) const override {
    const bool in = inside(pod, t.site_[n]);
    if (pod.edge.data.empty()) return in ? 0 : 1;  // no sizes: inside preferred, that is all
    const sim::Time move = clamp_raw(move_[t.site_[n]]);
    return in ? move : 2 * move;
  }
  void normalize_score(std::span<std::int64_t> scores) const override {
    default_normalize_score(scores, /*reverse=*/true);
  }

 private:
  std::vector<sim::Time> move_;  // by site
};

// The estimate of expected_completion from per-cycle arrays: by site, round trip + data (fixed_)
// and the pull (pull_); by type, the execution time. The filter looks the node's image up only
// when the pull decides the answer.
class DeadlineFeasibility final : public Plugin {
 public:
  std::string_view name() const override { return "DeadlineFeasibility"; }
  bool has_filter() const override { return true; }
  bool has_score() const override { return true; }
  bool pre_filter(const NodeTable& t, const PodSpec& pod) override {
    image_ = pod.image.empty() ? -1 : t.image_id(pod.image);
    exec_by_type(pod, exec_);
    const std::size_t sites = static_cast<std::size_t>(t.site_count());
    fixed_.resize(sites);
    pull_.resize(sites);
    for (int s = 0; s < t.site_count(); ++s) {
      const sim::Time trip = round_trip(t, pod, s);
      const sim::Time data = data_move_time(t, pod, s);
      fixed_[s] = trip == sim::kTimeMax || data == sim::kTimeMax ? sim::kTimeMax
                                                                 : sim::add_saturating(trip, data);
      pull_[s] = pull_time(t, pod, image_, s);
    }
    return true;
  }
  // Without the pull; kTimeMax when the node cannot run the pod or is unreachable.
  sim::Time without_pull(const NodeTable& t, const PodSpec& pod, int n) const {
    const sim::Time fixed = fixed_[t.site_[n]];
    const sim::Time exec = exec_of(t, pod, exec_, n);
    if (fixed == sim::kTimeMax || exec == sim::kTimeMax) return sim::kTimeMax;
    return sim::add_saturating(sim::add_saturating(fixed, exec), t.edge_.container_start_[n]);
  }
  bool needs_pull(const NodeTable& t, int n) const { return image_ < 0 || !t.has_image(n, image_); }
  bool filter(const NodeTable& t, const PodSpec& pod, int n) const override {
    const sim::Time base = without_pull(t, pod, n);
    if (base == sim::kTimeMax) return false;
    const sim::Time deadline = pod.edge.deadline > 0 ? pod.edge.deadline : sim::kTimeMax - 1;
    if (base > deadline) return false;
    const sim::Time pull = pull_[t.site_[n]];
    if (sim::add_saturating(base, pull) <= deadline) return true;
    return !needs_pull(t, n);  // only a node holding the image makes it
  }
  std::int64_t score(const NodeTable& t, const PodSpec& pod, int n) const override {
    const sim::Time base = without_pull(t, pod, n);
    const sim::Time pull = pull_[t.site_[n]];
    return clamp_raw(pull > 0 && needs_pull(t, n) ? sim::add_saturating(base, pull) : base);
  }
  void normalize_score(std::span<std::int64_t> scores) const override {
    default_normalize_score(scores, /*reverse=*/true);
  }

 private:
  int image_ = -1;
  std::vector<sim::Time> exec_;          // by type
  std::vector<sim::Time> fixed_, pull_;  // by site
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
  void pre_score(const NodeTable&, const PodSpec& pod, std::span<const int>) override {
    exec_by_type(pod, exec_);
  }
  // Millijoules: one busy core (the fleet model serves a request on one core) plus the pod's
  // accelerator units, for the expected execution time.
  std::int64_t score(const NodeTable& t, const PodSpec& pod, int n) const override {
    const sim::Time exec = exec_of(t, pod, exec_, n);
    if (exec == 0 || exec == sim::kTimeMax) return 0;
    const double watts =
        t.edge_.core_power_w_[n] + pod.edge.accelerators * t.edge_.accelerator_power_w_[n];
    return std::llround(sim::to_seconds(exec) * watts * 1000.0);
  }
  void normalize_score(std::span<std::int64_t> scores) const override {
    default_normalize_score(scores, /*reverse=*/true);
  }

 private:
  std::vector<sim::Time> exec_;
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
  const SiteLatencies* sites = t.edge_.sites.get();
  if (sites == nullptr || pod.edge.data.empty()) return 0;
  if (!in_table(*sites, site)) return sim::kTimeMax;
  sim::Time total = 0;
  for (const DataLocation& d : pod.edge.data) {
    if (!in_table(*sites, d.site)) return sim::kTimeMax;
    const sim::Time move = sites->transfer_time(d.site, site, d.bytes);
    if (move == sim::kTimeMax) return sim::kTimeMax;
    total = sim::add_saturating(total, move);
  }
  return total;
}

sim::Time expected_completion(const NodeTable& t, const PodSpec& pod, int image, int n) {
  const int site = t.site_[n];
  const std::vector<double>& by_type = pod.edge.exec_s_by_type;
  sim::Time exec = 0;
  if (!by_type.empty()) {
    const int type = t.edge_.device_type_[n];
    if (type < 0 || static_cast<std::size_t>(type) >= by_type.size() || by_type[type] < 0.0) {
      return sim::kTimeMax;
    }
    exec = sim::from_seconds(by_type[type]);
  }
  const sim::Time trip = round_trip(t, pod, site);
  const sim::Time data = data_move_time(t, pod, site);
  if (trip == sim::kTimeMax || data == sim::kTimeMax) return sim::kTimeMax;
  sim::Time total = sim::add_saturating(exec, t.edge_.container_start_[n]);
  total = sim::add_saturating(total, sim::add_saturating(trip, data));
  if (image < 0 || !t.has_image(n, image)) {
    total = sim::add_saturating(total, pull_time(t, pod, image, site));
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
