#include "scheduler_plugins/placement/framework.h"

#include <algorithm>

#include "models/device_catalog.h"

namespace edgetwin::scheduler_plugins::placement {

bool Toleration::tolerates(const Taint& taint) const {
  if (!any_effect && effect != taint.effect) return false;
  if (key.empty()) return exists;  // an empty key tolerates everything only with Exists
  if (key != taint.key) return false;
  return exists || value == taint.value;
}

bool NodeSelectorTerm::matches(std::span<const Label> node_labels) const {
  if (requirements.empty()) return false;
  for (const NodeSelectorRequirement& r : requirements) {
    const Label* found = nullptr;
    for (const Label& label : node_labels) {
      if (label.first == r.key) {
        found = &label;
        break;
      }
    }
    const bool in_values = found != nullptr && std::find(r.values.begin(), r.values.end(),
                                                         found->second) != r.values.end();
    switch (r.op) {
      case NodeSelectorRequirement::Op::kIn:
        if (!in_values) return false;
        break;
      case NodeSelectorRequirement::Op::kNotIn:
        if (in_values) return false;
        break;
      case NodeSelectorRequirement::Op::kExists:
        if (found == nullptr) return false;
        break;
      case NodeSelectorRequirement::Op::kDoesNotExist:
        if (found != nullptr) return false;
        break;
    }
  }
  return true;
}

NodeSpec node_from_device_type(const models::DeviceType& type, std::string name, std::string site,
                               std::string zone) {
  NodeSpec spec;
  spec.name = std::move(name);
  spec.cpu_milli = static_cast<std::int64_t>(type.cores) * 1000;
  spec.memory_bytes = type.memory_bytes;
  spec.arch = type.arch;
  spec.accelerator = type.accelerator;
  spec.labels = type.labels();
  spec.site = std::move(site);
  spec.zone = std::move(zone);
  spec.edge.accelerators = type.accelerators;
  spec.edge.container_start_s = type.container_start.mean();
  spec.edge.core_power_w = (type.max_power_w - type.idle_power_w) / std::max(1, type.cores);
  spec.edge.accelerator_power_w = type.accelerator_power_w;
  return spec;
}

int NodeTable::intern(std::vector<std::string>& names, std::string_view value) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == value) return static_cast<int>(i);
  }
  names.emplace_back(value);
  return static_cast<int>(names.size() - 1);
}

int NodeTable::intern_image(std::string_view image) {
  const int id = intern(image_names_, image);
  if (static_cast<std::size_t>(id) == image_size_.size()) {
    image_size_.push_back(0);
    image_nodes_.push_back(0);
  }
  return id;
}

int NodeTable::intern_pod_label(std::string_view label) {
  const int id = intern(pod_label_names_, label);
  if (static_cast<std::size_t>(id) == pod_label_count_.size()) {
    pod_label_count_.emplace_back(static_cast<std::size_t>(size()), 0);
  }
  return id;
}

int NodeTable::add_node(NodeSpec spec) {
  const int node = size();
  name_.push_back(std::move(spec.name));
  alloc_cpu_.push_back(spec.cpu_milli);
  alloc_mem_.push_back(spec.memory_bytes);
  req_cpu_.push_back(0);
  req_mem_.push_back(0);
  non_zero_req_cpu_.push_back(0);
  non_zero_req_mem_.push_back(0);
  arch_.push_back(std::move(spec.arch));
  accelerator_.push_back(std::move(spec.accelerator));
  labels_.push_back(std::move(spec.labels));
  taints_.push_back(std::move(spec.taints));
  std::vector<int> images;
  for (const std::string& image : spec.images) {
    const int id = intern_image(image);
    if (std::find(images.begin(), images.end(), id) == images.end()) {
      images.push_back(id);
      ++image_nodes_[id];
    }
  }
  images_.push_back(std::move(images));
  site_.push_back(intern(site_names_, spec.site));
  zone_.push_back(intern(zone_names_, spec.zone));
  edge_.add(spec.edge, arch_.back(), accelerator_.back());
  for (std::vector<int>& counts : pod_label_count_) counts.push_back(0);
  for (std::vector<int>& counts : anti_term_count_) counts.push_back(0);
  return node;
}

void NodeTable::set_image_size(std::string_view image, std::int64_t bytes) {
  image_size_[intern_image(image)] = bytes;
}

int NodeTable::image_id(std::string_view image) const {
  for (std::size_t i = 0; i < image_names_.size(); ++i) {
    if (image_names_[i] == image) return static_cast<int>(i);
  }
  return -1;
}

bool NodeTable::has_image(int node, int image) const {
  const std::vector<int>& present = images_[node];
  return std::find(present.begin(), present.end(), image) != present.end();
}

int NodeTable::pod_label_id(std::string_view label) const {
  for (std::size_t i = 0; i < pod_label_names_.size(); ++i) {
    if (pod_label_names_[i] == label) return static_cast<int>(i);
  }
  return -1;
}

int NodeTable::site_id(std::string_view site) const {
  for (std::size_t i = 0; i < site_names_.size(); ++i) {
    if (site_names_[i] == site) return static_cast<int>(i);
  }
  return -1;
}

int NodeTable::domain(TopologyKey key, int node) const {
  switch (key) {
    case TopologyKey::kHostname:
      return node;
    case TopologyKey::kSite:
      return site_[node];
    case TopologyKey::kZone:
      return zone_[node];
  }
  return node;
}

int NodeTable::domain_count(TopologyKey key) const {
  switch (key) {
    case TopologyKey::kHostname:
      return size();
    case TopologyKey::kSite:
      return static_cast<int>(site_names_.size());
    case TopologyKey::kZone:
      return static_cast<int>(zone_names_.size());
  }
  return size();
}

void NodeTable::bind(int node, const PodSpec& pod) {
  req_cpu_[node] += pod.cpu_milli;
  req_mem_[node] += pod.memory_bytes;
  non_zero_req_cpu_[node] += non_zero_cpu(pod.cpu_milli);
  non_zero_req_mem_[node] += non_zero_memory(pod.memory_bytes);
  for (const std::string& label : pod.labels) ++pod_label_count_[intern_pod_label(label)][node];
  for (const PodAntiAffinityTerm& term : pod.anti_affinity) {
    std::size_t id = 0;
    while (id < anti_terms_.size() &&
           (anti_terms_[id].selector != term.selector || anti_terms_[id].key != term.key)) {
      ++id;
    }
    if (id == anti_terms_.size()) {
      anti_terms_.push_back(term);
      anti_term_count_.emplace_back(static_cast<std::size_t>(size()), 0);
    }
    ++anti_term_count_[id][node];
  }
  edge_.bind(node, pod.edge);
  if (!pod.image.empty()) {
    const int id = intern_image(pod.image);
    if (!has_image(node, id)) {
      images_[node].push_back(id);
      ++image_nodes_[id];
    }
  }
}

void NodeTable::unbind(int node, const PodSpec& pod) {
  req_cpu_[node] -= pod.cpu_milli;
  req_mem_[node] -= pod.memory_bytes;
  non_zero_req_cpu_[node] -= non_zero_cpu(pod.cpu_milli);
  non_zero_req_mem_[node] -= non_zero_memory(pod.memory_bytes);
  edge_.req_accelerators_[node] -= pod.edge.accelerators;
  for (const std::string& label : pod.labels) {
    const int id = pod_label_id(label);
    if (id >= 0) --pod_label_count_[id][node];
  }
  for (const PodAntiAffinityTerm& term : pod.anti_affinity) {
    for (std::size_t id = 0; id < anti_terms_.size(); ++id) {
      if (anti_terms_[id].selector == term.selector && anti_terms_[id].key == term.key) {
        --anti_term_count_[id][node];
        break;
      }
    }
  }
}

void NodeTable::drop_image(int node, int image) {
  std::vector<int>& present = images_[node];
  const auto it = std::find(present.begin(), present.end(), image);
  if (it == present.end()) return;
  present.erase(it);
  --image_nodes_[image];
}

void default_normalize_score(std::span<std::int64_t> scores, bool reverse) {
  std::int64_t max = 0;
  for (std::int64_t s : scores) max = std::max(max, s);
  for (std::int64_t& s : scores) s = normalized_score(s, max, reverse);
}

std::int64_t normalized_score(std::int64_t score, std::int64_t max, bool reverse) {
  if (max == 0) return reverse ? kMaxNodeScore : score;
  const std::int64_t s = kMaxNodeScore * score / max;
  return reverse ? kMaxNodeScore - s : s;
}

int num_feasible_nodes_to_find(int num_nodes, int percentage_of_nodes_to_score) {
  constexpr int kMinFeasibleNodesToFind = 100;
  constexpr int kMinFeasibleNodesPercentageToFind = 5;
  constexpr int kBasePercentageOfNodesToScore = 50;
  if (num_nodes < kMinFeasibleNodesToFind || percentage_of_nodes_to_score >= 100) return num_nodes;
  int percentage = percentage_of_nodes_to_score;
  if (percentage <= 0) {
    percentage = kBasePercentageOfNodesToScore - num_nodes / 125;
    percentage = std::max(percentage, kMinFeasibleNodesPercentageToFind);
  }
  const int found = static_cast<int>(static_cast<std::int64_t>(num_nodes) * percentage / 100);
  return std::max(found, kMinFeasibleNodesToFind);
}

bool Framework::add_plugin(std::unique_ptr<Plugin> plugin, std::int64_t weight,
                           std::string* error) {
  if (weight < 1) {
    if (error) {
      *error = "plug-in '" + std::string(plugin->name()) + "' has weight " +
               std::to_string(weight) + "; weights must be at least 1";
    }
    return false;
  }
  plugins_.push_back({std::move(plugin), weight});
  return true;
}

Framework::Result Framework::select(const NodeTable& nodes, const PodSpec& pod) {
  Result result;
  feasible_.clear();
  totals_.clear();
  const int n = nodes.size();
  if (n == 0) return result;
  for (Entry& e : plugins_) {
    if (!e.plugin->pre_filter(nodes, pod)) return result;
  }
  const int wanted = num_feasible_nodes_to_find(n, percentage_);
  int examined = 0;
  for (; examined < n && static_cast<int>(feasible_.size()) < wanted; ++examined) {
    int node = next_start_ + examined;
    if (node >= n) node -= n;
    bool ok = true;
    for (const Entry& e : plugins_) {
      if (e.plugin->has_filter() && !e.plugin->filter(nodes, pod, node)) {
        ok = false;
        break;
      }
    }
    if (ok) feasible_.push_back(node);
  }
  // kube-scheduler: nextStartNodeIndex = (nextStartNodeIndex + processedNodes) % numAllNodes.
  next_start_ = (next_start_ + examined) % n;
  result.nodes_examined = examined;
  result.feasible = static_cast<int>(feasible_.size());
  if (feasible_.empty()) return result;

  const std::size_t m = feasible_.size();
  totals_.assign(m, 0);
  scores_.resize(m);
  for (Entry& e : plugins_) {
    if (!e.plugin->has_score()) continue;
    e.plugin->pre_score(nodes, pod, feasible_);
    for (std::size_t i = 0; i < m; ++i) scores_[i] = e.plugin->score(nodes, pod, feasible_[i]);
    e.plugin->normalize_score(std::span<std::int64_t>(scores_.data(), m));
    for (std::size_t i = 0; i < m; ++i) totals_[i] += e.weight * scores_[i];
  }
  // Deterministic tie-break: highest total, then lowest node index (kube-scheduler samples
  // uniformly among ties instead).
  std::size_t best = 0;
  for (std::size_t i = 1; i < m; ++i) {
    if (totals_[i] > totals_[best] ||
        (totals_[i] == totals_[best] && feasible_[i] < feasible_[best])) {
      best = i;
    }
  }
  result.node = feasible_[best];
  result.total_score = totals_[best];
  return result;
}

Framework::Result Framework::schedule(NodeTable& nodes, const PodSpec& pod) {
  Result result = select(nodes, pod);
  if (result.node < 0) return result;
  bind(nodes, pod, result.node);
  return result;
}

bool Framework::feasible(const NodeTable& nodes, const PodSpec& pod, int node) {
  for (Entry& e : plugins_) {
    if (!e.plugin->pre_filter(nodes, pod)) return false;
  }
  for (const Entry& e : plugins_) {
    if (e.plugin->has_filter() && !e.plugin->filter(nodes, pod, node)) return false;
  }
  return true;
}

void Framework::bind(NodeTable& nodes, const PodSpec& pod, int node) {
  for (Entry& e : plugins_) e.plugin->reserve(nodes, pod, node);
  nodes.bind(node, pod);
}

}  // namespace edgetwin::scheduler_plugins::placement
