// Arrival streams: exactness of constant arrivals, determinism, the Poisson stream's draws kept
// as they were, and the streams inside the fleet model. The statistical checks of the diurnal and
// MMPP processes against their closed forms are in tests/validation/arrivals_test.cpp.
#include "models/arrivals.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "models/fleet_model.h"
#include "sim/engine.h"
#include "tests/models/run_fleet.h"

namespace edgetwin::models {
namespace {

std::vector<sim::Time> draw(const ArrivalProcess& p, double rate, std::size_t n,
                            std::uint64_t seed = 5, std::uint32_t entity = 0,
                            std::uint32_t offset = 0) {
  ArrivalStream s(p, rate, seed, entity, offset);
  std::vector<sim::Time> out;
  sim::Time t = 0;
  for (std::size_t i = 0; i < n; ++i) out.push_back(t = s.next(p, t));
  return out;
}

ArrivalProcess constant(bool random_phase) {
  ArrivalProcess p;
  p.kind = ArrivalProcess::Kind::kConstant;
  p.random_phase = random_phase;
  return p;
}

ArrivalProcess sinusoid() {
  ArrivalProcess p;
  p.kind = ArrivalProcess::Kind::kDiurnal;
  p.amplitude = 0.6;
  p.peak = 15 * sim::kHour;
  return p;
}

ArrivalProcess profile() {
  ArrivalProcess p;
  p.kind = ArrivalProcess::Kind::kDiurnal;
  for (int h = 0; h < 24; ++h) p.hourly_per_s.push_back(h < 6 ? 0.0 : 0.5 + 0.1 * h);
  return p;
}

ArrivalProcess mmpp() {
  ArrivalProcess p;
  p.kind = ArrivalProcess::Kind::kMmpp;
  p.states = {{2.0, 60.0}, {40.0, 10.0}, {0.0, 5.0}};
  return p;
}

TEST(Arrivals, ConstantArrivalsWithoutPhaseAreExactlyOneOverTheRateApart) {
  // Rate 4/s: 250 ms is a whole number of nanoseconds, so t_k = k * 250 ms exactly, from k = 1.
  const auto t = draw(constant(false), 4.0, 100000);
  for (std::size_t k = 0; k < t.size(); ++k) {
    ASSERT_EQ(t[k], static_cast<sim::Time>(k + 1) * 250 * sim::kMillisecond) << k;
  }
  // Rate 3/s: t_k is (k + 1) / 3 s rounded once, so it never drifts: within 0.5 ns of the exact
  // time, and every gap 333,333,333 or 333,333,334 ns.
  const auto u = draw(constant(false), 3.0, 100000);
  for (std::size_t k = 0; k < u.size(); ++k) {
    const double exact_ns = static_cast<double>(k + 1) * 1e9 / 3.0;
    ASSERT_LE(std::abs(static_cast<double>(u[k]) - exact_ns), 0.5 + 1e-6) << k;
    if (k > 0) {
      ASSERT_GE(u[k] - u[k - 1], 333'333'333);
      ASSERT_LE(u[k] - u[k - 1], 333'333'334);
    }
  }
}

TEST(Arrivals, ConstantArrivalsWithARandomPhaseStartInTheFirstIntervalAndKeepTheirPeriod) {
  std::vector<sim::Time> firsts;
  for (std::uint32_t site = 0; site < 20; ++site) {
    const auto t = draw(constant(true), 4.0, 1000, 5, site);
    ASSERT_GT(t[0], 0);
    ASSERT_LE(t[0], 250 * sim::kMillisecond);
    for (std::size_t k = 1; k < t.size(); ++k) {
      ASSERT_GE(t[k] - t[k - 1], 249'999'999);
      ASSERT_LE(t[k] - t[k - 1], 250'000'001);
    }
    firsts.push_back(t[0]);
  }
  // Each site draws its own phase: 20 draws from a continuous distribution are all different.
  std::sort(firsts.begin(), firsts.end());
  EXPECT_EQ(std::unique(firsts.begin(), firsts.end()), firsts.end());
}

TEST(Arrivals, TheSameSeedEntityAndOffsetGiveTheSameArrivalsForEveryProcess) {
  ArrivalProcess poisson;
  for (const ArrivalProcess& p : {poisson, constant(true), sinusoid(), profile(), mmpp()}) {
    const auto a = draw(p, 3.0, 5000, 9, 4, 2);
    EXPECT_EQ(a, draw(p, 3.0, 5000, 9, 4, 2)) << arrival_process_name(p.kind);
    EXPECT_NE(a, draw(p, 3.0, 5000, 9, 5, 2)) << arrival_process_name(p.kind);  // other site
    EXPECT_NE(a, draw(p, 3.0, 5000, 9, 4, 3)) << arrival_process_name(p.kind);  // other workload
    EXPECT_NE(a, draw(p, 3.0, 5000, 10, 4, 2)) << arrival_process_name(p.kind);  // other seed
    EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
  }
}

TEST(Arrivals, PoissonStreamsDrawExactlyWhatThePoissonSourcesDrewBefore) {
  // Before arrival processes, a source drew add_saturating(previous, from_seconds(Exp(1/rate)))
  // from the stream (seed, site, purpose_id("arrivals") + workload). Keeping that bit for bit
  // keeps every existing scenario's results identical.
  const double rate = 7.5;
  const auto t = draw(ArrivalProcess{}, rate, 10000, 42, 3, 1);
  sim::RandomStream old(42, 3, sim::purpose_id("arrivals") + 1);
  sim::Time prev = 0;
  for (std::size_t k = 0; k < t.size(); ++k) {
    prev = sim::add_saturating(prev, sim::from_seconds(old.exponential(1.0 / rate)));
    ASSERT_EQ(t[k], prev) << k;
  }
}

TEST(Arrivals, AProfileNeverPlacesAnArrivalInAnHourOfRateZero) {
  const ArrivalProcess p = profile();
  for (sim::Time t : draw(p, 0.0, 200000)) {
    ASSERT_GE((t / sim::kHour) % 24, 6) << t;
  }
}

TEST(Arrivals, MeanRatesAreTheParameterTheProfileMeanAndTheStationaryMmppMean) {
  EXPECT_DOUBLE_EQ(sinusoid().mean_rate_per_s(3.0), 3.0);
  // Hours 6..23 at 0.5 + 0.1 h: (18 * 0.5 + 0.1 * (6 + ... + 23)) / 24 = (9 + 26.1) / 24.
  EXPECT_NEAR(profile().mean_rate_per_s(0.0), 35.1 / 24.0, 1e-12);
  // pi = (60, 10, 5) / 75; mean = (2 * 60 + 40 * 10 + 0) / 75.
  EXPECT_NEAR(mmpp().mean_rate_per_s(0.0), 520.0 / 75.0, 1e-12);
}

TEST(Arrivals, InvalidProcessesAreRefusedWhenTheStreamIsMade) {
  ArrivalProcess all_zero = profile();
  std::fill(all_zero.hourly_per_s.begin(), all_zero.hourly_per_s.end(), 0.0);
  EXPECT_THROW(ArrivalStream(all_zero, 0.0, 1, 0, 0), std::invalid_argument);
  ArrivalProcess short_profile = profile();
  short_profile.hourly_per_s.resize(23);
  EXPECT_THROW(ArrivalStream(short_profile, 0.0, 1, 0, 0), std::invalid_argument);
  ArrivalProcess zero_sojourn = mmpp();
  zero_sojourn.states[1].mean_sojourn_s = 0.0;
  EXPECT_THROW(ArrivalStream(zero_sojourn, 0.0, 1, 0, 0), std::invalid_argument);
  ArrivalProcess silent = mmpp();
  for (auto& s : silent.states) s.rate_per_s = 0.0;
  EXPECT_THROW(ArrivalStream(silent, 0.0, 1, 0, 0), std::invalid_argument);
  ArrivalProcess steep = sinusoid();
  steep.amplitude = 1.5;
  EXPECT_THROW(ArrivalStream(steep, 1.0, 1, 0, 0), std::invalid_argument);
  EXPECT_THROW(ArrivalStream(constant(false), 0.0, 1, 0, 0), std::invalid_argument);
}

// Two sites, one nuc each; `process` at each site.
FleetConfig model_config(const ArrivalProcess& process, double rate,
                         sim::Time duration = 2 * sim::kHour) {
  FleetConfig c;
  c.seed = 3;
  c.duration = duration;
  c.sample_interval = 0;
  c.types = {*find_builtin_device_type("nuc")};
  c.sites = {{"a", "edge"}, {"b", "edge"}};
  c.devices = {{"n1", 0, 0, {}}, {"n2", 0, 1, {}}};
  c.workloads = {{"w", {0, 1}, rate, sim::Distribution::exponential(0.05), Dispatch::kRandom,
                  process}};
  return c;
}

using testing::run_fleet;
std::unique_ptr<FleetModel> run(const FleetConfig& config) { return run_fleet(config); }

TEST(Arrivals, TheFleetModelOffersConstantArrivalsAtEachSiteUpToTheDuration) {
  const auto model = run(model_config(constant(false), 2.0));
  // 2 per second at each of 2 sites for 7200 s, the last exactly at the end: 2 * 14400.
  EXPECT_EQ(model->arrivals(), 28800u);
  std::vector<sim::Time> at_a;
  const RequestRecords& r = model->requests();
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (r.site[i] == 0) at_a.push_back(r.arrival_ns[i]);
  }
  std::sort(at_a.begin(), at_a.end());
  ASSERT_FALSE(at_a.empty());
  for (std::size_t k = 0; k < at_a.size(); ++k) {
    ASSERT_EQ(at_a[k], static_cast<sim::Time>(k + 1) * 500 * sim::kMillisecond);
  }
}

TEST(Arrivals, TheFleetModelGivesIdenticalRecordsForTheSameSeedWithEveryProcess) {
  for (const ArrivalProcess& p : {constant(true), sinusoid(), profile(), mmpp()}) {
    const FleetConfig config = model_config(p, 3.0, 8 * sim::kHour);  // past the silent hours
    const auto a = run(config), b = run(config);
    EXPECT_GT(a->arrivals(), 1000u) << arrival_process_name(p.kind);
    EXPECT_EQ(a->requests().arrival_ns, b->requests().arrival_ns);
    EXPECT_EQ(a->requests().end_ns, b->requests().end_ns);
    EXPECT_EQ(a->requests().device, b->requests().device);
  }
}

}  // namespace
}  // namespace edgetwin::models
