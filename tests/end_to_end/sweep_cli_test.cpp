// `edgetwin sweep` end to end on the bundled M/M/1 example, shortened to 10 simulated minutes:
// the file holds every run, the printed intervals are the hand formula over the file's values,
// replications share seeds across grid points (common random numbers), threads change nothing,
// and bad input exits 2 leaving no file.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>

#include "analysis/results.h"
#include "tests/end_to_end/cli_runner.h"
#include "analysis/sweep.h"

namespace edgetwin {
namespace {

namespace fs = std::filesystem;

// Two arrival rates x two dispatch policies, 3 replications: 12 runs of 10 minutes each.
const std::string kSweep = "sweep " + std::string(EDGETWIN_EXAMPLES) +
                           "/mm1.json --until 10m --set warmup=1m --seed 5 -r 3 "
                           "--vary workloads.0.arrivals.poisson_per_s=4,8 "
                           "--vary workloads.0.dispatch=round_robin,least_loaded --json ";

// A JSON number after `key` in `text`, from position `from`.
double number_after(const std::string& text, const std::string& key, std::size_t& from) {
  from = text.find("\"" + key + "\":", from);
  EXPECT_NE(from, std::string::npos) << key;
  from += key.size() + 3;
  return std::stod(text.substr(from));
}

TEST(SweepCli, WritesEveryRunAndPrintsStudentTIntervalsOfTheFilesValues) {
  const std::string out = work("sweep-a.h5");
  fs::remove(out);
  const Command c = cli(kSweep + "-o " + out + " --threads 2");
  ASSERT_EQ(c.exit_code, 0) << c.out;
  const analysis::SweepFile f = analysis::read_sweep(out);
  ASSERT_EQ(f.sweep.rows, 12u);
  EXPECT_EQ(f.numeric_attributes.at("grid_points"), 4.0);
  const auto& seed = f.sweep.integer.at("seed");
  const auto& replication = f.sweep.integer.at("replication");
  const auto& requests = f.sweep.numeric.at("requests");
  for (std::size_t i = 0; i < 12; ++i) {
    // Grid point major, replication minor; the seed is the replication's at every point (CRN).
    EXPECT_EQ(f.sweep.integer.at("point")[i], static_cast<std::int64_t>(i / 3));
    EXPECT_EQ(replication[i], static_cast<std::int64_t>(i % 3));
    EXPECT_EQ(seed[i], static_cast<std::int64_t>(analysis::replication_seed(5, static_cast<std::uint32_t>(i % 3))));
    // The table's metric is the run's summary attribute, and the resolved scenario has the seed.
    EXPECT_EQ(requests[i], f.summary[i].at("requests"));
    EXPECT_NE(f.scenario_json[i].find("\"seed\": " + std::to_string(seed[i])), std::string::npos);
  }
  EXPECT_EQ(f.sweep.text.at("workloads.0.dispatch")[3], "least_loaded");
  EXPECT_EQ(f.sweep.text.at("workloads.0.arrivals.poisson_per_s")[6], "8");
  // One device: the dispatch policy cannot matter, so with common random numbers the two policies
  // see the same draws and give identical results, replication by replication.
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(f.summary[i].at("latency_p99_s"), f.summary[3 + i].at("latency_p99_s"));
    EXPECT_EQ(requests[i], requests[3 + i]);
  }
  EXPECT_NE(requests[0], requests[1]);  // different replications draw differently
  // Point 0's printed interval is mean +- t_{0.975,2} s / sqrt(3), t_{0.975,2} = 4.302652730
  // (= 1.95 / sqrt(2 * 0.975 * 0.025), the df = 2 closed form), over the file's three values.
  const double mean = (requests[0] + requests[1] + requests[2]) / 3;
  double ss = 0;
  for (int i = 0; i < 3; ++i) ss += (requests[i] - mean) * (requests[i] - mean);
  const double half = 4.302652730 * std::sqrt(ss / 2) / std::sqrt(3.0);
  std::size_t at = c.out.find("\"requests\":");
  EXPECT_NEAR(number_after(c.out, "mean", at), mean, 1e-9 * mean);
  EXPECT_NEAR(number_after(c.out, "half_width", at), half, 1e-8 * half);
  // Run 0 is `edgetwin run` with its point's values and its seed: the same summary.
  const std::string single = work("sweep-single.h5");
  ASSERT_EQ(cli("run " + std::string(EDGETWIN_EXAMPLES) + "/mm1.json -q --until 10m --set warmup=1m "
                "--set workloads.0.arrivals.poisson_per_s=4 --set workloads.0.dispatch=round_robin "
                "--seed " + std::to_string(seed[0]) + " -o " + single).exit_code, 0);
  auto run = analysis::read_results(single).summary;
  auto swept = f.summary[0];
  run.erase("wall_s");
  swept.erase("wall_s");
  EXPECT_EQ(run, swept);
  fs::remove(out);
  fs::remove(single);
}

TEST(SweepCli, GivesTheSameFileAndTableForOneAndTwoThreads) {
  const std::string a = work("sweep-t1.h5"), b = work("sweep-t2.h5");
  const Command one = cli(kSweep + "-o " + a + " --threads 1");
  const Command two = cli(kSweep + "-o " + b + " --threads 2");
  ASSERT_EQ(one.exit_code, 0);
  ASSERT_EQ(two.exit_code, 0);
  EXPECT_EQ(one.out, two.out);
  const analysis::SweepFile fa = analysis::read_sweep(a), fb = analysis::read_sweep(b);
  EXPECT_EQ(fa.sweep.numeric, fb.sweep.numeric);
  EXPECT_EQ(fa.sweep.text, fb.sweep.text);
  EXPECT_EQ(fa.scenario_json, fb.scenario_json);
  ASSERT_EQ(fa.summary.size(), fb.summary.size());
  for (std::size_t i = 0; i < fa.summary.size(); ++i) {
    auto x = fa.summary[i], y = fb.summary[i];
    x.erase("wall_s");
    y.erase("wall_s");
    EXPECT_EQ(x, y) << "run " << i;
  }
  fs::remove(a);
  fs::remove(b);
}

// --baseline 0: point 1 differs from point 0 only in the dispatch policy of a one-device scenario,
// so with common random numbers every paired difference is 0 and so is its half-width; point 2
// (rate 8 against 4) gets the paired interval of the file's values, computed here by hand with
// t_{0.975,2} = 4.302652730.
TEST(SweepCli, PairsReplicationsAgainstTheBaselinePoint) {
  const std::string out = work("sweep-baseline.h5");
  const Command c = cli(kSweep + "-o " + out + " --metric requests --baseline 0");
  ASSERT_EQ(c.exit_code, 0) << c.out;
  const analysis::SweepFile f = analysis::read_sweep(out);
  const auto& requests = f.sweep.numeric.at("requests");
  double d[3], mean = 0;
  for (int i = 0; i < 3; ++i) mean += (d[i] = requests[6 + i] - requests[i]) / 3;
  double ss = 0;
  for (double x : d) ss += (x - mean) * (x - mean);
  const double half = 4.302652730 * std::sqrt(ss / 2) / std::sqrt(3.0);
  std::size_t at = c.out.find("\"point\":1,");
  ASSERT_NE(at, std::string::npos);
  at = c.out.find("\"difference\":", at);
  EXPECT_EQ(number_after(c.out, "mean", at), 0.0);
  EXPECT_EQ(number_after(c.out, "half_width", at), 0.0);
  at = c.out.find("\"difference\":", c.out.find("\"point\":2,"));
  EXPECT_NEAR(number_after(c.out, "mean", at), mean, 1e-9 * mean);
  EXPECT_NEAR(number_after(c.out, "half_width", at), half, 1e-8 * half);
  EXPECT_GT(mean, 0.0);  // twice the arrival rate, more requests
  fs::remove(out);
}

// Each case: its arguments and a part of the message that must name the problem.
TEST(SweepCli, BadInputExitsTwoBeforeRunningAndLeavesNoFile) {
  const std::string out = work("sweep-bad.h5");
  const std::string mm1 = "sweep " + std::string(EDGETWIN_EXAMPLES) + "/mm1.json -o " + out +
                          " --until 1m --set warmup=0s ";
  const std::pair<const char*, const char*> cases[] = {
      {"--vary workloads.0.nope=1,2", "grid point 0 (workloads.0.nope=1):"},
      {"--vary workloads.0.nope=1,2", "/workloads/0/nope: unknown key 'nope'"},
      {"--vary workloads.0.arrivals.poisson_per_s=", "value 1 of workloads.0.arrivals.poisson_per_s is empty"},
      {"--vary workloads.0.arrivals.poisson_per_s=4,,8", "value 2 of"},
      {"--vary workloads.0.arrivals.poisson_per_s=4,-8",
       "grid point 1 (workloads.0.arrivals.poisson_per_s=-8):"},
      {"--vary workloads.0.dispatch=round_robin -r 0", "--replications: expected a positive number, got 0"},
      {"--vary seed=1,2", "--vary seed: each replication sets the seed"},
      {"--vary workloads.0.dispatch=a --vary workloads.0.dispatch=b", "varied twice"},
      {"--vary workloads.0.dispatch=round_robin --metric nope", "--metric nope: not a summary key"},
      {"--vary workloads.0.dispatch=round_robin --threads 0", "--threads: expected a positive"},
      {"--vary workloads.0.dispatch=round_robin --baseline 1", "--baseline: expected a grid point from 0 to 0, got 1"},
      {"", "--vary: at least one"}};
  for (const auto& [args, message] : cases) {
    SCOPED_TRACE(args);
    fs::remove(out);
    const Command c = cli(mm1 + args + " 2>&1");
    EXPECT_EQ(c.exit_code, 2);
    EXPECT_NE(c.out.find(message), std::string::npos) << c.out;
    EXPECT_FALSE(fs::exists(out));
  }
}

}  // namespace
}  // namespace edgetwin
