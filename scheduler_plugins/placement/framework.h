// A Kubernetes-style scheduling framework over a node table (docs/scheduling.md).
//
// One scheduling cycle for one pod: PreFilter (every plug-in, once) -> Filter (node by node,
// starting where the previous cycle stopped, until `num_feasible_nodes_to_find` feasible nodes
// are found) -> PreScore (once, over the feasible nodes) -> Score (per plug-in, per feasible node)
// -> NormalizeScore (per plug-in, over the feasible nodes, to 0..kMaxNodeScore) -> the weighted
// sum -> the winner (highest total, ties to the lowest node index) -> Reserve -> Bind.
// The scoring loop allocates nothing: every per-cycle buffer is a member reused across cycles.
// Not thread-safe; one Framework per scheduler.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scheduler_plugins/placement/edge.h"

namespace edgetwin::models {
struct DeviceType;
}

namespace edgetwin::scheduler_plugins::placement {

inline constexpr std::int64_t kMaxNodeScore = 100;
// What NodeResourcesFit's score counts for a pod that requests no cpu (no memory): kube-scheduler's
// DefaultMilliCPURequest and DefaultMemoryRequest (pkg/scheduler/util/pod_resources.go). A request
// of 0 here means "not set".
inline constexpr std::int64_t kDefaultMilliCpuRequest = 100;
inline constexpr std::int64_t kDefaultMemoryRequest = 200LL * 1024 * 1024;
inline std::int64_t non_zero_cpu(std::int64_t cpu_milli) {
  return cpu_milli == 0 ? kDefaultMilliCpuRequest : cpu_milli;
}
inline std::int64_t non_zero_memory(std::int64_t bytes) {
  return bytes == 0 ? kDefaultMemoryRequest : bytes;
}

enum class TaintEffect : std::uint8_t { kNoSchedule, kPreferNoSchedule, kNoExecute };
struct Taint {
  std::string key;
  std::string value;
  TaintEffect effect = TaintEffect::kNoSchedule;
};
// Kubernetes semantics: an empty key with `exists` tolerates every taint; `any_effect` is the
// empty effect (matches all effects); otherwise key, value (unless `exists`) and effect must match.
struct Toleration {
  std::string key;
  std::string value;
  bool exists = false;
  bool any_effect = false;
  TaintEffect effect = TaintEffect::kNoSchedule;
  bool tolerates(const Taint& taint) const;
};

using Label = std::pair<std::string, std::string>;

struct NodeSelectorRequirement {
  enum class Op : std::uint8_t { kIn, kNotIn, kExists, kDoesNotExist };
  std::string key;
  Op op = Op::kIn;
  std::vector<std::string> values;
};
// A term holds iff all its requirements hold (an empty term matches nothing, as in Kubernetes).
struct NodeSelectorTerm {
  std::vector<NodeSelectorRequirement> requirements;
  bool matches(std::span<const Label> node_labels) const;
};
struct PreferredSchedulingTerm {
  std::int64_t weight = 1;  // 1..100
  NodeSelectorTerm term;
};

// Topology domains a node belongs to: itself, its site, its zone.
enum class TopologyKey : std::uint8_t { kHostname, kSite, kZone };

struct TopologySpreadConstraint {
  int max_skew = 1;
  TopologyKey key = TopologyKey::kZone;
  bool do_not_schedule = true;  // false: ScheduleAnyway (scored, never filtered)
  std::string selector;         // a pod label "key=value"; pods carrying it are counted
};
// Required inter-pod anti-affinity: no pod carrying `selector` in the candidate's domain.
struct PodAntiAffinityTerm {
  std::string selector;  // a pod label "key=value"
  TopologyKey key = TopologyKey::kHostname;
};

struct PodSpec {
  std::int64_t cpu_milli = 0;
  std::int64_t memory_bytes = 0;
  std::vector<std::string> labels;  // "key=value"
  std::vector<Toleration> tolerations;
  std::vector<NodeSelectorTerm> required_node_affinity;  // OR of terms; empty: any node
  std::vector<PreferredSchedulingTerm> preferred_node_affinity;
  std::vector<TopologySpreadConstraint> topology_spread;
  std::vector<PodAntiAffinityTerm> anti_affinity;
  std::string image;  // "" for none
  EdgePodSpec edge;   // edge plug-ins (edge_plugins.h)
};

// One node as added; the table stores it column-wise.
struct NodeSpec {
  std::string name;
  std::int64_t cpu_milli = 0;     // allocatable
  std::int64_t memory_bytes = 0;  // allocatable
  std::string arch;
  std::string accelerator;
  std::vector<Label> labels;
  std::vector<Taint> taints;
  std::vector<std::string> images;  // names; sizes come from NodeTable::set_image_size
  std::string site;
  std::string zone;
  EdgeNodeSpec edge;
};

// A node built from a catalog device type: cores x 1000 millicores, its memory, arch,
// accelerator and labels(); edge: accelerator units, mean container start, power per busy core
// ((max - idle) / cores) and per busy accelerator (device_type stays -1: the caller's index).
NodeSpec node_from_device_type(const models::DeviceType& type, std::string name, std::string site,
                               std::string zone);

// The cluster state, structure-of-arrays: column[node]. Node indices are stable.
class NodeTable {
 public:
  int add_node(NodeSpec spec);
  int size() const { return static_cast<int>(alloc_cpu_.size()); }

  // Image sizes are per image (bytes); an image with no size set counts 0.
  void set_image_size(std::string_view image, std::int64_t bytes);
  int image_id(std::string_view image) const;  // -1 when unknown
  std::int64_t image_size(int image) const { return image_size_[image]; }
  int nodes_with_image(int image) const { return image_nodes_[image]; }
  bool has_image(int node, int image) const;

  int pod_label_id(std::string_view label) const;  // -1 when no pod ever carried it
  int pods_with_label(int label, int node) const { return pod_label_count_[label][node]; }
  // The distinct required anti-affinity terms of bound pods, and how many bound pods on each node
  // carry each (for the symmetric anti-affinity check).
  int anti_affinity_terms() const { return static_cast<int>(anti_terms_.size()); }
  const PodAntiAffinityTerm& anti_affinity_term(int term) const { return anti_terms_[term]; }
  int pods_with_anti_affinity(int term, int node) const { return anti_term_count_[term][node]; }
  int domain(TopologyKey key, int node) const;  // node index, site id or zone id
  int domain_count(TopologyKey key) const;
  // Sites: interned from the nodes' `site`, or added without nodes (a storage or registry site)
  // so that the edge plug-ins can name them. Ids are dense, in order of first appearance.
  int add_site(std::string_view site) { return intern(site_names_, site); }
  int site_id(std::string_view site) const;  // -1 when unknown
  int site_count() const { return static_cast<int>(site_names_.size()); }
  const std::string& site_name(int site) const { return site_names_[site]; }

  // Bind: the pod's requests are added, its labels and anti-affinity terms counted, its image
  // recorded on the node.
  void bind(int node, const PodSpec& pod);
  // The reverse of bind() for a pod bound to `node` that ends: its requests and counts are taken
  // off; its image stays recorded on the node (the image cache keeps it).
  void unbind(int node, const PodSpec& pod);
  // The node no longer holds image `image` (an image_id); nothing when it did not.
  void drop_image(int node, int image);

  // The columns, one entry per node, read directly by plug-ins. Change them through add_node and
  // bind; labels_ and taints_ may also be edited in place, images_ and the requests may not (they
  // are counted elsewhere).
  std::vector<std::string> name_;
  std::vector<std::int64_t> alloc_cpu_;
  std::vector<std::int64_t> alloc_mem_;
  std::vector<std::int64_t> req_cpu_;
  std::vector<std::int64_t> req_mem_;
  std::vector<std::int64_t> non_zero_req_cpu_;  // requests with the defaults for unset ones
  std::vector<std::int64_t> non_zero_req_mem_;
  std::vector<std::string> arch_;
  std::vector<std::string> accelerator_;
  std::vector<std::vector<Label>> labels_;
  std::vector<std::vector<Taint>> taints_;
  std::vector<std::vector<int>> images_;  // image ids present, per node
  std::vector<int> site_;
  std::vector<int> zone_;
  EdgeColumns edge_;

 private:
  int intern_image(std::string_view image);
  int intern_pod_label(std::string_view label);
  static int intern(std::vector<std::string>& names, std::string_view value);

  std::vector<std::string> image_names_;
  std::vector<std::int64_t> image_size_;
  std::vector<int> image_nodes_;
  std::vector<std::string> pod_label_names_;
  std::vector<std::vector<int>> pod_label_count_;  // [label][node]
  std::vector<PodAntiAffinityTerm> anti_terms_;
  std::vector<std::vector<int>> anti_term_count_;  // [term][node]
  std::vector<std::string> site_names_;
  std::vector<std::string> zone_names_;
};

// A plug-in implements any subset of the extension points; the has_* answers say which.
class Plugin {
 public:
  virtual ~Plugin() = default;
  virtual std::string_view name() const = 0;
  virtual bool has_filter() const { return false; }
  virtual bool has_score() const { return false; }
  // Once per cycle before filtering; false rejects the pod outright.
  virtual bool pre_filter(const NodeTable&, const PodSpec&) { return true; }
  // filter() and score() are const and may be called concurrently for different nodes (the
  // parallel scheduler does): they only read the table and what pre_filter / pre_score stored.
  virtual bool filter(const NodeTable&, const PodSpec&, int /*node*/) const { return true; }
  virtual void pre_score(const NodeTable&, const PodSpec&, std::span<const int> /*nodes*/) {}
  virtual std::int64_t score(const NodeTable&, const PodSpec&, int /*node*/) const { return 0; }
  // Rescales `scores` (one per scored node) in place to 0..kMaxNodeScore; default: none.
  virtual void normalize_score(std::span<std::int64_t> /*scores*/) const {}
  virtual void reserve(const NodeTable&, const PodSpec&, int /*node*/) {}
};

// Kubernetes' DefaultNormalizeScore: score * kMaxNodeScore / max; reversed: kMaxNodeScore minus
// that; when max is 0, all kMaxNodeScore if reversed, else unchanged (all 0).
void default_normalize_score(std::span<std::int64_t> scores, bool reverse);
// The same for one score, given the maximum over the scored nodes (computed from 0).
std::int64_t normalized_score(std::int64_t score, std::int64_t max, bool reverse);

// How many feasible nodes one cycle looks for (kube-scheduler's numFeasibleNodesToFind):
// all when num_nodes < 100 or percentage >= 100; percentage <= 0 is adaptive:
// max(5, 50 - num_nodes / 125); then max(100, num_nodes * percentage / 100).
int num_feasible_nodes_to_find(int num_nodes, int percentage_of_nodes_to_score);

class Framework {
 public:
  // 0: Kubernetes' adaptive rule; 100: exhaustive.
  explicit Framework(int percentage_of_nodes_to_score = 0)
      : percentage_(percentage_of_nodes_to_score) {}

  // False (nothing added) for a weight below 1; `error` says why.
  bool add_plugin(std::unique_ptr<Plugin> plugin, std::int64_t weight,
                  std::string* error = nullptr);

  struct Result {
    int node = -1;           // -1: unschedulable
    int nodes_examined = 0;  // filtered in this cycle
    int feasible = 0;        // scored in this cycle
    std::int64_t total_score = 0;
  };
  // One cycle; with a node found, reserves and binds the pod onto `nodes`.
  Result schedule(NodeTable& nodes, const PodSpec& pod);
  // Like schedule() but binds nothing.
  Result select(const NodeTable& nodes, const PodSpec& pod);

  // The nodes scored in the last cycle and their weighted totals.
  std::span<const int> last_feasible() const { return feasible_; }
  std::span<const std::int64_t> last_totals() const { return totals_; }
  int next_start_node_index() const { return next_start_; }

  // For the other architectures over the same configuration (batch_scheduler.h,
  // parallel_scheduler.h): the plug-ins in the order added, with their weights.
  int percentage_of_nodes_to_score() const { return percentage_; }
  int plugin_count() const { return static_cast<int>(plugins_.size()); }
  Plugin& plugin(int i) { return *plugins_[i].plugin; }
  const Plugin& plugin(int i) const { return *plugins_[i].plugin; }
  std::int64_t weight(int i) const { return plugins_[i].weight; }
  // PreFilter and Filter of every plug-in for `pod` on `node` alone, against the current state.
  bool feasible(const NodeTable& nodes, const PodSpec& pod, int node);
  // Reserve (every plug-in) and Bind `pod` onto `node`, as schedule() does with its winner.
  void bind(NodeTable& nodes, const PodSpec& pod, int node);

 private:
  struct Entry {
    std::unique_ptr<Plugin> plugin;
    std::int64_t weight;
  };
  int percentage_;
  int next_start_ = 0;
  std::vector<Entry> plugins_;
  std::vector<int> feasible_;
  std::vector<std::int64_t> scores_;
  std::vector<std::int64_t> totals_;
};

}  // namespace edgetwin::scheduler_plugins::placement
