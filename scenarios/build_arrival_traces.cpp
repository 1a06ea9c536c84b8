// Arrivals replayed from trace files (trace.h): the Azure Functions 2019 per-minute counts
// (process azure_trace) and CSV invocation traces (process trace).
#include <algorithm>

#include "scenarios/detail/builder.h"
#include "scenarios/detail/names.h"
#include "scenarios/detail/trace.h"
#include "scenarios/detail/values.h"

namespace edgetwin::scenarios::detail {
namespace {

constexpr std::size_t kShown = 10;  // errors shown per file

}  // namespace

void Builder::check_azure_trace(std::size_t i, Json& a, const std::string& at) {
  models::ArrivalProcess& out = workload_arrivals_[i];
  const std::string* file = string_of(a, "file");
  const int selectors = a.contains("rows") + a.contains("top") + a.contains("functions");
  if (selectors > 1) {
    diag_.add(at + (a.contains("functions") ? "/functions" : "/top"),
              "give one of rows, top and functions (which rows of the trace to replay), not "
              "several");
  }
  if (a.contains("trigger") && (a.contains("rows") || a.contains("functions"))) {
    diag_.add(at + "/trigger",
              "trigger filters all rows or the top rows; rows and functions "
              "name the rows themselves: leave trigger out");
  }
  // The files, one per day: `file`, then `more_days`.
  std::vector<std::string> files;
  if (file) files.push_back(*file);
  bool days_ok = file != nullptr;
  if (const auto more = a.find("more_days"); more != a.end() && more->is_array()) {
    for (const Json& d : *more) {
      days_ok = days_ok && d.is_string();  // else reported
      if (d.is_string()) files.push_back(d.get<std::string>());
    }
  }
  const std::size_t days = std::max<std::size_t>(files.size(), 1);
  if (const auto start = duration_of(a["start"])) {
    if (*start % sim::kMinute != 0 || *start >= static_cast<sim::Time>(days) * sim::kDay) {
      diag_.add(at + "/start", "start (" + a["start"].get<std::string>() +
                                   ") must be a whole number of minutes less than " +
                                   std::to_string(24 * days) +
                                   "h: the trace counts invocations per minute of " +
                                   (days == 1 ? "one day" : std::to_string(days) + " days"));
    } else {
      out.start_minute = static_cast<std::uint32_t>(*start / sim::kMinute);
    }
  }
  if (const auto scale = number_of(a, "scale")) out.scale = *scale;
  out.even_spread = a["spread"] == "even";
  out.repeat = !a["repeat"].is_boolean() || a["repeat"].get<bool>();
  if (!days_ok || selectors > 1) return;

  AzureSelection sel;
  if (a.contains("rows")) {
    if (!a["rows"].is_array()) return;  // reported
    sel.by = AzureSelection::By::kRows;
    for (const Json& r : a["rows"]) {
      if (!r.is_number_integer() || r.get<double>() < 0) return;  // reported
      sel.rows.push_back(r.get<std::uint64_t>());
    }
  } else if (a.contains("top")) {
    if (!a["top"].is_number_integer() || a["top"].get<double>() < 1) return;  // reported
    sel.by = AzureSelection::By::kTop;
    sel.top = a["top"].get<std::uint64_t>();
  } else if (a.contains("functions")) {
    if (!a["functions"].is_array()) return;  // reported
    sel.by = AzureSelection::By::kFunctions;
    for (const Json& f : a["functions"]) {
      if (!f.is_string()) return;  // reported
      sel.functions.push_back(f.get<std::string>());
    }
  }
  if (const std::string* trigger = string_of(a, "trigger")) sel.trigger = *trigger;

  std::vector<std::filesystem::path> paths;
  std::string key;
  for (const std::string& f : files) {
    paths.push_back(base_dir_ / f);
    key += paths.back().string() + "\n";
  }
  key += std::to_string(static_cast<int>(sel.by)) + "\n" +
         (a.contains("rows") ? a["rows"].dump() : "") + (a.contains("top") ? a["top"].dump() : "") +
         (a.contains("functions") ? a["functions"].dump() : "") + "\n" + sel.trigger;
  std::shared_ptr<const models::MinuteCounts> counts;
  if (auto it = azure_traces_.find(key); it != azure_traces_.end()) {
    counts = it->second;
  } else {
    bool readable = true;
    for (std::size_t d = 0; d < paths.size(); ++d) {
      std::ifstream probe;
      if (const char* problem = open_text_file(paths[d], probe)) {
        diag_.add(at + (d == 0 ? "/file" : "/more_days/" + std::to_string(d - 1)),
                  "cannot read trace file '" + paths[d].string() + "': " + problem);
        readable = false;
      }
    }
    if (!readable) return;
    AzureTrace trace = read_azure_trace(paths, files, sel);
    for (const auto& [where, message] : trace.errors) diag_.add(at + "/" + where, message);
    if (!trace.counts) return;
    counts = std::move(trace.counts);
    azure_traces_.emplace(key, counts);
  }
  out.minute_counts = counts;
  // The mean rate of one stream (one row), over the trace's days.
  workload_rate_[i] = static_cast<double>(counts->total) * out.scale /
                      static_cast<double>(counts->rows()) /
                      (60.0 * static_cast<double>(counts->minutes));
}

void Builder::check_invocation_trace(std::size_t i, const Json& a, const std::string& at) {
  const std::string* file = string_of(a, "file");
  if (!file) return;  // reported
  const Json& workloads = r_["workloads"];
  const std::string* name = string_of(workloads[i], "name");
  if (!name) return;  // reported
  const std::filesystem::path full = base_dir_ / *file;
  std::ifstream in;
  if (const char* problem = open_text_file(full, in)) {
    diag_.add(at + "/file", "cannot read trace file '" + full.string() + "': " + problem);
    return;
  }
  // File-level errors (format, unknown workloads) once per file, at its first workload.
  const bool report_file =
      std::find(invocation_files_reported_.begin(), invocation_files_reported_.end(),
                full.string()) == invocation_files_reported_.end();
  if (report_file) invocation_files_reported_.push_back(full.string());
  std::vector<std::string> names;
  for (const Json& w : workloads) {
    if (const std::string* n = w.is_object() ? string_of(w, "name") : nullptr) names.push_back(*n);
  }
  std::vector<std::string> errors;
  auto report = [&](std::string message) {
    if (errors.size() <= kShown) errors.push_back(std::move(message));
  };
  const Indices& sites = workload_sites_[i];
  std::vector<std::pair<sim::Time, std::uint32_t>> rows;  // (time, part)
  bool has_site = false;
  std::vector<std::string> file_errors =
      read_invocation_trace(in, *file, has_site, [&](const InvocationRow& row) {
        auto where = [&] { return *file + ":" + std::to_string(row.line) + ": "; };
        if (row.workload != *name) {
          if (report_file && std::find(names.begin(), names.end(), row.workload) == names.end()) {
            report(where() + "unknown workload '" + std::string(row.workload) + "';" +
                   did_you_mean(row.workload, names) + " workloads: " + list_names(names));
          }
          return;
        }
        std::uint32_t part = 0;
        if (has_site) {
          const auto s = site_index_.find(std::string(row.site));
          const auto k = s == site_index_.end()
                             ? sites.end()
                             : std::lower_bound(sites.begin(), sites.end(), s->second);
          if (k == sites.end() || *k != s->second) {
            std::vector<std::string> mine;
            for (std::uint32_t x : sites) mine.push_back(sites_[x].name);
            report(where() + "site '" + std::string(row.site) + "' is not a site of workload '" +
                   *name + "';" + did_you_mean(row.site, mine) + " its sites: " + list_names(mine));
            return;
          }
          part = static_cast<std::uint32_t>(k - sites.begin());
        }
        rows.emplace_back(row.time, part);
      });
  if (report_file) {
    for (std::string& e : file_errors) report(std::move(e));
  } else if (!file_errors.empty()) {
    return;  // reported at the first workload that replays the file
  }
  for (std::size_t k = 0; k < errors.size(); ++k) {
    diag_.add(at + "/file", k < kShown ? errors[k]
                                       : *file + ": ... and more errors (the first " +
                                             std::to_string(kShown) + " are shown)");
  }
  if (!errors.empty() || !file_errors.empty()) return;
  if (rows.empty()) {
    diag_.add(at + "/file",
              *file + ": no row is for workload '" + *name + "', so no request would arrive");
    return;
  }
  if (has_site && workload_scope_[i] != models::ArrivalScope::kSite) {
    diag_.add("/workloads/" + std::to_string(i) + "/scope",
              "the rows of " + *file +
                  " name their site, and each site replays its own: scope "
                  "must be site");
    return;
  }
  // Parts in CSR, each in time order (a stable counting sort of rows already sorted by time).
  auto times = std::make_shared<models::InvocationTimes>();
  times->by_site = has_site;
  const std::size_t parts = has_site ? sites.size() : 1;
  times->part_begin.assign(parts + 1, 0);
  for (const auto& r : rows) ++times->part_begin[r.second + 1];
  for (std::size_t k = 0; k < parts; ++k) times->part_begin[k + 1] += times->part_begin[k];
  times->time.resize(rows.size());
  std::vector<std::uint32_t> fill(times->part_begin.begin(), times->part_begin.end() - 1);
  for (const auto& r : rows) times->time[fill[r.second]++] = r.first;
  workload_arrivals_[i].times = times;
  const auto duration = duration_of(r_["duration"]);
  const double span = duration && *duration > 0 ? sim::to_seconds(*duration) : 3600.0;
  workload_rate_[i] = static_cast<double>(rows.size()) / static_cast<double>(parts) / span;
}

}  // namespace edgetwin::scenarios::detail
