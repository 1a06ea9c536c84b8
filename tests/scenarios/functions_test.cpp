// Functions, images and cold starts in a scenario: what the builder makes of the built-ins and
// of the scenario's overrides, and a cold start whose image is pulled over the network.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "models/network_activity.h"
#include "scenarios/scenario.h"
#include "sim/engine.h"

namespace edgetwin::scenarios {
namespace {

using nlohmann::json;
using Exec = models::ExecutionTime::Kind;

constexpr const char* kFaas = R"({
  "name": "faas",
  "duration": "10m",
  "sites": [ { "name": "edge" }, { "name": "cloud", "kind": "cloud" } ],
  "device_types": { "pi-plus": { "base": "rpi4", "cores": 8 } },
  "fleet": [ { "type": "rpi4", "site": "edge" }, { "type": "pi-plus", "site": "edge" },
             { "type": "server", "site": "edge" }, { "type": "jetson-nano", "site": "edge" },
             { "type": "cloud-vm", "site": "cloud" } ],
  "images": { "detector": { "sizes": { "aarch64": "300MB", "x86_64": "500MB" } } },
  "functions": {
    "detect": { "image": "detector", "memory": "256MiB", "work": "400ms", "deadline": "2s",
                "keep_alive": "1m" },
    "resnet-inference-cpu": {
      "execution_times": { "server": { "s": 0.5, "loc": 0.1, "scale": 0.05, "xmin": 0.1,
                                       "xmax": 0.5 } } }
  },
  "workloads": [
    { "name": "cpu", "sites": "edge", "arrivals": { "rate_per_s": 1 },
      "function": "resnet-inference-cpu" },
    { "name": "det", "sites": "*", "arrivals": { "rate_per_s": 1 }, "function": "detect",
      "deadline": "1s" },
    { "name": "plain", "sites": "edge", "arrivals": { "rate_per_s": 1 },
      "service": { "distribution": "exponential", "mean": "10ms" } }
  ]
})";

TEST(Functions, BuiltInFitsApplyByProfileAndTheFallbackIsWorkOverCoreSpeed) {
  const LoadResult r = load_scenario_text(kFaas, "faas.json");
  ASSERT_TRUE(r.ok()) << r.error_text();
  const models::FleetConfig& f = r.scenario->fleet;
  // Types in order of first use: rpi4, pi-plus, server, jetson-nano, cloud-vm.
  ASSERT_EQ(f.types.size(), 5u);
  EXPECT_EQ(f.types[1].fet_profile, "rpi4");  // derived from rpi4
  EXPECT_EQ(f.types[1].max_instances, 8);     // the base's 2 * 4 cores, not 2 * 8
  ASSERT_EQ(f.functions.size(), 2u);
  const models::FunctionConfig& cpu = f.functions[0];
  EXPECT_EQ(cpu.name, "resnet-inference-cpu");
  EXPECT_EQ(f.artifacts.at(cpu.image).name, "resnet-inference-cpu");
  EXPECT_EQ(f.artifacts.at(cpu.model).name, "resnet50-model");
  EXPECT_EQ(cpu.memory_bytes, 150 << 20);
  EXPECT_EQ(cpu.exec[0].kind, Exec::kFit);
  EXPECT_EQ(cpu.exec[0].fit.scale,
            models::builtin_execution_time("resnet-inference-cpu", "rpi4")->scale);
  EXPECT_EQ(cpu.exec[1].kind, Exec::kFit);  // pi-plus: the rpi4 profile
  EXPECT_EQ(cpu.exec[2].kind, Exec::kFit);  // server: the scenario's fit
  EXPECT_EQ(cpu.exec[2].fit.loc, 0.1);
  EXPECT_EQ(cpu.exec[3].kind, Exec::kFit);
  EXPECT_EQ(cpu.exec[4].kind, Exec::kFit);
  const models::FunctionConfig& det = f.functions[1];
  EXPECT_EQ(det.work_s, 0.4);
  EXPECT_EQ(det.memory_bytes, 256 << 20);
  EXPECT_EQ(det.deadline, 2 * sim::kSecond);
  EXPECT_EQ(det.keep_alive, sim::kMinute);
  for (const auto& e : det.exec) EXPECT_EQ(e.kind, Exec::kWork);
  EXPECT_EQ(f.artifacts.at(det.image).size_for("aarch64"), 300'000'000);
  EXPECT_EQ(f.artifacts.at(det.image).size_for("armv7"), -1);  // no armv7 build
  EXPECT_EQ(f.workloads[0].function, 0);
  EXPECT_EQ(f.workloads[1].function, 1);
  EXPECT_EQ(f.workloads[1].deadline, sim::kSecond);
  EXPECT_EQ(f.workloads[2].function, -1);
  EXPECT_EQ(f.registry_site, 1u);  // the first cloud site
  const json resolved = json::parse(r.scenario->resolved_json);
  EXPECT_EQ(resolved["registry"], "cloud");
  EXPECT_EQ(resolved["device_types"]["pi-plus"]["execution_profile"], "rpi4");

  // The model: detect has no armv7 image, so the rpis cannot run it.
  models::FleetModel model(f);
  EXPECT_FALSE(model.can_run(1, 0));
  EXPECT_FALSE(model.can_run(1, 1));
  EXPECT_TRUE(model.can_run(1, 2));
  EXPECT_TRUE(model.can_run(1, 3));
  EXPECT_TRUE(model.can_run(0, 0));
}

TEST(Functions, TheSameScenarioAndSeedGiveIdenticalRequestRecords) {
  const LoadResult r = load_scenario_text(kFaas, "faas.json");
  ASSERT_TRUE(r.ok()) << r.error_text();
  auto run = [&] {
    auto twin = std::make_unique<models::Twin>(r.scenario->fleet);
    sim::Engine engine(twin->lp_count());
    engine.enable_fingerprint();
    twin->start(engine);
    engine.run(*twin, r.scenario->fleet.duration);
    twin->finish(engine.now());
    return std::pair{std::move(twin), engine.fingerprint()};
  };
  const auto [a, fa] = run();
  const auto [b, fb] = run();
  EXPECT_EQ(fa, fb);
  const models::RequestRecords &ra = a->fleet().requests(), &rb = b->fleet().requests();
  ASSERT_GT(ra.size(), 1000u);
  EXPECT_EQ(ra.end_ns, rb.end_ns);
  EXPECT_EQ(ra.device, rb.device);
  EXPECT_EQ(ra.cold_start_ns, rb.cold_start_ns);
  EXPECT_EQ(ra.outcome, rb.outcome);
}

// One device at the edge, the registry in the cloud: access link 100 Mbit/s down, 5 ms; backhaul
// 1 Gbit/s, 10 ms; a 100 MB image; container start 2 s (a lognormal with s = 1e-12); 0.5 s work.
constexpr const char* kPull = R"({
  "name": "pull",
  "duration": "150s",
  "sites": [ { "name": "cloud", "kind": "cloud" }, { "name": "edge" } ],
  "device_types": { "box": { "base": "cloud-vm", "container_start":
                      { "s": 1e-12, "loc": 1.5, "scale": 0.5, "xmin": 1, "xmax": 3 } } },
  "fleet": [ { "type": "box", "site": "edge" } ],
  "network": { "access": { "up": "100Mbps", "down": "100Mbps", "latency": "5ms" },
               "backhaul": { "bandwidth": "1Gbps", "latency": "10ms" } },
  "images": { "app": { "size": "100MB" } },
  "functions": { "app": { "image": "app", "work": "500ms" } },
  "workloads": [ { "name": "w", "sites": "edge", "function": "app",
                   "arrivals": { "process": "constant", "rate_per_s": 0.01 } } ]
})";

TEST(Functions, AColdStartPullsTheImageOverTheNetworkFromTheRegistry) {
  const LoadResult r = load_scenario_text(kPull, "pull.json");
  ASSERT_TRUE(r.ok()) << r.error_text();
  models::Twin twin(r.scenario->fleet);
  sim::Engine engine(twin.lp_count());
  twin.start(engine);
  engine.run(twin, r.scenario->fleet.duration);
  twin.finish(engine.now());
  const models::RequestRecords& q = twin.fleet().requests();
  ASSERT_EQ(q.size(), 1u);
  // Arrival at 100 s; the request reaches the device over the access link: 5 ms. The pull is a
  // flow cloud -> edge -> device whose bottleneck is the 100 Mbit/s access link: 1e8 B * 8 /
  // 1e8 bit/s = 8 s, delivered one route latency (10 ms + 5 ms) after its last byte left:
  // 8.015 s. Then 2 s of start and 0.5 s of execution; the response takes 5 ms back.
  EXPECT_EQ(q.network_ns[0], 10 * sim::kMillisecond);
  EXPECT_EQ(q.pull_ns[0], 8'015 * sim::kMillisecond);
  EXPECT_NEAR(static_cast<double>(q.cold_start_ns[0]), 10.015e9, 1e3);
  EXPECT_EQ(q.exec_ns[0], 500 * sim::kMillisecond);
  EXPECT_EQ(q.end_ns[0] - q.arrival_ns[0],
            q.network_ns[0] + q.queue_ns[0] + q.cold_start_ns[0] + q.exec_ns[0]);
  const network::TransferRecords& t = twin.network()->net().records();
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t.bytes[0], 100'000'000);
  EXPECT_EQ(t.from[0], 0u);  // the registry: the cloud site's node
}

TEST(Functions, RequestsAreNotDispatchedToADeviceWhoseAccessLinkIsDown) {
  // Two devices at the edge; the first one's access link is down for the whole run, so random
  // dispatch sends every request to the second.
  json j = json::parse(kPull);
  j["fleet"][0]["count"] = 2;
  j["workloads"][0]["arrivals"] = {{"rate_per_s", 1}};
  j["workloads"][0]["dispatch"] = "random";
  j["outages"] = json::array({{{"kind", "access"}, {"devices", "box-edge-1"}, {"at", "0s"},
                               {"duration", "150s"}}});
  const LoadResult r = load_scenario_text(j.dump(), "down.json");
  ASSERT_TRUE(r.ok()) << r.error_text();
  models::Twin twin(r.scenario->fleet);
  sim::Engine engine(twin.lp_count());
  twin.start(engine);
  engine.run(twin, r.scenario->fleet.duration);
  twin.finish(engine.now());
  const models::RequestRecords& q = twin.fleet().requests();
  ASSERT_GT(q.size(), 100u);
  for (std::size_t i = 0; i < q.size(); ++i) EXPECT_EQ(q.device[i], 1u);
}

}  // namespace
}  // namespace edgetwin::scenarios

namespace edgetwin::scenarios {
namespace {

TEST(Functions, ADeviceThatFailsDuringAPullOverTheNetworkLosesTheRequestAndPullsAgainLater) {
  // kPull, with the device failed over [104, 114) s: the request of 100 s is pulling (from
  // 100.005 s) and is lost at 104 s. The pull's transfer is cancelled then (recorded cancelled at
  // 104 s, with the 3.995 s of its 8 s it had sent: 49.9375 MB), so the image is not cached. The
  // request of 200 s therefore pulls the whole image again: 8.015 s, as in the test above.
  json j = json::parse(kPull);
  j["duration"] = "250s";
  j["outages"] = json::array({{{"kind", "device_failures"}, {"sites", "edge"}, {"at", "104s"},
                               {"duration", "10s"}}});
  const LoadResult r = load_scenario_text(j.dump(), "fail-pull.json");
  ASSERT_TRUE(r.ok()) << r.error_text();
  models::Twin twin(r.scenario->fleet);
  sim::Engine engine(twin.lp_count());
  twin.start(engine);
  engine.run(twin, r.scenario->fleet.duration);
  twin.finish(engine.now());
  const models::RequestRecords& q = twin.fleet().requests();
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q.outcome[0], static_cast<std::uint8_t>(models::RequestOutcome::kLost));
  EXPECT_EQ(q.end_ns[0], 104 * sim::kSecond);
  EXPECT_EQ(q.outcome[1], static_cast<std::uint8_t>(models::RequestOutcome::kCompleted));
  EXPECT_EQ(q.pull_ns[1], 8'015 * sim::kMillisecond);
  const network::TransferRecords& t = twin.network()->net().records();
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t.bytes[0], 100'000'000);
  EXPECT_EQ(t.bytes[1], 100'000'000);
  EXPECT_EQ(network::outcome_name(static_cast<network::Outcome>(t.outcome[0])),
            std::string("cancelled"));
  EXPECT_EQ(t.end_ns[0], 104 * sim::kSecond);
  EXPECT_EQ(t.bytes_delivered[0], 49'937'500);
  EXPECT_EQ(t.outcome[1], static_cast<std::uint16_t>(network::Outcome::kDelivered));
  EXPECT_EQ(t.start_ns[1], 200 * sim::kSecond + 5 * sim::kMillisecond);
  EXPECT_EQ(twin.fleet().function_counts().pulled_bytes, std::uint64_t{200'000'000});
}

}  // namespace
}  // namespace edgetwin::scenarios
