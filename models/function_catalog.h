// Execution times, artifacts and the built-in functions (the faas-sim "raith21" AI workloads).
// Sources of every default are in docs/devices.md ("Functions").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/random.h"

namespace edgetwin::models {

// A bounded lognormal, as faas-sim fits execution and start times: X = loc + scale * exp(s * Z),
// Z standard normal (scipy's lognorm(s, loc, scale)), drawn again until xmin <= X <= xmax
// (rejection sampling, like srds' BoundRejectionSampler). Values in seconds.
struct BoundedLognormal {
  double s = 0.0;  // > 0
  double loc = 0.0;
  double scale = 1.0;  // > 0
  double xmin = 0.0;
  double xmax = 0.0;  // >= xmin

  // REQUIRES: acceptance() > 0. Gives up after kMaxDraws rejected draws and returns the bound
  // nearer the last draw (validation keeps acceptance() >= kMinAcceptance, so this is a
  // probability below 1e-40).
  double sample(sim::RandomStream& rng) const;
  // P(xmin <= X <= xmax) of the unbounded lognormal.
  double acceptance() const;
  // The mean of X given xmin <= X <= xmax (the truncated lognormal's mean):
  // loc + scale * e^(s^2/2) * (Phi(b - s) - Phi(a - s)) / (Phi(b) - Phi(a)),
  // a = ln((xmin - loc) / scale) / s (-inf when xmin <= loc), b likewise for xmax.
  double mean() const;

  static constexpr int kMaxDraws = 10000;
  static constexpr double kMinAcceptance = 0.01;
};

// The built-in execution-time fit of (function, device type), both by built-in name; nullptr
// when faas-sim lists none. Device types use their `fet_profile` (a built-in type name).
const BoundedLognormal* builtin_execution_time(std::string_view function, std::string_view profile);
// The device-type profiles that faas-sim measured: for them a missing (function, profile) pair
// means "cannot run" (faas-sim's CanRunPred), not "use the work fallback".
bool is_measured_profile(std::string_view profile);
// The built-in container start time (image present) of a start class ("cloud", "tegra", "nuc",
// "pi"); nullptr for an unknown class.
const BoundedLognormal* builtin_start_time(std::string_view start_class);

// A container image or an ML model, with one size per CPU architecture ("" = any architecture).
struct Artifact {
  std::string name;
  bool model = false;  // an ML model (downloaded at cold start like an image)
  std::vector<std::pair<std::string, std::int64_t>> size_by_arch;
  // Bytes for `arch`: its own entry, else the "" entry, else -1 (no build for that arch).
  std::int64_t size_for(std::string_view arch) const;
};

// A built-in function: its image (and model) are built-in artifacts of the names given.
struct BuiltinFunction {
  std::string name;
  std::string image;
  std::string model;  // "" for none
  std::int64_t memory_bytes = 0;
  std::string accelerator;  // "" none, "gpu", "tpu"
  double work_s = 0.0;      // time on one reference core (the fallback where no fit is listed)
};

const std::vector<BuiltinFunction>& builtin_functions();
const BuiltinFunction* find_builtin_function(std::string_view name);
const std::vector<Artifact>& builtin_artifacts();
const Artifact* find_builtin_artifact(std::string_view name);

}  // namespace edgetwin::models
