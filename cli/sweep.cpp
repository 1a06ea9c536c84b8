// `edgetwin sweep`: a grid of scenario variants x replications, run in parallel (one TBB task per
// run), one result file, and a table of headline metrics with 95 % confidence intervals
// (docs/sweeps.md).
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "analysis/results.h"
#include "analysis/sweep.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/simulate.h"
#include "scenarios/scenario.h"

namespace po = boost::program_options;

namespace edgetwin::cli {
namespace {

// Shown when no --metric is given, in this order, each when the summary has it.
const char* const kHeadline[] = {"requests",      "throughput_per_s", "latency_mean_s",
                                 "latency_p50_s", "latency_p95_s",    "latency_p99_s",
                                 "deadline_miss_ratio", "utilisation_mean", "energy_kwh",
                                 "availability"};

// What one grid point's run needs beyond the scenario file: --set, its varied values, the seed.
std::vector<std::string> overrides_of(const std::vector<std::string>& sets,
                                      const std::vector<analysis::Variation>& variations,
                                      const std::vector<std::size_t>& point, std::uint64_t seed) {
  std::vector<std::string> o = sets;
  for (std::size_t k = 0; k < variations.size(); ++k) {
    o.push_back(variations[k].path + "=" + variations[k].values[point[k]]);
  }
  o.push_back("/seed=" + std::to_string(seed));
  return o;
}

std::string describe_point(const std::vector<analysis::Variation>& variations,
                           const std::vector<std::size_t>& point) {
  std::string s;
  for (std::size_t k = 0; k < variations.size(); ++k) {
    s += (k ? ", " : "") + variations[k].path + "=" + variations[k].values[point[k]];
  }
  return s;
}

struct RunOutcome {
  analysis::SweepRun run;
  std::string error;  // empty on success
  int exit_code = kExitOk;
};

}  // namespace

int sweep_command(const std::vector<std::string>& args) {
  po::options_description options("edgetwin sweep [SCENARIO] --vary path=v1,v2,... [options]");
  std::string output, until, event_list;
  std::vector<std::string> varies, sets, metrics;
  std::uint64_t seed = 0;
  int threads = static_cast<int>(tbb::info::default_concurrency());
  int replications = 5;
  int baseline = -1;
  options.add_options()
      ("help,h", "show this help")
      ("scenario", po::value<std::string>(), "scenario file (JSON); the bundled default if omitted")
      ("vary", po::value(&varies)->composing(),
       "a grid axis: path=v1,v2,... (path as for --set; repeatable: the grid is the product)")
      ("replications,r", po::value(&replications)->default_value(5),
       "runs per grid point, replication r with the same seed at every point")
      ("seed", po::value(&seed), "base seed of the replication seeds (default: the scenario's)")
      ("output,o", po::value(&output)->default_value("sweep.h5"), "result file (HDF5)")
      ("threads", po::value(&threads), "runs at once (default: every core); results do not depend on it")
      ("set", po::value(&sets)->composing(), "override a value at every grid point: path=value")
      ("until", po::value(&until), "override the scenario's duration, e.g. 6h")
      ("metric", po::value(&metrics)->composing(),
       "a summary key to tabulate (repeatable; default: the headline figures)")
      ("baseline", po::value(&baseline),
       "also print each grid point's difference from this grid point, paired by replication")
      ("json", "print the table as one JSON object on stdout")
      ("event-list", po::value(&event_list)->default_value("ladder"), "future-event list: ladder or heap")
      ("quiet,q", "print nothing but errors (and the --json table)");
  const po::variables_map vm = parse_options(args, options, "scenario");
  if (vm.count("help")) {
    std::cout << "Runs every combination of the --vary values, each with --replications seeds,\n"
                 "and prints mean +- 95 % confidence half-width per grid point (docs/sweeps.md).\n\n"
              << options << "\n";
    return kExitOk;
  }
  if (varies.empty()) throw BadInput{"--vary: at least one path=v1,v2,... is needed"};
  if (replications < 1) {
    throw BadInput{"--replications: expected a positive number, got " + std::to_string(replications)};
  }
  if (threads < 1) throw BadInput{"--threads: expected a positive number, got " + std::to_string(threads)};
  const sim::EventListKind list = parse_event_list(event_list);
  if (vm.count("until")) sets.push_back("/duration=" + analysis::json_text(until));
  std::vector<analysis::Variation> variations;
  std::set<std::string> paths;
  for (const std::string& v : varies) {
    try {
      variations.push_back(analysis::parse_variation(v));
    } catch (const std::invalid_argument& e) {
      throw BadInput{e.what()};
    }
    const std::string& path = variations.back().path;
    if (path == "seed" || path == "/seed") {
      throw BadInput{"--vary " + path + ": each replication sets the seed (common random "
                     "numbers); use --seed for the base seed and --replications for more seeds"};
    }
    if (!paths.insert(path).second) {
      throw BadInput{"--vary " + variations.back().path + ": the path is varied twice"};
    }
  }
  check_output_path(output);
  const bool has_file = vm.count("scenario") != 0;
  const std::string file = has_file ? vm["scenario"].as<std::string>() : "";
  auto load = [&](const std::vector<std::string>& overrides) {
    return has_file ? scenarios::load_scenario_file(file, overrides)
                    : scenarios::load_default_scenario(overrides);
  };

  // Every grid point is loaded and validated before anything runs; every bad one is reported.
  const auto grid = analysis::expand_grid(variations);
  std::uint64_t base_seed = seed;
  std::string scenario_name;
  bool bad = false;
  for (std::size_t p = 0; p < grid.size(); ++p) {
    const scenarios::LoadResult loaded = load(overrides_of(sets, variations, grid[p], 0));
    if (!loaded.ok()) {
      std::cerr << "edgetwin sweep: grid point " << p << " (" << describe_point(variations, grid[p])
                << "):\n" << loaded.error_text();
      bad = true;
    } else if (p == 0) {
      scenario_name = loaded.scenario->name;
      if (!vm.count("seed")) {
        // The scenario's own seed, as the file (and --set) give it: reload without the seed.
        std::vector<std::string> o = overrides_of(sets, variations, grid[p], 0);
        o.pop_back();
        base_seed = load(o).scenario->fleet.seed;
      }
    }
  }
  if (bad) return kExitBadInput;
  if (vm.count("baseline") && (baseline < 0 || static_cast<std::size_t>(baseline) >= grid.size())) {
    throw BadInput{"--baseline: expected a grid point from 0 to " + std::to_string(grid.size() - 1) +
                   ", got " + std::to_string(baseline)};
  }

  const std::size_t runs = grid.size() * static_cast<std::size_t>(replications);
  std::vector<RunOutcome> outcomes(runs);
  // On a terminal, "runs done k/N" on stderr as runs finish (in any order; the count only).
  const bool show_progress = !vm.count("quiet") && ::isatty(STDERR_FILENO) != 0;
  std::size_t done = 0;  // guarded by progress_mutex
  std::mutex progress_mutex;
  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, runs, [&](std::size_t i) {
      RunOutcome& out = outcomes[i];
      out.run.point = i / static_cast<std::size_t>(replications);
      out.run.replication = static_cast<std::uint32_t>(i % static_cast<std::size_t>(replications));
      out.run.seed = analysis::replication_seed(base_seed, out.run.replication);
      try {
        const scenarios::LoadResult loaded =
            load(overrides_of(sets, variations, grid[out.run.point], out.run.seed));
        if (!loaded.ok()) {
          out.error = loaded.error_text();
          out.exit_code = kExitBadInput;
          return;
        }
        models::Twin model(loaded.scenario->fleet);
        const analysis::RunInfo info = simulate(*loaded.scenario, list, false, model);
        out.run.summary = analysis::summarize(model, info);
        out.run.resolved_json = loaded.scenario->resolved_json;
      } catch (const std::exception& e) {
        out.error = std::string("internal error: ") + e.what() + "\n";
        out.exit_code = kExitInternal;
      }
      if (show_progress) {
        const std::lock_guard<std::mutex> lock(progress_mutex);
        const std::size_t k = ++done;
        std::fprintf(stderr, "\rsweep: runs done %zu/%zu", k, runs);
        if (k == runs) std::fputs("\r\033[K", stderr);
      }
    });
  });
  // The first failed run (in run order, whatever the threads did) fails the sweep; no file.
  for (std::size_t i = 0; i < runs; ++i) {
    if (outcomes[i].exit_code == kExitOk) continue;
    std::cerr << "edgetwin sweep: run " << i << " (grid point " << outcomes[i].run.point << ": "
              << describe_point(variations, grid[outcomes[i].run.point]) << ", replication "
              << outcomes[i].run.replication << ", seed " << outcomes[i].run.seed
              << ") failed:\n" << outcomes[i].error;
    return outcomes[i].exit_code;
  }

  const analysis::Summary& first = outcomes[0].run.summary;
  auto has_key = [&](const std::string& key) {
    return std::any_of(first.values.begin(), first.values.end(),
                       [&](const auto& kv) { return kv.first == key; });
  };
  for (const std::string& m : metrics) {
    if (!has_key(m)) {
      std::string valid;
      for (const auto& [key, value] : first.values) valid += (valid.empty() ? "" : ", ") + key;
      throw BadInput{"--metric " + m + ": not a summary key; valid: " + valid};
    }
  }
  if (metrics.empty()) {
    for (const char* key : kHeadline) {
      if (has_key(key)) metrics.emplace_back(key);
    }
  }

  analysis::SweepSpec spec;
  spec.version = version();
  spec.scenario = scenario_name;
  spec.base_seed = base_seed;
  spec.replications = static_cast<std::uint32_t>(replications);
  spec.threads = threads;
  spec.variations = variations;
  spec.grid = grid;
  spec.metrics = metrics;
  std::vector<analysis::SweepRun> results;
  results.reserve(runs);
  for (RunOutcome& o : outcomes) results.push_back(std::move(o.run));
  remove_on_interrupt(analysis::temp_path(output));
  analysis::write_sweep(output, spec, results);
  keep_on_interrupt();

  const analysis::SweepTable table = analysis::tabulate(spec, results, baseline);
  if (vm.count("json")) {
    std::cout << analysis::sweep_table_json(spec, table) << "\n";
  } else if (!vm.count("quiet")) {
    std::cout << analysis::sweep_table_text(spec, table) << "results written to " << output << "\n";
  }
  return kExitOk;
}

}  // namespace edgetwin::cli
