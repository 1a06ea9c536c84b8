#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "cli/commands.h"
#include "cli/options.h"
#include "sim/engine.h"
#include "sim/hold_model.h"

namespace po = boost::program_options;

namespace edgetwin::cli {
namespace {

int bench_engine(const po::variables_map& vm, std::uint64_t pending, std::uint64_t events,
                 const std::string& list_name) {
  const sim::EventListKind list = parse_event_list(list_name);
  if (pending == 0) throw BadInput{"--pending: expected a positive number"};
  sim::HoldModel model(1, sim::kMillisecond);
  sim::Engine engine(1, list);
  model.start(engine, pending);
  engine.run_events(model, std::min<std::uint64_t>(events / 10, 1'000'000));  // warm-up
  const sim::RunStats stats = engine.run_events(model, events);
  const double rate = double(stats.events) / stats.wall_seconds;
  if (vm.count("json")) {
    std::printf(
        "{\"benchmark\":\"engine\",\"model\":\"hold\",\"event_list\":\"%s\",\"pending\":%llu,"
        "\"events\":%llu,\"wall_s\":%.6f,\"events_per_s\":%.0f,\"threads\":1}\n",
        list_name.c_str(), static_cast<unsigned long long>(pending),
        static_cast<unsigned long long>(stats.events), stats.wall_seconds, rate);
  } else {
    std::printf("hold model, %s event list, %llu pending: %llu events in %.3f s = %.2f M events/s\n",
                list_name.c_str(), static_cast<unsigned long long>(pending),
                static_cast<unsigned long long>(stats.events), stats.wall_seconds, rate / 1e6);
  }
  return kExitOk;
}

}  // namespace

int bench_command(const std::vector<std::string>& args) {
  po::options_description options("edgetwin bench engine [options]");
  std::string what, list;
  std::uint64_t pending = 10'000, events = 10'000'000;
  options.add_options()
      ("help,h", "show this help")
      ("what", po::value(&what), "what to measure: engine")
      ("pending", po::value(&pending)->default_value(pending), "events pending in the event list")
      ("events", po::value(&events)->default_value(events), "events to handle (after a warm-up)")
      ("event-list", po::value(&list)->default_value("ladder"), "ladder or heap")
      ("json", "print one JSON object: {\"events_per_s\": ...}");
  const po::variables_map vm = parse_options(args, options, "what");
  if (vm.count("help") || what.empty()) {
    std::cout << "Throughput figures for CI gates. `engine`: the hold model (each event schedules\n"
                 "one more at now + Exp(1ms)) on the sequential engine.\n\n"
              << options << "\n";
    return what.empty() && !vm.count("help") ? kExitBadInput : kExitOk;
  }
  if (what == "engine") return bench_engine(vm, pending, events, list);
  if (what == "scheduler" || what == "network") {
    throw BadInput{"'bench " + what + "' arrives with the " + what +
                   " model; available now: engine"};
  }
  throw BadInput{"unknown benchmark '" + what + "'; valid: engine"};
}

}  // namespace edgetwin::cli
