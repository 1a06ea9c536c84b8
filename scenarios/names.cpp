#include "scenarios/detail/names.h"

#include <algorithm>
#include <cstdint>

namespace edgetwin::scenarios::detail {
namespace {

struct Range {
  std::uint64_t start = 0, end = 0;
  std::size_t width = 0;  // zero-padded width, 0 for none
};

bool all_digits(std::string_view s) {
  return !s.empty() && s.size() <= 18 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string padded(std::uint64_t v, std::size_t width) {
  std::string s = std::to_string(v);
  if (s.size() < width) s.insert(0, width - s.size(), '0');
  return s;
}

}  // namespace

bool expand_name(std::string_view pattern, std::vector<std::string>& out, std::string& error,
                 std::size_t limit) {
  // Split into literal parts and ranges: parts[0] range[0] parts[1] range[1] ... parts[n].
  std::vector<std::string> parts(1);
  std::vector<Range> ranges;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '}') {
      error = "'}' without '{' in name '" + std::string(pattern) + "'";
      return false;
    }
    if (c != '{') {
      parts.back() += c;
      continue;
    }
    const std::size_t close = pattern.find('}', i);
    if (close == std::string_view::npos) {
      error = "'{' without '}' in name '" + std::string(pattern) + "'";
      return false;
    }
    const std::string_view body = pattern.substr(i + 1, close - i - 1);
    const std::size_t dots = body.find("..");
    const std::string_view a = body.substr(0, dots);
    const std::string_view b = dots == std::string_view::npos ? "" : body.substr(dots + 2);
    if (dots == std::string_view::npos || !all_digits(a) || !all_digits(b)) {
      error = "'{" + std::string(body) + "}' in name '" + std::string(pattern) +
              "' is not a range; write e.g. {1..50} or {01..10}";
      return false;
    }
    Range r{std::stoull(std::string(a)), std::stoull(std::string(b)), 0};
    if ((a.size() > 1 && a[0] == '0') || (b.size() > 1 && b[0] == '0')) {
      r.width = std::max(a.size(), b.size());
    }
    if (r.start > r.end) {
      error = "range {" + std::string(body) + "} in name '" + std::string(pattern) +
              "' counts down; write {" + std::string(b) + ".." + std::string(a) + "}";
      return false;
    }
    ranges.push_back(r);
    parts.emplace_back();
    i = close;
  }
  std::size_t total = 1;
  for (const Range& r : ranges) {
    const std::uint64_t n = r.end - r.start + 1;
    if (n > limit || total * n > limit) {
      error = "name '" + std::string(pattern) + "' expands to more than " +
              std::to_string(limit) + " names";
      return false;
    }
    total *= static_cast<std::size_t>(n);
  }
  // Odometer over the ranges, the last one fastest.
  std::vector<std::uint64_t> at(ranges.size());
  for (std::size_t k = 0; k < ranges.size(); ++k) at[k] = ranges[k].start;
  out.reserve(out.size() + total);
  for (std::size_t n = 0; n < total; ++n) {
    std::string name = parts[0];
    for (std::size_t k = 0; k < ranges.size(); ++k) {
      name += padded(at[k], ranges[k].width);
      name += parts[k + 1];
    }
    out.push_back(std::move(name));
    for (std::size_t k = ranges.size(); k-- > 0;) {
      if (at[k] < ranges[k].end) {
        ++at[k];
        break;
      }
      at[k] = ranges[k].start;
    }
  }
  return true;
}

bool has_wildcard(std::string_view s) { return s.find_first_of("*?") != std::string_view::npos; }

bool glob_match(std::string_view glob, std::string_view name) {
  // Iterative matcher with one backtrack point (the last '*'): linear in practice.
  std::size_t g = 0, n = 0, star = std::string_view::npos, mark = 0;
  while (n < name.size()) {
    if (g < glob.size() && (glob[g] == '?' || glob[g] == name[n])) {
      ++g;
      ++n;
    } else if (g < glob.size() && glob[g] == '*') {
      star = g++;
      mark = n;
    } else if (star != std::string_view::npos) {
      g = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (g < glob.size() && glob[g] == '*') ++g;
  return g == glob.size();
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

namespace {

// Every candidate at the smallest distance from `word`, when that is close enough to be a likely
// typo: at most a third of the word's length, at least 2 edits, and not the whole word.
std::vector<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates) {
  const std::size_t allowed = std::max<std::size_t>(2, word.size() / 3);
  std::vector<std::string> best;
  std::size_t best_d = allowed + 1;
  for (const std::string& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d >= std::max(word.size(), c.size()) || d > best_d) continue;
    if (d < best_d) best.clear();
    best_d = d;
    if (std::find(best.begin(), best.end(), c) == best.end()) best.push_back(c);
  }
  return best;
}

}  // namespace

std::string closest(std::string_view word, const std::vector<std::string>& candidates) {
  const auto best = nearest(word, candidates);
  return best.empty() ? "" : best.front();
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  const auto best = nearest(word, candidates);
  if (best.empty()) return "";
  std::string s = " did you mean '" + best[0] + "'";
  for (std::size_t i = 1; i < best.size() && i < 3; ++i) {
    s += (i + 1 == best.size() || i == 2 ? " or '" : ", '") + best[i] + "'";
  }
  return s + "?";
}

std::string list_names(const std::vector<std::string>& names, std::size_t shown) {
  std::string s;
  for (std::size_t i = 0; i < names.size() && i < shown; ++i) {
    if (i) s += ", ";
    s += names[i];
  }
  if (names.size() > shown) s += ", ... (" + std::to_string(names.size()) + " in all)";
  return s;
}

}  // namespace edgetwin::scenarios::detail
