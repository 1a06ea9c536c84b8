// edgetwin: a parallel discrete-event simulator and digital twin of edge fleets.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include <boost/program_options/errors.hpp>

#include "cli/commands.h"
#include "cli/options.h"

namespace {

constexpr const char* kUsage =
    "usage: edgetwin COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  run [SCENARIO]      run a scenario (the bundled default without one); writes results.h5\n"
    "  validate SCENARIO   parse and check a scenario; --print shows it with defaults filled in\n"
    "  sweep SCENARIO      --vary path=v1,v2,... with replications: a table with confidence intervals\n"
    "  bench engine        event-loop throughput (hold model), --json for CI gates\n"
    "  bench network       exact max-min re-solves under flow churn, --json for CI gates\n"
    "  bench scheduler     placements/s of the placement schedulers, --json for CI gates\n"
    "\n"
    "`edgetwin COMMAND --help` describes each command's options. Every command also takes\n"
    "--plugin PATH (repeatable): load an out-of-tree plug-in library first.\n"
    "Exit codes: 0 success, 1 internal error, 2 bad input.\n";

}  // namespace

const char* edgetwin::cli::version() { return EDGETWIN_VERSION; }

int main(int argc, char** argv) {
  using namespace edgetwin::cli;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? kExitBadInput : kExitOk;
  }
  if (args[0] == "--version") {
    std::printf("edgetwin %s\n", version());
    return kExitOk;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  try {
    load_plugin_options(args);  // out-of-tree plug-ins first, so that everything can name them
    if (command == "run") return run_command(args);
    if (command == "validate") return validate_command(args);
    if (command == "bench") return bench_command(args);
    if (command == "sweep") return sweep_command(args);
    std::fprintf(stderr, "edgetwin: unknown command '%s'; valid: run, validate, sweep, bench\n",
                 command.c_str());
    return kExitBadInput;
  } catch (const BadInput& e) {
    std::fprintf(stderr, "edgetwin %s: %s\n", command.c_str(), e.message.c_str());
    return kExitBadInput;
  } catch (const boost::program_options::error& e) {
    std::fprintf(stderr, "edgetwin %s: %s (see edgetwin %s --help)\n", command.c_str(), e.what(),
                 command.c_str());
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "edgetwin %s: internal error: %s\n", command.c_str(), e.what());
    return kExitInternal;
  }
}
