#include "scheduler_plugins/placement/fleet_scheduler.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "models/fleet_config.h"
#include "scheduler_plugins/placement/framework.h"
#include "scheduler_plugins/placement/parallel_scheduler.h"
#include "scheduler_plugins/placement/plugins.h"

namespace edgetwin::scheduler_plugins::placement {
namespace {

// Passes only the nodes marked in `allowed` (the placement's candidates).
class CandidateFilter final : public Plugin {
 public:
  explicit CandidateFilter(const std::vector<std::uint8_t>* allowed) : allowed_(allowed) {}
  std::string_view name() const override { return "Candidates"; }
  bool has_filter() const override { return true; }
  bool filter(const NodeTable&, const PodSpec&, int node) const override {
    return (*allowed_)[static_cast<std::size_t>(node)] != 0;
  }

 private:
  const std::vector<std::uint8_t>* allowed_;
};

// A plug-in enabled at some of its extension points only: filter, score, or both.
class Enabled final : public Plugin {
 public:
  Enabled(std::unique_ptr<Plugin> plugin, bool filter, bool score)
      : plugin_(std::move(plugin)), filter_(filter), score_(score) {}
  std::string_view name() const override { return plugin_->name(); }
  bool has_filter() const override { return filter_; }
  bool has_score() const override { return score_; }
  bool pre_filter(const NodeTable& t, const PodSpec& pod) override {
    return !filter_ || plugin_->pre_filter(t, pod);
  }
  bool filter(const NodeTable& t, const PodSpec& pod, int node) const override {
    return plugin_->filter(t, pod, node);
  }
  void pre_score(const NodeTable& t, const PodSpec& pod, std::span<const int> nodes) override {
    plugin_->pre_score(t, pod, nodes);
  }
  std::int64_t score(const NodeTable& t, const PodSpec& pod, int node) const override {
    return plugin_->score(t, pod, node);
  }
  void normalize_score(std::span<std::int64_t> scores) const override {
    plugin_->normalize_score(scores);
  }
  void reserve(const NodeTable& t, const PodSpec& pod, int node) override {
    plugin_->reserve(t, pod, node);
  }

 private:
  std::unique_ptr<Plugin> plugin_;
  bool filter_, score_;
};

// The queue architecture: one placement per cycle, from a SchedulingQueue (priority, then FIFO;
// back-off for unschedulable ones).
class QueuePolicy final : public models::PlacementPolicy {
 public:
  QueuePolicy(const SchedulerConfig& config, const models::FleetConfig& fleet)
      : framework_(config.percentage_of_nodes_to_score),
        queue_(config.backoff),
        cost_(config.cost) {
    const std::size_t n = fleet.devices.size();
    allowed_.assign(n, 0);
    for (const models::DeviceConfig& d : fleet.devices) {
      const models::DeviceType& type = fleet.types.at(d.type);
      std::string zone;
      for (const auto& [key, value] : d.labels) {
        if (key == "zone") zone = value;
      }
      NodeSpec spec = node_from_device_type(type, d.name, fleet.sites.at(d.site).name, zone);
      spec.cpu_milli = std::int64_t{std::min(type.cores, type.max_instances)} * 1000;
      spec.labels.insert(spec.labels.end(), d.labels.begin(), d.labels.end());
      nodes_.add_node(std::move(spec));
    }
    for (const models::Artifact& a : fleet.artifacts) artifact_names_.push_back(a.name);
    for (const models::FunctionConfig& fn : fleet.functions) {
      PodSpec pod;
      pod.cpu_milli = 1000;
      pod.memory_bytes = fn.memory_bytes;
      pod.labels.push_back("function=" + fn.name);
      if (fn.image >= 0) {
        const models::Artifact& image = fleet.artifacts.at(static_cast<std::size_t>(fn.image));
        pod.image = image.name;
        std::int64_t size = 0;
        for (const auto& [arch, bytes] : image.size_by_arch) size = std::max(size, bytes);
        nodes_.set_image_size(image.name, size);
      }
      pods_.push_back(std::move(pod));
    }
  }

  // Adds the candidate filter, then the profile; false with `error` set on a bad profile.
  bool configure(const SchedulerConfig& config, std::string* error) {
    framework_.add_plugin(std::make_unique<CandidateFilter>(&allowed_), 1);
    for (const ProfilePlugin& p : config.plugins) {
      std::unique_ptr<Plugin> plugin = placement_registry().create(p.name, error);
      if (!plugin) return false;
      if (p.filter && !plugin->has_filter()) {
        if (error) *error = "plug-in '" + p.name + "' has no filter";
        return false;
      }
      if (p.weight > 0 && !plugin->has_score()) {
        if (error) *error = "plug-in '" + p.name + "' has no score";
        return false;
      }
      const bool score = p.weight > 0;
      if (!framework_.add_plugin(std::make_unique<Enabled>(std::move(plugin), p.filter, score),
                                 score ? p.weight : 1, error)) {
        return false;
      }
    }
    name_ = config.architecture;
    if (config.architecture == "parallel") {
      parallel_ = std::make_unique<ParallelScheduler>(framework_, std::max(1, config.threads));
    }
    return true;
  }

  std::string name() const override { return name_; }

  void enqueue(std::uint32_t id, std::int32_t function, int priority, sim::Time) override {
    if (function_of_.size() <= id) function_of_.resize(std::size_t{id} + 1, -1);
    function_of_[id] = function;
    withdrawn_.resize(function_of_.size(), 0);
    queue_.add(static_cast<int>(id), priority);
    ++pending_;
  }

  sim::Time cycle(sim::Time now, models::PlacementHost& host,
                  std::vector<models::PlacementDecision>& out) override {
    std::optional<SchedulingQueue::Popped> popped = queue_.pop(now);
    while (popped && withdrawn_[static_cast<std::size_t>(popped->pod)]) popped = queue_.pop(now);
    if (!popped) return 0;
    models::PlacementDecision d;
    d.id = static_cast<std::uint32_t>(popped->pod);
    const std::span<const std::uint32_t> candidates = host.placement_candidates(d.id);
    if (candidates.empty()) {
      d.status = models::PlacementDecision::Status::kNoCandidate;
      --pending_;
      out.push_back(d);
      return cost_.cost(0, 0);
    }
    for (std::uint32_t c : candidates) allowed_[c] = 1;
    const PodSpec& pod = pods_[static_cast<std::size_t>(function_of_[d.id])];
    const Framework::Result r =
        parallel_ ? parallel_->schedule(nodes_, pod) : framework_.schedule(nodes_, pod);
    for (std::uint32_t c : candidates) allowed_[c] = 0;
    d.nodes_examined = static_cast<std::uint32_t>(r.nodes_examined);
    d.feasible = static_cast<std::uint32_t>(r.feasible);
    d.score = r.total_score;
    if (r.node < 0) {
      d.status = models::PlacementDecision::Status::kUnschedulable;
      queue_.mark_unschedulable(*popped, now);
    } else {
      d.status = models::PlacementDecision::Status::kPlaced;
      d.device = static_cast<std::uint32_t>(r.node);
      --pending_;
    }
    out.push_back(d);
    return cost_.cost(r.nodes_examined, r.feasible);
  }

  void capacity_freed(sim::Time now) override { queue_.on_capacity_freed(now); }
  sim::Time next_ready() const override { return queue_.next_backoff_end(); }
  void release(std::uint32_t device, std::int32_t function) override {
    nodes_.unbind(static_cast<int>(device), pods_.at(static_cast<std::size_t>(function)));
  }
  void artifact_dropped(std::uint32_t device, std::int32_t artifact) override {
    const int image = nodes_.image_id(artifact_names_.at(static_cast<std::size_t>(artifact)));
    if (image >= 0) nodes_.drop_image(static_cast<int>(device), image);
  }
  void withdraw(std::uint32_t id) override {
    withdrawn_.at(id) = 1;  // dropped when the queue hands it out
    --pending_;
  }
  std::size_t pending() const override { return pending_; }

 private:
  NodeTable nodes_;
  Framework framework_;
  SchedulingQueue queue_;
  CostModel cost_;
  std::vector<PodSpec> pods_;          // by function
  std::vector<std::int32_t> function_of_;  // by placement
  std::vector<std::uint8_t> withdrawn_;    // by placement
  std::vector<std::string> artifact_names_;  // by FleetConfig::artifacts index
  std::vector<std::uint8_t> allowed_;  // by node: a candidate of the current cycle
  std::size_t pending_ = 0;
  std::string name_ = "queue";
  std::unique_ptr<ParallelScheduler> parallel_;  // with architecture "parallel"; after framework_
};

}  // namespace

std::vector<ProfilePlugin> kube_default_profile() {
  return {{"TaintToleration", true, 3},
          {"NodeAffinity", true, 2},
          {"PodTopologySpread", true, 2},
          {"InterPodAffinity", true, 0},
          {"NodeResourcesFit", true, 1},
          {"NodeResourcesBalancedAllocation", false, 1},
          {"ImageLocality", false, 1}};
}

const std::vector<std::string>& architectures() {
  static const std::vector<std::string> names = {"queue", "parallel"};
  return names;
}

std::unique_ptr<models::PlacementPolicy> make_fleet_policy(const SchedulerConfig& config,
                                                           const models::FleetConfig& fleet,
                                                           std::string* error) {
  if (config.architecture != "queue" && config.architecture != "parallel") {
    if (error) {
      *error = "unknown scheduler architecture '" + config.architecture +
               "'; valid: queue, parallel";
    }
    return nullptr;
  }
  auto policy = std::make_unique<QueuePolicy>(config, fleet);
  if (!policy->configure(config, error)) return nullptr;
  return policy;
}

models::PlacementFactory fleet_policy_factory(SchedulerConfig config) {
  return [config = std::move(config)](const models::FleetConfig& fleet) {
    std::string error;
    std::unique_ptr<models::PlacementPolicy> policy = make_fleet_policy(config, fleet, &error);
    if (!policy) throw std::invalid_argument("scheduler: " + error);
    return policy;
  };
}

}  // namespace edgetwin::scheduler_plugins::placement
