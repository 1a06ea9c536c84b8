// The fleet model's placement policy (fleet_scheduler.h) driven by hand: candidates, the cost of
// a cycle, reservations released, back-off, withdrawal, image presence, and bad profiles.
#include "scheduler_plugins/placement/fleet_scheduler.h"

#include <gtest/gtest.h>

#include <vector>

#include "models/device_catalog.h"
#include "models/fleet_config.h"

namespace edgetwin::scheduler_plugins::placement {
namespace {

using models::PlacementDecision;
using Status = PlacementDecision::Status;
constexpr std::int64_t kMiB = 1024 * 1024;

// Offers a fixed candidate list for every placement.
class FixedHost final : public models::PlacementHost {
 public:
  std::vector<std::uint32_t> candidates;
  std::span<const std::uint32_t> placement_candidates(std::uint32_t) override {
    return candidates;
  }
};

// Two cloud VMs (4 cores, max_instances 2: 2000 millicores each) at one site; function f (1 GiB)
// with image "img" of 500 MiB.
models::FleetConfig two_vms() {
  models::FleetConfig c;
  models::DeviceType vm = *models::find_builtin_device_type("cloud-vm");
  vm.max_instances = 2;
  c.types = {vm};
  c.sites = {{"edge", "edge"}};
  c.devices = {{"d0", 0, 0, {}}, {"d1", 0, 0, {}}};
  c.artifacts = {{"img", false, {{"", 500 * kMiB}}}};
  models::FunctionConfig f;
  f.name = "f";
  f.image = 0;
  f.memory_bytes = 1024 * kMiB;
  c.functions = {f};
  return c;
}

SchedulerConfig image_locality_only() {
  SchedulerConfig s;
  s.plugins = {{"NodeResourcesFit", true, 0}, {"ImageLocality", false, 1}};
  return s;
}

PlacementDecision decide(models::PlacementPolicy& policy, FixedHost& host, sim::Time now,
                         sim::Time* cost = nullptr) {
  std::vector<PlacementDecision> out;
  const sim::Time c = policy.cycle(now, host, out);
  if (cost) *cost = c;
  EXPECT_EQ(out.size(), 1u);
  return out.empty() ? PlacementDecision{} : out[0];
}

TEST(FleetScheduler, ImageLocalityFollowsPlacementsAndTheCachesDrops) {
  std::string error;
  auto policy = make_fleet_policy(image_locality_only(), two_vms(), &error);
  ASSERT_NE(policy, nullptr) << error;
  FixedHost host;
  host.candidates = {0, 1};
  // No node holds img: ImageLocality clamps 0 to 23 MiB -> 0 on both; tie -> d0.
  policy->enqueue(0, 0, 0, 0);
  sim::Time cost = 0;
  PlacementDecision d = decide(*policy, host, 0, &cost);
  EXPECT_EQ(d.status, Status::kPlaced);
  EXPECT_EQ(d.device, 0u);
  EXPECT_EQ(d.score, 0);
  // 1 ms + 2 examined x 100 ns + 2 scored x 1 us = 1,002,200 ns.
  EXPECT_EQ(cost, 1'002'200);
  // d0 now holds img (bound): 500 MiB x spread 1/2 = 250 MiB -> 100 x (250 - 23) / (1000 - 23)
  // = 22700 / 977 = 23 (integer division); d1 0 -> d0, 23.
  policy->enqueue(1, 0, 0, 0);
  d = decide(*policy, host, 0);
  EXPECT_EQ(d.device, 0u);
  EXPECT_EQ(d.score, 23);
  // The cache dropped img on d0: both 0 again; d0 is full (2 x 1000 m): d1, 0.
  policy->artifact_dropped(0, 0);
  policy->enqueue(2, 0, 0, 0);
  d = decide(*policy, host, 0);
  EXPECT_EQ(d.device, 1u);
  EXPECT_EQ(d.score, 0);
  EXPECT_EQ(d.feasible, 1u);
}

TEST(FleetScheduler, AReleasedReservationLetsAnUnschedulablePlacementBackAfterItsBackOff) {
  auto policy = make_fleet_policy(image_locality_only(), two_vms());
  ASSERT_NE(policy, nullptr);
  FixedHost host;
  host.candidates = {1};  // only d1: two pods fill it
  for (std::uint32_t id = 0; id < 2; ++id) {
    policy->enqueue(id, 0, 0, 0);
    EXPECT_EQ(decide(*policy, host, 0).device, 1u);
  }
  policy->enqueue(2, 0, 0, 0);
  const PlacementDecision d = decide(*policy, host, 5);
  EXPECT_EQ(d.status, Status::kUnschedulable);
  EXPECT_EQ(d.nodes_examined, 2u);  // the candidate filter rejects d0; NodeResourcesFit d1
  EXPECT_EQ(d.feasible, 0u);
  EXPECT_EQ(policy->pending(), 1u);
  // Nothing released: it stays unschedulable, no retry time.
  std::vector<PlacementDecision> out;
  EXPECT_EQ(policy->cycle(sim::kHour, host, out), 0);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(policy->next_ready(), sim::kTimeMax);
  // One pod ends at 10 ns: back-off 1 s from its attempt at 5 ns -> ready at 1 s + 5 ns.
  policy->release(1, 0);
  policy->capacity_freed(10);
  EXPECT_EQ(policy->next_ready(), sim::kSecond + 5);
  EXPECT_EQ(policy->cycle(sim::kSecond, host, out), 0);
  const PlacementDecision again = decide(*policy, host, sim::kSecond + 5);
  EXPECT_EQ(again.id, 2u);
  EXPECT_EQ(again.status, Status::kPlaced);
  EXPECT_EQ(again.device, 1u);
  EXPECT_EQ(policy->pending(), 0u);
}

TEST(FleetScheduler, AWithdrawnPlacementIsNeverDecidedAndNoCandidateRejects) {
  auto policy = make_fleet_policy(image_locality_only(), two_vms());
  ASSERT_NE(policy, nullptr);
  FixedHost host;
  host.candidates = {0, 1};
  policy->enqueue(0, 0, 0, 0);
  policy->enqueue(1, 0, 0, 0);
  policy->withdraw(0);
  EXPECT_EQ(policy->pending(), 1u);
  EXPECT_EQ(decide(*policy, host, 0).id, 1u);
  host.candidates.clear();
  policy->enqueue(2, 0, 0, 0);
  sim::Time cost = 0;
  const PlacementDecision d = decide(*policy, host, 0, &cost);
  EXPECT_EQ(d.status, Status::kNoCandidate);
  EXPECT_EQ(cost, sim::kMillisecond);  // the fixed cost only
  EXPECT_EQ(policy->pending(), 0u);
}

TEST(FleetScheduler, ABadProfileIsRefusedWithTheReason) {
  std::string error;
  SchedulerConfig s;
  s.plugins = {{"NoSuchPlugin", true, 0}};
  EXPECT_EQ(make_fleet_policy(s, two_vms(), &error), nullptr);
  EXPECT_NE(error.find("unknown plug-in 'NoSuchPlugin'; valid: "), std::string::npos) << error;
  EXPECT_NE(error.find("ImageLocality, "), std::string::npos) << error;
  s.plugins = {{"ImageLocality", true, 0}};
  EXPECT_EQ(make_fleet_policy(s, two_vms(), &error), nullptr);
  EXPECT_EQ(error, "plug-in 'ImageLocality' has no filter");
  s.plugins = {{"InterPodAffinity", false, 2}};
  EXPECT_EQ(make_fleet_policy(s, two_vms(), &error), nullptr);
  EXPECT_EQ(error, "plug-in 'InterPodAffinity' has no score");
  s.plugins = {};
  s.architecture = "batch";
  EXPECT_EQ(make_fleet_policy(s, two_vms(), &error), nullptr);
  EXPECT_NE(error.find("unknown scheduler architecture 'batch'"), std::string::npos);
  EXPECT_THROW(fleet_policy_factory(s)(two_vms()), std::invalid_argument);
}

}  // namespace
}  // namespace edgetwin::scheduler_plugins::placement
