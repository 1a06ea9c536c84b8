// The parameters of a rollout strategy, as key -> text (scalars) or key -> list of texts, so that
// built-ins and out-of-tree strategies read them the same way and the scenario layer can fill
// them from JSON without this header knowing JSON. Each read checks type and range and records
// an error naming the parameter's path; finish() adds the keys nobody read ("unknown
// parameter ... valid: ...") and returns every error at once.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sim/units.h"

namespace edgetwin::scheduler_plugins::rollout {

// An absolute count or a percentage of a total, as Kubernetes' IntOrString ("3" or "25%").
struct CountOrPercent {
  std::int64_t value = 0;
  bool percent = false;
  // Against `total`: percentages rounded up (`round_up`) or down, exactly in integers.
  std::int64_t resolve(std::int64_t total, bool round_up) const;
};

class Params {
 public:
  // `path` prefixes every message: "/rollouts/0/strategy" gives "/rollouts/0/strategy/max_surge:".
  explicit Params(std::string path = "") : path_(std::move(path)) {}

  void set(std::string key, std::string value) { scalars_[std::move(key)] = std::move(value); }
  void set_list(std::string key, std::vector<std::string> values) {
    lists_[std::move(key)] = std::move(values);
  }

  bool has(std::string_view key) const;
  // A number in [low, high]; `fallback` when absent.
  double number(std::string_view key, double fallback, double low, double high);
  std::int64_t integer(std::string_view key, std::int64_t fallback, std::int64_t low,
                       std::int64_t high);
  // A duration with units ("5m"), at least `low`.
  sim::Time duration(std::string_view key, sim::Time fallback, sim::Time low = 0);
  // "3" or "25%"; counts at least 0, percentages 0..100.
  CountOrPercent count_or_percent(std::string_view key, CountOrPercent fallback);
  // A percentage 0..100 with at most `decimals` decimal places ("12.5" or "12.5%"), returned in
  // units of 10^-decimals percent (so 12.5 with decimals 2 is 1250): exact integer comparisons.
  std::int64_t percent_fixed(std::string_view key, std::int64_t fallback, int decimals);
  std::string choice(std::string_view key, std::string fallback,
                     std::initializer_list<std::string_view> valid);
  std::vector<std::string> list(std::string_view key);

  // Records an error about `key` (for checks across parameters).
  void error(std::string_view key, std::string_view message);
  std::string where(std::string_view key) const { return path_ + "/" + std::string(key); }
  // Every error, with the unread keys reported as unknown (valid: the keys that were read).
  std::vector<std::string> finish();

  // Each key read so far, in the order first read, as its accessor declared it: the one
  // declaration a strategy makes of a parameter, for help text, docs and the JSON Schema.
  struct Declared {
    std::string key;
    std::string type;      // "number", "integer", "duration", "count or percent", ...
    std::string fallback;  // the default, as text; "none" when there is none (a fallback
                           //   outside the accessor's range means "not given")
    std::string range;     // "[1, 1000]", ">= 1s", "FAILED | REJECTED", ...
  };
  const std::vector<Declared>& declared() const { return declared_; }

 private:
  void declare(std::string_view key, const char* type, std::string fallback, std::string range);
  const std::string* scalar(std::string_view key);

  std::string path_;
  std::map<std::string, std::string, std::less<>> scalars_;
  std::map<std::string, std::vector<std::string>, std::less<>> lists_;
  std::map<std::string, bool, std::less<>> read_;  // every key asked for
  std::vector<std::string> errors_;
  std::vector<Declared> declared_;
};

// A percentage 0..100 with at most `decimals` decimal places ("12.5" or "12.5%") in units of
// 10^-decimals percent. False with `error` saying what is wrong.
bool parse_percent_fixed(std::string_view text, int decimals, std::int64_t& out,
                         std::string& error);

// "a, b and c" style helper used by messages: joins with ", ".
std::string join(const std::vector<std::string>& items);

}  // namespace edgetwin::scheduler_plugins::rollout
