// Sweeps: Student's t quantiles, confidence intervals, the grid, replication seeds (common random
// numbers) and the sweep file's round trip.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <numbers>
#include <set>
#include <stdexcept>

#include "analysis/sweep.h"

namespace edgetwin::analysis {
namespace {

// df = 1 is the Cauchy distribution, F(t) = 1/2 + atan(t)/pi, so t_p = tan(pi (p - 1/2));
// df = 2 has F(t) = 1/2 + t / (2 sqrt(2 + t^2)), so t_p = (2p - 1) / sqrt(2 p (1 - p)).
// Both closed forms hold to rounding; the quantile is held to 1e-10 relative.
TEST(StudentT, QuantilesMatchTheClosedFormsForOneAndTwoDegreesOfFreedom) {
  for (double p : {0.6, 0.75, 0.9, 0.95, 0.975, 0.995, 0.9995}) {
    SCOPED_TRACE(p);
    const double cauchy = std::tan(std::numbers::pi * (p - 0.5));
    EXPECT_NEAR(student_t_quantile(p, 1), cauchy, 1e-10 * cauchy);
    const double two = (2 * p - 1) / std::sqrt(2 * p * (1 - p));
    EXPECT_NEAR(student_t_quantile(p, 2), two, 1e-10 * two);
  }
}

// Published values (e.g. R's qt(0.975, df), 10 digits): 12.70620474 (1), 2.776445105 (4),
// 2.228138852 (10), 2.042272456 (30), 1.983971519 (100); qt(0.995, 5) = 4.032142984; the normal
// limit qnorm(0.975) = 1.959963985. Held to 1e-8 absolute (the printed digits).
TEST(StudentT, QuantilesMatchPublishedValuesAndTheNormalLimit) {
  EXPECT_NEAR(student_t_quantile(0.975, 1), 12.70620474, 1e-8);
  EXPECT_NEAR(student_t_quantile(0.975, 4), 2.776445105, 1e-8);
  EXPECT_NEAR(student_t_quantile(0.975, 10), 2.228138852, 1e-8);
  EXPECT_NEAR(student_t_quantile(0.975, 30), 2.042272456, 1e-8);
  EXPECT_NEAR(student_t_quantile(0.975, 100), 1.983971519, 1e-8);
  EXPECT_NEAR(student_t_quantile(0.995, 5), 4.032142984, 1e-8);
  EXPECT_NEAR(student_t_quantile(0.975, INFINITY), 1.959963985, 1e-8);
  EXPECT_NEAR(student_t_quantile(0.975, 1e7), 1.959963985, 1e-6);
  // Symmetry, the median, and out-of-range arguments.
  EXPECT_DOUBLE_EQ(student_t_quantile(0.025, 4), -student_t_quantile(0.975, 4));
  EXPECT_EQ(student_t_quantile(0.5, 3), 0.0);
  EXPECT_TRUE(std::isnan(student_t_quantile(1.0, 3)));
  EXPECT_TRUE(std::isnan(student_t_quantile(0.9, 0.5)));
}

// Values 1..5: mean 3; s^2 = (4+1+0+1+4)/4 = 2.5, s = 1.5811388; t_{0.975,4} = 2.7764451;
// half-width = 2.7764451 * 1.5811388 / sqrt(5) = 1.9632432 (to 1e-6).
TEST(ConfidenceInterval, OfOneToFiveIsThreePlusMinusOnePointNineSixThree) {
  const ConfidenceInterval ci = confidence_interval({1, 2, 3, 4, 5});
  EXPECT_EQ(ci.n, 5u);
  EXPECT_DOUBLE_EQ(ci.mean, 3.0);
  EXPECT_NEAR(ci.stddev, 1.5811388, 1e-6);
  EXPECT_NEAR(ci.half_width, 1.9632432, 1e-6);
  // 90 %: t_{0.95,4} = 2.131847 -> 2.131847 * 0.7071068 = 1.507443.
  EXPECT_NEAR(confidence_interval({1, 2, 3, 4, 5}, 0.90).half_width, 1.507443, 1e-6);
}

TEST(ConfidenceInterval, OfOneValueHasNoHalfWidthAndOfEqualValuesAZeroOne) {
  const ConfidenceInterval one = confidence_interval({7});
  EXPECT_EQ(one.mean, 7.0);
  EXPECT_TRUE(std::isnan(one.half_width));
  EXPECT_EQ(confidence_interval({2, 2, 2}).half_width, 0.0);
  EXPECT_TRUE(std::isnan(confidence_interval({}).mean));
}

// Pairs (3,1), (5,2), (4,3), (8,4): differences 2, 3, 1, 4, mean 2.5; s^2 = (0.25 + 0.25 + 2.25 +
// 2.25) / 3 = 5/3, s = 1.2909944; t_{0.975,3} = 3.1824463; half-width = 3.1824463 * 1.2909944 / 2
// = 2.0542603 (to 1e-6).
TEST(ConfidenceInterval, OfPairedDifferencesIsTheIntervalOfTheDifferences) {
  const ConfidenceInterval d = paired_difference({3, 5, 4, 8}, {1, 2, 3, 4});
  EXPECT_DOUBLE_EQ(d.mean, 2.5);
  EXPECT_NEAR(d.stddev, 1.2909944, 1e-6);
  EXPECT_NEAR(d.half_width, 2.0542603, 1e-6);
  EXPECT_THROW(paired_difference({1}, {1, 2}), std::invalid_argument);
}

TEST(Variation, SplitsAtTopLevelCommasOnly) {
  const Variation v = parse_variation("scheduler.plugin=a,\"b,c\",[1,2],{\"x\":1,\"y\":2}");
  EXPECT_EQ(v.path, "scheduler.plugin");
  ASSERT_EQ(v.values.size(), 4u);
  EXPECT_EQ(v.values[0], "a");
  EXPECT_EQ(v.values[1], "\"b,c\"");
  EXPECT_EQ(v.values[2], "[1,2]");
  EXPECT_EQ(v.values[3], "{\"x\":1,\"y\":2}");
  EXPECT_THROW(parse_variation("seed="), std::invalid_argument);
  EXPECT_THROW(parse_variation("seed=1,,2"), std::invalid_argument);
  EXPECT_THROW(parse_variation("=1,2"), std::invalid_argument);
  EXPECT_THROW(parse_variation("seed"), std::invalid_argument);
}

// 2 x 3 values: 6 points, the last variation fastest.
TEST(Grid, IsTheCartesianProductWithTheLastVariationFastest) {
  const auto grid = expand_grid({{"a", {"1", "2"}}, {"b", {"x", "y", "z"}}});
  const std::vector<std::vector<std::size_t>> expected = {{0, 0}, {0, 1}, {0, 2},
                                                          {1, 0}, {1, 1}, {1, 2}};
  EXPECT_EQ(grid, expected);
  EXPECT_EQ(expand_grid({}).size(), 1u);
}

// Common random numbers: the seed depends on (base, replication) only, so every grid point's
// replication r uses the same one; distinct replications and bases give distinct seeds, all
// below 2^53.
TEST(ReplicationSeed, DependsOnBaseAndReplicationOnlyAndIsDistinct) {
  std::set<std::uint64_t> seen;
  for (std::uint32_t r = 0; r < 1000; ++r) {
    const std::uint64_t s = replication_seed(42, r);
    EXPECT_LT(s, std::uint64_t{1} << 53);
    EXPECT_EQ(s, replication_seed(42, r));
    seen.insert(s);
  }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_NE(replication_seed(42, 0), replication_seed(43, 0));
}

TEST(SweepFile, RoundTripsRunsAndTheSweepTable) {
  SweepSpec spec;
  spec.version = "test";
  spec.scenario = "s";
  spec.base_seed = 9;
  spec.replications = 2;
  spec.variations = {{"/scheduler/plugin", {"a", "b"}}};
  spec.grid = expand_grid(spec.variations);
  spec.metrics = {"requests"};
  std::vector<SweepRun> runs;
  for (std::size_t p = 0; p < 2; ++p) {
    for (std::uint32_t r = 0; r < 2; ++r) {
      SweepRun run{p, r, replication_seed(9, r), "{\"p\": " + std::to_string(p) + "}", {}};
      run.summary.values = {{"requests", 10.0 * static_cast<double>(p) + r}, {"events", 5.0}};
      runs.push_back(run);
    }
  }
  const std::string path = ::testing::TempDir() + "sweep_roundtrip.h5";
  write_sweep(path, spec, runs);
  EXPECT_FALSE(std::filesystem::exists(temp_path(path)));
  const SweepFile f = read_sweep(path);
  EXPECT_EQ(f.text_attributes.at("created_by"), "edgetwin sweep");
  EXPECT_EQ(f.numeric_attributes.at("replications"), 2.0);
  ASSERT_EQ(f.sweep.rows, 4u);
  EXPECT_EQ(f.sweep.text.at("/scheduler/plugin"), (std::vector<std::string>{"a", "a", "b", "b"}));
  EXPECT_EQ(f.sweep.numeric.at("requests"), (std::vector<double>{0, 1, 10, 11}));
  EXPECT_EQ(f.sweep.integer.at("replication"), (std::vector<std::int64_t>{0, 1, 0, 1}));
  EXPECT_EQ(f.sweep.integer.at("seed")[0], f.sweep.integer.at("seed")[2]);
  EXPECT_EQ(f.scenario_json[3], "{\"p\": 1}");
  EXPECT_EQ(f.summary[2].at("requests"), 10.0);
  EXPECT_EQ(f.summary[2].at("events"), 5.0);
  std::filesystem::remove(path);
}

// Two points x 5 replications of one metric: point 0 has 1..5 (mean 3 +- 1.9632432, as above),
// point 1 has 3, 5, 4, 8, 10: the differences from point 0 are 2, 3, 1, 4, 5, mean 3, s = 1.5811388,
// half-width 1.9632432 again; point 0 against itself is 0 +- 0. One replication gives null / n/a.
TEST(SweepTable, HoldsMeansAndPairedDifferencesAsJsonAndText) {
  SweepSpec spec;
  spec.scenario = "s";
  spec.base_seed = 3;
  spec.replications = 5;
  spec.variations = {{"a", {"x", "y"}}};
  spec.grid = expand_grid(spec.variations);
  spec.metrics = {"m"};
  const double values[2][5] = {{1, 2, 3, 4, 5}, {3, 5, 4, 8, 10}};
  std::vector<SweepRun> runs;
  for (std::size_t p = 0; p < 2; ++p) {
    for (std::uint32_t r = 0; r < 5; ++r) {
      runs.push_back({p, r, 0, "{}", {}});
      runs.back().summary.values = {{"m", values[p][r]}};
    }
  }
  const SweepTable table = tabulate(spec, runs, 0);
  EXPECT_DOUBLE_EQ(table.mean[0][0].mean, 3.0);
  EXPECT_NEAR(table.mean[0][0].half_width, 1.9632432, 1e-6);
  EXPECT_DOUBLE_EQ(table.mean[1][0].mean, 6.0);
  EXPECT_DOUBLE_EQ(table.difference[1][0].mean, 3.0);
  EXPECT_NEAR(table.difference[1][0].half_width, 1.9632432, 1e-6);
  EXPECT_EQ(table.difference[0][0].half_width, 0.0);
  const std::string json = sweep_table_json(spec, table);
  EXPECT_NE(json.find("\"baseline\":0,"), std::string::npos) << json;
  EXPECT_NE(json.find("{\"point\":1,\"values\":{\"a\":\"y\"},\"metrics\":{\"m\":{\"mean\":6,"),
            std::string::npos) << json;
  EXPECT_NE(json.find("\"difference\":{\"mean\":3,\"half_width\":1.96324"), std::string::npos);
  const std::string text = sweep_table_text(spec, table);
  EXPECT_NE(text.find("0      x  3 +- 1.96324\n"), std::string::npos) << text;
  EXPECT_NE(text.find("1      y  3 +- 1.96324\n"), std::string::npos) << text;  // the difference
  // One replication: no spread, printed as null and n/a.
  spec.replications = 1;
  std::vector<SweepRun> one = {runs[0], runs[5]};
  const SweepTable single = tabulate(spec, one);
  EXPECT_NE(sweep_table_json(spec, single).find("\"half_width\":null"), std::string::npos);
  EXPECT_NE(sweep_table_text(spec, single).find("1 +- n/a"), std::string::npos);
}

}  // namespace
}  // namespace edgetwin::analysis
