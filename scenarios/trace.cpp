#include "scenarios/detail/trace.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <limits>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

namespace edgetwin::scenarios::detail {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool plain_number(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.';
  });
}

constexpr std::size_t kAzureKeys = 4;  // HashOwner,HashApp,HashFunction,Trigger
constexpr std::size_t kMinutes = 1440;

}  // namespace

bool CsvLines::next() {
  while (std::getline(in_, buffer_)) {
    ++line_;
    text_ = trim(buffer_);
    // A UTF-8 byte-order mark, as spreadsheet programs write, is not part of the first field.
    if (line_ == 1 && text_.starts_with("\xEF\xBB\xBF")) text_ = trim(text_.substr(3));
    if (text_.empty() || text_.front() == '#') continue;
    fields_.clear();
    for (std::size_t start = 0;;) {
      const std::size_t comma = text_.find(',', start);
      fields_.push_back(
          trim(text_.substr(start, comma == std::string_view::npos ? text_.npos : comma - start)));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    return true;
  }
  return false;
}

std::optional<sim::Time> parse_trace_time(std::string_view field, std::string& error) {
  const std::string time(field);
  const auto t = sim::parse_duration(plain_number(time) ? time + "s" : time);
  if (!t.ok()) {
    error = "bad time '" + time + "': " + t.error;
    return std::nullopt;
  }
  return t.value;
}

TraceText parse_outage_trace(std::string_view text, const std::string& file,
                             const std::string& subject) {
  TraceText out;
  std::istringstream in{std::string(text)};
  CsvLines lines(in);
  bool header = false;
  sim::Time last = 0;
  std::string error;
  while (lines.next()) {
    const std::string where = file + ":" + std::to_string(lines.line()) + ": ";
    const auto& fields = lines.fields();
    if (!header) {
      header = true;
      if (fields.size() != 3 || fields[0] != "time" || fields[1] != subject ||
          fields[2] != "state") {
        out.errors.push_back(where + "expected the header 'time," + subject + ",state', got '" +
                             std::string(lines.text()) + "'");
        return out;
      }
      continue;
    }
    if (fields.size() != 3) {
      out.errors.push_back(where + "expected 3 fields (time," + subject + ",state), got " +
                           std::to_string(fields.size()));
      continue;
    }
    TraceRow row;
    row.line = lines.line();
    const auto t = parse_trace_time(fields[0], error);
    if (!t) {
      out.errors.push_back(where + error);
      continue;
    }
    row.time = *t;
    row.element = std::string(fields[1]);
    if (row.element.empty()) {
      out.errors.push_back(where + "empty " + subject);
      continue;
    }
    if (fields[2] == "down") {
      row.down = true;
    } else if (fields[2] != "up") {
      out.errors.push_back(where + "state must be down or up, got '" + std::string(fields[2]) +
                           "'");
      continue;
    }
    if (row.time < last) {
      out.errors.push_back(where + "time " + std::string(fields[0]) +
                           " is before the row above; rows must be sorted by time");
      continue;
    }
    last = row.time;
    out.rows.push_back(std::move(row));
  }
  if (!header) {
    out.errors.push_back(file + ": empty; expected the header 'time," + subject + ",state'");
  }
  return out;
}

namespace {

using AzureErrors = std::vector<std::pair<std::string, std::string>>;

// One pass over an Azure trace: checks every line, and calls on_row(data_row, fields, counts,
// total) for each valid data row. Errors (at most kShown, then a note) go to `errors` under `key`.
// Returns false when the header is wrong (nothing else is read then).
template <typename OnRow>
bool azure_pass(std::istream& in, const std::string& file, const std::string& key,
                AzureErrors& errors, OnRow&& on_row) {
  constexpr std::size_t kShown = 10;
  std::size_t shown = 0;
  auto error = [&](std::string message) {
    if (shown < kShown) {
      errors.emplace_back(key, std::move(message));
    } else if (shown == kShown) {
      errors.emplace_back(key, file + ": ... and more errors (the first " +
                                   std::to_string(kShown) + " are shown)");
    }
    ++shown;
  };
  CsvLines lines(in);
  if (!lines.next()) {
    error(file + ": empty; expected the header HashOwner,HashApp,HashFunction,Trigger,1,...,1440");
    return false;
  }
  {
    const auto& h = lines.fields();
    bool ok = h.size() == kAzureKeys + kMinutes && h[0] == "HashOwner" && h[1] == "HashApp" &&
              h[2] == "HashFunction" && h[3] == "Trigger";
    for (std::size_t m = 0; ok && m < kMinutes; ++m) {
      ok = h[kAzureKeys + m] == std::to_string(m + 1);
    }
    if (!ok) {
      std::string text(lines.text().substr(0, 80));
      if (lines.text().size() > 80) text += "...";
      error(file + ":" + std::to_string(lines.line()) +
            ": expected the Azure Functions 2019 header "
            "'HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440' (" +
            std::to_string(kAzureKeys + kMinutes) + " fields), got '" + text + "' (" +
            std::to_string(h.size()) + " fields)");
      return false;
    }
  }
  std::uint64_t data_row = 0;
  std::vector<std::uint32_t> counts(kMinutes);
  while (lines.next()) {
    const auto& f = lines.fields();
    const std::uint64_t row = data_row++;
    auto where = [&] { return file + ":" + std::to_string(lines.line()) + ": "; };
    if (f.size() != kAzureKeys + kMinutes) {
      error(where() + "expected " + std::to_string(kAzureKeys + kMinutes) +
            " fields (HashOwner,HashApp,HashFunction,Trigger and 1440 per-minute counts), got " +
            std::to_string(f.size()));
      continue;
    }
    bool ok = true;
    std::uint64_t total = 0;
    for (std::size_t m = 0; m < kMinutes && ok; ++m) {
      const std::string_view v = f[kAzureKeys + m];
      std::uint64_t c = 0;
      const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), c);
      if (!v.empty() && v.front() == '-') {
        error(where() + "minute " + std::to_string(m + 1) + ": negative count '" +
              std::string(v) + "'; counts are invocations, 0 or more");
        ok = false;
      } else if (ec == std::errc::result_out_of_range ||
                 (ec == std::errc() && c > std::numeric_limits<std::uint32_t>::max())) {
        error(where() + "minute " + std::to_string(m + 1) + ": count " + std::string(v) +
              " is too large (at most 4294967295)");
        ok = false;
      } else if (ec != std::errc() || end != v.data() + v.size()) {
        error(where() + "minute " + std::to_string(m + 1) +
              ": expected a whole number of invocations, got '" + std::string(v) + "'");
        ok = false;
      }
      counts[m] = static_cast<std::uint32_t>(c);
      total += c;
    }
    if (ok) on_row(row, f, counts, total);
  }
  return true;
}

// Appends the non-zero minutes of `counts` (day `day`) as the next row's entries.
void append_row(models::MinuteCounts& out, const std::vector<std::uint32_t>& counts) {
  for (std::size_t m = 0; m < kMinutes; ++m) {
    if (counts[m] == 0) continue;
    out.minute.push_back(static_cast<std::uint16_t>(m));
    out.count.push_back(counts[m]);
  }
  out.row_begin.push_back(static_cast<std::uint32_t>(out.minute.size()));
}

// The key that matches a function's rows across days.
std::string function_key(const std::vector<std::string_view>& f) {
  std::string key(f[0]);
  key.append(1, '\n').append(f[1]).append(1, '\n').append(f[2]);
  return key;
}

}  // namespace

AzureTrace read_azure_trace(const std::vector<std::filesystem::path>& paths,
                            const std::vector<std::string>& files,
                            const AzureSelection& sel) {
  using By = AzureSelection::By;
  AzureTrace result;
  auto counts = std::make_shared<models::MinuteCounts>();
  counts->minutes = static_cast<std::uint32_t>(kMinutes * paths.size());
  const std::string& file = files.front();
  std::ifstream in(paths.front(), std::ios::binary);
  if (!in) {
    result.errors.emplace_back("file", file + ": not readable");
    return result;
  }
  // The rows asked for by index or by HashFunction, and whether each was found.
  std::unordered_map<std::uint64_t, std::size_t> wanted_rows;
  for (std::size_t k = 0; k < sel.rows.size(); ++k) {
    if (auto [it, fresh] = wanted_rows.emplace(sel.rows[k], k); !fresh) {
      result.errors.emplace_back("rows/" + std::to_string(k),
                                 "row " + std::to_string(sel.rows[k]) +
                                     " is listed twice (also rows/" + std::to_string(it->second) +
                                     ")");
    }
  }
  std::unordered_map<std::string, std::size_t> wanted_functions;
  for (std::size_t k = 0; k < sel.functions.size(); ++k) {
    if (auto [it, fresh] = wanted_functions.emplace(sel.functions[k], k); !fresh) {
      result.errors.emplace_back("functions/" + std::to_string(k),
                                 "HashFunction '" + sel.functions[k] +
                                     "' is listed twice (also functions/" +
                                     std::to_string(it->second) + ")");
    }
  }
  std::vector<bool> found_functions(sel.functions.size(), false);
  std::uint64_t data_rows = 0;
  // Later days find the selected functions by key; the index is the selected row.
  std::unordered_map<std::string, std::uint32_t> selected_keys;
  auto keep = [&](std::uint64_t row, const std::vector<std::string_view>& f,
                  const std::vector<std::uint32_t>& c, std::uint64_t total) {
    if (paths.size() > 1) selected_keys.emplace(function_key(f), counts->rows());
    append_row(*counts, c);
    counts->file_row.push_back(static_cast<std::uint32_t>(row));
    counts->total += total;
  };
  // Day 1, pass 1: every line checked; the rows kept unless the selection is `top`. For `top`,
  // the totals of the rows (of the trigger) decide, then pass 2 keeps them.
  std::vector<std::uint64_t> totals;
  std::vector<std::uint8_t> trigger_ok;
  const bool top = sel.by == By::kTop;
  const bool header_ok = azure_pass(
      in, file, "file", result.errors,
      [&](std::uint64_t row, const std::vector<std::string_view>& f,
          const std::vector<std::uint32_t>& c, std::uint64_t total) {
        data_rows = row + 1;
        bool wanted = false;
        switch (sel.by) {
          case By::kAll: wanted = sel.trigger.empty() || f[3] == sel.trigger; break;
          case By::kRows: wanted = wanted_rows.contains(row); break;
          case By::kFunctions:
            if (auto it = wanted_functions.find(std::string(f[2])); it != wanted_functions.end()) {
              found_functions[it->second] = true;
              wanted = true;
            }
            break;
          case By::kTop:
            totals.push_back(total);
            trigger_ok.push_back(sel.trigger.empty() || f[3] == sel.trigger);
            break;
        }
        if (wanted) keep(row, f, c, total);
      });
  if (!header_ok || !result.errors.empty()) return result;
  if (top) {
    // The `top` rows by total, ties to the earlier row; then replayed in file order.
    std::vector<std::uint32_t> order;
    for (std::uint32_t r = 0; r < totals.size(); ++r) {
      if (trigger_ok[r]) order.push_back(r);
    }
    if (sel.top > order.size()) {
      result.errors.emplace_back(
          "top", "top " + std::to_string(sel.top) + " asks for more rows than " + file + " has" +
                     (sel.trigger.empty() ? "" : " with trigger '" + sel.trigger + "'") + " (" +
                     std::to_string(order.size()) + ")");
      return result;
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return totals[a] > totals[b]; });
    order.resize(sel.top);
    std::unordered_set<std::uint64_t> chosen(order.begin(), order.end());
    in.clear();
    in.seekg(0);
    azure_pass(in, file, "file", result.errors,
               [&](std::uint64_t row, const std::vector<std::string_view>& f,
                   const std::vector<std::uint32_t>& c, std::uint64_t total) {
                 if (chosen.contains(row)) keep(row, f, c, total);
               });
  }
  for (std::size_t k = 0; k < sel.rows.size(); ++k) {
    if (sel.rows[k] >= data_rows) {
      result.errors.emplace_back("rows/" + std::to_string(k),
                                 "row " + std::to_string(sel.rows[k]) + " is not in " + file +
                                     ", which has " + std::to_string(data_rows) +
                                     " data rows (numbered from 0)");
    }
  }
  for (std::size_t k = 0; k < sel.functions.size(); ++k) {
    if (!found_functions[k]) {
      result.errors.emplace_back("functions/" + std::to_string(k),
                                 "no row of " + file + " has HashFunction '" + sel.functions[k] +
                                     "'");
    }
  }
  if (!result.errors.empty()) return result;

  // Later days: each selected function's rows (by HashOwner, HashApp, HashFunction; summed if it
  // has several), shifted by 1440 minutes a day; a function absent on a day is silent that day.
  struct Entry {
    std::uint32_t row;
    std::uint16_t minute;
    std::uint32_t count;
  };
  std::vector<Entry> later;
  for (std::size_t d = 1; d < paths.size(); ++d) {
    const std::string key = "more_days/" + std::to_string(d - 1);
    std::ifstream day(paths[d], std::ios::binary);
    if (!day) {
      result.errors.emplace_back(key, files[d] + ": not readable");
      continue;
    }
    azure_pass(day, files[d], key, result.errors,
               [&](std::uint64_t, const std::vector<std::string_view>& f,
                   const std::vector<std::uint32_t>& c, std::uint64_t total) {
                 const auto it = selected_keys.find(function_key(f));
                 if (it == selected_keys.end()) return;
                 for (std::size_t m = 0; m < kMinutes; ++m) {
                   if (c[m] == 0) continue;
                   later.push_back({it->second, static_cast<std::uint16_t>(d * kMinutes + m), c[m]});
                 }
                 counts->total += total;
               });
  }
  if (!result.errors.empty()) return result;
  if (!later.empty()) {
    // Each row: its first-day entries, then its later entries in minute order (equal minutes of
    // repeated rows summed).
    std::stable_sort(later.begin(), later.end(), [](const Entry& a, const Entry& b) {
      return a.row != b.row ? a.row < b.row : a.minute < b.minute;
    });
    models::MinuteCounts merged;
    merged.minutes = counts->minutes;
    merged.file_row = counts->file_row;
    merged.total = counts->total;
    std::size_t e = 0;
    for (std::uint32_t r = 0; r < counts->rows(); ++r) {
      for (std::uint32_t k = counts->row_begin[r]; k < counts->row_begin[r + 1]; ++k) {
        merged.minute.push_back(counts->minute[k]);
        merged.count.push_back(counts->count[k]);
      }
      for (; e < later.size() && later[e].row == r; ++e) {
        if (merged.minute.size() > merged.row_begin.back() &&
            merged.minute.back() == later[e].minute) {
          merged.count.back() += later[e].count;  // a function listed twice on that day
        } else {
          merged.minute.push_back(later[e].minute);
          merged.count.push_back(later[e].count);
        }
      }
      merged.row_begin.push_back(static_cast<std::uint32_t>(merged.minute.size()));
    }
    *counts = std::move(merged);
  }
  if (counts->total == 0) {
    result.errors.emplace_back("file", file + ": the selected rows (" +
                                           std::to_string(counts->rows()) +
                                           ") hold no invocation, so no request would arrive");
    return result;
  }
  result.counts = std::move(counts);
  return result;
}

}  // namespace edgetwin::scenarios::detail
