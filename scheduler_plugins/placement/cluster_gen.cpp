#include "scheduler_plugins/placement/cluster_gen.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "models/device_catalog.h"
#include "sim/random.h"

namespace edgetwin::scheduler_plugins::placement {
namespace {

constexpr std::int64_t kMiB = 1024LL * 1024;
constexpr std::int64_t kGiB = 1024 * kMiB;

// Reiss et al., SoCC 2012, Table 1 (shares 53.47 / 30.74 / 7.95 / 6.32 / 0.99 / 0.43 / 0.04 /
// 0.03 / 0.02 / 0.01 %; reference/perf-anchors.md §3.5).
constexpr MachineClass kGoogleMix[] = {
    {0.50, 0.50, 6732}, {0.50, 0.25, 3863}, {0.50, 0.75, 1001}, {1.00, 1.00, 795},
    {0.25, 0.25, 126},  {0.50, 0.12, 52},   {0.50, 0.03, 5},    {0.50, 0.97, 5},
    {1.00, 0.50, 3},    {0.50, 0.06, 1},
};

// Edge devices of the catalog and their relative numbers in a generated fleet.
struct EdgeShare {
  const char* type;
  double weight;
};
constexpr EdgeShare kEdgeMix[] = {
    {"rpi3", 10},        {"rpi4", 30},      {"rockpi", 10},          {"coral", 10},
    {"jetson-nano", 10}, {"jetson-tx2", 5}, {"jetson-xavier-nx", 5}, {"nuc", 20},
};

constexpr ImageInfo kImages[] = {
    {"busybox", 5 * kMiB},
    {"nginx", 140 * kMiB},
    {"redis", 110 * kMiB},
    {"python-ml", 900 * kMiB},
    {"resnet50-serving", 400 * kMiB},
    {"tensorflow-serving", 1536 * kMiB},
};

constexpr const char* kZoneLabel = "topology.kubernetes.io/zone";

// Uniform pick among `n` choices.
int pick(sim::RandomStream& rng, int n) { return static_cast<int>(rng.uniform_int(n)); }

}  // namespace

std::span<const MachineClass> google_2011_machine_mix() { return kGoogleMix; }
std::span<const ImageInfo> pod_images() { return kImages; }

std::vector<int> apportion(std::span<const double> weights, int total) {
  double sum = 0.0;
  for (double w : weights) sum += w;
  std::vector<int> parts(weights.size(), 0);
  std::vector<std::pair<double, std::size_t>> remainders;
  int given = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double exact = static_cast<double>(total) * weights[i] / sum;
    parts[i] = static_cast<int>(std::floor(exact));
    given += parts[i];
    remainders.emplace_back(exact - parts[i], i);
  }
  // Largest remainder first; ties to the lower index.
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; given < total; ++k, ++given) ++parts[remainders[k].second];
  return parts;
}

void generate_cluster(const ClusterOptions& o, NodeTable& nodes) {
  if (o.nodes < 1) throw std::invalid_argument("cluster: nodes must be at least 1");
  if (!(o.edge_share >= 0.0 && o.edge_share <= 1.0)) {
    throw std::invalid_argument("cluster: edge_share must be in [0, 1]");
  }
  if (o.zones < 1) throw std::invalid_argument("cluster: zones must be at least 1");
  const int edge = static_cast<int>(std::llround(o.edge_share * o.nodes));
  if (edge > 0 && o.edge_sites < 1) {
    throw std::invalid_argument("cluster: edge_sites must be at least 1 with edge devices");
  }
  for (const ImageInfo& image : kImages) nodes.set_image_size(image.name, image.bytes);
  constexpr std::uint32_t kPurpose = sim::purpose_id("cluster-node");

  // Trace machines, class by class, each class in proportion to its machine count.
  std::vector<double> class_weights;
  for (const MachineClass& c : kGoogleMix) class_weights.push_back(c.machines);
  const std::vector<int> per_class = apportion(class_weights, o.nodes - edge);
  int index = 0;
  for (std::size_t c = 0; c < per_class.size(); ++c) {
    for (int k = 0; k < per_class[c]; ++k, ++index) {
      sim::RandomStream rng(o.seed, static_cast<std::uint32_t>(index), kPurpose);
      NodeSpec spec;
      spec.name = "m" + std::to_string(index);
      spec.cpu_milli =
          static_cast<std::int64_t>(std::llround(kGoogleMix[c].cpu * o.full_machine_cores * 1000));
      spec.memory_bytes = static_cast<std::int64_t>(
          std::llround(kGoogleMix[c].memory * static_cast<double>(o.full_machine_memory)));
      spec.arch = "x86_64";
      spec.site = "dc";
      spec.zone = "dc-z" + std::to_string(pick(rng, o.zones) + 1);
      spec.labels = {{"arch", "x86_64"},
                     {"accelerator", "none"},
                     {"locality", "cloud"},
                     {"machine-class", "c" + std::to_string(c)},
                     {"disk", rng.uniform01() < 0.3 ? "ssd" : "hdd"},
                     {kZoneLabel, spec.zone}};
      const double taint = rng.uniform01();
      if (taint < 0.02) {
        spec.taints.push_back({"dedicated", "batch", TaintEffect::kNoSchedule});
      } else if (taint < 0.07) {
        spec.taints.push_back({"maintenance", "soon", TaintEffect::kPreferNoSchedule});
      }
      if (rng.uniform01() < 0.3) spec.images.emplace_back("python-ml");
      if (rng.uniform01() < 0.2) spec.images.emplace_back("nginx");
      nodes.add_node(std::move(spec));
    }
  }

  // Edge devices, type by type, spread over the edge sites.
  std::vector<double> edge_weights;
  for (const EdgeShare& e : kEdgeMix) edge_weights.push_back(e.weight);
  const std::vector<int> per_type = apportion(edge_weights, edge);
  for (std::size_t t = 0; t < per_type.size(); ++t) {
    const models::DeviceType* type = models::find_builtin_device_type(kEdgeMix[t].type);
    if (type == nullptr) throw std::logic_error("cluster: catalog lacks edge type");
    for (int k = 0; k < per_type[t]; ++k, ++index) {
      sim::RandomStream rng(o.seed, static_cast<std::uint32_t>(index), kPurpose);
      const std::string site = "edge-" + std::to_string(pick(rng, o.edge_sites) + 1);
      NodeSpec spec = node_from_device_type(*type, "e" + std::to_string(index), site, site);
      spec.labels.emplace_back("machine-class", type->name);
      spec.labels.emplace_back("disk", "ssd");
      spec.labels.emplace_back(kZoneLabel, site);
      spec.taints.push_back({"edgetwin.io/edge", "true", TaintEffect::kNoSchedule});
      if (rng.uniform01() < 0.5) spec.images.emplace_back("resnet50-serving");
      nodes.add_node(std::move(spec));
    }
  }
}

std::vector<PodSpec> generate_pod_templates(const WorkloadOptions& o) {
  if (o.templates < 1) throw std::invalid_argument("workload: templates must be at least 1");
  constexpr std::uint32_t kPurpose = sim::purpose_id("pod-template");
  constexpr std::int64_t kCpu[] = {250, 500, 1000, 2000, 4000};
  constexpr std::int64_t kMemory[] = {256 * kMiB, 512 * kMiB, 1 * kGiB,
                                      2 * kGiB,   4 * kGiB,   8 * kGiB};
  constexpr const char* kTiers[] = {"tier=web", "tier=batch", "tier=ml"};
  std::vector<PodSpec> templates;
  for (int t = 0; t < o.templates; ++t) {
    sim::RandomStream rng(o.seed, static_cast<std::uint32_t>(t), kPurpose);
    PodSpec pod;
    const std::string app = "app=t" + std::to_string(t);
    const std::string tier = kTiers[pick(rng, 3)];
    pod.labels = {app, tier};
    const bool edge = rng.uniform01() < 0.2;
    if (edge) {
      pod.cpu_milli = 100 * (1 + pick(rng, 5));
      pod.memory_bytes = (64 << pick(rng, 3)) * kMiB;
      pod.tolerations.push_back(
          {"edgetwin.io/edge", "true", false, false, TaintEffect::kNoSchedule});
      NodeSelectorTerm term;
      if (rng.uniform01() < 0.3) {
        term.requirements.push_back({"accelerator", NodeSelectorRequirement::Op::kIn, {"gpu"}});
      } else {
        term.requirements.push_back({"locality", NodeSelectorRequirement::Op::kIn, {"edge"}});
      }
      pod.required_node_affinity.push_back(std::move(term));
      pod.image = rng.uniform01() < 0.6 ? "resnet50-serving" : "busybox";
    } else {
      if (rng.uniform01() >= 0.1) {  // else best-effort: no requests
        pod.cpu_milli = kCpu[pick(rng, 5)];
        pod.memory_bytes = kMemory[pick(rng, 6)];
      }
      if (rng.uniform01() < 0.1) {
        pod.tolerations.push_back({"dedicated", "batch", false, false, TaintEffect::kNoSchedule});
      }
      if (rng.uniform01() < 0.2) {
        pod.tolerations.push_back({"maintenance", "", true, true, TaintEffect::kNoSchedule});
      }
      pod.image = kImages[pick(rng, 4)].name;
    }
    if (rng.uniform01() < 0.4) {
      pod.preferred_node_affinity.push_back(
          {10 + 10 * pick(rng, 8), {{{"disk", NodeSelectorRequirement::Op::kIn, {"ssd"}}}}});
      if (rng.uniform01() < 0.5) {
        pod.preferred_node_affinity.push_back(
            {10 + 10 * pick(rng, 5),
             {{{"machine-class", NodeSelectorRequirement::Op::kIn, {"c0", "c3", "nuc"}}}}});
      }
    }
    if (rng.uniform01() < 0.4) {
      TopologySpreadConstraint spread;
      spread.max_skew = 1 + pick(rng, 3);
      spread.key = TopologyKey::kZone;
      spread.do_not_schedule = rng.uniform01() < 0.6;
      spread.selector = rng.uniform01() < 0.7 ? app : tier;
      // A DoNotSchedule spread counts every zone the pod's required affinity admits, tainted or
      // not (Kubernetes' default nodeTaintsPolicy: Ignore); cloud pods pin themselves to the
      // cloud zones, as users do, lest the empty edge zones hold the minimum at 0.
      if (spread.do_not_schedule && !edge) {
        pod.required_node_affinity.push_back(
            {{{"locality", NodeSelectorRequirement::Op::kIn, {"cloud"}}}});
      }
      pod.topology_spread.push_back(std::move(spread));
    }
    if (rng.uniform01() < 0.15) pod.anti_affinity.push_back({app, TopologyKey::kHostname});
    templates.push_back(std::move(pod));
  }
  return templates;
}

std::vector<int> generate_pod_sequence(const WorkloadOptions& o) {
  if (o.templates < 1 || o.pods < 0 || o.max_replicas < 1) {
    throw std::invalid_argument("workload: needs templates >= 1, pods >= 0 and max_replicas >= 1");
  }
  sim::RandomStream rng(o.seed, 0, sim::purpose_id("pod-sequence"));
  std::vector<int> sequence;
  sequence.reserve(static_cast<std::size_t>(o.pods));
  while (static_cast<int>(sequence.size()) < o.pods) {
    const int t = pick(rng, o.templates);
    const int replicas = 1 + pick(rng, o.max_replicas);
    for (int r = 0; r < replicas && static_cast<int>(sequence.size()) < o.pods; ++r) {
      sequence.push_back(t);
    }
  }
  return sequence;
}

}  // namespace edgetwin::scheduler_plugins::placement
