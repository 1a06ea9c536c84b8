// Sweeps: Student's t quantiles, confidence intervals, the grid and its seeds, and the sweep file
// (layout in docs/sweeps.md).
#include "analysis/sweep.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

#include "analysis/detail/h5.h"
#include "analysis/detail/result_writer.h"

namespace edgetwin::analysis {
namespace {

// Continued fraction of the regularized incomplete beta function I_x(a, b) (modified Lentz),
// valid for x < (a + 1) / (a + b + 2):
//   I_x(a,b) = x^a (1-x)^b / (a B(a,b)) * 1 / (1 + d1 / (1 + d2 / (1 + ...))),
//   d_{2m+1} = -(a+m)(a+b+m) x / ((a+2m)(a+2m+1)),  d_{2m} = m (b-m) x / ((a+2m-1)(a+2m)).
double beta_fraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  constexpr double kEpsilon = 1e-16;
  double c = 1.0;
  double d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double f = d;
  for (int m = 1; m <= 10000; ++m) {
    const double m2 = 2.0 * m;
    double term = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
    for (int half = 0; half < 2; ++half) {
      d = 1.0 + term * d;
      if (std::fabs(d) < kTiny) d = kTiny;
      c = 1.0 + term / c;
      if (std::fabs(c) < kTiny) c = kTiny;
      d = 1.0 / d;
      const double delta = c * d;
      f *= delta;
      if (half == 1 && std::fabs(delta - 1.0) < kEpsilon) return f;
      term = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
    }
  }
  return f;
}

double incomplete_beta(double a, double b, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const double log_front =
      std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  if (x < (a + 1.0) / (a + b + 2.0)) return std::exp(log_front) * beta_fraction(a, b, x) / a;
  return 1.0 - std::exp(log_front) * beta_fraction(b, a, 1.0 - x) / b;
}

// P(T <= t) for t >= 0: 1 - I_{df/(df+t^2)}(df/2, 1/2) / 2; the normal CDF for infinite df.
double upper_cdf(double t, double df) {
  if (std::isinf(df)) return 0.5 * std::erfc(-t / std::sqrt(2.0));
  return 1.0 - 0.5 * incomplete_beta(df / 2.0, 0.5, df / (df + t * t));
}

std::uint64_t splitmix64(std::uint64_t z) {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

double student_t_quantile(double p, double df) {
  if (!(p > 0.0 && p < 1.0) || !(df >= 1.0)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (p == 0.5) return 0.0;
  if (p < 0.5) return -student_t_quantile(1.0 - p, df);
  // Bracket [0, high] with F(high) >= p, then bisect: the CDF is monotone, so 200 halvings reach
  // the spacing of doubles whatever the start (t_{0.999999, 1} is about 3.2e5).
  double low = 0.0, high = 1.0;
  while (upper_cdf(high, df) < p) {
    low = high;
    high *= 2.0;
    if (high > 1e300) return std::numeric_limits<double>::infinity();
  }
  for (int i = 0; i < 200 && high - low > 1e-15 * high; ++i) {
    const double mid = 0.5 * (low + high);
    (upper_cdf(mid, df) < p ? low : high) = mid;
  }
  return 0.5 * (low + high);
}

ConfidenceInterval confidence_interval(const std::vector<double>& values, double level) {
  ConfidenceInterval ci;
  ci.n = values.size();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (values.empty()) return {nan, nan, nan, 0};
  double sum = 0.0;
  for (double v : values) sum += v;
  ci.mean = sum / static_cast<double>(ci.n);
  if (ci.n < 2) {
    ci.half_width = ci.stddev = nan;
    return ci;
  }
  double squares = 0.0;  // two-pass: no cancellation for values far from 0
  for (double v : values) squares += (v - ci.mean) * (v - ci.mean);
  const double n = static_cast<double>(ci.n);
  ci.stddev = std::sqrt(squares / (n - 1.0));
  ci.half_width = student_t_quantile(0.5 + level / 2.0, n - 1.0) * ci.stddev / std::sqrt(n);
  return ci;
}

ConfidenceInterval paired_difference(const std::vector<double>& a, const std::vector<double>& b,
                                     double level) {
  if (a.size() != b.size()) throw std::invalid_argument("paired_difference: sizes differ");
  std::vector<double> d(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) d[i] = a[i] - b[i];
  return confidence_interval(d, level);
}

Variation parse_variation(const std::string& text) {
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw std::invalid_argument("--vary '" + text + "': expected PATH=V1,V2,...");
  }
  Variation v;
  v.path = text.substr(0, eq);
  std::string current;
  int depth = 0;
  bool quoted = false;
  auto finish = [&] {
    if (current.empty()) {
      throw std::invalid_argument("--vary '" + text + "': value " +
                                  std::to_string(v.values.size() + 1) + " of " + v.path +
                                  " is empty");
    }
    v.values.push_back(current);
    current.clear();
  };
  for (std::size_t i = eq + 1; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '\\' && i + 1 < text.size()) {
        current += c;
        current += text[++i];
        continue;
      }
      if (c == '"') quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    } else if (c == ',' && depth == 0) {
      finish();
      continue;
    }
    current += c;
  }
  finish();
  return v;
}

std::vector<std::vector<std::size_t>> expand_grid(const std::vector<Variation>& variations) {
  std::vector<std::vector<std::size_t>> grid{{}};
  for (const Variation& v : variations) {
    std::vector<std::vector<std::size_t>> next;
    next.reserve(grid.size() * v.values.size());
    for (const auto& point : grid) {
      for (std::size_t k = 0; k < v.values.size(); ++k) {
        next.push_back(point);
        next.back().push_back(k);
      }
    }
    grid = std::move(next);
  }
  return grid;
}

std::uint64_t replication_seed(std::uint64_t base_seed, std::uint32_t replication) {
  return splitmix64(splitmix64(base_seed) ^ replication) & ((std::uint64_t{1} << 53) - 1);
}

std::string sweep_run_name(std::size_t run) {
  char name[32];
  std::snprintf(name, sizeof name, "%06zu", run);
  return name;
}

void write_sweep(const std::string& path, const SweepSpec& spec,
                 const std::vector<SweepRun>& runs) {
  using detail::check;
  using detail::Handle;
  using detail::write_attribute;
  detail::write_atomically(path, [&](const std::string& temp) {
    Handle file = detail::create_file(temp);
    const hid_t f = file.get();
    write_attribute(f, "edgetwin_version", spec.version);
    write_attribute(f, "scenario_name", spec.scenario);
    write_attribute(f, "seed", spec.base_seed);
    write_attribute(f, "replications", std::int32_t(spec.replications));
    write_attribute(f, "grid_points", std::int32_t(spec.grid.size()));
    write_attribute(f, "runs", std::int32_t(runs.size()));
    write_attribute(f, "threads", std::int32_t{spec.threads});
    write_attribute(f, "created_by", std::string("edgetwin sweep"));
    std::string varied;
    for (const Variation& v : spec.variations) varied += (varied.empty() ? "" : " ") + v.path;
    write_attribute(f, "varied", varied);

    Handle props = detail::untimed_group_props();
    Handle group = check(H5Gcreate2(f, "runs", H5P_DEFAULT, props.get(), H5P_DEFAULT), "group runs");
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const std::string name = sweep_run_name(i);
      Handle run = check(H5Gcreate2(group.get(), name.c_str(), H5P_DEFAULT, props.get(), H5P_DEFAULT),
                         "group runs/" + name);
      detail::write_scenario_text(run.get(), runs[i].resolved_json);
      detail::write_summary(run.get(), runs[i].summary);
    }

    const std::size_t n = runs.size();
    std::vector<std::uint32_t> index(n), point(n), replication(n);
    std::vector<std::uint64_t> seed(n);
    for (std::size_t i = 0; i < n; ++i) {
      index[i] = static_cast<std::uint32_t>(i);
      point[i] = static_cast<std::uint32_t>(runs[i].point);
      replication[i] = runs[i].replication;
      seed[i] = runs[i].seed;
    }
    std::vector<std::vector<std::string>> values(spec.variations.size(),
                                                 std::vector<std::string>(n));
    for (std::size_t k = 0; k < spec.variations.size(); ++k) {
      for (std::size_t i = 0; i < n; ++i) {
        values[k][i] = spec.variations[k].values[spec.grid[runs[i].point][k]];
      }
    }
    std::vector<std::vector<double>> metrics(spec.metrics.size(), std::vector<double>(n));
    for (std::size_t m = 0; m < spec.metrics.size(); ++m) {
      for (std::size_t i = 0; i < n; ++i) metrics[m][i] = runs[i].summary.get(spec.metrics[m]);
    }
    detail::TableWriter table(n);
    table.add("run", index);
    table.add("point", point);
    table.add("replication", replication);
    table.add("seed", seed);
    for (std::size_t k = 0; k < spec.variations.size(); ++k) {
      table.add(spec.variations[k].path, values[k]);
    }
    for (std::size_t m = 0; m < spec.metrics.size(); ++m) table.add(spec.metrics[m], metrics[m]);
    Handle dataset = table.write(f, "sweep");
    write_attribute(dataset.get(), "rows",
                    std::string("one per run, grid point major, replication minor; run i's "
                                "scenario and summary are /runs/<i, 6 digits>"));
    write_attribute(dataset.get(), "seed",
                    std::string("the replication's seed, the same at every grid point (common "
                                "random numbers)"));
    check(H5Fclose(file.release()), "closing the file");
  });
}

}  // namespace edgetwin::analysis
