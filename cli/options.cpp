#include "cli/options.h"

#include "cli/commands.h"
#include "scheduler_plugins/loader.h"

namespace po = boost::program_options;

namespace edgetwin::cli {

po::variables_map parse_options(const std::vector<std::string>& args,
                                const po::options_description& options, const char* positional) {
  po::positional_options_description bare;
  bare.add(positional, 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).positional(bare).run(), vm);
  po::notify(vm);
  return vm;
}

void load_plugin_options(std::vector<std::string>& args) {
  std::vector<std::string> paths;
  std::vector<std::string> rest;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--plugin") {
      if (i + 1 == args.size() || args[i + 1].empty()) {
        throw BadInput{"--plugin: expected the path of a plug-in library"};
      }
      paths.push_back(args[++i]);
    } else if (args[i].rfind("--plugin=", 0) == 0) {
      paths.push_back(args[i].substr(9));
      if (paths.back().empty()) throw BadInput{"--plugin: expected the path of a plug-in library"};
    } else {
      rest.push_back(args[i]);
    }
  }
  args.swap(rest);
  for (const std::string& path : paths) {
    std::string error;
    if (!scheduler_plugins::load_plugin_library(path, &error)) throw BadInput{"--plugin: " + error};
  }
}

sim::EventListKind parse_event_list(const std::string& name) {
  if (name == "ladder") return sim::EventListKind::kLadder;
  if (name == "heap") return sim::EventListKind::kHeap;
  throw BadInput{"--event-list: unknown event list '" + name + "'; valid: ladder, heap"};
}

}  // namespace edgetwin::cli
