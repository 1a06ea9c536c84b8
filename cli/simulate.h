// One simulation of a loaded scenario, shared by `run` and `sweep`.
#pragma once

#include <string>

#include "analysis/results.h"
#include "models/network_activity.h"
#include "scenarios/scenario.h"
#include "sim/event_list.h"

namespace edgetwin::cli {

// Runs `model` (built from `scenario.fleet`) to the scenario's duration on its own engine and
// finishes it; returns what the run decided, ready for analysis::summarize. Thread-safe for
// distinct models: it touches no shared state (the progress bar only when show_progress).
analysis::RunInfo simulate(const scenarios::Scenario& scenario, sim::EventListKind list,
                           bool show_progress, models::Twin& model);

// Throws BadInput when `output` cannot be written: missing or unwritable directory, or a
// directory itself. Checked before a run, not after it.
void check_output_path(const std::string& output);

// While armed, SIGINT or SIGTERM removes `temp` (the result file being written) and exits
// 128 + signal, so an interrupted write leaves no half-written file behind. keep_on_interrupt()
// disarms it once the file has been renamed.
void remove_on_interrupt(const std::string& temp);
void keep_on_interrupt();

}  // namespace edgetwin::cli
