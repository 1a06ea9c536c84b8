#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "cli/commands.h"
#include "cli/options.h"
#include "scenarios/scenario.h"

namespace po = boost::program_options;

namespace edgetwin::cli {

int validate_command(const std::vector<std::string>& args) {
  po::options_description options("edgetwin validate SCENARIO [options]");
  std::vector<std::string> sets;
  options.add_options()
      ("help,h", "show this help")
      ("scenario", po::value<std::string>(), "scenario file (JSON)")
      ("print", "print the resolved scenario (every default filled in)")
      ("set", po::value(&sets)->composing(), "override a scenario value: path=value (repeatable)")
      ("schema", "print the JSON Schema of the scenario format and exit");
  const po::variables_map vm = parse_options(args, options, "scenario");
  if (vm.count("help")) {
    std::cout << "Parses and checks a scenario, reporting every problem at once.\n\n"
              << options << "\n";
    return kExitOk;
  }
  if (vm.count("schema")) {
    std::cout << scenarios::json_schema();
    return kExitOk;
  }
  if (!vm.count("scenario")) throw BadInput{"missing SCENARIO (see edgetwin validate --help)"};
  const std::string path = vm["scenario"].as<std::string>();
  const scenarios::LoadResult loaded = scenarios::load_scenario_file(path, sets);
  if (!loaded.ok()) {
    std::cerr << loaded.error_text();
    return kExitBadInput;
  }
  if (vm.count("print")) {
    std::cout << loaded.scenario->resolved_json << "\n";
  } else {
    const auto& fleet = loaded.scenario->fleet;
    const std::size_t workloads =
        fleet.workloads.size() + fleet.transfers.size() + fleet.messages.size();
    std::cout << path << ": valid (" << fleet.sites.size() << " sites, " << fleet.devices.size()
              << " devices, " << workloads << " workloads"
              << (fleet.network.enabled
                      ? ", " + std::to_string(fleet.network.links.size()) + " site links, " +
                            std::to_string(fleet.outages.size()) + " outages"
                      : std::string())
              << (fleet.lifecycle.failures.empty()
                      ? std::string()
                      : ", " + std::to_string(fleet.lifecycle.failures.size()) +
                            " device failure processes")
              << ")\n";
  }
  return kExitOk;
}

}  // namespace edgetwin::cli
