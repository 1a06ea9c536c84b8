// Trace files: CSV text read line by line (CsvLines), and the three formats built on it:
//   outage traces      "time,element,state" rows that a scenario's trace outage replays;
//   invocation traces  "time,workload[,site]" rows, one request each (arrivals process trace);
//   Azure Functions 2019 invocation counts (invocations_per_function_md.anon.dXX.csv:
//                      HashOwner,HashApp,HashFunction,Trigger,1,...,1440), arrivals process
//                      azure_trace.
// Only the text is read here; what a name means is decided by the scenario builder.
#pragma once

#include <cstdint>
#include <filesystem>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/fleet_config.h"
#include "sim/units.h"

namespace edgetwin::scenarios::detail {

// The lines of a CSV stream, one at a time, without loading the stream: each line trimmed of
// spaces, tabs and a trailing '\r' (and the first of a UTF-8 byte-order mark); blank lines and
// lines starting with '#' skipped; fields split on commas and trimmed (no quoting: no field of
// these formats holds a comma). Buffers are reused, so reading allocates only when a line is longer than
// any before it.
class CsvLines {
 public:
  explicit CsvLines(std::istream& in) : in_(in) {}
  // Moves to the next line that is neither blank nor a comment; false at the end.
  bool next();
  int line() const { return line_; }  // 1-based, in the file
  std::string_view text() const { return text_; }
  // The fields of the current line; valid until the next call of next().
  const std::vector<std::string_view>& fields() const { return fields_; }

 private:
  std::istream& in_;
  std::string buffer_;
  std::string_view text_;
  std::vector<std::string_view> fields_;
  int line_ = 0;
};

// A time field: a duration string ("1h30m", "250ms") or a plain number of seconds ("5400",
// "0.5"). nullopt, with `error` set, when it is neither.
std::optional<sim::Time> parse_trace_time(std::string_view field, std::string& error);

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

// ---- invocation traces ------------------------------------------------------------------------

// One row of an invocation trace: a request of `workload` at `time`, at `site` ("" when the file
// has no site column).
struct InvocationRow {
  int line = 0;
  sim::Time time = 0;
  std::string_view workload;  // valid only inside the callback
  std::string_view site;
};

// Reads an invocation trace from `in`: the header "time,workload" or "time,workload,site", then
// one row per line (blank and '#' lines skipped); times as in parse_trace_time, not decreasing.
// Calls `row` for each valid row, in order; returns the errors ("FILE:LINE: what is wrong"), and
// sets `has_site` from the header.
template <typename OnRow>
std::vector<std::string> read_invocation_trace(std::istream& in, const std::string& file,
                                               bool& has_site, OnRow&& row);

// ---- Azure Functions 2019 ---------------------------------------------------------------------

// Which rows of an Azure trace to replay: every row (optionally only those of one trigger), the
// data rows at the given 0-based indices (header not counted), the `top` rows with the most
// invocations over the day, or the rows whose HashFunction is listed. Rows are kept in file order.
struct AzureSelection {
  enum class By : std::uint8_t { kAll, kRows, kTop, kFunctions };
  By by = By::kAll;
  std::vector<std::uint64_t> rows;       // kRows
  std::uint64_t top = 0;                 // kTop
  std::vector<std::string> functions;    // kFunctions
  std::string trigger;                   // "" for any; applies to kAll and kTop
};

struct AzureTrace {
  std::shared_ptr<models::MinuteCounts> counts;  // null when there were errors
  // (the key the error is about, relative to the arrivals object: "file", "more_days/0",
  // "rows/2", "top"; "FILE:LINE: what is wrong" or another message).
  std::vector<std::pair<std::string, std::string>> errors;
};

// Reads the Azure Functions 2019 per-minute invocation counts of consecutive days, one file per
// day (`paths`, named `files` in messages), streaming each: the selection picks rows of the first
// file (one pass; two for `top`: totals, then the chosen rows); later files add the same
// functions' counts (matched by HashOwner, HashApp and HashFunction) 1440 minutes later each.
// Only non-zero minutes are kept. Counts must be whole numbers in [0, 2^32).
// REQUIRES: 1 <= paths.size() <= 45 (minutes fit 16 bits), files.size() == paths.size().
AzureTrace read_azure_trace(const std::vector<std::filesystem::path>& paths,
                            const std::vector<std::string>& files,
                            const AzureSelection& selection);

// ---- template definitions ---------------------------------------------------------------------

template <typename OnRow>
std::vector<std::string> read_invocation_trace(std::istream& in, const std::string& file,
                                               bool& has_site, OnRow&& row) {
  std::vector<std::string> errors;
  CsvLines lines(in);
  if (!lines.next()) {
    errors.push_back(file + ": empty; expected the header 'time,workload' or "
                            "'time,workload,site'");
    return errors;
  }
  const auto& head = lines.fields();
  has_site = head.size() == 3;
  if (head.size() < 2 || head.size() > 3 || head[0] != "time" || head[1] != "workload" ||
      (has_site && head[2] != "site")) {
    errors.push_back(file + ":" + std::to_string(lines.line()) +
                     ": expected the header 'time,workload' or 'time,workload,site', got '" +
                     std::string(lines.text()) + "'");
    return errors;
  }
  const std::size_t width = has_site ? 3 : 2;
  sim::Time last = 0;
  std::string error;
  while (lines.next()) {
    const auto& f = lines.fields();
    auto where = [&] { return file + ":" + std::to_string(lines.line()) + ": "; };
    if (f.size() != width) {
      errors.push_back(where() + "expected " + std::to_string(width) + " fields (" +
                       (has_site ? "time,workload,site" : "time,workload") + "), got " +
                       std::to_string(f.size()));
      continue;
    }
    const auto t = parse_trace_time(f[0], error);
    if (!t) {
      errors.push_back(where() + error);
      continue;
    }
    if (f[1].empty() || (has_site && f[2].empty())) {
      errors.push_back(where() + (f[1].empty() ? "empty workload" : "empty site"));
      continue;
    }
    if (*t < last) {
      errors.push_back(where() + "time " + std::string(f[0]) +
                       " is before the row above; rows must be sorted by time");
      continue;
    }
    last = *t;
    row(InvocationRow{lines.line(), *t, f[1], has_site ? f[2] : std::string_view()});
  }
  return errors;
}

}  // namespace edgetwin::scenarios::detail
