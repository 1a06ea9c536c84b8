// The policy preprocessor: the paper's example annotations compiled into plug-ins and pod fields,
// fan-out of a per-user function, the errors with their JSON paths, the expected execution times
// from the models, and a generated placement sequence that is deterministic and equals a
// brute-force argmax.
#include "scheduler_plugins/placement/policy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "models/device_catalog.h"
#include "models/fleet_config.h"
#include "scheduler_plugins/placement/edge_plugins.h"
#include "scheduler_plugins/placement/plugins.h"
#include "sim/random.h"

namespace edgetwin::scheduler_plugins::placement {
namespace {

using sim::kMillisecond;
using sim::kSecond;

const std::vector<NamedNetwork> kNetworks = {{"company_network", {"office", "factory"}},
                                             {"home_network", {"home"}}};

// Sites office (0), factory (1), cloud (2), home (3). Nodes: 0 jetson-nano at office (alice's),
// 1 nuc at office (alice's), 2 cloud-vm-gpu at cloud, 3 jetson-nano at factory (alice's),
// 4 rpi4 at home (bob's).
NodeTable paper_fleet() {
  NodeTable t;
  for (const char* s : {"office", "factory", "cloud", "home"}) t.add_site(s);
  struct Row {
    const char* type;
    const char* site;
    const char* user;
  };
  const Row rows[] = {{"jetson-nano", "office", "alice"},
                      {"nuc", "office", "alice"},
                      {"cloud-vm-gpu", "cloud", ""},
                      {"jetson-nano", "factory", "alice"},
                      {"rpi4", "home", "bob"}};
  int i = 0;
  for (const Row& r : rows) {
    NodeSpec spec = node_from_device_type(*models::find_builtin_device_type(r.type),
                                          "n" + std::to_string(i++), r.site, "z");
    if (*r.user != '\0') spec.labels.emplace_back("user", r.user);
    t.add_node(spec);
  }
  return t;
}

PolicyContext context_for(const NodeTable& t) {
  PolicyContext c;
  c.nodes = &t;
  c.networks = kNetworks;
  return c;
}

CompiledPolicy compile_ok(const FunctionPolicy& policy, const NodeTable& t,
                          const PolicyContext& context) {
  CompiledPolicy out;
  std::vector<std::string> errors;
  EXPECT_TRUE(compile_policy(policy, PodSpec{}, context, "/workloads/0/policy", out, errors));
  EXPECT_TRUE(errors.empty()) << errors.front();
  (void)t;
  return out;
}

// The paper's example: @deadline(3s) @fn(node, capability='gpu')
// @data(company_network, strict=True). (3 s: the estimate counts a cold start, and a jetson's
// container start alone averages 2.16 s.)
FunctionPolicy paper_policy() {
  FunctionPolicy p;
  p.deadline = 3 * kSecond;
  p.capabilities = {"gpu"};
  p.data_networks = {"company_network"};
  p.strict = true;
  return p;
}

TEST(PolicyPreprocessor, CompilesThePapersExampleIntoFiltersAndWeightedScores) {
  const NodeTable t = paper_fleet();
  const CompiledPolicy c = compile_ok(paper_policy(), t, context_for(t));
  EXPECT_EQ(c.plugins,
            (std::vector<WeightedPlugin>{
                {"CapabilityMatch", 1}, {"DataLocality", 1}, {"DeadlineFeasibility", 1}}));
  ASSERT_EQ(c.pods.size(), 1u);
  const EdgePodSpec& e = c.pods[0].edge;
  EXPECT_EQ(e.capabilities, (std::vector<Label>{{"accelerator", "gpu"}}));
  EXPECT_EQ(e.accelerators, 1);
  EXPECT_EQ(e.allowed_sites, (std::vector<char>{1, 1, 0, 0}));  // office, factory
  EXPECT_TRUE(e.strict);
  EXPECT_EQ(e.deadline, 3 * kSecond);
  EXPECT_EQ(e.node, -1);

  // Weights come from the context.
  PolicyContext heavy = context_for(t);
  heavy.weights.capability = 3;
  heavy.weights.deadline = 5;
  EXPECT_EQ(compile_ok(paper_policy(), t, heavy).plugins,
            (std::vector<WeightedPlugin>{
                {"CapabilityMatch", 3}, {"DataLocality", 1}, {"DeadlineFeasibility", 5}}));
}

TEST(PolicyPreprocessor, ThePapersExamplePlacesOnGpusInsideTheCompanyNetworkOnly) {
  NodeTable t = paper_fleet();
  const CompiledPolicy c = compile_ok(paper_policy(), t, context_for(t));
  Framework framework(100);
  ASSERT_TRUE(framework.add_plugin(make_node_resources_fit({}), 1));
  std::string error;
  ASSERT_TRUE(add_policy_plugins(c, framework, placement_registry(), &error)) << error;
  // Feasible: the two jetson-nanos (gpu, inside; no site table, so the estimate is the 2.16 s
  // container start: within 3 s); the cloud gpu is outside, the nuc and the rpi4 have none. Both
  // nanos are empty and equal: the lower index, 0, wins; then its one gpu unit is held, so the next
  // goes to 3, and a third finds no free gpu.
  EXPECT_EQ(framework.schedule(t, c.pods[0]).node, 0);
  EXPECT_EQ(framework.last_feasible().size(), 2u);
  EXPECT_EQ(framework.schedule(t, c.pods[0]).node, 3);
  EXPECT_EQ(framework.schedule(t, c.pods[0]).node, -1);
}

TEST(PolicyPreprocessor, FansAPerUserFunctionOutToEveryDeviceOfTheUserPinned) {
  NodeTable t = paper_fleet();
  FunctionPolicy p;
  p.user = "alice";
  const CompiledPolicy c = compile_ok(p, t, context_for(t));
  EXPECT_EQ(c.plugins, (std::vector<WeightedPlugin>{{"NodeName", 1}}));
  ASSERT_EQ(c.pods.size(), 3u);  // nodes 0, 1 and 3 carry user=alice
  std::vector<int> pinned;
  for (const PodSpec& pod : c.pods) pinned.push_back(pod.edge.node);
  EXPECT_EQ(pinned, (std::vector<int>{0, 1, 3}));
  Framework framework(100);
  ASSERT_TRUE(add_policy_plugins(c, framework, placement_registry()));
  for (const PodSpec& pod : c.pods) EXPECT_EQ(framework.schedule(t, pod).node, pod.edge.node);

  // With capability gpu the other filters still apply to each pinned placement: alice's nuc
  // (node 1) has no gpu, so its placement is unschedulable.
  p.capabilities = {"gpu"};
  const CompiledPolicy g = compile_ok(p, t, context_for(t));
  EXPECT_EQ(g.plugins, (std::vector<WeightedPlugin>{{"NodeName", 1}, {"CapabilityMatch", 1}}));
  NodeTable fresh = paper_fleet();
  Framework gpu(100);
  ASSERT_TRUE(add_policy_plugins(g, gpu, placement_registry()));
  std::vector<int> placed;
  for (const PodSpec& pod : g.pods) placed.push_back(gpu.schedule(fresh, pod).node);
  EXPECT_EQ(placed, (std::vector<int>{0, -1, 3}));
}

TEST(PolicyPreprocessor, AddsProximityBatteryAndEnergyForTheirAnnotations) {
  const NodeTable t = paper_fleet();
  FunctionPolicy p;
  p.preferred_capabilities = {"arch=aarch64"};
  p.source_site = "office";
  p.min_battery = 0.3;
  p.energy_aware = true;
  p.data = {{"factory", 5'000'000}};
  PolicyContext context = context_for(t);
  context.weights.proximity = 2;
  const CompiledPolicy c = compile_ok(p, t, context);
  EXPECT_EQ(c.plugins, (std::vector<WeightedPlugin>{{"CapabilityMatch", 1},
                                                    {"DataLocality", 1},
                                                    {"BatteryAware", 1},
                                                    {"Proximity", 2},
                                                    {"EnergyPerRequest", 1}}));
  const EdgePodSpec& e = c.pods[0].edge;
  EXPECT_EQ(e.preferred_capabilities, (std::vector<Label>{{"arch", "aarch64"}}));
  EXPECT_TRUE(e.capabilities.empty());
  EXPECT_EQ(e.source_site, 0);
  EXPECT_DOUBLE_EQ(e.min_battery, 0.3);
  ASSERT_EQ(e.data.size(), 1u);
  EXPECT_EQ(e.data[0].site, 1);
  EXPECT_EQ(e.data[0].bytes, 5'000'000);
  EXPECT_TRUE(e.allowed_sites.empty());  // no named network: data may move anywhere
  EXPECT_FALSE(e.strict);
}

TEST(PolicyPreprocessor, AnUnknownNetworkIsAnErrorNamingItsPathAndTheKnownOnes) {
  const NodeTable t = paper_fleet();
  FunctionPolicy p = paper_policy();
  p.data_networks = {"company_network", "x"};
  CompiledPolicy out;
  std::vector<std::string> errors;
  EXPECT_FALSE(compile_policy(p, PodSpec{}, context_for(t), "/workloads/0/policy", out, errors));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0],
            "/workloads/0/policy/data_network/1: unknown network 'x'; known: company_network, "
            "home_network");
  EXPECT_TRUE(out.pods.empty());  // nothing compiled
}

TEST(PolicyPreprocessor, AddingThePluginsNamesAnUnknownPluginOrABadWeight) {
  const NodeTable t = paper_fleet();
  const CompiledPolicy c = compile_ok(paper_policy(), t, context_for(t));
  // A registry without the edge plug-ins (the Kubernetes built-ins only).
  Registry<Plugin> kube_only;
  ASSERT_TRUE(register_builtin_placement_plugins(kube_only));
  Framework framework(100);
  std::string error;
  EXPECT_FALSE(add_policy_plugins(c, framework, kube_only, &error));
  EXPECT_EQ(error.rfind("unknown plug-in 'CapabilityMatch'; valid: ImageLocality, ", 0), 0u)
      << error;
  // A weight below 1 is refused by the framework, naming the plug-in.
  PolicyContext zero = context_for(t);
  zero.weights.data_locality = 0;
  Framework other(100);
  EXPECT_FALSE(
      add_policy_plugins(compile_ok(paper_policy(), t, zero), other, placement_registry(), &error));
  EXPECT_EQ(error, "plug-in 'DataLocality' has weight 0; weights must be at least 1");
}

TEST(PolicyPreprocessor, ReportsEveryBadAnnotationAtOnce) {
  const NodeTable t = paper_fleet();
  FunctionPolicy p;
  p.deadline = -5;
  p.capabilities = {"gpu", "fpga"};
  p.preferred_capabilities = {"=edge"};
  p.strict = true;
  p.data = {{"nowhere", -5}};
  p.source_site = "mars";
  p.proximity_to_data = false;
  p.min_battery = 1.5;
  p.user = "carol";
  std::vector<NamedNetwork> broken = {{"company_network", {"office", "atlantis"}}};
  p.data_networks = {"company_network"};
  PolicyContext context = context_for(t);
  context.networks = broken;
  CompiledPolicy out;
  std::vector<std::string> errors;
  EXPECT_FALSE(compile_policy(p, PodSpec{}, context, "/w", out, errors));
  const std::vector<std::string> expected = {
      "/w/deadline: expected a positive duration, got -5 ns",
      "/w/capability/1: unknown capability 'fpga'; known: gpu, tpu, arch=ARCH, accelerator=KIND, "
      "KEY=VALUE (a node label)",
      "/w/prefer/0: unknown capability '=edge'; known: gpu, tpu, arch=ARCH, accelerator=KIND, "
      "KEY=VALUE (a node label)",
      "/w/data_network/0: network 'company_network' names unknown site 'atlantis'; known: cloud, "
      "factory, home, office",
      "/w/data/0/site: unknown site 'nowhere'; known: cloud, factory, home, office",
      "/w/data/0/bytes: expected a size >= 0, got -5",
      "/w/source: unknown site 'mars'; known: cloud, factory, home, office",
      "/w/min_battery: expected a fraction in [0, 1], got 1.500000",
      "/w/user: no device carries the label user=carol",
  };
  EXPECT_EQ(errors, expected);

  FunctionPolicy lonely;
  lonely.strict = true;
  lonely.proximity_to_data = true;
  errors.clear();
  EXPECT_FALSE(compile_policy(lonely, PodSpec{}, context_for(t), "/w", out, errors));
  EXPECT_EQ(errors, (std::vector<std::string>{
                        "/w/strict: strict needs data_network (the networks data may move in)",
                        "/w/near_data: near_data needs data (where the data lives)"}));
}

TEST(PolicyPreprocessor, ExpectedExecutionTimesComeFromTheFunctionModel) {
  models::FleetConfig config;
  for (const char* name : {"nuc", "rpi4", "jetson-nano"}) {
    config.types.push_back(*models::find_builtin_device_type(name));
  }
  models::FunctionConfig fn;
  fn.name = "f";
  fn.memory_bytes = 100LL << 20;
  fn.work_s = 1.0;
  models::ExecutionTime fit;
  fit.kind = models::ExecutionTime::Kind::kFit;
  fit.fit = {0.5, 0.0, 1.0, 0.0, 100.0};  // lognormal s = 0.5, scale 1, bounds [0, 100]
  fn.exec = {{models::ExecutionTime::Kind::kWork, {}}, {}, fit};  // nuc: work; rpi4: cannot
  config.functions.push_back(fn);
  const std::vector<double> s = expected_execution_s(config, 0);
  ASSERT_EQ(s.size(), 3u);
  // nuc: work 1 s / core_speed (0.170 / 0.157) = 0.157 / 0.170 = 0.92353 s.
  EXPECT_NEAR(s[0], 0.157 / 0.170, 1e-12);
  EXPECT_EQ(s[1], -1.0);
  // jetson-nano: the lognormal's mean e^(s^2 / 2) = e^0.125 = 1.133148; the bound 100 cuts off
  // P(Z > ln(100) / 0.5 = 9.2), below 1e-19.
  EXPECT_NEAR(s[2], std::exp(0.125), 1e-9);
  // A gpu function cannot run on the nuc.
  config.functions[0].accelerator = "gpu";
  EXPECT_EQ(expected_execution_s(config, 0)[0], -1.0);
}

// A generated edge fleet placed with every edge plug-in: the framework's pick equals the argmax of
// the weighted normalized scores computed by a plain loop, every pick honours the filters, and a
// second run from the same seed gives the same sequence.
std::vector<int> place_generated_sequence(std::uint64_t seed, bool check_argmax) {
  const auto& types = models::builtin_device_types();
  sim::RandomStream rng(seed, 0, sim::purpose_id("edge-placement-test"));
  NodeTable t;
  const int kSites = 6, kNodes = 240;
  for (int s = 0; s < kSites; ++s) t.add_site("site" + std::to_string(s));
  auto sites = std::make_shared<SiteLatencies>(kSites);
  for (int a = 0; a < kSites; ++a) {
    for (int b = 0; b < kSites; ++b) {
      const sim::Time latency = a == b ? kMillisecond : (5 + 10 * std::abs(a - b)) * kMillisecond;
      sites->set(a, b, latency, a == b ? 1e10 : 1e9 / (1 + std::abs(a - b)));
    }
  }
  sites->registry_site = kSites - 1;
  t.edge_.sites = sites;
  for (int i = 0; i < kNodes; ++i) {
    const std::size_t type = rng.uniform_int(types.size());
    NodeSpec spec = node_from_device_type(types[type], "n" + std::to_string(i),
                                          "site" + std::to_string(rng.uniform_int(kSites)), "z");
    spec.edge.device_type = static_cast<int>(type);
    if (rng.uniform01() < 0.3) spec.edge.battery = rng.uniform01();
    if (rng.uniform01() < 0.4) spec.images = {"infer"};
    t.add_node(spec);
  }
  t.set_image_size("infer", 150LL << 20);  // pull 1.26 s x (1 + distance to the registry)
  std::vector<double> exec(types.size());
  for (double& e : exec) e = rng.uniform(0.05, 1.5);
  exec[rng.uniform_int(exec.size())] = -1.0;  // one type cannot run it

  const std::vector<NamedNetwork> networks = {{"near", {"site0", "site1", "site2"}}};
  PolicyContext context;
  context.nodes = &t;
  context.networks = networks;
  context.weights = {.capability = 2,
                     .proximity = 3,
                     .data_locality = 1,
                     .deadline = 2,
                     .battery = 1,
                     .energy = 1};
  FunctionPolicy policy;
  // 6 s: jetsons and nucs (mean container start 2.2 s) fit with most pulls and executions, the
  // pis and cloud VMs (6.5 s, 6.9 s) never do.
  policy.deadline = 6 * kSecond;
  policy.preferred_capabilities = {"arch=aarch64", "locality=edge"};
  policy.data_networks = {"near"};
  policy.data = {{"site1", 2'000'000}};
  policy.source_site = "site0";
  policy.min_battery = 0.25;
  policy.energy_aware = true;
  PodSpec base;
  base.cpu_milli = 500;
  base.memory_bytes = 256LL << 20;
  base.image = "infer";
  base.edge.exec_s_by_type = exec;
  CompiledPolicy compiled;
  std::vector<std::string> errors;
  EXPECT_TRUE(compile_policy(policy, base, context, "/p", compiled, errors));
  EXPECT_EQ(compiled.plugins.size(), 6u);

  Framework framework(100);
  EXPECT_TRUE(framework.add_plugin(make_node_resources_fit({}), 1));
  EXPECT_TRUE(add_policy_plugins(compiled, framework, placement_registry()));
  std::vector<std::pair<std::unique_ptr<Plugin>, std::int64_t>> reference;
  reference.emplace_back(make_node_resources_fit({}), 1);
  for (const WeightedPlugin& p : compiled.plugins) {
    reference.emplace_back(placement_registry().create(p.name), p.weight);
  }

  std::vector<int> sequence;
  for (int k = 0; k < 150; ++k) {
    PodSpec pod = compiled.pods[0];
    pod.edge.source_site = static_cast<int>(rng.uniform_int(3));  // requests from near sites
    pod.edge.strict = k % 2 == 0;
    if (check_argmax) {
      std::vector<int> feasible;
      for (auto& [plugin, weight] : reference) EXPECT_TRUE(plugin->pre_filter(t, pod));
      for (int n = 0; n < t.size(); ++n) {
        bool ok = true;
        for (auto& [plugin, weight] : reference) {
          ok = ok && (!plugin->has_filter() || plugin->filter(t, pod, n));
        }
        if (ok) feasible.push_back(n);
      }
      // DeadlineFeasibility's per-site, short-circuiting filter and its score equal the plain
      // estimate on every node.
      auto deadline = placement_registry().create("DeadlineFeasibility");
      EXPECT_TRUE(deadline->pre_filter(t, pod));
      int mismatches = 0, feasible_by_deadline = 0;
      for (int n = 0; n < t.size(); ++n) {
        const sim::Time e = expected_completion(t, pod, t.image_id("infer"), n);
        feasible_by_deadline += e <= 6 * kSecond;
        mismatches += deadline->filter(t, pod, n) != (e <= 6 * kSecond);
        mismatches += e != sim::kTimeMax && deadline->score(t, pod, n) != e;
      }
      EXPECT_EQ(mismatches, 0) << "pod " << k;
      EXPECT_GT(feasible_by_deadline, 0) << "pod " << k;
      EXPECT_LT(feasible_by_deadline, t.size()) << "pod " << k;
      std::vector<std::int64_t> total(feasible.size(), 0);
      for (auto& [plugin, weight] : reference) {
        if (!plugin->has_score()) continue;
        plugin->pre_score(t, pod, feasible);
        std::vector<std::int64_t> s;
        for (int n : feasible) s.push_back(plugin->score(t, pod, n));
        plugin->normalize_score(s);
        for (std::size_t i = 0; i < s.size(); ++i) total[i] += weight * s[i];
      }
      const Framework::Result r = framework.select(t, pod);
      if (feasible.empty()) {
        EXPECT_EQ(r.node, -1);
      } else {
        const std::size_t best =
            static_cast<std::size_t>(std::max_element(total.begin(), total.end()) - total.begin());
        EXPECT_EQ(r.node, feasible[best]) << "pod " << k;
      }
    }
    const Framework::Result r = framework.schedule(t, pod);
    sequence.push_back(r.node);
    if (r.node < 0) continue;
    // The filters hold for the pick.
    const int site = t.site_[r.node];
    if (pod.edge.strict) {
      EXPECT_LE(site, 2) << "outside the near network";
    }
    EXPECT_LE(expected_completion(t, pod, t.image_id("infer"), r.node), 6 * kSecond);
    EXPECT_TRUE(t.edge_.battery_[r.node] < 0.0 || t.edge_.battery_[r.node] >= 0.25);
    EXPECT_GE(exec[t.edge_.device_type_[r.node]], 0.0);
  }
  return sequence;
}

TEST(PolicyPreprocessor, AGeneratedPlacementSequenceIsTheArgmaxAndDeterministic) {
  const std::vector<int> first = place_generated_sequence(7, /*check_argmax=*/true);
  const std::vector<int> second = place_generated_sequence(7, /*check_argmax=*/false);
  EXPECT_EQ(first, second);
  const std::set<int> distinct(first.begin(), first.end());
  EXPECT_GT(distinct.size(), 5u);  // not one node over and over
  EXPECT_GT(std::count_if(first.begin(), first.end(), [](int n) { return n >= 0; }), 50);
  EXPECT_NE(first, place_generated_sequence(8, /*check_argmax=*/false));  // the seed matters
}

}  // namespace
}  // namespace edgetwin::scheduler_plugins::placement
