// Simulated time, sizes and rates, and their unit strings.
//
// Time is an integer count of nanoseconds (DESIGN.md, contract 1). Scenario files write
// durations, sizes and rates with units; these functions are the only place that turns such a
// string into a number and back.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace edgetwin::sim {

using Time = std::int64_t;  // nanoseconds since the start of the run

inline constexpr Time kNanosecond = 1;
inline constexpr Time kMicrosecond = 1'000;
inline constexpr Time kMillisecond = 1'000'000;
inline constexpr Time kSecond = 1'000'000'000;
inline constexpr Time kMinute = 60 * kSecond;
inline constexpr Time kHour = 60 * kMinute;
inline constexpr Time kDay = 24 * kHour;
inline constexpr Time kWeek = 7 * kDay;
inline constexpr Time kTimeMax = std::numeric_limits<Time>::max();

constexpr double to_seconds(Time t) { return static_cast<double>(t) * 1e-9; }
// Rounds to the nearest nanosecond; saturates at +-kTimeMax beyond about 292 years (NaN gives 0).
Time from_seconds(double seconds);
// a + b, saturating at kTimeMax. REQUIRES: a, b >= 0.
constexpr Time add_saturating(Time a, Time b) { return b > kTimeMax - a ? kTimeMax : a + b; }

// The outcome of parsing a unit string: a value, or a message saying what is wrong with the
// string (without saying where it came from: the caller adds the JSON path).
template <class T>
struct Parsed {
  T value{};
  std::string error;
  bool ok() const { return error.empty(); }
};

// "250ms", "2h", "30d", "1.5s", "1h30m", "0". Units: ns, us (or µs), ms, s, m (or min), h, d, w.
// Negative values are refused; the result is exact to the nanosecond (no floating point).
Parsed<Time> parse_duration(std::string_view text);

// Bytes. "512MiB", "1.5GB", "300B". SI units (kB, MB, GB, TB; "KB" is read as kB) and binary
// units (KiB, MiB, GiB, TiB). A lower-case "b" means bits and is refused with a hint.
Parsed<std::int64_t> parse_size(std::string_view text);

// Bits per second. "100Mbps", "1.5Gbps", "250kbps"; byte rates "10MB/s", "4MiB/s" are
// multiplied by 8. Zero is allowed (a link that carries nothing); negatives are refused.
Parsed<double> parse_rate(std::string_view text);

// Shortest exact spelling: 7200 s -> "2h", 0.25 s -> "250ms", 1.5 s -> "1.5s".
// parse_duration(format_duration(t)).value == t for every t >= 0.
std::string format_duration(Time t);
// "512MiB" when a binary unit divides exactly, else SI ("1.5GB"), else bytes ("1234B").
std::string format_size(std::int64_t bytes);
// "100Mbps", "1.5Gbps", "12.5kbps".
std::string format_rate(double bits_per_second);

}  // namespace edgetwin::sim
