// Command-line parsing shared by the sub-commands.
#pragma once

#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "sim/event_list.h"

namespace edgetwin::cli {

// Parses `args` against `options`, with `positional` (an option name) taking the one bare
// argument. Throws boost::program_options::error on bad input (main turns it into exit 2).
boost::program_options::variables_map parse_options(
    const std::vector<std::string>& args, const boost::program_options::options_description& options,
    const char* positional);

// Removes every `--plugin PATH` (or `--plugin=PATH`) from `args` and loads those out-of-tree
// plug-in libraries, in order, before the command runs; a library that fails to load is
// BadInput naming its path and the problem.
void load_plugin_options(std::vector<std::string>& args);

// "ladder" or "heap"; anything else is BadInput naming --event-list and the valid names.
sim::EventListKind parse_event_list(const std::string& name);

}  // namespace edgetwin::cli
