// Outage traces: CSV files of "time,element,state" rows that a scenario's trace outage replays.
// Only the text is read here; which element a name means is decided by the scenario builder.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/units.h"

namespace edgetwin::scenarios::detail {

struct TraceRow {
  int line = 0;  // 1-based, in the file
  sim::Time time = 0;
  std::string element;
  bool down = false;
};

struct TraceText {
  std::vector<TraceRow> rows;       // in file order
  std::vector<std::string> errors;  // "FILE:LINE: what is wrong"
};

// Reads `text`: a header line "time,element,state" (spaces around fields allowed), then one row per
// line; blank lines and lines starting with '#' are skipped. time is a duration string ("1h30m")
// or a plain number of seconds ("5400", "0.5"); state is down or up. Times must not decrease.
// `file` is the name used in error messages. `subject`: the name of the middle column ("element"
// for network outage traces, "device" for device failure traces).
TraceText parse_outage_trace(std::string_view text, const std::string& file,
                             const std::string& subject = "element");

}  // namespace edgetwin::scenarios::detail
