#include "sim/units.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <utility>

namespace edgetwin::sim {

__extension__ typedef unsigned __int128 u128;  // GCC and Clang extension: exact 64x64 products
namespace {

// A non-negative decimal number as mantissa / 10^scale, read exactly.
struct Decimal {
  u128 mantissa = 0;
  int scale = 0;
};

bool is_space(char c) { return c == ' ' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Reads digits[.digits] at the front of s. False if there is no digit or too many of them.
bool read_decimal(std::string_view& s, Decimal& out) {
  out = {};
  bool any = false, dot = false;
  std::size_t i = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.' && !dot) {
      dot = true;
      continue;
    }
    if (!is_digit(c)) break;
    any = true;
    // Nanoseconds and bytes need at most 18 decimals; more could only overflow 10^scale.
    if (out.mantissa > static_cast<u128>(1) << 100 || (dot && out.scale >= 18)) return false;
    out.mantissa = out.mantissa * 10 + static_cast<unsigned>(c - '0');
    if (dot) ++out.scale;
  }
  if (!any) return false;
  s.remove_prefix(i);
  return true;
}

u128 pow10(int n) {
  u128 p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

// mantissa * unit / 10^scale, rounded to nearest; false on overflow of int64.
bool scale_to(const Decimal& d, std::int64_t unit, std::int64_t& out) {
  const u128 num = d.mantissa * static_cast<u128>(unit);
  if (d.mantissa != 0 && num / d.mantissa != static_cast<u128>(unit)) return false;
  const u128 den = pow10(d.scale);
  const u128 q = (num + den / 2) / den;
  if (q > static_cast<u128>(std::numeric_limits<std::int64_t>::max())) return false;
  out = static_cast<std::int64_t>(q);
  return true;
}

struct Unit {
  std::string_view name;
  std::int64_t factor;
};

constexpr std::array<Unit, 12> kTimeUnits{{{"ns", 1},
                                           {"us", kMicrosecond},
                                           {"\xC2\xB5s", kMicrosecond},
                                           {"ms", kMillisecond},
                                           {"s", kSecond},
                                           {"m", kMinute},
                                           {"min", kMinute},
                                           {"h", kHour},
                                           {"d", kDay},
                                           {"w", kWeek},
                                           {"sec", kSecond},
                                           {"hr", kHour}}};

constexpr std::array<Unit, 10> kSizeUnits{{{"B", 1},
                                           {"kB", 1'000},
                                           {"KB", 1'000},
                                           {"MB", 1'000'000},
                                           {"GB", 1'000'000'000},
                                           {"TB", 1'000'000'000'000},
                                           {"KiB", std::int64_t{1} << 10},
                                           {"MiB", std::int64_t{1} << 20},
                                           {"GiB", std::int64_t{1} << 30},
                                           {"TiB", std::int64_t{1} << 40}}};

template <std::size_t N>
const Unit* find_unit(const std::array<Unit, N>& units, std::string_view name) {
  for (const Unit& u : units) {
    if (u.name == name) return &u;
  }
  return nullptr;
}

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

// Splits "12.5MiB" into number and unit; rejects signs with a clear message.
bool split_number(std::string_view text, Decimal& number, std::string_view& unit,
                  std::string& error, const char* what) {
  std::string_view s = trim(text);
  if (s.empty()) {
    error = std::string("empty ") + what;
    return false;
  }
  if (s.front() == '-') {
    error = std::string("negative ") + what + " " + quoted(text) + " is not allowed";
    return false;
  }
  if (s.front() == '+') s.remove_prefix(1);
  if (!read_decimal(s, number)) {
    error = std::string("expected a ") + what + " such as ";
    return false;
  }
  unit = trim(s);
  return true;
}

}  // namespace

Time from_seconds(double seconds) {
  // Saturates: a draw from a heavy-tailed distribution may exceed any representable time.
  constexpr double kLimit = 9.2e18;
  const double ns = seconds * 1e9;
  if (!(ns < kLimit)) return ns != ns ? 0 : kTimeMax;  // NaN -> 0, too large -> kTimeMax
  if (!(ns > -kLimit)) return -kTimeMax;
  return static_cast<Time>(std::llround(ns));
}

Parsed<Time> parse_duration(std::string_view text) {
  Parsed<Time> result;
  std::string_view s = trim(text);
  const std::string example = " (e.g. \"250ms\", \"2h\", \"1h30m\")";
  if (s.empty()) {
    result.error = "empty duration" + example;
    return result;
  }
  if (s.front() == '-') {
    result.error = "negative duration " + quoted(text) + " is not allowed";
    return result;
  }
  if (s == "0") return result;
  Time total = 0;
  while (!s.empty()) {
    Decimal number;
    if (!read_decimal(s, number)) {
      result.error = "cannot read duration " + quoted(text) + example;
      return result;
    }
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    std::size_t n = 0;
    while (n < s.size() && !is_digit(s[n]) && s[n] != '.' && !is_space(s[n])) ++n;
    std::string_view unit = s.substr(0, n);
    s = trim(s.substr(n));
    if (unit.empty()) {
      result.error = "duration " + quoted(text) + " has no unit" + example;
      return result;
    }
    const Unit* u = find_unit(kTimeUnits, unit);
    if (u == nullptr) {
      result.error = "unknown time unit " + quoted(unit) + " in " + quoted(text) +
                     "; use ns, us, ms, s, m, h, d or w";
      return result;
    }
    Time part = 0;
    if (!scale_to(number, u->factor, part) || part > kTimeMax - total) {
      result.error = "duration " + quoted(text) + " is too long (at most about 292 years)";
      return result;
    }
    total += part;
  }
  result.value = total;
  return result;
}

Parsed<std::int64_t> parse_size(std::string_view text) {
  Parsed<std::int64_t> result;
  Decimal number;
  std::string_view unit;
  if (!split_number(text, number, unit, result.error, "size")) {
    if (result.error.ends_with("such as ")) {
      result.error = "cannot read size " + quoted(text) + " (e.g. \"512MiB\", \"1.5GB\")";
    }
    return result;
  }
  if (unit.empty()) {
    result.error = "size " + quoted(text) + " has no unit; write e.g. \"" +
                   std::string(trim(text)) + "B\" or \"" + std::string(trim(text)) + "MiB\"";
    return result;
  }
  const Unit* u = find_unit(kSizeUnits, unit);
  if (u == nullptr) {
    result.error = "unknown size unit " + quoted(unit) + " in " + quoted(text);
    if (unit.ends_with("b") || unit.ends_with("bit")) {
      result.error += ": sizes are in bytes, write 'B', 'MB' or 'MiB' (a lower-case b means bits)";
    } else {
      result.error += "; use B, kB, MB, GB, TB, KiB, MiB, GiB or TiB";
    }
    return result;
  }
  if (!scale_to(number, u->factor, result.value)) {
    result.error = "size " + quoted(text) + " is too large";
  }
  return result;
}

Parsed<double> parse_rate(std::string_view text) {
  Parsed<double> result;
  Decimal number;
  std::string_view unit;
  if (!split_number(text, number, unit, result.error, "rate")) {
    if (result.error.ends_with("such as ")) {
      result.error = "cannot read rate " + quoted(text) + " (e.g. \"100Mbps\", \"10MB/s\")";
    }
    return result;
  }
  static constexpr std::array<Unit, 6> kBitUnits{{{"bps", 1},
                                                  {"kbps", 1'000},
                                                  {"Kbps", 1'000},
                                                  {"Mbps", 1'000'000},
                                                  {"Gbps", 1'000'000'000},
                                                  {"Tbps", 1'000'000'000'000}}};
  double factor = 0.0;
  if (const Unit* u = find_unit(kBitUnits, unit)) {
    factor = static_cast<double>(u->factor);
  } else if (unit.ends_with("/s")) {
    if (const Unit* b = find_unit(kSizeUnits, unit.substr(0, unit.size() - 2))) {
      factor = 8.0 * static_cast<double>(b->factor);
    }
  }
  if (factor == 0.0) {
    result.error = "unknown rate unit " + quoted(unit) + " in " + quoted(text) +
                   "; use bps, kbps, Mbps, Gbps, or bytes per second such as MB/s or MiB/s";
    return result;
  }
  result.value = static_cast<double>(number.mantissa) / static_cast<double>(pow10(number.scale)) *
                 factor;
  return result;
}

namespace {

// value / unit as a decimal string with at most max_digits decimals (exact when unit is a power
// of ten no larger than 10^max_digits), no trailing zeros.
std::string exact_decimal(std::int64_t value, std::int64_t unit, int max_digits) {
  std::int64_t whole = value / unit;
  std::int64_t rest = value % unit;
  std::string s = std::to_string(whole);
  if (rest == 0) return s;
  s += '.';
  for (int i = 0; i < max_digits && rest != 0; ++i) {
    rest *= 10;
    s += static_cast<char>('0' + rest / unit);
    rest %= unit;
  }
  return s;
}

}  // namespace

std::string format_duration(Time t) {
  if (t == 0) return "0s";
  if (t == std::numeric_limits<Time>::min()) return "-" + format_duration(kTimeMax);  // ~1 ns off
  std::string sign = t < 0 ? "-" : "";
  if (t < 0) t = -t;
  // Whole weeks, days, hours, minutes or seconds first; then exact decimals of s, ms, us.
  static constexpr std::array<Unit, 5> kWhole{{{"w", kWeek},
                                               {"d", kDay},
                                               {"h", kHour},
                                               {"m", kMinute},
                                               {"s", kSecond}}};
  for (const Unit& u : kWhole) {
    if (t >= u.factor && t % u.factor == 0) {
      return sign + std::to_string(t / u.factor) + std::string(u.name);
    }
  }
  static constexpr std::array<Unit, 3> kDecimal{{{"s", kSecond}, {"ms", kMillisecond},
                                                 {"us", kMicrosecond}}};
  for (const Unit& u : kDecimal) {
    if (t >= u.factor) return sign + exact_decimal(t, u.factor, 9) + std::string(u.name);
  }
  return sign + std::to_string(t) + "ns";
}

std::string format_size(std::int64_t bytes) {
  if (bytes == 0) return "0B";
  static constexpr std::array<Unit, 4> kBinary{{{"TiB", std::int64_t{1} << 40},
                                                {"GiB", std::int64_t{1} << 30},
                                                {"MiB", std::int64_t{1} << 20},
                                                {"KiB", std::int64_t{1} << 10}}};
  for (const Unit& u : kBinary) {
    if (bytes >= u.factor && bytes % u.factor == 0) {
      return std::to_string(bytes / u.factor) + std::string(u.name);
    }
  }
  static constexpr std::array<Unit, 4> kSi{{{"TB", 1'000'000'000'000},
                                            {"GB", 1'000'000'000},
                                            {"MB", 1'000'000},
                                            {"kB", 1'000}}};
  for (const Unit& u : kSi) {
    if (bytes >= u.factor) return exact_decimal(bytes, u.factor, 12) + std::string(u.name);
  }
  return std::to_string(bytes) + "B";
}

std::string format_rate(double bps) {
  static constexpr std::array<std::pair<const char*, double>, 4> kUnits{
      {{"Tbps", 1e12}, {"Gbps", 1e9}, {"Mbps", 1e6}, {"kbps", 1e3}}};
  for (const auto& [name, factor] : kUnits) {
    if (bps >= factor) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.15g%s", bps / factor, name);
      return buf;
    }
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15gbps", bps);
  return buf;
}

}  // namespace edgetwin::sim
