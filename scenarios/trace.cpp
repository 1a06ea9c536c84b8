#include "scenarios/detail/trace.h"

#include <algorithm>

namespace edgetwin::scenarios::detail {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> out;
  for (std::size_t start = 0;;) {
    const std::size_t comma = line.find(',', start);
    out.push_back(trim(line.substr(start, comma == std::string_view::npos ? line.npos : comma - start)));
    if (comma == std::string_view::npos) return out;
    start = comma + 1;
  }
}

bool plain_number(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || c == '.';
  });
}

}  // namespace

TraceText parse_outage_trace(std::string_view text, const std::string& file,
                             const std::string& subject) {
  TraceText out;
  bool header = false;
  sim::Time last = 0;
  int line_no = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    const std::string where = file + ":" + std::to_string(line_no) + ": ";
    const auto fields = split_fields(line);
    if (!header) {
      header = true;
      if (fields.size() != 3 || fields[0] != "time" || fields[1] != subject ||
          fields[2] != "state") {
        out.errors.push_back(where + "expected the header 'time," + subject + ",state', got '" +
                             std::string(line) + "'");
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
    row.line = line_no;
    const std::string time(fields[0]);
    const auto t = sim::parse_duration(plain_number(time) ? time + "s" : time);
    if (!t.ok()) {
      out.errors.push_back(where + "bad time '" + time + "': " + t.error);
      continue;
    }
    row.time = t.value;
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
      out.errors.push_back(where + "time " + time + " is before the row above; rows must be "
                                   "sorted by time");
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

}  // namespace edgetwin::scenarios::detail
