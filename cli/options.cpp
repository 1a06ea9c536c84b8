#include "cli/options.h"

#include "cli/commands.h"

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

sim::EventListKind parse_event_list(const std::string& name) {
  if (name == "ladder") return sim::EventListKind::kLadder;
  if (name == "heap") return sim::EventListKind::kHeap;
  throw BadInput{"--event-list: unknown event list '" + name + "'; valid: ladder, heap"};
}

}  // namespace edgetwin::cli
