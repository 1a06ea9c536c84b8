// What a rollout moves devices to, and what can happen to one update: the deployment manifest
// (components with versions per device group, selected by labels), each device's installed
// versions, the outcome of one update attempt with its probabilities per version x device type,
// and the install / reboot / health-check / repair time distributions per device type. Plain
// values with validation; the simulation's rollout controller draws from them (docs/rollouts.md).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scheduler_plugins/rollout/strategy.h"
#include "sim/random.h"

namespace edgetwin::scheduler_plugins::rollout {

using Label = std::pair<std::string, std::string>;

struct ArtifactSize {
  std::string arch;  // "" for any architecture
  std::int64_t bytes = 0;
};

// One component at one version: "firmware" 2.4.1, "inference-app" 1.8, "resnet50" 2025-10.
struct ComponentVersion {
  std::string component;
  std::string version;
  std::vector<ArtifactSize> sizes;  // download size per architecture
  // The size for `arch`: its own entry, else the "" entry, else -1 (no artifact for it).
  std::int64_t size_for(std::string_view arch) const;
};

// The devices whose labels include every selector label get these component versions.
struct TargetGroup {
  std::string name;
  std::vector<Label> selector;  // empty: every device
  std::vector<ComponentVersion> components;
  bool matches(std::span<const Label> labels) const;
};

// Groups in priority order: a device matched by several takes the first.
struct DeploymentManifest {
  std::vector<TargetGroup> groups;
};

// A device's installed versions: (component, version), sorted by component.
using Versions = std::vector<std::pair<std::string, std::string>>;

// True iff some component of `group` is missing from `installed` or at another version.
bool needs_update(const TargetGroup& group, const Versions& installed);
// `installed` with the group's components at the group's versions (others kept).
void install(const TargetGroup& group, Versions& installed);

struct DesiredState {
  std::vector<std::int32_t> group;     // per device: its manifest group, -1 when none matches
  std::vector<std::uint32_t> targets;  // devices that need an update, in device order
};
// Resolves every device's group and the rollout's targets. A group that matches no device is an
// error ("empty target group"), as is a group every device of which an earlier group took.
// `path` prefixes the messages ("/rollouts/0/manifest").
DesiredState resolve(const DeploymentManifest& manifest,
                     const std::vector<std::vector<Label>>& device_labels,
                     const std::vector<Versions>& installed, std::string_view path,
                     std::vector<std::string>& errors);

// How one update attempt ends.
enum class UpdateOutcome : std::uint8_t {
  kSucceeded,
  kDownloadInterrupted,  // gave up downloading: the old version keeps running
  kInstallFailed,        // the install step failed: the old version keeps running
  kBootLoopRolledBack,   // the new slot did not boot; the bootloader went back to the A/B slot
  kBricked,              // no fallback left: down until repaired by hand
};
const char* update_outcome_name(UpdateOutcome outcome);
// The target state the outcome ends an attempt in: succeeded or failed.
TargetState target_state(UpdateOutcome outcome);
// Applies the outcome to the device's versions: only success changes them (every failure leaves
// the previous version active, the A/B slot included). True when the device needs a repair.
bool apply_outcome(const TargetGroup& group, UpdateOutcome outcome, Versions& installed);

// Per attempt; success is the rest. Each in [0, 1], the sum at most 1.
struct OutcomeProbabilities {
  double download_interrupted = 0.0;
  double install_failed = 0.0;
  double boot_loop = 0.0;
  double bricked = 0.0;
  double success() const {
    return 1.0 - download_interrupted - install_failed - boot_loop - bricked;
  }
};
// One uniform draw u: download interrupted when u < p1, install failed when u < p1 + p2, and so
// on in declaration order; success otherwise.
UpdateOutcome draw_outcome(const OutcomeProbabilities& p, sim::RandomStream& rng);

// Probabilities per (version, device type); "" matches any. The most specific rule wins:
// (version, type), then (version, any), then (any, type), then the fallback.
struct FailureRule {
  std::string version;
  std::string device_type;
  OutcomeProbabilities p;
};
struct FailureTable {
  OutcomeProbabilities fallback;
  std::vector<FailureRule> rules;
  const OutcomeProbabilities& lookup(std::string_view version, std::string_view device_type) const;
};

// Seconds. Defaults after the field figures in docs/rollouts.md (greenboot: 150 s to come up and
// a 60 s stability window; balena: health checks for 15 min).
struct UpdateTimes {
  sim::Distribution install_s = sim::Distribution::constant(60.0);
  sim::Distribution reboot_s = sim::Distribution::constant(30.0);
  sim::Distribution health_check_s = sim::Distribution::constant(60.0);
  sim::Distribution repair_s = sim::Distribution::exponential(86400.0);  // bricked -> repaired
};

struct UpdateModel {
  DeploymentManifest manifest;
  FailureTable failures;
  UpdateTimes default_times;
  std::vector<std::pair<std::string, UpdateTimes>> times_by_type;  // device type -> times
  const UpdateTimes& times(std::string_view device_type) const;
  // Every problem, each with its path under `path`: an empty name or version, a duplicate
  // component in a group, a negative size, a group without components, a probability outside
  // [0, 1] or summing above 1, a time distribution that can go negative.
  std::vector<std::string> validate(std::string_view path) const;
};

}  // namespace edgetwin::scheduler_plugins::rollout
