// The declarations of every scenario parameter. Adding a key here adds it to validation, the JSON
// Schema and the docs; the code that turns it into a FleetConfig is in scenario.cpp.
#include "scenarios/detail/params.h"

#include <algorithm>

namespace edgetwin::scenarios::detail {
namespace {

const ObjectSpec& device_type_spec() {
  static const ObjectSpec spec{
      .name = "device_type",
      .help = "Overrides fields of a built-in device type (the key is its name), or declares a new "
              "type: from a `base` type, or with cores, core_speed, memory, arch, idle_power_w "
              "and max_power_w all given.",
      .fields = {
          {.key = "base", .kind = Kind::kString,
           .help = "built-in or declared type to start from; its fields are copied, then the "
                   "fields given here replace them",
           .default_note = "the built-in type of the same name, if any"},
          {.key = "cores", .kind = Kind::kInteger, .help = "CPU cores (one request each)",
           .min = 1, .max = 1024},
          {.key = "core_speed", .kind = Kind::kNumber,
           .help = "speed of one core relative to one core of the reference cloud VM; service "
                   "times are divided by it",
           .min = 0, .min_exclusive = true, .max = 1000},
          {.key = "memory", .kind = Kind::kSize, .help = "memory", .unit = "bytes", .min = 0},
          {.key = "arch", .kind = Kind::kString, .help = "CPU architecture, e.g. x86_64, aarch64"},
          {.key = "accelerator", .kind = Kind::kChoice, .help = "accelerator on board",
           .choices = {"", "gpu", "tpu"}},
          {.key = "idle_power_w", .kind = Kind::kNumber, .help = "power drawn when idle",
           .unit = "W", .min = 0},
          {.key = "max_power_w", .kind = Kind::kNumber,
           .help = "power drawn with every core busy; at least idle_power_w", .unit = "W",
           .min = 0},
      }};
  return spec;
}

const ObjectSpec& site_spec() {
  static const ObjectSpec spec{
      .name = "site",
      .help = "A place where devices live. One entry may declare many sites with a name range.",
      .fields = {
          {.key = "name", .kind = Kind::kName, .required = true,
           .help = "site name; ranges such as \"edge-{1..50}\" expand to one site per value; "
                   "names must be unique after expansion"},
          {.key = "kind", .kind = Kind::kChoice, .help = "what sort of site this is",
           .default_json = "\"edge\"", .choices = {"cloud", "region", "edge", "on-prem"}},
      }};
  return spec;
}

const ObjectSpec& fleet_spec() {
  static const ObjectSpec spec{
      .name = "fleet_entry",
      .help = "`count` devices of one type at every site the `site` selector matches. Device "
              "names are \"<name>-<site>-<k>\", k from 1.",
      .fields = {
          {.key = "type", .kind = Kind::kString, .required = true,
           .help = "device type: a built-in or one declared in device_types"},
          {.key = "count", .kind = Kind::kInteger, .help = "devices per matched site",
           .default_json = "1", .min = 1, .max = 1e7},
          {.key = "site", .kind = Kind::kSelector, .required = true,
           .help = "sites that get these devices: a name, a glob (* and ?), or a list of those",
           .min_items = 1},
          {.key = "labels", .kind = Kind::kStringMap, .help = "labels given to every device",
           .default_json = "{}"},
          {.key = "name", .kind = Kind::kString, .help = "prefix of the device names",
           .default_note = "the device type"},
      }};
  return spec;
}

const ObjectSpec& arrivals_spec() {
  static const ObjectSpec spec{
      .name = "arrivals",
      .help = "The arrival process, independent at each matched site.",
      .fields = {
          {.key = "poisson_per_s", .kind = Kind::kNumber, .required = true,
           .help = "rate of a Poisson process at each matched site", .unit = "1/s", .min = 0,
           .min_exclusive = true, .max = 1e9},
      }};
  return spec;
}

const ObjectSpec& service_spec() {
  static const ObjectSpec spec{
      .name = "service",
      .help = "Service time of one request on one core of the reference cloud VM "
              "(core_speed 1.0); a device takes this divided by its core_speed.",
      .fields = {
          {.key = "distribution", .kind = Kind::kChoice, .required = true,
           .help = "the distribution; it decides which other keys are given",
           .choices = {"constant", "exponential", "uniform", "normal", "lognormal", "weibull"}},
          {.key = "value", .kind = Kind::kDuration, .help = "constant: the service time",
           .unit = "s", .min = 0},
          {.key = "mean", .kind = Kind::kDuration,
           .help = "exponential, normal, lognormal: the mean", .unit = "s", .min = 0,
           .min_exclusive = true},
          {.key = "low", .kind = Kind::kDuration, .help = "uniform: lower bound", .unit = "s",
           .min = 0},
          {.key = "high", .kind = Kind::kDuration, .help = "uniform: upper bound, at least low",
           .unit = "s", .min = 0},
          {.key = "stddev", .kind = Kind::kDuration,
           .help = "normal: standard deviation (samples below zero count as zero)", .unit = "s",
           .min = 0},
          {.key = "cv", .kind = Kind::kNumber,
           .help = "lognormal: coefficient of variation (stddev / mean)", .min = 0,
           .min_exclusive = true, .max = 100},
          {.key = "mu", .kind = Kind::kNumber,
           .help = "lognormal: mean of the log of the service time in seconds", .unit = "ln s",
           .min = -50, .max = 50},
          {.key = "sigma", .kind = Kind::kNumber,
           .help = "lognormal: standard deviation of the log", .unit = "ln s", .min = 0,
           .max = 10},
          {.key = "shape", .kind = Kind::kNumber, .help = "weibull: shape k", .min = 0,
           .min_exclusive = true, .max = 1000},
          {.key = "scale", .kind = Kind::kDuration, .help = "weibull: scale lambda", .unit = "s",
           .min = 0, .min_exclusive = true},
      },
      .discriminator = "distribution",
      .variants = {
          {.when = "constant", .key_sets = {{"value"}}, .help = "always `value`"},
          {.when = "exponential", .key_sets = {{"mean"}}, .help = "exponential with `mean`"},
          {.when = "uniform", .key_sets = {{"low", "high"}}, .help = "uniform on [low, high]"},
          {.when = "normal", .key_sets = {{"mean", "stddev"}}, .help = "normal, cut at zero"},
          {.when = "lognormal", .key_sets = {{"mean", "cv"}, {"mu", "sigma"}},
           .help = "by its mean and coefficient of variation, or by mu and sigma of the log"},
          {.when = "weibull", .key_sets = {{"shape", "scale"}},
           .help = "scale * (-ln U)^(1/shape)"},
      }};
  return spec;
}

const ObjectSpec& workload_spec() {
  static const ObjectSpec spec{
      .name = "workload",
      .help = "A stream of requests arriving at each matched site, each served by one core of "
              "one device of that site.",
      .fields = {
          {.key = "name", .kind = Kind::kString, .required = true,
           .help = "workload name, unique"},
          {.key = "kind", .kind = Kind::kChoice, .help = "what the workload is",
           .default_json = "\"requests\"", .choices = {"requests"}},
          {.key = "sites", .kind = Kind::kSelector, .required = true,
           .help = "sites where requests arrive: a name, a glob (* and ?), or a list of those; "
                   "each must have devices",
           .min_items = 1},
          {.key = "arrivals", .kind = Kind::kObject, .required = true,
           .help = "the arrival process", .object = &arrivals_spec()},
          {.key = "service", .kind = Kind::kObject, .required = true,
           .help = "the service-time distribution", .object = &service_spec()},
          {.key = "dispatch", .kind = Kind::kChoice,
           .help = "how a site picks the device for a request: uniformly at random, in turn, or "
                   "the one with the fewest requests per core (ties to the first)",
           .default_json = "\"least_loaded\"",
           .choices = {"random", "round_robin", "least_loaded"}},
      }};
  return spec;
}

const ObjectSpec& output_spec() {
  static const ObjectSpec spec{
      .name = "output",
      .help = "What the result file records.",
      .fields = {
          {.key = "sample_interval", .kind = Kind::kDuration,
           .help = "period of the fleet-level time series", .default_json = "\"1m\"",
           .unit = "s", .min = 0, .min_exclusive = true},
          {.key = "request_events", .kind = Kind::kBool,
           .help = "keep one row per request in /events/requests", .default_json = "true"},
      }};
  return spec;
}

}  // namespace

const ObjectSpec& scenario_spec() {
  static const ObjectSpec spec{
      .name = "scenario",
      .help = "A scenario file: one JSON object.",
      .fields = {
          {.key = "$schema", .kind = Kind::kString,
           .help = "path or URL of the JSON Schema, for editors; ignored"},
          {.key = "name", .kind = Kind::kString, .required = true,
           .help = "scenario name, written into the results"},
          {.key = "description", .kind = Kind::kString, .help = "free text; ignored"},
          {.key = "seed", .kind = Kind::kInteger,
           .help = "seed of every random stream; same seed, same results",
           .default_json = "1", .min = 0, .max = 18446744073709551615.0},
          {.key = "duration", .kind = Kind::kDuration, .help = "simulated time to run",
           .default_json = "\"1h\"", .unit = "s", .min = 0, .min_exclusive = true},
          {.key = "warmup", .kind = Kind::kDuration,
           .help = "requests arriving before this are served but not recorded; less than "
                   "duration",
           .default_json = "\"0s\"", .unit = "s", .min = 0},
          {.key = "max_requests", .kind = Kind::kInteger,
           .help = "stop after this many recorded completions; 0: no limit", .default_json = "0",
           .min = 0, .max = 1e15},
          {.key = "device_types", .kind = Kind::kObjectMap,
           .help = "overrides of built-in device types and new types, by name",
           .default_json = "{}", .object = &device_type_spec()},
          {.key = "sites", .kind = Kind::kList, .required = true, .help = "the sites",
           .object = &site_spec(), .min_items = 1},
          {.key = "fleet", .kind = Kind::kList, .required = true, .help = "the devices",
           .object = &fleet_spec(), .min_items = 1},
          {.key = "workloads", .kind = Kind::kList, .required = true,
           .help = "what the fleet serves", .object = &workload_spec(), .min_items = 1},
          {.key = "output", .kind = Kind::kObject, .help = "what the results record",
           .default_json = "{}", .object = &output_spec()},
      }};
  return spec;
}

const Field* ObjectSpec::find(std::string_view key) const {
  for (const Field& f : fields) {
    if (key == f.key) return &f;
  }
  return nullptr;
}

std::vector<const ObjectSpec*> all_specs() {
  std::vector<const ObjectSpec*> out{&scenario_spec()};
  for (std::size_t i = 0; i < out.size(); ++i) {
    for (const Field& f : out[i]->fields) {
      if (f.object && std::find(out.begin(), out.end(), f.object) == out.end()) {
        out.push_back(f.object);
      }
    }
  }
  return out;
}

}  // namespace edgetwin::scenarios::detail
