// Out-of-tree plug-ins: the example library is loaded, its plug-in created by name from the
// process-wide registry and scheduled with; every failure is reported clearly and adds nothing.
#include <gtest/gtest.h>

#include "scheduler_plugins/loader.h"
#include "scheduler_plugins/placement/plugins.h"
#include "scheduler_plugins/rollout/builtins.h"

namespace edgetwin::scheduler_plugins {
namespace {

using placement::placement_registry;

TEST(PluginLoader, LoadsTheExampleAndSchedulesWithIt) {
  std::string error;
  ASSERT_TRUE(load_plugin_library(EDGETWIN_EXAMPLE_PLUGIN, &error)) << error;
  std::unique_ptr<placement::Plugin> plugin = placement_registry().create("LabelMatch", &error);
  ASSERT_NE(plugin, nullptr) << error;
  EXPECT_EQ(plugin->name(), "LabelMatch");

  // Three equal nodes; node 1 carries zone=b, node 2 zone=b and arch=aarch64. LabelMatch raw
  // scores for a pod labelled zone=b, arch=aarch64: 0, 1, 2 -> normalised 0, 50, 100.
  // NodeResourcesFit (LeastAllocated) is 100 - 25 = 75 on every node for the pod's 1000m of
  // 4000m and 1 of 4 GiB. Totals with weights 1 and 2: 75, 175, 275 -> node 2.
  placement::NodeTable t;
  for (int i = 0; i < 3; ++i) {
    placement::NodeSpec spec;
    spec.cpu_milli = 4000;
    spec.memory_bytes = 4LL << 30;
    if (i >= 1) spec.labels.emplace_back("zone", "b");
    if (i == 2) spec.labels.emplace_back("arch", "aarch64");
    t.add_node(spec);
  }
  placement::Framework framework(100);
  ASSERT_TRUE(framework.add_plugin(placement::make_node_resources_fit({}), 1));
  ASSERT_TRUE(framework.add_plugin(std::move(plugin), 2));
  placement::PodSpec pod;
  pod.cpu_milli = 1000;
  pod.memory_bytes = 1LL << 30;
  pod.labels = {"zone=b", "arch=aarch64"};
  const placement::Framework::Result r = framework.schedule(t, pod);
  EXPECT_EQ(r.node, 2);
  EXPECT_EQ(r.total_score, 275);
  EXPECT_EQ(framework.last_totals()[0], 75);
  EXPECT_EQ(framework.last_totals()[1], 175);

  // An unknown name lists the valid ones, the loaded plug-in among them.
  EXPECT_EQ(placement_registry().create("LabelMatc", &error), nullptr);
  EXPECT_EQ(error.rfind("unknown plug-in 'LabelMatc'; valid: ", 0), 0U) << error;
  EXPECT_NE(error.find(", InterPodAffinity, LabelMatch, NodeAffinity, "), std::string::npos)
      << error;

  // Loading it again: its name is taken, nothing changes.
  const std::size_t before = placement_registry().entries().size();
  EXPECT_FALSE(load_plugin_library(EDGETWIN_EXAMPLE_PLUGIN, &error));
  EXPECT_EQ(error, std::string("plug-in library '") + EDGETWIN_EXAMPLE_PLUGIN +
                       "': a placement plug-in named 'LabelMatch' is already registered");
  EXPECT_EQ(placement_registry().entries().size(), before);
}

TEST(PluginLoader, AddsRolloutStrategiesAndPlacementPluginsOfOneLibraryTogether) {
  std::string error;
  ASSERT_TRUE(load_plugin_library(EDGETWIN_ROLLOUT_PLUGIN, &error)) << error;
  std::unique_ptr<rollout::RolloutStrategy> strategy =
      rollout::rollout_registry().create("FixtureIdle", &error);
  ASSERT_NE(strategy, nullptr) << error;
  EXPECT_EQ(strategy->name(), "FixtureIdle");
  EXPECT_NE(placement_registry().create("FixtureNeutral"), nullptr);
  // Again: both names are taken; the message names each, with its kind, and nothing changes.
  const std::size_t rollouts = rollout::rollout_registry().entries().size();
  EXPECT_FALSE(load_plugin_library(EDGETWIN_ROLLOUT_PLUGIN, &error));
  EXPECT_EQ(error, std::string("plug-in library '") + EDGETWIN_ROLLOUT_PLUGIN +
                       "': a placement plug-in named 'FixtureNeutral' is already registered; a "
                       "rollout plug-in named 'FixtureIdle' is already registered");
  EXPECT_EQ(rollout::rollout_registry().entries().size(), rollouts);
}

TEST(PluginLoader, SaysWhenTheFileIsMissing) {
  std::string error;
  EXPECT_FALSE(load_plugin_library("no/such/libplugin.so", &error));
  EXPECT_EQ(error, "plug-in library 'no/such/libplugin.so': no such file");
}

TEST(PluginLoader, SaysWhenTheFileIsNotASharedLibrary) {
  std::string error;
  EXPECT_FALSE(load_plugin_library(EDGETWIN_NOT_A_LIBRARY, &error));
  EXPECT_EQ(
      error.rfind(
          std::string("plug-in library '") + EDGETWIN_NOT_A_LIBRARY + "': cannot be loaded: ", 0),
      0U)
      << error;
}

TEST(PluginLoader, SaysWhenTheEntryPointIsMissing) {
  std::string error;
  EXPECT_FALSE(load_plugin_library(EDGETWIN_NO_ENTRY_PLUGIN, &error));
  EXPECT_EQ(error, std::string("plug-in library '") + EDGETWIN_NO_ENTRY_PLUGIN +
                       "' does not export the entry point edgetwin_register_plugins (declare it "
                       "extern \"C\")");
}

TEST(PluginLoader, RefusesAnotherApiVersionAndAddsNothing) {
  std::string error;
  const std::size_t before = placement_registry().entries().size();
  EXPECT_FALSE(load_plugin_library(EDGETWIN_OTHER_API_PLUGIN, &error));
  EXPECT_EQ(error, std::string("plug-in library '") + EDGETWIN_OTHER_API_PLUGIN +
                       "' was built against plug-in API " + std::to_string(kPluginApiVersion + 1) +
                       ", this edgetwin has " + std::to_string(kPluginApiVersion));
  EXPECT_EQ(placement_registry().entries().size(), before);
  EXPECT_EQ(placement_registry().create("FromOtherApi"), nullptr);
}

TEST(PluginLoader, HandsOutOnlyTheKindsItHas) {
  // A library built against this API asks the host for registries by kind.
  PluginHost host{kPluginApiVersion, nullptr, nullptr};
  host.registry = [](PluginHost*, const char* kind) -> void* {
    return std::string_view(kind) == "placement" ? &placement_registry() : nullptr;
  };
  EXPECT_EQ(host_placement_registry(&host), &placement_registry());
  EXPECT_EQ(host_rollout_registry(&host), nullptr);  // this fake host has no rollout kind
  host.api_version = kPluginApiVersion + 1;          // a host of another version: nothing
  EXPECT_EQ(host_placement_registry(&host), nullptr);
}

}  // namespace
}  // namespace edgetwin::scheduler_plugins
