#include "scheduler_plugins/placement/incremental_scheduler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <iterator>
#include <stdexcept>
#include <unordered_map>

namespace edgetwin::scheduler_plugins::placement {
namespace {

// A tree entry: the total in the high bits, (2^24 - 1 - node) in the low 24, so that the larger
// key is the higher total and, among equal totals, the lower node index.
constexpr int kNodeBits = 24;
constexpr std::int64_t kNodeMask = (std::int64_t{1} << kNodeBits) - 1;
constexpr std::int64_t kNone = std::numeric_limits<std::int64_t>::min();
std::int64_t tree_key(std::int64_t total, int node) {
  return total * (kNodeMask + 1) + (kNodeMask - node);
}
std::int64_t key_total(std::int64_t key) { return key >> kNodeBits; }
int key_node(std::int64_t key) { return static_cast<int>(kNodeMask - (key & kNodeMask)); }

int key_index(TopologyKey key) { return static_cast<int>(key); }

bool required_affinity_holds(const PodSpec& pod, const NodeTable& t, int n) {
  if (pod.required_node_affinity.empty()) return true;
  for (const NodeSelectorTerm& term : pod.required_node_affinity) {
    if (term.matches(t.labels_[n])) return true;
  }
  return false;
}

// The maximum of a set and how many members have it; members only come and go one at a time.
void add_to_max(std::int64_t value, std::int64_t& max, int& at_max) {
  if (value > max) {
    max = value;
    at_max = 1;
  } else if (value == max) {
    ++at_max;
  }
}
// True when the maximum must be recomputed (its last holder left).
bool remove_from_max(std::int64_t value, std::int64_t max, int& at_max) {
  if (value != max) return false;
  return --at_max == 0 && max > 0;
}

}  // namespace

std::string PluginConfig::name() const {
  switch (kind) {
    case PluginKind::kNodeResourcesFit:
      switch (fit.strategy) {
        case FitStrategy::kLeastAllocated:
          return "NodeResourcesFit";
        case FitStrategy::kMostAllocated:
          return "NodeResourcesFit/MostAllocated";
        case FitStrategy::kRequestedToCapacityRatio:
          return "NodeResourcesFit/RequestedToCapacityRatio";
      }
      break;
    case PluginKind::kBalancedAllocation:
      return "NodeResourcesBalancedAllocation";
    case PluginKind::kImageLocality:
      return "ImageLocality";
    case PluginKind::kTaintToleration:
      return "TaintToleration";
    case PluginKind::kNodeAffinity:
      return "NodeAffinity";
    case PluginKind::kPodTopologySpread:
      return "PodTopologySpread";
    case PluginKind::kInterPodAffinity:
      return "InterPodAffinity";
  }
  return "?";
}

std::unique_ptr<Plugin> make_plugin(const PluginConfig& config) {
  switch (config.kind) {
    case PluginKind::kNodeResourcesFit:
      return make_node_resources_fit(config.fit);
    case PluginKind::kBalancedAllocation:
      return make_balanced_allocation();
    case PluginKind::kImageLocality:
      return make_image_locality();
    case PluginKind::kTaintToleration:
      return make_taint_toleration();
    case PluginKind::kNodeAffinity:
      return make_node_affinity();
    case PluginKind::kPodTopologySpread:
      return make_pod_topology_spread();
    case PluginKind::kInterPodAffinity:
      return make_inter_pod_affinity();
  }
  return nullptr;
}

bool plugin_config_from_name(std::string_view name, std::int64_t weight, PluginConfig& config,
                             std::string* error) {
  struct Known {
    std::string_view name;
    PluginKind kind;
    FitStrategy strategy;
  };
  constexpr Known kKnown[] = {
      {"ImageLocality", PluginKind::kImageLocality, FitStrategy::kLeastAllocated},
      {"InterPodAffinity", PluginKind::kInterPodAffinity, FitStrategy::kLeastAllocated},
      {"NodeAffinity", PluginKind::kNodeAffinity, FitStrategy::kLeastAllocated},
      {"NodeResourcesBalancedAllocation", PluginKind::kBalancedAllocation,
       FitStrategy::kLeastAllocated},
      {"NodeResourcesFit", PluginKind::kNodeResourcesFit, FitStrategy::kLeastAllocated},
      {"NodeResourcesFit/MostAllocated", PluginKind::kNodeResourcesFit,
       FitStrategy::kMostAllocated},
      {"NodeResourcesFit/RequestedToCapacityRatio", PluginKind::kNodeResourcesFit,
       FitStrategy::kRequestedToCapacityRatio},
      {"PodTopologySpread", PluginKind::kPodTopologySpread, FitStrategy::kLeastAllocated},
      {"TaintToleration", PluginKind::kTaintToleration, FitStrategy::kLeastAllocated},
  };
  for (const Known& known : kKnown) {
    if (known.name != name) continue;
    config = PluginConfig{};
    config.kind = known.kind;
    config.weight = weight;
    config.fit.strategy = known.strategy;
    if (known.strategy == FitStrategy::kRequestedToCapacityRatio) {
      config.fit.shape = {{0, 0}, {100, 10}};  // as registered: bin packing
    }
    return true;
  }
  if (error != nullptr) {
    *error = "the incremental scheduler has no plug-in '" + std::string(name) + "'; it knows: ";
    for (const Known& known : kKnown) {
      *error += std::string(known.name) + (&known == &kKnown[8] ? "" : ", ");
    }
  }
  return false;
}

bool plugin_scores(PluginKind kind) { return kind != PluginKind::kInterPodAffinity; }

std::vector<PluginConfig> benchmark_plugins(int scorers) {
  if (scorers < 1 || scorers > kMaxBenchmarkScorers) {
    throw std::invalid_argument("scorers must be in 1.." + std::to_string(kMaxBenchmarkScorers) +
                                ", got " + std::to_string(scorers));
  }
  // Every field spelled out: GCC 12 misreads the default shape's initializer list here.
  const std::vector<ShapePoint> spread_shape = {{0, 10}, {100, 0}};
  const FitArgs least{FitStrategy::kLeastAllocated, 1, 1, spread_shape};
  const FitArgs most{FitStrategy::kMostAllocated, 1, 1, spread_shape};
  const FitArgs packing{FitStrategy::kRequestedToCapacityRatio, 1, 1, {{0, 0}, {100, 10}}};
  const FitArgs cpu_heavy{FitStrategy::kLeastAllocated, 3, 1, spread_shape};
  const FitArgs peaked{FitStrategy::kRequestedToCapacityRatio, 1, 1, {{0, 0}, {50, 10}, {100, 2}}};
  // 11..20 (the paper's experiment asks for up to 20 soft constraints): further weighted
  // NodeResourcesFit configurations, each computing its own score.
  const FitArgs memory_heavy{FitStrategy::kLeastAllocated, 1, 3, spread_shape};
  const FitArgs most_cpu{FitStrategy::kMostAllocated, 3, 1, spread_shape};
  const FitArgs most_memory{FitStrategy::kMostAllocated, 1, 3, spread_shape};
  const FitArgs fill_to_80{
      FitStrategy::kRequestedToCapacityRatio, 1, 1, {{0, 0}, {80, 10}, {100, 0}}};
  const FitArgs spread_cpu{FitStrategy::kRequestedToCapacityRatio, 2, 1, spread_shape};
  const FitArgs least_memory{FitStrategy::kLeastAllocated, 1, 2, spread_shape};
  const FitArgs early_peak{
      FitStrategy::kRequestedToCapacityRatio, 1, 1, {{0, 2}, {30, 10}, {100, 0}}};
  const FitArgs most_cpu2{FitStrategy::kMostAllocated, 2, 1, spread_shape};
  const FitArgs packing_memory{FitStrategy::kRequestedToCapacityRatio, 1, 2, {{0, 0}, {100, 10}}};
  const FitArgs cpu_heavier{FitStrategy::kLeastAllocated, 5, 1, spread_shape};
  const std::pair<PluginKind, std::int64_t> kinds[] = {
      {PluginKind::kTaintToleration, 3},    {PluginKind::kNodeAffinity, 2},
      {PluginKind::kPodTopologySpread, 2},  {PluginKind::kNodeResourcesFit, 1},
      {PluginKind::kBalancedAllocation, 1}, {PluginKind::kImageLocality, 1},
      {PluginKind::kNodeResourcesFit, 1},   {PluginKind::kNodeResourcesFit, 1},
      {PluginKind::kNodeResourcesFit, 1},   {PluginKind::kNodeResourcesFit, 1},
      {PluginKind::kNodeResourcesFit, 1},   {PluginKind::kNodeResourcesFit, 1},
      {PluginKind::kNodeResourcesFit, 1},   {PluginKind::kNodeResourcesFit, 1},
      {PluginKind::kNodeResourcesFit, 1},   {PluginKind::kNodeResourcesFit, 2},
      {PluginKind::kNodeResourcesFit, 1},   {PluginKind::kNodeResourcesFit, 2},
      {PluginKind::kNodeResourcesFit, 1},   {PluginKind::kNodeResourcesFit, 1},
  };
  const FitArgs* fits[] = {&least,        &least,      &least,       &least,          &least,
                           &least,        &most,       &packing,     &cpu_heavy,      &peaked,
                           &memory_heavy, &most_cpu,   &most_memory, &fill_to_80,     &spread_cpu,
                           &least_memory, &early_peak, &most_cpu2,   &packing_memory, &cpu_heavier};
  static_assert(std::size(kinds) == kMaxBenchmarkScorers &&
                std::size(fits) == kMaxBenchmarkScorers);
  std::vector<PluginConfig> out;
  for (int i = 0; i < scorers; ++i) {
    PluginConfig config{};
    config.kind = kinds[i].first;
    config.weight = kinds[i].second;
    config.fit = *fits[i];
    out.push_back(std::move(config));
  }
  PluginConfig anti;
  anti.kind = PluginKind::kInterPodAffinity;
  anti.fit = least;
  out.push_back(std::move(anti));
  return out;
}

// A bound pod's required anti-affinity term, counted per domain of its key (the symmetric half of
// InterPodAffinity's filter).
struct IncrementalScheduler::SymTerm {
  int selector;
  TopologyKey key;
  std::vector<int> count;
};

struct IncrementalScheduler::Class {
  struct Spread {
    int selector;
    TopologyKey key;
    int max_skew;
    bool hard;
    bool self;                        // the pod carries the selector
    std::vector<std::int64_t> count;  // matching pods per domain, on nodes passing the affinity
    std::vector<char> present;        // domains holding a node that passes the affinity
    std::int64_t min = 0;             // hostname and hard: min over present domains
    int at_min = 0;
  };
  struct Anti {
    int selector;
    TopologyKey key;
    std::vector<int> count;  // pods carrying the selector per domain
  };
  struct Group {
    int offset = 0;  // of its tree in `tree` (index 1 is the root)
    int size = 0;
    int ok_count = 0;  // nodes passing the node-level filters
    std::int64_t max_taint = 0, max_affinity = 0;
    int at_max_taint = 0, at_max_affinity = 0;
    bool rescan = false;
    bool feasible = false;
    std::int64_t spread_score = 0;  // weighted, normalised PodTopologySpread score
    std::vector<int> domains;       // per group-level spread slot
  };

  PodSpec pod;
  std::vector<int> labels;          // label ids the pod carries
  std::vector<int> anti_selectors;  // label id of each anti-affinity term's selector
  bool initialized = false;
  bool fallback = false;
  int image = -1;
  std::int64_t image_on = 0, image_off = 0;  // ImageLocality on a node with / without the image
  std::vector<Spread> spreads;
  std::vector<int> slot_spread;  // slot of the group tuple -> its (zone or site) spread
  bool soft_spread = false;
  std::vector<Anti> antis;
  std::vector<int> sym;  // sym_terms_ whose selector the pod carries

  std::vector<char> affinity_ok, static_ok, ok, has_image;
  std::vector<std::int64_t> raw_taint, raw_affinity, fixed, total;
  std::vector<int> group, pos;
  std::vector<Group> groups;
  std::vector<std::int64_t> tree;
  std::int64_t max_taint = 0, max_affinity = 0;  // the maxima `total` holds
  std::vector<int> dirty;
  std::vector<char> is_dirty;
  std::vector<int> stamp;       // per domain, for counting distinct domains
  int epoch = 0;                // the stamp of the current count
  std::vector<double> weights;  // per slot: a soft spread's weight in this cycle
  bool rescan = false;          // some group's maximum must be recomputed
  bool rebuild = true;          // recompute every node
  bool rebuild_trees = true;    // refill every tree from `total`

  bool carries(int label) const {
    return std::find(labels.begin(), labels.end(), label) != labels.end();
  }
};

IncrementalScheduler::IncrementalScheduler(NodeTable& nodes, std::vector<PluginConfig> plugins)
    : nodes_(nodes), configs_(std::move(plugins)) {
  if (nodes_.size() > kNodeMask) throw std::invalid_argument("too many nodes (2^24 at most)");
  for (std::size_t i = 0; i < configs_.size(); ++i) {
    const PluginConfig& config = configs_[i];
    std::string error;
    if (!fallback_.add_plugin(make_plugin(config), config.weight, &error)) {
      throw std::invalid_argument(error);
    }
    plugins_.push_back(make_plugin(config));
    switch (config.kind) {
      case PluginKind::kNodeResourcesFit:
        if (fit_plugin_ < 0) fit_plugin_ = static_cast<int>(i);
        local_scorers_.push_back(static_cast<int>(i));
        break;
      case PluginKind::kBalancedAllocation:
        local_scorers_.push_back(static_cast<int>(i));
        break;
      case PluginKind::kImageLocality:
        w_image_ += config.weight;
        break;
      case PluginKind::kTaintToleration:
        taint_ = true;
        w_taint_ += config.weight;
        break;
      case PluginKind::kNodeAffinity:
        affinity_ = true;
        w_affinity_ += config.weight;
        break;
      case PluginKind::kPodTopologySpread:
        spread_ = true;
        w_spread_ += config.weight;
        break;
      case PluginKind::kInterPodAffinity:
        anti_ = true;
        break;
    }
  }
  for (TopologyKey key : {TopologyKey::kSite, TopologyKey::kZone}) {
    const int k = key_index(key);
    std::vector<int>& start = domain_start_[k];
    start.assign(static_cast<std::size_t>(nodes_.domain_count(key)) + 1, 0);
    for (int n = 0; n < nodes_.size(); ++n) ++start[nodes_.domain(key, n) + 1];
    for (std::size_t d = 1; d < start.size(); ++d) start[d] += start[d - 1];
    domain_nodes_[k].resize(static_cast<std::size_t>(nodes_.size()));
    std::vector<int> fill(start.begin(), start.end() - 1);
    for (int n = 0; n < nodes_.size(); ++n) domain_nodes_[k][fill[nodes_.domain(key, n)]++] = n;
  }
  // Node shapes: nodes with equal labels and taints (in order) share one.
  std::unordered_map<std::string, int> shape_of;
  std::string key;
  shape_.resize(static_cast<std::size_t>(nodes_.size()));
  for (int n = 0; n < nodes_.size(); ++n) {
    key.clear();
    for (const Label& label : nodes_.labels_[n]) {
      key.append(label.first).push_back('\0');
      key.append(label.second).push_back('\0');
    }
    key.push_back('\1');
    for (const Taint& taint : nodes_.taints_[n]) {
      key.append(taint.key).push_back('\0');
      key.append(taint.value).push_back('\0');
      key.push_back(static_cast<char>('0' + static_cast<int>(taint.effect)));
    }
    const auto [it, added] = shape_of.emplace(key, static_cast<int>(shape_node_.size()));
    if (added) shape_node_.push_back(n);
    shape_[n] = it->second;
  }
  // Anti-affinity terms of pods bound before this scheduler.
  for (int term = 0; term < nodes_.anti_affinity_terms(); ++term) {
    const PodAntiAffinityTerm& t = nodes_.anti_affinity_term(term);
    SymTerm sym{intern_label(t.selector), t.key,
                std::vector<int>(static_cast<std::size_t>(nodes_.domain_count(t.key)), 0)};
    for (int n = 0; n < nodes_.size(); ++n) {
      sym.count[nodes_.domain(t.key, n)] += nodes_.pods_with_anti_affinity(term, n);
    }
    sym_terms_.push_back(std::move(sym));
  }
}

IncrementalScheduler::~IncrementalScheduler() = default;

int IncrementalScheduler::intern_label(const std::string& label) {
  for (std::size_t i = 0; i < label_names_.size(); ++i) {
    if (label_names_[i] == label) return static_cast<int>(i);
  }
  label_names_.push_back(label);
  return static_cast<int>(label_names_.size() - 1);
}

int IncrementalScheduler::add_template(PodSpec pod) {
  auto c = std::make_unique<Class>();
  for (const std::string& label : pod.labels) c->labels.push_back(intern_label(label));
  for (const PodAntiAffinityTerm& term : pod.anti_affinity) {
    c->anti_selectors.push_back(intern_label(term.selector));
  }
  c->pod = std::move(pod);
  classes_.push_back(std::move(c));
  return static_cast<int>(classes_.size() - 1);
}

void IncrementalScheduler::init_class(Class& c) {
  c.initialized = true;
  const int n_nodes = nodes_.size();
  const PodSpec& pod = c.pod;
  if (spread_) {
    for (const TopologySpreadConstraint& k : pod.topology_spread) {
      // A ScheduleAnyway spread over hostname weighs ln(feasible nodes + 2), which every
      // feasibility change moves: left to the exhaustive path.
      if (!k.do_not_schedule && k.key == TopologyKey::kHostname) c.fallback = true;
    }
  }
  if (c.fallback) return;
  const auto n_size = static_cast<std::size_t>(n_nodes);
  c.affinity_ok.assign(n_size, 0);
  c.static_ok.assign(n_size, 0);
  c.ok.assign(n_size, 0);
  c.has_image.assign(n_size, 0);
  c.raw_taint.assign(n_size, 0);
  c.raw_affinity.assign(n_size, 0);
  c.fixed.assign(n_size, 0);
  c.total.assign(n_size, 0);
  c.group.assign(n_size, 0);
  c.pos.assign(n_size, 0);
  c.is_dirty.assign(n_size, 0);
  c.dirty.reserve(n_size);  // a node is listed at most once: no growth while scheduling
  const Plugin* taint = nullptr;
  const Plugin* affinity = nullptr;
  for (std::size_t i = 0; i < configs_.size(); ++i) {
    if (configs_[i].kind == PluginKind::kTaintToleration) taint = plugins_[i].get();
    if (configs_[i].kind == PluginKind::kNodeAffinity) affinity = plugins_[i].get();
  }
  // The static parts read only a node's labels and taints: evaluated once per node shape.
  std::vector<char> shape_done(shape_node_.size(), 0);
  for (int n = 0; n < n_nodes; ++n) {
    const int first = shape_node_[shape_[n]];
    if (shape_done[shape_[n]]) {
      c.affinity_ok[n] = c.affinity_ok[first];
      c.static_ok[n] = c.static_ok[first];
      c.raw_taint[n] = c.raw_taint[first];
      c.raw_affinity[n] = c.raw_affinity[first];
      continue;
    }
    shape_done[shape_[n]] = 1;
    c.affinity_ok[n] = required_affinity_holds(pod, nodes_, n);
    bool ok = true;
    if (taint != nullptr) {
      ok = taint->filter(nodes_, pod, n);
      c.raw_taint[n] = taint->score(nodes_, pod, n);
    }
    if (affinity != nullptr) {
      ok = ok && c.affinity_ok[n];
      c.raw_affinity[n] = affinity->score(nodes_, pod, n);
    }
    c.static_ok[n] = ok;
  }
  if (spread_) {
    for (const TopologySpreadConstraint& k : pod.topology_spread) {
      Class::Spread s{
          intern_label(k.selector), k.key, k.max_skew, k.do_not_schedule, false, {}, {}, 0, 0};
      s.self = c.carries(s.selector);
      const auto domains = static_cast<std::size_t>(nodes_.domain_count(k.key));
      s.count.assign(domains, 0);
      s.present.assign(domains, 0);
      const int label = nodes_.pod_label_id(k.selector);
      for (int n = 0; n < n_nodes; ++n) {
        if (!c.affinity_ok[n]) continue;
        const int d = nodes_.domain(k.key, n);
        s.present[d] = 1;
        if (label >= 0) s.count[d] += nodes_.pods_with_label(label, n);
      }
      if (k.key == TopologyKey::kHostname) {
        std::int64_t min = -1;
        for (std::size_t d = 0; d < domains; ++d) {
          if (s.present[d] && (min < 0 || s.count[d] < min)) min = s.count[d];
        }
        s.min = std::max<std::int64_t>(min, 0);
        for (std::size_t d = 0; d < domains; ++d) s.at_min += s.present[d] && s.count[d] == s.min;
      } else {  // zone or site: a slot of the group tuple
        c.slot_spread.push_back(static_cast<int>(c.spreads.size()));
      }
      c.soft_spread = c.soft_spread || !k.do_not_schedule;
      c.spreads.push_back(std::move(s));
    }
  }
  if (anti_) {
    for (const PodAntiAffinityTerm& term : pod.anti_affinity) {
      Class::Anti a{intern_label(term.selector), term.key,
                    std::vector<int>(static_cast<std::size_t>(nodes_.domain_count(term.key)), 0)};
      const int label = nodes_.pod_label_id(term.selector);
      if (label >= 0) {
        for (int n = 0; n < n_nodes; ++n) {
          a.count[nodes_.domain(term.key, n)] += nodes_.pods_with_label(label, n);
        }
      }
      c.antis.push_back(std::move(a));
    }
    for (std::size_t j = 0; j < sym_terms_.size(); ++j) {
      if (c.carries(sym_terms_[j].selector)) c.sym.push_back(static_cast<int>(j));
    }
  }
  // Groups: nodes with the same domain for every zone- or site-level spread.
  std::map<std::vector<int>, int> group_of;
  std::vector<int> tuple(c.slot_spread.size());
  for (int n = 0; n < n_nodes; ++n) {
    for (std::size_t s = 0; s < tuple.size(); ++s) {
      tuple[s] = nodes_.domain(c.spreads[c.slot_spread[s]].key, n);
    }
    auto [it, added] = group_of.emplace(tuple, static_cast<int>(c.groups.size()));
    if (added) {
      c.groups.emplace_back();
      c.groups.back().domains = tuple;
    }
    c.group[n] = it->second;
    c.pos[n] = c.groups[it->second].size++;
  }
  int offset = 0;
  for (Class::Group& g : c.groups) {
    g.offset = offset;
    offset += 2 * g.size;
  }
  c.tree.assign(static_cast<std::size_t>(offset), kNone);
  int max_domains = 0;
  for (const Class::Spread& s : c.spreads) {
    max_domains = std::max(max_domains, nodes_.domain_count(s.key));
  }
  c.stamp.assign(static_cast<std::size_t>(max_domains), 0);
  c.weights.assign(c.slot_spread.size(), 0.0);
  if (w_image_ > 0 && !pod.image.empty()) c.image = nodes_.image_id(pod.image);
  c.image_off = image_locality_score(false, 0, 0, n_nodes);
  c.image_on = c.image >= 0 ? image_locality_score(true, nodes_.image_size(c.image),
                                                   nodes_.nodes_with_image(c.image), n_nodes)
                            : c.image_off;
  c.rebuild = true;
}

void IncrementalScheduler::recompute_node(Class& c, int n) {
  ++nodes_recomputed_;
  const PodSpec& pod = c.pod;
  bool ok = c.static_ok[n];
  if (ok && fit_plugin_ >= 0) ok = plugins_[fit_plugin_]->filter(nodes_, pod, n);
  for (const Class::Spread& s : c.spreads) {
    if (!ok) break;
    if (s.hard && s.key == TopologyKey::kHostname) ok = s.count[n] + s.self - s.min <= s.max_skew;
  }
  for (const Class::Anti& a : c.antis) {
    if (!ok) break;
    ok = a.count[nodes_.domain(a.key, n)] == 0;
  }
  for (int j : c.sym) {
    if (!ok) break;
    const SymTerm& term = sym_terms_[j];
    ok = term.count[nodes_.domain(term.key, n)] == 0;
  }
  // An infeasible node's scores are not needed: it only becomes feasible again through this
  // function, which then scores it afresh.
  if (ok) {
    std::int64_t fixed = 0;
    for (int i : local_scorers_) fixed += configs_[i].weight * plugins_[i]->score(nodes_, pod, n);
    c.has_image[n] = c.image >= 0 && nodes_.has_image(n, c.image);
    fixed += w_image_ * (c.has_image[n] ? c.image_on : c.image_off);
    c.fixed[n] = fixed;
    c.total[n] = fixed + w_taint_ * normalized_score(c.raw_taint[n], c.max_taint, true) +
                 w_affinity_ * normalized_score(c.raw_affinity[n], c.max_affinity, false);
  }
  Class::Group& g = c.groups[c.group[n]];
  if (ok != static_cast<bool>(c.ok[n])) {
    c.ok[n] = ok;
    if (ok) {
      ++g.ok_count;
      add_to_max(c.raw_taint[n], g.max_taint, g.at_max_taint);
      add_to_max(c.raw_affinity[n], g.max_affinity, g.at_max_affinity);
    } else {
      --g.ok_count;
      g.rescan = remove_from_max(c.raw_taint[n], g.max_taint, g.at_max_taint) || g.rescan;
      g.rescan = remove_from_max(c.raw_affinity[n], g.max_affinity, g.at_max_affinity) || g.rescan;
      c.rescan = c.rescan || g.rescan;
    }
  }
  if (!c.rebuild_trees) {
    std::int64_t* tree = c.tree.data() + g.offset;
    int i = g.size + c.pos[n];
    tree[i] = ok ? tree_key(c.total[n], n) : kNone;
    // Up to the first ancestor that keeps its value: those above it keep theirs too.
    for (i >>= 1; i >= 1; i >>= 1) {
      const std::int64_t top = std::max(tree[2 * i], tree[2 * i + 1]);
      if (tree[i] == top) break;
      tree[i] = top;
    }
  }
}

void IncrementalScheduler::rescan_group_maxima(Class& c) {
  c.rescan = false;
  for (Class::Group& g : c.groups) {
    if (!g.rescan) continue;
    g.max_taint = g.max_affinity = 0;
    g.at_max_taint = g.at_max_affinity = 0;
  }
  // Rare (a group's last feasible node with the maximum filled up): one pass over the nodes
  // serves every group that needs it.
  for (int n = 0; n < nodes_.size(); ++n) {
    Class::Group& g = c.groups[c.group[n]];
    if (!g.rescan || !c.ok[n]) continue;
    add_to_max(c.raw_taint[n], g.max_taint, g.at_max_taint);
    add_to_max(c.raw_affinity[n], g.max_affinity, g.at_max_affinity);
  }
  for (Class::Group& g : c.groups) g.rescan = false;
}

void IncrementalScheduler::rebuild_scores(Class& c) {
  ++rebuilds_;
  for (int n = 0; n < nodes_.size(); ++n) {
    c.total[n] = c.fixed[n] + w_taint_ * normalized_score(c.raw_taint[n], c.max_taint, true) +
                 w_affinity_ * normalized_score(c.raw_affinity[n], c.max_affinity, false);
  }
  c.rebuild_trees = true;
}

void IncrementalScheduler::rebuild_trees(Class& c) {
  c.rebuild_trees = false;
  for (int n = 0; n < nodes_.size(); ++n) {
    const Class::Group& g = c.groups[c.group[n]];
    c.tree[g.offset + g.size + c.pos[n]] = c.ok[n] ? tree_key(c.total[n], n) : kNone;
  }
  for (const Class::Group& g : c.groups) {
    std::int64_t* tree = c.tree.data() + g.offset;
    for (int i = g.size - 1; i >= 1; --i) tree[i] = std::max(tree[2 * i], tree[2 * i + 1]);
  }
}

void IncrementalScheduler::mark_dirty(Class& c, int node) {
  if (c.is_dirty[node]) return;
  c.is_dirty[node] = 1;
  c.dirty.push_back(node);
}

void IncrementalScheduler::mark_domain_dirty(Class& c, TopologyKey key, int domain) {
  if (key == TopologyKey::kHostname) {
    mark_dirty(c, domain);
    return;
  }
  const int k = key_index(key);
  for (int i = domain_start_[k][domain]; i < domain_start_[k][domain + 1]; ++i) {
    mark_dirty(c, domain_nodes_[k][i]);
  }
}

IncrementalScheduler::Result IncrementalScheduler::select_fallback(Class& c) {
  const Framework::Result r = fallback_.select(nodes_, c.pod);
  return {r.node, r.feasible, r.total_score};
}

IncrementalScheduler::Result IncrementalScheduler::select(int template_id) {
  Class& c = *classes_.at(static_cast<std::size_t>(template_id));
  if (!c.initialized) init_class(c);
  if (c.fallback) return select_fallback(c);
  const int n_nodes = nodes_.size();

  // ImageLocality: the spread of the pod's image moves every holder's score alike.
  if (w_image_ > 0 && !c.pod.image.empty()) {
    if (c.image < 0) c.image = nodes_.image_id(c.pod.image);
    const std::int64_t on = c.image >= 0
                                ? image_locality_score(true, nodes_.image_size(c.image),
                                                       nodes_.nodes_with_image(c.image), n_nodes)
                                : c.image_off;
    if (on != c.image_on) {
      const std::int64_t delta = w_image_ * (on - c.image_on);
      c.image_on = on;
      for (int n = 0; n < n_nodes; ++n) {
        if (!c.has_image[n]) continue;
        c.fixed[n] += delta;
        c.total[n] += delta;
      }
      c.rebuild_trees = true;
    }
  }

  if (c.rebuild) {
    ++rebuilds_;
    c.rebuild = false;
    c.rebuild_trees = true;
    for (int n = 0; n < n_nodes; ++n) recompute_node(c, n);
    for (int n : c.dirty) c.is_dirty[n] = 0;
  } else {
    for (int n : c.dirty) {
      c.is_dirty[n] = 0;
      recompute_node(c, n);
    }
  }
  c.dirty.clear();

  // Group-level filters: zone- and site-level DoNotSchedule spreads.
  for (std::size_t s = 0; s < c.slot_spread.size(); ++s) {
    Class::Spread& spread = c.spreads[c.slot_spread[s]];
    if (!spread.hard) continue;
    std::int64_t min = -1;
    for (std::size_t d = 0; d < spread.count.size(); ++d) {
      if (spread.present[d] && (min < 0 || spread.count[d] < min)) min = spread.count[d];
    }
    spread.min = std::max<std::int64_t>(min, 0);
  }
  if (c.rescan) rescan_group_maxima(c);
  std::int64_t max_taint = 0, max_affinity = 0;
  int feasible = 0;
  for (Class::Group& g : c.groups) {
    g.feasible = g.ok_count > 0;
    for (std::size_t s = 0; s < c.slot_spread.size() && g.feasible; ++s) {
      const Class::Spread& spread = c.spreads[c.slot_spread[s]];
      if (!spread.hard) continue;
      g.feasible = spread.count[g.domains[s]] + spread.self - spread.min <= spread.max_skew;
    }
    if (!g.feasible) continue;
    feasible += g.ok_count;
    max_taint = std::max(max_taint, g.max_taint);
    max_affinity = std::max(max_affinity, g.max_affinity);
  }
  Result result;
  result.feasible = feasible;
  if (feasible == 0) return result;
  if ((taint_ && max_taint != c.max_taint) || (affinity_ && max_affinity != c.max_affinity)) {
    c.max_taint = max_taint;
    c.max_affinity = max_affinity;
    rebuild_scores(c);
  }
  if (c.rebuild_trees) rebuild_trees(c);

  // ScheduleAnyway spreads: one raw score per group, normalised over the feasible groups.
  if (c.soft_spread) {
    std::int64_t max = 0, min = std::numeric_limits<std::int64_t>::max();
    for (Class::Group& g : c.groups) g.spread_score = 0;
    // Each soft spread's weight: ln(distinct domains among the feasible nodes + 2).
    const std::size_t soft = c.slot_spread.size();
    for (std::size_t s = 0; s < soft; ++s) {
      const Class::Spread& spread = c.spreads[c.slot_spread[s]];
      if (spread.hard) continue;
      ++c.epoch;
      std::size_t domains = 0;
      for (const Class::Group& g : c.groups) {
        if (!g.feasible) continue;
        int& seen = c.stamp[g.domains[s]];
        domains += seen != c.epoch;
        seen = c.epoch;
      }
      c.weights[s] = spread_weight(domains);
    }
    for (Class::Group& g : c.groups) {
      if (!g.feasible) continue;
      double sum = 0.0;
      for (std::size_t s = 0; s < soft; ++s) {
        const Class::Spread& spread = c.spreads[c.slot_spread[s]];
        if (spread.hard) continue;
        sum += spread_term(spread.count[g.domains[s]], c.weights[s], spread.max_skew);
      }
      g.spread_score = std::llround(sum);
      max = std::max(max, g.spread_score);
      min = std::min(min, g.spread_score);
    }
    for (Class::Group& g : c.groups) {
      if (g.feasible)
        g.spread_score = w_spread_ * spread_normalized_score(g.spread_score, max, min);
    }
  }

  std::int64_t best = kNone;
  for (const Class::Group& g : c.groups) {
    if (!g.feasible) continue;
    const std::int64_t top = c.tree[g.offset + 1];
    const std::int64_t key = tree_key(key_total(top) + g.spread_score, key_node(top));
    best = std::max(best, key);
  }
  result.node = key_node(best);
  result.total_score = key_total(best);
  return result;
}

IncrementalScheduler::Result IncrementalScheduler::schedule(int template_id) {
  const Result result = select(template_id);
  if (result.node >= 0) bind(template_id, result.node);
  return result;
}

void IncrementalScheduler::bind(int template_id, int node) {
  const Class& bound = *classes_.at(static_cast<std::size_t>(template_id));
  nodes_.bind(node, bound.pod);
  if (anti_) {
    for (std::size_t i = 0; i < bound.pod.anti_affinity.size(); ++i) {
      const PodAntiAffinityTerm& term = bound.pod.anti_affinity[i];
      const int selector = bound.anti_selectors[i];
      std::size_t j = 0;
      while (j < sym_terms_.size() &&
             (sym_terms_[j].selector != selector || sym_terms_[j].key != term.key)) {
        ++j;
      }
      if (j == sym_terms_.size()) {
        sym_terms_.push_back(
            {selector, term.key,
             std::vector<int>(static_cast<std::size_t>(nodes_.domain_count(term.key)), 0)});
        for (auto& c : classes_) {
          if (c->initialized && !c->fallback && c->carries(selector)) {
            c->sym.push_back(static_cast<int>(j));
          }
        }
      }
      const int d = nodes_.domain(term.key, node);
      if (++sym_terms_[j].count[d] != 1) continue;
      for (auto& c : classes_) {
        if (c->initialized && !c->fallback && c->carries(selector)) {
          mark_domain_dirty(*c, term.key, d);
        }
      }
    }
  }
  for (auto& cp : classes_) {
    Class& c = *cp;
    if (!c.initialized || c.fallback) continue;
    mark_dirty(c, node);
    for (Class::Spread& s : c.spreads) {
      if (!c.affinity_ok[node] || !bound.carries(s.selector)) continue;
      const int d = nodes_.domain(s.key, node);
      ++s.count[d];
      if (s.key != TopologyKey::kHostname || !s.hard) continue;
      // The hostname minimum over present nodes rises when its last holder gains a pod.
      if (s.count[d] - 1 == s.min && --s.at_min == 0) {
        ++s.min;
        for (std::size_t n = 0; n < s.count.size(); ++n) {
          s.at_min += s.present[n] && s.count[n] == s.min;
        }
        c.rebuild = true;
      }
    }
    for (Class::Anti& a : c.antis) {
      if (!bound.carries(a.selector)) continue;
      const int d = nodes_.domain(a.key, node);
      if (++a.count[d] == 1) mark_domain_dirty(c, a.key, d);
    }
  }
}

}  // namespace edgetwin::scheduler_plugins::placement
