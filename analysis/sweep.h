// Sweeps: a grid of scenario variants run with replications, their confidence intervals and the
// sweep result file (layout in docs/sweeps.md). Heavy headers stay in the .cpp files.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "analysis/results.h"

namespace edgetwin::analysis {

// The p-quantile of Student's t distribution with `df` degrees of freedom (df >= 1, real;
// 0 < p < 1), computed by inverting the regularized incomplete beta function (Newton steps on a
// bisection bracket), accurate to about 1e-12 relative. df = infinity gives the normal quantile.
double student_t_quantile(double p, double df);

// Mean of a sample and the half-width of its two-sided `level` confidence interval,
// t_{(1+level)/2, n-1} * s / sqrt(n), with s the sample standard deviation (n - 1 divisor).
// With one value the half-width is NaN (no spread can be estimated); with none, mean is NaN too.
struct ConfidenceInterval {
  double mean = 0.0;
  double half_width = 0.0;
  double stddev = 0.0;
  std::size_t n = 0;
};
ConfidenceInterval confidence_interval(const std::vector<double>& values, double level = 0.95);

// The confidence interval of the mean difference a_i - b_i of paired samples (replication i of
// two grid points, which share a seed): confidence_interval of the differences. With common random
// numbers the pairs are positively correlated, so this interval is narrower than one built from
// two independent samples. REQUIRES a.size() == b.size().
ConfidenceInterval paired_difference(const std::vector<double>& a, const std::vector<double>& b,
                                     double level = 0.95);

// One `--vary path=v1,v2,...`: the path as written and its values (raw text, read like --set).
struct Variation {
  std::string path;
  std::vector<std::string> values;
};
// Splits "path=v1,v2,..." at the first '=' and at top-level commas (commas inside JSON brackets,
// braces or quotes do not split: `--vary 'a=[1,2],[3,4]'` has two values). Throws
// std::invalid_argument naming the text when there is no path or a value is empty.
Variation parse_variation(const std::string& text);

// The grid: the cartesian product of the variations, the last one varying fastest. Point i's
// k-th entry is its index into variations[k].values. One variation-less point when empty.
std::vector<std::vector<std::size_t>> expand_grid(const std::vector<Variation>& variations);

// The seed of replication r: the same for every grid point (common random numbers), derived from
// (base seed, r) by a SplitMix64 finalizer and kept below 2^53 so it reads back exactly as a
// double. Distinct r give distinct seeds for a given base (the finalizer is a bijection; the mask
// makes collisions possible only with probability ~R^2 / 2^54).
std::uint64_t replication_seed(std::uint64_t base_seed, std::uint32_t replication);

// One run of a sweep, as written to the file.
struct SweepRun {
  std::size_t point = 0;
  std::uint32_t replication = 0;
  std::uint64_t seed = 0;
  std::string resolved_json;  // the run's resolved scenario
  Summary summary;            // the same keys as `edgetwin run` writes
};
struct SweepSpec {
  std::string version;
  std::string scenario;  // name
  std::uint64_t base_seed = 0;
  std::uint32_t replications = 1;
  int threads = 1;
  std::vector<Variation> variations;
  std::vector<std::vector<std::size_t>> grid;
  std::vector<std::string> metrics;  // headline keys put in /sweep and the printed table
};

// The printed table: per grid point and metric, the 95 % confidence interval of the mean over the
// replications and, with a baseline grid point (>= 0), the interval of the paired difference from
// it. `runs` are in run order (grid point major, replication minor), as write_sweep takes them.
struct SweepTable {
  std::vector<std::vector<ConfidenceInterval>> mean;        // [point][metric]
  std::vector<std::vector<ConfidenceInterval>> difference;  // [point][metric]; empty: no baseline
  int baseline = -1;
};
SweepTable tabulate(const SweepSpec& spec, const std::vector<SweepRun>& runs, int baseline = -1);
// One JSON object on one line (docs/sweeps.md); numbers read back to the same double, NaN as null.
std::string sweep_table_json(const SweepSpec& spec, const SweepTable& table);
// Aligned columns for people, "mean +- half-width" with 6 significant digits, ending in a newline.
std::string sweep_table_text(const SweepSpec& spec, const SweepTable& table);

// Writes /runs/<index>/scenario and /runs/<index>/summary for every run, and the /sweep table,
// to temp_path(PATH), then renames it to PATH (as write_results does). Throws std::runtime_error
// naming the path on failure, leaving any previous PATH untouched.
void write_sweep(const std::string& path, const SweepSpec& spec, const std::vector<SweepRun>& runs);

// The group name of run i under /runs: its index, zero-padded to 6 digits ("000042").
std::string sweep_run_name(std::size_t run);

// `s` as a JSON string literal, quotes included (", \ and control characters escaped).
std::string json_text(const std::string& s);

// A sweep file read back (tests, and later `compare`). Throws std::runtime_error naming the path
// and the missing part.
struct SweepFile {
  std::map<std::string, std::string> text_attributes;
  std::map<std::string, double> numeric_attributes;
  Table sweep;
  std::vector<std::string> scenario_json;              // per run
  std::vector<std::map<std::string, double>> summary;  // per run
};
SweepFile read_sweep(const std::string& path);

}  // namespace edgetwin::analysis
