#include "scheduler_plugins/placement/plugins.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "scheduler_plugins/placement/edge_plugins.h"

namespace edgetwin::scheduler_plugins::placement {
namespace {

constexpr std::int64_t kMiB = 1024 * 1024;

class NodeResourcesFit final : public Plugin {
 public:
  explicit NodeResourcesFit(FitArgs args) : args_(std::move(args)) {
    // Kubernetes scales the shape's 0..10 scores by MaxNodeScore / MaxCustomPriorityScore.
    for (ShapePoint& p : args_.shape) p.score *= kMaxNodeScore / 10;
  }
  std::string_view name() const override { return "NodeResourcesFit"; }
  bool has_filter() const override { return true; }
  bool has_score() const override { return true; }

  bool filter(const NodeTable& t, const PodSpec& pod, int n) const override {
    if (pod.cpu_milli > 0 && pod.cpu_milli > t.alloc_cpu_[n] - t.req_cpu_[n]) return false;
    if (pod.memory_bytes > 0 && pod.memory_bytes > t.alloc_mem_[n] - t.req_mem_[n]) return false;
    return true;
  }

  // Scores count unset requests as the defaults (kube-scheduler's NonZeroRequested).
  std::int64_t score(const NodeTable& t, const PodSpec& pod, int n) const override {
    const std::int64_t requested[2] = {t.non_zero_req_cpu_[n] + non_zero_cpu(pod.cpu_milli),
                                       t.non_zero_req_mem_[n] + non_zero_memory(pod.memory_bytes)};
    const std::int64_t capacity[2] = {t.alloc_cpu_[n], t.alloc_mem_[n]};
    const std::int64_t weight[2] = {args_.cpu_weight, args_.memory_weight};
    std::int64_t sum = 0;
    std::int64_t weight_sum = 0;
    for (int r = 0; r < 2; ++r) {
      if (capacity[r] == 0) continue;  // a resource the node lacks is left out
      std::int64_t s = 0;
      switch (args_.strategy) {
        case FitStrategy::kLeastAllocated:  // (capacity - requested) * 100 / capacity
          s = requested[r] > capacity[r]
                  ? 0
                  : (capacity[r] - requested[r]) * kMaxNodeScore / capacity[r];
          break;
        case FitStrategy::kMostAllocated:  // min(requested, capacity) * 100 / capacity
          s = std::min(requested[r], capacity[r]) * kMaxNodeScore / capacity[r];
          break;
        case FitStrategy::kRequestedToCapacityRatio: {
          // requested <= capacity < 2^63 / 100 for any real node (92 PB), so no overflow.
          const std::int64_t u =
              requested[r] > capacity[r] ? 100 : requested[r] * 100 / capacity[r];
          s = broken_linear(args_.shape, u);
          if (s <= 0) continue;  // only resources with a positive score count
          break;
        }
      }
      sum += s * weight[r];
      weight_sum += weight[r];
    }
    if (weight_sum == 0) return 0;
    if (args_.strategy == FitStrategy::kRequestedToCapacityRatio) {
      return std::llround(static_cast<double>(sum) / static_cast<double>(weight_sum));
    }
    return sum / weight_sum;
  }

 private:
  FitArgs args_;
};

class BalancedAllocation final : public Plugin {
 public:
  std::string_view name() const override { return "NodeResourcesBalancedAllocation"; }
  bool has_score() const override { return true; }
  std::int64_t score(const NodeTable& t, const PodSpec& pod, int n) const override {
    if (pod.cpu_milli == 0 && pod.memory_bytes == 0)
      return 0;  // best-effort: skipped (same for all)
    const std::int64_t requested[2] = {t.req_cpu_[n] + pod.cpu_milli,
                                       t.req_mem_[n] + pod.memory_bytes};
    const std::int64_t capacity[2] = {t.alloc_cpu_[n], t.alloc_mem_[n]};
    double fractions[2];
    int count = 0;
    double total = 0.0;
    for (int r = 0; r < 2; ++r) {
      if (capacity[r] == 0) continue;
      const double f =
          std::min(1.0, static_cast<double>(requested[r]) / static_cast<double>(capacity[r]));
      fractions[count++] = f;
      total += f;
    }
    double std_dev = 0.0;
    if (count == 2) {
      std_dev = std::abs(fractions[0] - fractions[1]) / 2.0;
    } else if (count > 2) {  // population standard deviation (kept for more resources)
      const double mean = total / count;
      double sq = 0.0;
      for (int i = 0; i < count; ++i) sq += (fractions[i] - mean) * (fractions[i] - mean);
      std_dev = std::sqrt(sq / count);
    }
    return static_cast<std::int64_t>((1.0 - std_dev) * static_cast<double>(kMaxNodeScore));
  }
};

class ImageLocality final : public Plugin {
 public:
  std::string_view name() const override { return "ImageLocality"; }
  bool has_score() const override { return true; }
  void pre_score(const NodeTable& t, const PodSpec& pod, std::span<const int>) override {
    image_ = pod.image.empty() ? -1 : t.image_id(pod.image);
  }
  std::int64_t score(const NodeTable& t, const PodSpec&, int n) const override {
    if (image_ < 0) return image_locality_score(false, 0, 0, t.size());
    return image_locality_score(t.has_image(n, image_), t.image_size(image_),
                                t.nodes_with_image(image_), t.size());
  }

 private:
  int image_ = -1;
};

class TaintToleration final : public Plugin {
 public:
  std::string_view name() const override { return "TaintToleration"; }
  bool has_filter() const override { return true; }
  bool has_score() const override { return true; }
  static bool tolerated(const PodSpec& pod, const Taint& taint) {
    for (const Toleration& tol : pod.tolerations) {
      if (tol.tolerates(taint)) return true;
    }
    return false;
  }
  bool filter(const NodeTable& t, const PodSpec& pod, int n) const override {
    for (const Taint& taint : t.taints_[n]) {
      if (taint.effect != TaintEffect::kPreferNoSchedule && !tolerated(pod, taint)) return false;
    }
    return true;
  }
  std::int64_t score(const NodeTable& t, const PodSpec& pod, int n) const override {
    std::int64_t count = 0;
    for (const Taint& taint : t.taints_[n]) {
      if (taint.effect == TaintEffect::kPreferNoSchedule && !tolerated(pod, taint)) ++count;
    }
    return count;
  }
  void normalize_score(std::span<std::int64_t> scores) const override {
    default_normalize_score(scores, /*reverse=*/true);
  }
};

class NodeAffinity final : public Plugin {
 public:
  std::string_view name() const override { return "NodeAffinity"; }
  bool has_filter() const override { return true; }
  bool has_score() const override { return true; }
  bool filter(const NodeTable& t, const PodSpec& pod, int n) const override {
    return required_holds(t, pod, n);
  }
  static bool required_holds(const NodeTable& t, const PodSpec& pod, int n) {
    if (pod.required_node_affinity.empty()) return true;
    for (const NodeSelectorTerm& term : pod.required_node_affinity) {
      if (term.matches(t.labels_[n])) return true;
    }
    return false;
  }
  std::int64_t score(const NodeTable& t, const PodSpec& pod, int n) const override {
    std::int64_t sum = 0;
    for (const PreferredSchedulingTerm& p : pod.preferred_node_affinity) {
      if (p.term.matches(t.labels_[n])) sum += p.weight;
    }
    return sum;
  }
  void normalize_score(std::span<std::int64_t> scores) const override {
    default_normalize_score(scores, /*reverse=*/false);
  }
};

// Per domain of `key`, the sum of `per_node(n)` over the nodes `counted` admits; `present`
// marks the domains holding such a node.
template <class Counted, class PerNode>
void sum_domains(const NodeTable& t, TopologyKey key, Counted counted, PerNode per_node,
                 std::vector<std::int64_t>& counts, std::vector<char>& present) {
  counts.assign(static_cast<std::size_t>(t.domain_count(key)), 0);
  present.assign(counts.size(), 0);
  for (int n = 0; n < t.size(); ++n) {
    if (!counted(n)) continue;
    const int d = t.domain(key, n);
    present[d] = 1;
    counts[d] += per_node(n);
  }
}

// Pods carrying pod label `label` (-1: none ever did) per domain of `key`.
template <class Counted>
void count_domains(const NodeTable& t, int label, TopologyKey key, Counted counted,
                   std::vector<std::int64_t>& counts, std::vector<char>& present) {
  sum_domains(
      t, key, counted, [&](int n) { return label >= 0 ? t.pods_with_label(label, n) : 0; }, counts,
      present);
}

class PodTopologySpread final : public Plugin {
 public:
  std::string_view name() const override { return "PodTopologySpread"; }
  bool has_filter() const override { return true; }
  bool has_score() const override { return true; }
  bool pre_filter(const NodeTable& t, const PodSpec& pod) override {
    const std::size_t c = pod.topology_spread.size();
    if (counts_.size() < c) counts_.resize(c);
    min_.assign(c, 0);
    self_.assign(c, 0);
    for (std::size_t i = 0; i < c; ++i) {
      const TopologySpreadConstraint& k = pod.topology_spread[i];
      if (!k.do_not_schedule) continue;
      // Kubernetes' default NodeInclusionPolicy: nodes failing the pod's required node affinity
      // are not counted (node taints are ignored).
      count_domains(
          t, t.pod_label_id(k.selector), k.key,
          [&](int n) { return NodeAffinity::required_holds(t, pod, n); }, counts_[i], present_);
      std::int64_t min = -1;
      for (std::size_t d = 0; d < counts_[i].size(); ++d) {
        if (present_[d] && (min < 0 || counts_[i][d] < min)) min = counts_[i][d];
      }
      min_[i] = std::max<std::int64_t>(min, 0);
      self_[i] = std::find(pod.labels.begin(), pod.labels.end(), k.selector) != pod.labels.end();
    }
    return true;
  }
  // Rejects a node when count(its domain) + self - min over domains > maxSkew.
  bool filter(const NodeTable& t, const PodSpec& pod, int n) const override {
    for (std::size_t i = 0; i < pod.topology_spread.size(); ++i) {
      const TopologySpreadConstraint& k = pod.topology_spread[i];
      if (!k.do_not_schedule) continue;
      const std::int64_t skew = counts_[i][t.domain(k.key, n)] + self_[i] - min_[i];
      if (skew > k.max_skew) return false;
    }
    return true;
  }

  // ScheduleAnyway constraints (kube-scheduler podtopologyspread/scoring.go): each domain weighs
  // ln(number of domains among the scored nodes + 2) (for hostname: the number of scored nodes).
  void pre_score(const NodeTable& t, const PodSpec& pod, std::span<const int> nodes) override {
    const std::size_t c = pod.topology_spread.size();
    if (soft_counts_.size() < c) soft_counts_.resize(c);
    weight_.assign(c, 0.0);
    active_ = false;
    for (std::size_t i = 0; i < c; ++i) {
      const TopologySpreadConstraint& k = pod.topology_spread[i];
      if (k.do_not_schedule) continue;
      active_ = true;
      count_domains(
          t, t.pod_label_id(k.selector), k.key,
          [&](int n) { return NodeAffinity::required_holds(t, pod, n); }, soft_counts_[i],
          present_);
      std::size_t size = nodes.size();
      if (k.key != TopologyKey::kHostname) {
        seen_.assign(static_cast<std::size_t>(t.domain_count(k.key)), 0);
        size = 0;
        for (int n : nodes) {
          char& seen = seen_[t.domain(k.key, n)];
          size += seen == 0;
          seen = 1;
        }
      }
      weight_[i] = spread_weight(size);
    }
  }
  // round(sum over soft constraints of count(node's domain) x weight + maxSkew - 1).
  std::int64_t score(const NodeTable& t, const PodSpec& pod, int n) const override {
    if (!active_) return 0;
    double sum = 0.0;
    for (std::size_t i = 0; i < pod.topology_spread.size(); ++i) {
      const TopologySpreadConstraint& k = pod.topology_spread[i];
      if (k.do_not_schedule) continue;
      sum += spread_term(soft_counts_[i][t.domain(k.key, n)], weight_[i], k.max_skew);
    }
    return std::llround(sum);
  }
  // 100 x (max + min - score) / max; all 100 when max = 0; all 0 without soft constraints
  // (Kubernetes skips the plug-in then).
  void normalize_score(std::span<std::int64_t> scores) const override {
    if (!active_) return;
    std::int64_t min = std::numeric_limits<std::int64_t>::max();
    std::int64_t max = 0;
    for (std::int64_t s : scores) {
      min = std::min(min, s);
      max = std::max(max, s);
    }
    for (std::int64_t& s : scores) s = spread_normalized_score(s, max, min);
  }

 private:
  std::vector<std::vector<std::int64_t>> counts_;
  std::vector<std::int64_t> min_;
  std::vector<std::int64_t> self_;
  std::vector<char> present_;
  std::vector<std::vector<std::int64_t>> soft_counts_;
  std::vector<double> weight_;
  std::vector<char> seen_;
  bool active_ = false;
};

// Required anti-affinity both ways (kube-scheduler interpodaffinity/filtering.go): the incoming
// pod's terms against bound pods, and bound pods' terms against the incoming pod's labels.
class InterPodAffinity final : public Plugin {
 public:
  std::string_view name() const override { return "InterPodAffinity"; }
  bool has_filter() const override { return true; }
  bool pre_filter(const NodeTable& t, const PodSpec& pod) override {
    const std::size_t c = pod.anti_affinity.size();
    if (counts_.size() < c) counts_.resize(c);
    for (std::size_t i = 0; i < c; ++i) {
      const PodAntiAffinityTerm& term = pod.anti_affinity[i];
      count_domains(
          t, t.pod_label_id(term.selector), term.key, [](int) { return true; }, counts_[i],
          present_);
    }
    // Bound pods' terms whose selector the incoming pod carries.
    existing_.clear();
    for (int term = 0; term < t.anti_affinity_terms(); ++term) {
      const std::string& selector = t.anti_affinity_term(term).selector;
      if (std::find(pod.labels.begin(), pod.labels.end(), selector) == pod.labels.end()) continue;
      const std::size_t slot = existing_.size();
      existing_.push_back(term);
      if (existing_counts_.size() <= slot) existing_counts_.resize(slot + 1);
      sum_domains(
          t, t.anti_affinity_term(term).key, [](int) { return true; },
          [&](int n) { return t.pods_with_anti_affinity(term, n); }, existing_counts_[slot],
          present_);
    }
    return true;
  }
  bool filter(const NodeTable& t, const PodSpec& pod, int n) const override {
    for (std::size_t i = 0; i < pod.anti_affinity.size(); ++i) {
      if (counts_[i][t.domain(pod.anti_affinity[i].key, n)] > 0) return false;
    }
    for (std::size_t slot = 0; slot < existing_.size(); ++slot) {
      const TopologyKey key = t.anti_affinity_term(existing_[slot]).key;
      if (existing_counts_[slot][t.domain(key, n)] > 0) return false;
    }
    return true;
  }

 private:
  std::vector<std::vector<std::int64_t>> counts_;
  std::vector<char> present_;
  std::vector<int> existing_;
  std::vector<std::vector<std::int64_t>> existing_counts_;
};

}  // namespace

std::int64_t image_locality_score(bool on_node, std::int64_t bytes, int nodes_with,
                                  int total_nodes) {
  constexpr std::int64_t kMin = 23 * kMiB;
  constexpr std::int64_t kMax = 1000 * kMiB;  // per container; one container per pod here
  std::int64_t sum = 0;
  if (on_node) {
    // The size scaled by the spread, the share of all nodes that hold the image (computed in
    // this order, as kube-scheduler's scaledImageScore does).
    const double spread = static_cast<double>(nodes_with) / static_cast<double>(total_nodes);
    sum = static_cast<std::int64_t>(static_cast<double>(bytes) * spread);
  }
  sum = std::clamp(sum, kMin, kMax);
  return kMaxNodeScore * (sum - kMin) / (kMax - kMin);
}

double spread_weight(std::size_t domains) { return std::log(static_cast<double>(domains) + 2.0); }

std::int64_t spread_normalized_score(std::int64_t score, std::int64_t max, std::int64_t min) {
  return max == 0 ? kMaxNodeScore : kMaxNodeScore * (max + min - score) / max;
}

std::int64_t broken_linear(const std::vector<ShapePoint>& shape, std::int64_t utilization) {
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (utilization <= shape[i].utilization) {
      if (i == 0) return shape[0].score;
      const ShapePoint& a = shape[i - 1];
      const ShapePoint& b = shape[i];
      return a.score +
             (b.score - a.score) * (utilization - a.utilization) / (b.utilization - a.utilization);
    }
  }
  return shape.empty() ? 0 : shape.back().score;
}

std::unique_ptr<Plugin> make_node_resources_fit(FitArgs args) {
  return std::make_unique<NodeResourcesFit>(std::move(args));
}
std::unique_ptr<Plugin> make_balanced_allocation() {
  return std::make_unique<BalancedAllocation>();
}
std::unique_ptr<Plugin> make_image_locality() { return std::make_unique<ImageLocality>(); }
std::unique_ptr<Plugin> make_taint_toleration() { return std::make_unique<TaintToleration>(); }
std::unique_ptr<Plugin> make_node_affinity() { return std::make_unique<NodeAffinity>(); }
std::unique_ptr<Plugin> make_pod_topology_spread() { return std::make_unique<PodTopologySpread>(); }
std::unique_ptr<Plugin> make_inter_pod_affinity() { return std::make_unique<InterPodAffinity>(); }

bool register_builtin_placement_plugins(Registry<Plugin>& registry, std::string* error) {
  FitArgs most;
  most.strategy = FitStrategy::kMostAllocated;
  FitArgs ratio;
  ratio.strategy = FitStrategy::kRequestedToCapacityRatio;
  ratio.shape = {{0, 0}, {100, 10}};
  const Registry<Plugin>::Entry entries[] = {
      {"NodeResourcesFit", "cpu and memory fit; LeastAllocated score",
       [] { return make_node_resources_fit({}); }},
      {"NodeResourcesFit/MostAllocated", "cpu and memory fit; MostAllocated score",
       [most] { return make_node_resources_fit(most); }},
      {"NodeResourcesFit/RequestedToCapacityRatio",
       "cpu and memory fit; RequestedToCapacityRatio score, bin-packing shape",
       [ratio] { return make_node_resources_fit(ratio); }},
      {"NodeResourcesBalancedAllocation", "1 - std of the cpu and memory fractions",
       [] { return make_balanced_allocation(); }},
      {"ImageLocality", "image already on the node, scaled by its spread",
       [] { return make_image_locality(); }},
      {"TaintToleration", "NoSchedule filter, PreferNoSchedule score",
       [] { return make_taint_toleration(); }},
      {"NodeAffinity", "required filter, preferred weighted score",
       [] { return make_node_affinity(); }},
      {"PodTopologySpread", "DoNotSchedule maxSkew filter, ScheduleAnyway score",
       [] { return make_pod_topology_spread(); }},
      {"InterPodAffinity", "required anti-affinity filter, both ways",
       [] { return make_inter_pod_affinity(); }},
  };
  for (const auto& entry : entries) {
    if (!registry.add(entry, error)) return false;
  }
  return true;
}

Registry<Plugin>& placement_registry() {
  static Registry<Plugin> registry = [] {
    Registry<Plugin> r;
    std::string error;
    if (!register_builtin_placement_plugins(r, &error)) throw std::logic_error(error);
    if (!register_edge_placement_plugins(r, &error)) throw std::logic_error(error);
    return r;
  }();
  return registry;
}

void add_default_plugins(Framework& framework) {
  framework.add_plugin(make_taint_toleration(), 3);
  framework.add_plugin(make_node_affinity(), 2);
  framework.add_plugin(make_pod_topology_spread(), 2);
  framework.add_plugin(make_inter_pod_affinity(), 2);
  framework.add_plugin(make_node_resources_fit({}), 1);
  framework.add_plugin(make_balanced_allocation(), 1);
  framework.add_plugin(make_image_locality(), 1);
}

}  // namespace edgetwin::scheduler_plugins::placement
