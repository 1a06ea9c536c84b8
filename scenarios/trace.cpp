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

TraceText parse_outage_trace(std::string_view text, const std::string& file) {
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
      if (fields.size() != 3 || fields[0] != "time" || fields[1] != "element" ||
          fields[2] != "state") {
        out.errors.push_back(where + "expected the header 'time,element,state', got '" +
                             std::string(lines.text()) + "'");
        return out;
      }
      continue;
    }
    if (fields.size() != 3) {
      out.errors.push_back(where + "expected 3 fields (time,element,state), got " +
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
      out.errors.push_back(where + "empty element");
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
  if (!header) out.errors.push_back(file + ": empty; expected the header 'time,element,state'");
  return out;
}

namespace {

// One pass over an Azure trace: checks every line; calls keep(data_row, fields) for each valid
// data row and asks it whether to store the row's counts in `out`. Returns false when the header
// is wrong (nothing else is read then).
template <typename Keep>
bool azure_pass(std::istream& in, const std::string& file, AzureTrace& result,
                models::MinuteCounts* out, std::vector<std::uint64_t>* totals, Keep&& keep) {
  constexpr std::size_t kShown = 10;
  auto error = [&](std::string message) {
    if (result.errors.size() < kShown) {
      result.errors.push_back(std::move(message));
    } else if (result.errors.size() == kShown) {
      result.errors.push_back(file + ": ... and more errors (the first " +
                              std::to_string(kShown) + " are shown)");
    }
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
      std::string shown(lines.text().substr(0, 80));
      if (lines.text().size() > 80) shown += "...";
      error(file + ":" + std::to_string(lines.line()) +
            ": expected the Azure Functions 2019 header "
            "'HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440' (" +
            std::to_string(kAzureKeys + kMinutes) + " fields), got '" + shown + "' (" +
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
        error(where() + "minute " + std::to_string(m + 1) + ": negative count '" + std::string(v) +
              "'; counts are invocations, 0 or more");
        ok = false;
      } else if (ec == std::errc::result_out_of_range ||
                 (ec == std::errc() && c > std::numeric_limits<std::uint32_t>::max())) {
        error(where() + "minute " + std::to_string(m + 1) + ": count " + std::string(v) +
              " is too large (at most 4294967295)");
        ok = false;
      } else if (ec != std::errc() || end != v.data() + v.size()) {
        error(where() + "minute " + std::to_string(m + 1) + ": expected a whole number of "
                                                           "invocations, got '" +
              std::string(v) + "'");
        ok = false;
      }
      counts[m] = static_cast<std::uint32_t>(c);
      total += c;
    }
    if (!ok) continue;
    if (totals) totals->push_back(total);
    if (out && keep(row, f)) {
      for (std::size_t m = 0; m < kMinutes; ++m) {
        if (counts[m] == 0) continue;
        out->minute.push_back(static_cast<std::uint16_t>(m));
        out->count.push_back(counts[m]);
      }
      out->row_begin.push_back(static_cast<std::uint32_t>(out->minute.size()));
      out->file_row.push_back(static_cast<std::uint32_t>(row));
      out->total += total;
    }
  }
  return true;
}

}  // namespace

AzureTrace read_azure_trace(const std::filesystem::path& path, const std::string& file,
                            const AzureSelection& sel) {
  using By = AzureSelection::By;
  AzureTrace result;
  auto counts = std::make_shared<models::MinuteCounts>();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    result.errors.push_back(file + ": not readable");
    return result;
  }
  // The rows asked for by index or by HashFunction, and whether each was found.
  std::unordered_map<std::uint64_t, std::size_t> wanted_rows;
  for (std::size_t k = 0; k < sel.rows.size(); ++k) {
    if (auto [it, fresh] = wanted_rows.emplace(sel.rows[k], k); !fresh) {
      result.selection_errors.emplace_back(
          "rows/" + std::to_string(k),
          "row " + std::to_string(sel.rows[k]) + " is listed twice (also rows/" +
              std::to_string(it->second) + ")");
    }
  }
  std::unordered_map<std::string_view, std::size_t> wanted_functions;
  for (std::size_t k = 0; k < sel.functions.size(); ++k) {
    if (auto [it, fresh] = wanted_functions.emplace(sel.functions[k], k); !fresh) {
      result.selection_errors.emplace_back(
          "functions/" + std::to_string(k),
          "HashFunction '" + sel.functions[k] + "' is listed twice (also functions/" +
              std::to_string(it->second) + ")");
    }
  }
  std::vector<bool> found_functions(sel.functions.size(), false);
  std::uint64_t data_rows = 0;
  std::vector<std::uint64_t> totals;
  auto keep_first = [&](std::uint64_t row, const std::vector<std::string_view>& f) {
    data_rows = row + 1;
    switch (sel.by) {
      case By::kAll: return sel.trigger.empty() || f[3] == sel.trigger;
      case By::kRows: return wanted_rows.contains(row);
      case By::kFunctions:
        if (auto it = wanted_functions.find(f[2]); it != wanted_functions.end()) {
          found_functions[it->second] = true;
          return true;
        }
        return false;
      case By::kTop: return false;
    }
    return false;
  };
  // Pass 1: every line checked; the rows kept unless the selection is `top`. For `top`, the
  // totals of the rows (of the trigger) decide, then pass 2 keeps them.
  std::vector<std::uint8_t> trigger_ok;
  auto keep_top_pass1 = [&](std::uint64_t row, const std::vector<std::string_view>& f) {
    data_rows = row + 1;
    trigger_ok.push_back(sel.trigger.empty() || f[3] == sel.trigger);
    return false;
  };
  const bool top = sel.by == By::kTop;
  if (!(top ? azure_pass(in, file, result, counts.get(), &totals, keep_top_pass1)
            : azure_pass(in, file, result, counts.get(), nullptr, keep_first))) {
    return result;
  }
  if (!result.errors.empty()) return result;
  if (top) {
    // The `top` rows by total, ties to the earlier row; then replayed in file order.
    std::vector<std::uint32_t> order;
    for (std::uint32_t r = 0; r < totals.size(); ++r) {
      if (trigger_ok[r]) order.push_back(r);
    }
    if (sel.top > order.size()) {
      result.selection_errors.emplace_back(
          "top", "top " + std::to_string(sel.top) + " asks for more rows than " + file +
                     " has" + (sel.trigger.empty() ? "" : " with trigger '" + sel.trigger + "'") +
                     " (" + std::to_string(order.size()) + ")");
      return result;
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return totals[a] > totals[b]; });
    order.resize(sel.top);
    std::unordered_set<std::uint64_t> chosen(order.begin(), order.end());
    in.clear();
    in.seekg(0);
    azure_pass(in, file, result, counts.get(), nullptr,
               [&](std::uint64_t row, const std::vector<std::string_view>&) {
                 return chosen.contains(row);
               });
  }
  for (std::size_t k = 0; k < sel.rows.size(); ++k) {
    if (sel.rows[k] >= data_rows) {
      result.selection_errors.emplace_back(
          "rows/" + std::to_string(k), "row " + std::to_string(sel.rows[k]) + " is not in " +
                                           file + ", which has " + std::to_string(data_rows) +
                                           " data rows (numbered from 0)");
    }
  }
  for (std::size_t k = 0; k < sel.functions.size(); ++k) {
    if (!found_functions[k]) {
      result.selection_errors.emplace_back(
          "functions/" + std::to_string(k),
          "no row of " + file + " has HashFunction '" + sel.functions[k] + "'");
    }
  }
  if (result.selection_errors.empty() && counts->total == 0) {
    result.errors.push_back(file + ": the selected rows (" + std::to_string(counts->rows()) +
                            ") hold no invocation, so no request would arrive");
  }
  if (result.errors.empty() && result.selection_errors.empty()) result.counts = std::move(counts);
  return result;
}

}  // namespace edgetwin::scenarios::detail
