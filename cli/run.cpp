#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "analysis/results.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "cli/simulate.h"
#include "models/network_activity.h"
#include "scenarios/scenario.h"
#include "sim/engine.h"

namespace po = boost::program_options;

namespace edgetwin::cli {
namespace {

// The temporary result file being written, removed by the signal handler if the user interrupts
// the write. A fixed buffer: the handler may only use async-signal-safe calls.
char g_temp_path[4096] = "";

extern "C" void remove_temp_and_exit(int signal) {
  if (g_temp_path[0] != '\0') ::unlink(g_temp_path);
  ::_exit(128 + signal);
}

}  // namespace

// Bad output paths are bad input, found before the run rather than after it.
void check_output_path(const std::string& output) {
  namespace fs = std::filesystem;
  const fs::path parent = fs::path(output).parent_path();
  const fs::path dir = parent.empty() ? fs::path(".") : parent;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw BadInput{"-o " + output + ": directory " + dir.string() + " does not exist"};
  }
  if (::access(dir.c_str(), W_OK) != 0) {
    throw BadInput{"-o " + output + ": directory " + dir.string() + " is not writable"};
  }
  if (fs::is_directory(output, ec)) throw BadInput{"-o " + output + ": is a directory"};
}

void remove_on_interrupt(const std::string& temp) {
  if (temp.size() >= sizeof g_temp_path) return;
  std::memcpy(g_temp_path, temp.c_str(), temp.size() + 1);
  std::signal(SIGINT, remove_temp_and_exit);
  std::signal(SIGTERM, remove_temp_and_exit);
}

void keep_on_interrupt() { g_temp_path[0] = '\0'; }

namespace {

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

analysis::RunInfo simulate(const scenarios::Scenario& scenario, sim::EventListKind list,
                           bool show_progress, models::Twin& model) {
  sim::Engine engine(model.lp_count(), list);
  ProgressBar progress(scenario.fleet.duration);
  if (show_progress) progress.attach(engine);
  model.start(engine);
  const sim::RunStats stats = engine.run(model, scenario.fleet.duration);
  progress.finish();
  model.finish(engine.now());

  analysis::RunInfo info;
  info.version = version();
  info.scenario = scenario.name;
  info.seed = scenario.fleet.seed;
  info.threads = 1;
  info.ranks = 1;
  info.wall_seconds = stats.wall_seconds;
  info.events = engine.events_handled();
  info.end_time = engine.now();
  info.event_list = sim::event_list_name(list);
  return info;
}

int run_command(const std::vector<std::string>& args) {
  po::options_description options("edgetwin run [SCENARIO] [options]");
  std::string output, until, event_list;
  std::vector<std::string> sets;
  std::uint64_t seed = 0;
  int threads = 1;
  options.add_options()
      ("help,h", "show this help")
      ("scenario", po::value<std::string>(), "scenario file (JSON); the bundled default if omitted")
      ("output,o", po::value(&output)->default_value("results.h5"), "result file (HDF5)")
      ("seed", po::value(&seed), "override the scenario's seed")
      ("threads", po::value(&threads)->default_value(1), "worker threads (results do not depend on it)")
      ("until", po::value(&until), "override the scenario's duration, e.g. 6h")
      ("set", po::value(&sets)->composing(), "override a scenario value: path=value (repeatable)")
      ("json", "print the summary as one JSON object on stdout")
      ("event-list", po::value(&event_list)->default_value("ladder"), "future-event list: ladder or heap")
      ("quiet,q", "print nothing but errors (and the --json summary)");
  const po::variables_map vm = parse_options(args, options, "scenario");
  if (vm.count("help")) {
    std::cout << "Runs a scenario and writes its results (layout: docs/results.md).\n\n"
              << options << "\n";
    return kExitOk;
  }
  if (threads < 1) throw BadInput{"--threads: expected a positive number, got " + std::to_string(threads)};
  const sim::EventListKind list = parse_event_list(event_list);
  if (vm.count("seed")) sets.push_back("/seed=" + std::to_string(seed));
  if (vm.count("until")) sets.push_back("/duration=" + json_string(until));
  check_output_path(output);

  const bool has_file = vm.count("scenario") != 0;
  scenarios::LoadResult loaded = has_file
      ? scenarios::load_scenario_file(vm["scenario"].as<std::string>(), sets)
      : scenarios::load_default_scenario(sets);
  if (!loaded.ok()) {
    std::cerr << loaded.error_text();
    return kExitBadInput;
  }
  const scenarios::Scenario& scenario = *loaded.scenario;
  const bool quiet = vm.count("quiet") != 0;
  if (threads > 1 && !quiet) {
    std::cerr << "edgetwin run: the parallel engine is not built yet; running on 1 thread "
                 "(results are the same for any thread count)\n";
  }

  models::Twin model(scenario.fleet);
  const analysis::RunInfo info = simulate(scenario, list, !quiet, model);
  const analysis::Summary summary = analysis::summarize(model, info);
  const std::string temp = analysis::temp_path(output);
  if (temp.size() < sizeof g_temp_path) {
    std::memcpy(g_temp_path, temp.c_str(), temp.size() + 1);
    std::signal(SIGINT, remove_temp_and_exit);
    std::signal(SIGTERM, remove_temp_and_exit);
  }
  analysis::write_results(output, scenario, model, info, summary);
  g_temp_path[0] = '\0';

  if (vm.count("json")) {
    std::cout << analysis::summary_json(summary) << "\n";
  } else if (!quiet) {
    std::cout << "scenario " << scenario.name << " (" << scenario.source << "), seed "
              << scenario.fleet.seed << "\n"
              << analysis::summary_text(summary) << "results written to " << output << "\n";
  }
  return kExitOk;
}

}  // namespace edgetwin::cli
