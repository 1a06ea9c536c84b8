#include "scheduler_plugins/rollout/params.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>

namespace edgetwin::scheduler_plugins::rollout {

std::int64_t CountOrPercent::resolve(std::int64_t total, bool round_up) const {
  if (!percent) return value;
  const std::int64_t scaled = value * total;
  return round_up ? (scaled + 99) / 100 : scaled / 100;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

bool Params::has(std::string_view key) const {
  return scalars_.count(key) != 0 || lists_.count(key) != 0;
}

void Params::error(std::string_view key, std::string_view message) {
  errors_.push_back(where(key) + ": " + std::string(message));
}

void Params::declare(std::string_view key, const char* type, std::string fallback,
                     std::string range) {
  if (read_.count(key) != 0) return;
  declared_.push_back({std::string(key), type, std::move(fallback), std::move(range)});
}

const std::string* Params::scalar(std::string_view key) {
  read_[std::string(key)] = true;
  if (lists_.count(key) != 0) {
    error(key, "expected a single value, got a list");
    return nullptr;
  }
  auto it = scalars_.find(key);
  return it == scalars_.end() ? nullptr : &it->second;
}

namespace {

bool parse_double(const std::string& text, double& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && std::isfinite(out);
}

bool parse_int(std::string_view text, std::int64_t& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end;
}

std::string number_text(double v) {
  std::string s = std::to_string(v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

// v x 10^-decimals exactly, without trailing zeros: (1250, 2) -> "12.5".
std::string fixed_text(std::int64_t v, int decimals) {
  std::string digits = std::to_string(v);
  if (decimals == 0) return digits;
  digits.insert(
      0, static_cast<std::size_t>(std::max(0, decimals + 1 - static_cast<int>(digits.size()))),
      '0');
  digits.insert(digits.size() - static_cast<std::size_t>(decimals), ".");
  while (digits.back() == '0') digits.pop_back();
  if (digits.back() == '.') digits.pop_back();
  return digits;
}

}  // namespace

double Params::number(std::string_view key, double fallback, double low, double high) {
  // A fallback outside the range stands for "not given".
  declare(key, "number", fallback < low || fallback > high ? "none" : number_text(fallback),
          "[" + number_text(low) + ", " + number_text(high) + "]");
  const std::string* text = scalar(key);
  if (text == nullptr) return fallback;
  double v = 0.0;
  if (!parse_double(*text, v)) {
    error(key, "expected a number, got '" + *text + "'");
    return fallback;
  }
  if (v < low || v > high) {
    error(key, "expected a number in [" + number_text(low) + ", " + number_text(high) + "], got " +
                   *text);
    return fallback;
  }
  return v;
}

std::int64_t Params::integer(std::string_view key, std::int64_t fallback, std::int64_t low,
                             std::int64_t high) {
  declare(key, "integer", fallback < low || fallback > high ? "none" : std::to_string(fallback),
          "[" + std::to_string(low) + ", " + std::to_string(high) + "]");
  const std::string* text = scalar(key);
  if (text == nullptr) return fallback;
  std::int64_t v = 0;
  if (!parse_int(*text, v)) {
    error(key, "expected an integer, got '" + *text + "'");
    return fallback;
  }
  if (v < low || v > high) {
    error(key, "expected an integer in [" + std::to_string(low) + ", " + std::to_string(high) +
                   "], got " + *text);
    return fallback;
  }
  return v;
}

sim::Time Params::duration(std::string_view key, sim::Time fallback, sim::Time low) {
  declare(key, "duration", fallback < low ? "none" : sim::format_duration(fallback),
          ">= " + sim::format_duration(low));
  const std::string* text = scalar(key);
  if (text == nullptr) return fallback;
  auto parsed = sim::parse_duration(*text);
  if (!parsed.ok()) {
    error(key, parsed.error);
    return fallback;
  }
  if (parsed.value < low) {
    error(key, "expected at least " + sim::format_duration(low) + ", got " + *text);
    return fallback;
  }
  return parsed.value;
}

CountOrPercent Params::count_or_percent(std::string_view key, CountOrPercent fallback) {
  declare(key, "count or percent", std::to_string(fallback.value) + (fallback.percent ? "%" : ""),
          "a count >= 0 or 0%..100%");
  const std::string* text = scalar(key);
  if (text == nullptr) return fallback;
  CountOrPercent out;
  std::string_view digits = *text;
  if (!digits.empty() && digits.back() == '%') {
    out.percent = true;
    digits.remove_suffix(1);
  }
  if (!parse_int(digits, out.value) || out.value < 0 || (out.percent && out.value > 100)) {
    error(key, "expected a count >= 0 or a whole percentage 0%..100%, got '" + *text + "'");
    return fallback;
  }
  return out;
}

bool parse_percent_fixed(std::string_view text, int decimals, std::int64_t& out,
                         std::string& error) {
  std::string_view s = text;
  if (!s.empty() && s.back() == '%') s.remove_suffix(1);
  const std::size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  std::int64_t w = 0, f = 0;
  std::int64_t scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  const bool ok =
      !whole.empty() && parse_int(whole, w) && w >= 0 &&
      (dot == std::string_view::npos ||
       (!frac.empty() && frac.size() <= static_cast<std::size_t>(decimals) &&
        frac.find_first_not_of("0123456789") == std::string_view::npos && parse_int(frac, f)));
  if (!ok) {
    error = "expected a percentage with at most " + std::to_string(decimals) +
            " decimal places, got '" + std::string(text) + "'";
    return false;
  }
  for (std::size_t i = frac.size(); i < static_cast<std::size_t>(decimals); ++i) f *= 10;
  const std::int64_t v = w > 1000 ? 1001 * scale : w * scale + f;
  if (v > 100 * scale) {
    error = "a percentage cannot exceed 100%, got " + std::string(text);
    return false;
  }
  out = v;
  return true;
}

std::int64_t Params::percent_fixed(std::string_view key, std::int64_t fallback, int decimals) {
  declare(key, "percent", fallback < 0 ? "none" : fixed_text(fallback, decimals) + "%",
          "0%..100%, " + std::to_string(decimals) + " decimal places");
  const std::string* text = scalar(key);
  if (text == nullptr) return fallback;
  std::int64_t v = 0;
  std::string message;
  if (!parse_percent_fixed(*text, decimals, v, message)) {
    error(key, message);
    return fallback;
  }
  return v;
}

std::string Params::choice(std::string_view key, std::string fallback,
                           std::initializer_list<std::string_view> valid) {
  std::string names;
  for (std::string_view v : valid) names += (names.empty() ? "" : " | ") + std::string(v);
  declare(key, "choice", fallback.empty() ? "none" : fallback, names);
  const std::string* text = scalar(key);
  if (text == nullptr) return fallback;
  for (std::string_view v : valid) {
    if (*text == v) return *text;
  }
  std::string listed;
  for (std::string_view v : valid) listed += (listed.empty() ? "" : ", ") + std::string(v);
  error(key, "unknown value '" + *text + "'; valid: " + listed);
  return fallback;
}

std::vector<std::string> Params::list(std::string_view key) {
  declare(key, "list", "[]", "");
  read_[std::string(key)] = true;
  auto it = lists_.find(key);
  if (it != lists_.end()) return it->second;
  if (scalars_.count(key) != 0) error(key, "expected a list");
  return {};
}

std::vector<std::string> Params::finish() {
  std::vector<std::string> valid;
  for (const auto& [key, read] : read_) valid.push_back(key);
  const std::string valid_text = valid.empty() ? "(none)" : join(valid);
  auto unknown = [&](const std::string& key) {
    if (read_.count(key) == 0)
      errors_.push_back(where(key) + ": unknown parameter; valid: " + valid_text);
  };
  for (const auto& [key, value] : scalars_) unknown(key);
  for (const auto& [key, value] : lists_) unknown(key);
  return std::exchange(errors_, {});
}

}  // namespace edgetwin::scheduler_plugins::rollout
