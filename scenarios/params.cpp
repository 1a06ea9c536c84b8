// The declarations of every scenario parameter. Adding a key here adds it to validation, the JSON
// Schema and the docs; the code that turns it into a FleetConfig is in scenario.cpp.
#include "scenarios/detail/params.h"

#include <algorithm>

#include "network/topology.h"

namespace edgetwin::scenarios::detail {
namespace {

const std::vector<const char*>& preset_names();
const ObjectSpec& access_spec();
const ObjectSpec& battery_spec();

const ObjectSpec& bounded_lognormal_spec() {
  static const ObjectSpec spec{
      .name = "bounded_lognormal",
      .help = "A bounded lognormal in seconds, as faas-sim fits execution and start times: X = "
              "loc + scale * exp(s * Z), Z standard normal (scipy's lognorm(s, loc, scale)), "
              "drawn again until xmin <= X <= xmax. At least 1 % of the unbounded distribution "
              "must lie within the bounds.",
      .fields = {
          {.key = "s", .kind = Kind::kNumber, .required = true,
           .help = "shape: standard deviation of the log", .min = 0, .min_exclusive = true,
           .max = 20},
          {.key = "loc", .kind = Kind::kNumber, .required = true, .help = "location (shift)",
           .unit = "s", .min = -1e7, .max = 1e7},
          {.key = "scale", .kind = Kind::kNumber, .required = true,
           .help = "scale: e^(mean of the log)", .unit = "s", .min = 0, .min_exclusive = true,
           .max = 1e7},
          {.key = "xmin", .kind = Kind::kNumber, .required = true, .help = "lower bound",
           .unit = "s", .min = 0, .max = 1e7},
          {.key = "xmax", .kind = Kind::kNumber, .required = true,
           .help = "upper bound, at least xmin", .unit = "s", .min = 0, .max = 1e7},
      }};
  return spec;
}

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
          {.key = "storage", .kind = Kind::kSize,
           .help = "capacity of the image and model cache", .unit = "bytes", .min = 0,
           .default_note = "the base's; 16GiB for a new type"},
          {.key = "accelerators", .kind = Kind::kInteger,
           .help = "accelerator units; each runs one request of an accelerator function",
           .min = 0, .max = 64, .default_note = "the base's; 1 with an accelerator, else 0"},
          {.key = "accelerator_memory", .kind = Kind::kSize, .help = "memory of one accelerator",
           .unit = "bytes", .min = 0, .default_note = "the base's; 0 for a new type"},
          {.key = "accelerator_power_w", .kind = Kind::kNumber,
           .help = "power added per busy accelerator, on top of the CPU's", .unit = "W", .min = 0,
           .max = 1e5, .default_note = "the base's; 0 for a new type"},
          {.key = "network_interface", .kind = Kind::kChoice,
           .help = "kind of network interface", .choices = {"ethernet", "wifi", "mobile"},
           .default_note = "the base's; ethernet for a new type"},
          {.key = "nic", .kind = Kind::kRate,
           .help = "bandwidth of the network interface: image pulls use it when the scenario "
                   "has no network",
           .unit = "bit/s", .min = 0, .min_exclusive = true,
           .default_note = "the base's; 1Gbps for a new type"},
          {.key = "locality", .kind = Kind::kChoice,
           .help = "where such devices stand: a label schedulers may match",
           .choices = {"edge", "mec", "cloud"}, .default_note = "the base's; edge for a new type"},
          {.key = "execution_profile", .kind = Kind::kString,
           .help = "the built-in type whose published execution times (faas-sim fits) apply to "
                   "built-in functions on this type, or \"none\"",
           .default_note = "the base's; none for a new type"},
          {.key = "container_start", .kind = Kind::kObject,
           .help = "time to start a container whose image is present",
           .object = &bounded_lognormal_spec(),
           .default_note = "the base's; the nuc class for a new type"},
          {.key = "max_instances", .kind = Kind::kInteger,
           .help = "function instances a device holds at once, idle ones included", .min = 1,
           .max = 65535, .default_note = "the base's; 2 * cores for a new type"},
          {.key = "interference", .kind = Kind::kNumber,
           .help = "slowdown k: a request's execution time is multiplied by 1 + k * (other "
                   "busy cores) / cores, fixed when it starts",
           .min = 0, .max = 100, .default_note = "the base's; 0 for a new type"},
          {.key = "battery", .kind = Kind::kObject,
           .help = "devices of this type run on a battery, unless their fleet entry gives its "
                   "own; a type derived with `base` inherits it",
           .object = &battery_spec(), .default_note = "the base type's; none"},
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

const Field kSolarItem{.key = "solar_w", .kind = Kind::kNumber,
                       .help = "a charge power in watts", .min = 0, .max = 1e6};

const ObjectSpec& plug_in_spec() {
  static const ObjectSpec spec{
      .name = "plug_in",
      .help = "A daily window in which the device is plugged in and charges at `power_w`; it "
              "may run past midnight (start 22h, end 6h).",
      .fields = {
          {.key = "start", .kind = Kind::kDuration, .required = true,
           .help = "time of day the window opens", .unit = "s", .min = 0, .max = 86399.999999999},
          {.key = "end", .kind = Kind::kDuration, .required = true,
           .help = "time of day it closes; different from start; before start: the next day",
           .unit = "s", .min = 0, .max = 86399.999999999},
          {.key = "power_w", .kind = Kind::kNumber, .required = true,
           .help = "charge power while plugged in", .unit = "W", .min = 0,
           .min_exclusive = true, .max = 1e6},
      }};
  return spec;
}

const ObjectSpec& battery_spec() {
  static const ObjectSpec spec{
      .name = "battery",
      .help = "A battery the devices run on. Its charge falls at the device's power and rises at "
              "the charge power (solar profile plus plug-in window); a device that runs empty "
              "shuts down (offline, drawing nothing) until it is charged to `restart_at`.",
      .fields = {
          {.key = "capacity_wh", .kind = Kind::kNumber, .required = true,
           .help = "capacity", .unit = "Wh", .min = 0, .min_exclusive = true, .max = 1e9},
          {.key = "initial", .kind = Kind::kNumber, .help = "charge at the start, of capacity",
           .default_json = "1", .min = 0, .max = 1},
          {.key = "restart_at", .kind = Kind::kNumber,
           .help = "an emptied device restarts when charged to this fraction of capacity",
           .default_json = "0.2", .min = 0, .min_exclusive = true, .max = 1},
          {.key = "solar_w", .kind = Kind::kValueList,
           .help = "24 charge powers, one per hour of the day from midnight (a solar panel's "
                   "profile)",
           .unit = "W", .min_items = 24, .max_items = 24,
           .default_note = "no solar charging", .item = &kSolarItem},
          {.key = "plug_in", .kind = Kind::kObject, .help = "a nightly plug-in window",
           .object = &plug_in_spec(), .default_note = "none"},
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
          {.key = "access", .kind = Kind::kEither,
           .help = "access link of these devices: a preset name, or an object; needs a network "
                   "section",
           .choices = preset_names(), .object = &access_spec(),
           .default_note = "network.access", .scalar = Kind::kChoice},
          {.key = "battery", .kind = Kind::kObject,
           .help = "these devices run on a battery", .object = &battery_spec(),
           .default_note = "none (mains power)"},
          {.key = "provisioning", .kind = Kind::kDuration,
           .help = "time each device spends provisioning from the start (no work, unreachable)",
           .unit = "s", .min = 0, .default_note = "none"},
          {.key = "retire_at", .kind = Kind::kDuration,
           .help = "when these devices are retired (out of service for good)", .unit = "s",
           .min = 0, .default_note = "never"},
      }};
  return spec;
}

const ObjectSpec& mmpp_state_spec() {
  static const ObjectSpec spec{
      .name = "mmpp_state",
      .help = "One state of a Markov-modulated Poisson process: requests arrive as a Poisson "
              "process of `rate_per_s` while the process is in it, and it lasts an exponential "
              "time of mean `sojourn` (it is left at rate 1 / sojourn).",
      .fields = {
          {.key = "rate_per_s", .kind = Kind::kNumber, .required = true,
           .help = "arrival rate in this state; 0 for a silent state", .unit = "1/s", .min = 0,
           .max = 1e9},
          {.key = "sojourn", .kind = Kind::kDuration, .required = true,
           .help = "mean time spent in this state each visit (exponentially distributed)",
           .unit = "s", .min = 0, .min_exclusive = true},
      }};
  return spec;
}

const Field kHourlyRateItem{.key = "hourly_per_s", .kind = Kind::kNumber,
                            .help = "a rate per second", .min = 0, .max = 1e9};

const Field kTraceRowItem{.key = "rows", .kind = Kind::kInteger,
                          .help = "a data row index, from 0 (the header is not counted)",
                          .min = 0, .max = 4294967295.0};
const Field kTraceDayItem{.key = "more_days", .kind = Kind::kString,
                          .help = "a trace file of one day, relative to the scenario file"};
const Field kTraceFunctionItem{.key = "functions", .kind = Kind::kString,
                               .help = "a HashFunction value"};

const ObjectSpec& arrivals_spec() {
  static const ObjectSpec spec{
      .name = "arrivals",
      .help = "The arrival process, independent at each matched site (requests) or device "
              "(transfers); time of day is simulated time from the start of the run, which "
              "starts at midnight. Transfers take Poisson arrivals only. The older form "
              "`{ \"poisson_per_s\": R }` still means a Poisson process of rate R. Requests "
              "workloads may also replay a trace: azure_trace (the Azure Functions 2019 "
              "per-minute counts, one stream per selected row) or trace (a CSV file of "
              "time,workload[,site] rows, one request each); see docs/devices.md.",
      .fields = {
          {.key = "process", .kind = Kind::kChoice,
           .help = "poisson: exponential gaps; constant: one request every 1 / rate_per_s; "
                   "diurnal: a Poisson process whose rate follows a sinusoid (rate_per_s, "
                   "amplitude, peak, period) or an hourly profile (hourly_per_s) over each day; "
                   "mmpp: a Markov-modulated Poisson process (states); azure_trace: replay "
                   "an Azure Functions 2019 invocation-count file; trace: replay a CSV "
                   "invocation trace",
           .default_json = "\"poisson\"",
           .choices = {"poisson", "constant", "diurnal", "mmpp", "azure_trace", "trace"}},
          {.key = "file", .kind = Kind::kString, .required = true,
           .help = "the trace file, relative to the scenario file: azure_trace: "
                   "invocations_per_function_md.anon.dXX.csv (header HashOwner,HashApp,"
                   "HashFunction,Trigger,1,...,1440; per-minute counts of one day); trace: "
                   "header time,workload or time,workload,site, one request per row, times "
                   "sorted (a duration such as \"1m30s\" or plain seconds)",
           .only_for = {"azure_trace", "trace"}},
          {.key = "more_days", .kind = Kind::kValueList,
           .help = "azure_trace: files of the following days (e.g. d02, d03), replayed after "
                   "`file` in order; the rows selected in `file` are found in each by "
                   "HashOwner, HashApp and HashFunction (a function missing on a day is silent "
                   "that day)",
           .default_json = "[]", .min_items = 0, .max_items = 44, .item = &kTraceDayItem,
           .only_for = {"azure_trace"}},
          {.key = "rows", .kind = Kind::kValueList,
           .help = "azure_trace: replay only these data rows (0-based; instead of top and "
                   "functions); without rows, top or functions every row is replayed",
           .min_items = 1, .item = &kTraceRowItem, .only_for = {"azure_trace"}},
          {.key = "top", .kind = Kind::kInteger,
           .help = "azure_trace: replay the N rows with the most invocations over the day "
                   "(ties to the earlier row)",
           .min = 1, .max = 4294967295.0, .only_for = {"azure_trace"}},
          {.key = "functions", .kind = Kind::kValueList,
           .help = "azure_trace: replay the rows with these HashFunction values",
           .min_items = 1, .item = &kTraceFunctionItem, .only_for = {"azure_trace"}},
          {.key = "trigger", .kind = Kind::kChoice,
           .help = "azure_trace: only rows of this trigger group (with all rows or top)",
           .choices = {"http", "timer", "event", "queue", "storage", "orchestration", "others"},
           .only_for = {"azure_trace"}},
          {.key = "scale", .kind = Kind::kNumber,
           .help = "azure_trace: multiplies every count c: floor(scale) * c + Binomial(c, "
                   "scale - floor(scale)) requests (each invocation kept with the fractional "
                   "part's probability), so the mean is scale * c and integer scales are exact",
           .default_json = "1", .min = 1e-6, .max = 1e6, .only_for = {"azure_trace"}},
          {.key = "spread", .kind = Kind::kChoice,
           .help = "azure_trace: where a minute's n requests fall in it: uniform (n sorted "
                   "uniform random times) or even (the i-th at (i + 1/2) / n of the minute)",
           .default_json = "\"uniform\"", .choices = {"uniform", "even"},
           .only_for = {"azure_trace"}},
          {.key = "start", .kind = Kind::kDuration,
           .help = "azure_trace: the time in the trace (from midnight of its first day) "
                   "replayed at the start of the run; whole minutes, less than 24h per day "
                   "replayed",
           .default_json = "\"0s\"", .unit = "s", .min = 0, .only_for = {"azure_trace"}},
          {.key = "repeat", .kind = Kind::kBool,
           .help = "azure_trace: after the last minute of the last day the trace starts "
                   "again (true) or no request arrives any more (false)",
           .default_json = "true", .only_for = {"azure_trace"}},
          {.key = "rate_per_s", .kind = Kind::kNumber,
           .help = "poisson, constant: the rate; diurnal: the mean rate of the sinusoid. "
                   "Required, except that poisson may give poisson_per_s instead and a diurnal "
                   "profile gives hourly_per_s",
           .unit = "1/s", .min = 0, .min_exclusive = true, .max = 1e9,
           .only_for = {"poisson", "constant", "diurnal"}},
          {.key = "poisson_per_s", .kind = Kind::kNumber,
           .help = "the rate: the older name of rate_per_s", .unit = "1/s", .min = 0,
           .min_exclusive = true, .max = 1e9, .only_for = {"poisson"}},
          {.key = "random_phase", .kind = Kind::kBool,
           .help = "false: the first request at 1 / rate_per_s; true: at a uniformly random "
                   "time in (0, 1 / rate_per_s], drawn per site",
           .default_json = "false", .only_for = {"constant"}},
          {.key = "amplitude", .kind = Kind::kNumber,
           .help = "sinusoid: rate(t) = rate_per_s * (1 + amplitude * sin(2 pi (t - peak + "
                   "period / 4) / period)); required with rate_per_s",
           .min = 0, .max = 1, .only_for = {"diurnal"}},
          {.key = "peak", .kind = Kind::kDuration,
           .help = "sinusoid: time of day (from the start of each period) of the highest rate",
           .unit = "s", .min = 0, .default_note = "\"12h\" (sinusoid only)",
           .only_for = {"diurnal"}},
          {.key = "period", .kind = Kind::kDuration, .help = "sinusoid: the period",
           .unit = "s", .min = 0, .min_exclusive = true,
           .default_note = "\"24h\" (sinusoid only)", .only_for = {"diurnal"}},
          {.key = "hourly_per_s", .kind = Kind::kValueList,
           .help = "profile: 24 rates, one per hour of the day from midnight, repeated every "
                   "day (piecewise constant); not all 0; instead of rate_per_s and amplitude",
           .unit = "1/s", .min_items = 24, .max_items = 24, .item = &kHourlyRateItem,
           .only_for = {"diurnal"}},
          {.key = "states", .kind = Kind::kList, .required = true,
           .help = "the states, at least 2; on leaving one, the process enters one of the "
                   "others chosen uniformly (with 2: the other); some state's rate must be "
                   "positive",
           .object = &mmpp_state_spec(), .min_items = 2, .only_for = {"mmpp"}},
      },
      .kind_key = "process",
      .noun = "arrival process"};
  return spec;
}

// A distribution of durations (unit "s") or of sizes (unit "bytes"); `log_params` adds
// lognormal by mu and sigma of the log. One declaration per use, so that each has its own help.
ObjectSpec distribution_spec(const char* name, const char* help, Kind value, bool log_params) {
  const bool sizes = value == Kind::kSize;
  const char* unit = sizes ? "bytes" : "s";
  ObjectSpec spec{
      .name = name,
      .help = help,
      .fields = {
          {.key = "distribution", .kind = Kind::kChoice, .required = true,
           .help = "the distribution; it decides which other keys are given",
           .choices = {"constant", "exponential", "uniform", "normal", "lognormal", "weibull"}},
          {.key = "value", .kind = value, .help = "constant: the value", .unit = unit, .min = 0},
          {.key = "mean", .kind = value, .help = "exponential, normal, lognormal: the mean",
           .unit = unit, .min = 0, .min_exclusive = true},
          {.key = "low", .kind = value, .help = "uniform: lower bound", .unit = unit, .min = 0},
          {.key = "high", .kind = value, .help = "uniform: upper bound, at least low",
           .unit = unit, .min = 0},
          {.key = "stddev", .kind = value,
           .help = "normal: standard deviation (samples below zero count as zero)", .unit = unit,
           .min = 0},
          {.key = "cv", .kind = Kind::kNumber,
           .help = "lognormal: coefficient of variation (stddev / mean)", .min = 0,
           .min_exclusive = true, .max = 100},
      },
      .discriminator = "distribution"};
  if (log_params) {
    spec.fields.push_back({.key = "mu", .kind = Kind::kNumber,
                           .help = "lognormal: mean of the log of the value in seconds",
                           .unit = "ln s", .min = -50, .max = 50});
    spec.fields.push_back({.key = "sigma", .kind = Kind::kNumber,
                           .help = "lognormal: standard deviation of the log", .unit = "ln s",
                           .min = 0, .max = 10});
  }
  spec.fields.push_back({.key = "shape", .kind = Kind::kNumber, .help = "weibull: shape k",
                         .min = 0, .min_exclusive = true, .max = 1000});
  spec.fields.push_back({.key = "scale", .kind = value, .help = "weibull: scale lambda",
                         .unit = unit, .min = 0, .min_exclusive = true});
  std::vector<std::vector<const char*>> lognormal = {{"mean", "cv"}};
  if (log_params) lognormal.push_back({"mu", "sigma"});
  spec.variants = {
      {.when = "constant", .key_sets = {{"value"}}, .help = "always `value`"},
      {.when = "exponential", .key_sets = {{"mean"}}, .help = "exponential with `mean`"},
      {.when = "uniform", .key_sets = {{"low", "high"}}, .help = "uniform on [low, high]"},
      {.when = "normal", .key_sets = {{"mean", "stddev"}}, .help = "normal, cut at zero"},
      {.when = "lognormal", .key_sets = lognormal,
       .help = log_params ? "by its mean and coefficient of variation, or by mu and sigma of the log"
                          : "by its mean and coefficient of variation"},
      {.when = "weibull", .key_sets = {{"shape", "scale"}}, .help = "scale * (-ln U)^(1/shape)"},
  };
  return spec;
}

const ObjectSpec& service_spec() {
  static const ObjectSpec spec = distribution_spec(
      "service",
      "Service time of one request on one core of the reference cloud VM (core_speed 1.0); a "
      "device takes this divided by its core_speed.",
      Kind::kDuration, true);
  return spec;
}

const ObjectSpec& duration_distribution_spec() {
  static const ObjectSpec spec = distribution_spec(
      "duration_distribution",
      "A distribution of durations: jitter added to a link's latency, times between failures "
      "and times to repair.",
      Kind::kDuration, true);
  return spec;
}

const ObjectSpec& size_distribution_spec() {
  static const ObjectSpec spec = distribution_spec(
      "size_distribution", "A distribution of sizes (of transfers); values are size strings.",
      Kind::kSize, false);
  return spec;
}

// ---- network --------------------------------------------------------------------------------

const std::vector<const char*>& preset_names() {
  static const std::vector<const char*> names = [] {
    std::vector<const char*> out;
    for (const network::AccessPreset& p : network::access_presets()) out.push_back(p.name.c_str());
    return out;
  }();
  return names;
}

const ObjectSpec& access_spec() {
  static const ObjectSpec spec{
      .name = "access",
      .help = "A device's access link, as an object: a `preset` with some of its fields "
              "replaced, or, without a preset, up, down and latency all given. Bandwidths are "
              "as seen from the device (up: device to site).",
      .fields = {
          {.key = "preset", .kind = Kind::kChoice,
           .help = "the preset to start from; the other keys replace its fields",
           .choices = preset_names()},
          {.key = "up", .kind = Kind::kRate, .help = "bandwidth from the device to its site",
           .unit = "bit/s", .min = 0, .min_exclusive = true, .default_note = "the preset's"},
          {.key = "down", .kind = Kind::kRate, .help = "bandwidth from the site to the device",
           .unit = "bit/s", .min = 0, .min_exclusive = true, .default_note = "the preset's"},
          {.key = "latency", .kind = Kind::kDuration, .help = "one-way latency", .unit = "s",
           .min = 0, .default_note = "the preset's"},
          {.key = "jitter", .kind = Kind::kObject,
           .help = "added to the latency of each message; none when left out without a preset",
           .object = &duration_distribution_spec(), .default_note = "the preset's"},
      }};
  return spec;
}

const ObjectSpec& backhaul_spec() {
  static const ObjectSpec spec{
      .name = "backhaul",
      .help = "The parameters of the generated site links, and the defaults of the explicit "
              "ones. Up is from the spoke (edge) side toward the hub.",
      .fields = {
          {.key = "bandwidth", .kind = Kind::kRate, .help = "bandwidth of both directions",
           .default_json = "\"1Gbps\"", .unit = "bit/s", .min = 0, .min_exclusive = true},
          {.key = "up", .kind = Kind::kRate, .help = "bandwidth toward the hub",
           .unit = "bit/s", .min = 0, .min_exclusive = true, .default_note = "bandwidth"},
          {.key = "down", .kind = Kind::kRate, .help = "bandwidth away from the hub",
           .unit = "bit/s", .min = 0, .min_exclusive = true, .default_note = "bandwidth"},
          {.key = "latency", .kind = Kind::kDuration, .help = "one-way latency",
           .default_json = "\"10ms\"", .unit = "s", .min = 0},
          {.key = "jitter", .kind = Kind::kObject,
           .help = "added to the latency of each message", .object = &duration_distribution_spec(),
           .default_note = "none"},
      }};
  return spec;
}

const ObjectSpec& random_geometric_spec() {
  static const ObjectSpec spec{
      .name = "random_geometric",
      .help = "The random_geometric shape: sites placed uniformly at random in the unit square "
              "(from the seed), two sites linked when at most `radius` apart; a link's latency is "
              "backhaul.latency + latency_per_unit * distance.",
      .fields = {
          {.key = "radius", .kind = Kind::kNumber,
           .help = "largest distance of a link, in sides of the square", .default_json = "0.35",
           .min = 0, .min_exclusive = true, .max = 1.5},
          {.key = "latency_per_unit", .kind = Kind::kDuration,
           .help = "latency added per side of the square of distance", .default_json = "\"0s\"",
           .unit = "s", .min = 0},
      }};
  return spec;
}

const Field kSiteNameItem{.key = "between", .kind = Kind::kString, .help = "a site name"};

const ObjectSpec& site_link_spec() {
  static const ObjectSpec spec{
      .name = "site_link",
      .help = "An explicit site link, added to the generated ones. Parameters left out are the "
              "backhaul's.",
      .fields = {
          {.key = "between", .kind = Kind::kValueList, .required = true,
           .help = "the two sites it joins, by exact name; up is from the first to the second",
           .min_items = 2, .max_items = 2, .item = &kSiteNameItem},
          {.key = "bandwidth", .kind = Kind::kRate, .help = "bandwidth of both directions",
           .unit = "bit/s", .min = 0, .min_exclusive = true,
           .default_note = "the backhaul's"},
          {.key = "up", .kind = Kind::kRate, .help = "bandwidth from the first site to the second",
           .unit = "bit/s", .min = 0, .min_exclusive = true, .default_note = "bandwidth"},
          {.key = "down", .kind = Kind::kRate,
           .help = "bandwidth from the second site to the first", .unit = "bit/s", .min = 0,
           .min_exclusive = true, .default_note = "bandwidth"},
          {.key = "latency", .kind = Kind::kDuration, .help = "one-way latency", .unit = "s",
           .min = 0, .default_note = "the backhaul's"},
          {.key = "jitter", .kind = Kind::kObject, .help = "added to the latency of each message",
           .object = &duration_distribution_spec(), .default_note = "the backhaul's"},
      }};
  return spec;
}

const ObjectSpec& store_and_forward_spec() {
  static const ObjectSpec spec{
      .name = "store_and_forward",
      .help = "What a device does with the messages it sends while it cannot reach their "
              "destination: it queues them, and delivers them in order when it can again.",
      .fields = {
          {.key = "capacity", .kind = Kind::kInteger, .help = "messages that may wait on a device while it cannot reach their "
                   "destination; messages in flight or held for ordering do not count "
                   "(docs/network.md)",
           .default_json = "1000", .min = 1, .max = 4294967295.0},
          {.key = "drop", .kind = Kind::kChoice,
           .help = "which message a full queue gives up", .default_json = "\"oldest\"",
           .choices = {"oldest", "newest"}},
      }};
  return spec;
}

const ObjectSpec& network_spec() {
  static const ObjectSpec spec{
      .name = "network",
      .help = "The network: each device's access link to its site, and site links (generated "
              "by `shape`, plus explicit `links`). Without this section nothing is networked.",
      .fields = {
          {.key = "access", .kind = Kind::kEither,
           .help = "access link of every device whose fleet entry gives none: a preset name, or "
                   "an object",
           .default_json = "\"ethernet\"", .choices = preset_names(), .object = &access_spec(),
           .scalar = Kind::kChoice},
          {.key = "shape", .kind = Kind::kChoice,
           .help = "how site links are generated: every other site to the hub (star); each site "
                   "that is neither the hub nor a region to a region, dealt round-robin in site "
                   "order, and every region to the hub (two_tier); random_geometric; or none "
                   "(only `links`)",
           .default_json = "\"star\"", .choices = {"star", "two_tier", "random_geometric", "none"}},
          {.key = "hub", .kind = Kind::kString,
           .help = "the site at the centre of star and two_tier, by exact name",
           .default_note = "the single site of kind cloud"},
          {.key = "backhaul", .kind = Kind::kObject, .help = "parameters of the site links",
           .default_json = "{}", .object = &backhaul_spec()},
          {.key = "random_geometric", .kind = Kind::kObject,
           .help = "parameters of the random_geometric shape; only with that shape",
           .object = &random_geometric_spec(), .default_note = "`{}` with that shape"},
          {.key = "links", .kind = Kind::kList, .help = "explicit site links",
           .default_json = "[]", .object = &site_link_spec()},
          {.key = "message_threshold", .kind = Kind::kSize,
           .help = "transfers of at most this size take the fast path (latency + size / "
                   "bandwidth, no sharing)",
           .default_json = "\"64KiB\"", .unit = "bytes", .min = 0},
          {.key = "store_and_forward", .kind = Kind::kObject,
           .help = "queues of messages on devices that are cut off", .default_json = "{}",
           .object = &store_and_forward_spec()},
          {.key = "busiest_links", .kind = Kind::kInteger,
           .help = "utilisation time series are kept for this many site links, the busiest",
           .default_json = "10", .min = 0, .max = 1e6},
          {.key = "connected", .kind = Kind::kBool,
           .help = "require every site to reach every other through site links",
           .default_json = "true"},
      }};
  return spec;
}

// ---- outages --------------------------------------------------------------------------------

const Field kWindowTime{.key = "windows", .kind = Kind::kDuration, .help = "a time", .unit = "s",
                        .min = 0};
const Field kWindowItem{.key = "windows", .kind = Kind::kValueList,
                        .help = "[down at, up at)", .min_items = 2, .max_items = 2,
                        .item = &kWindowTime};
const Field kGroupItem{.key = "groups", .kind = Kind::kSelector, .help = "sites", .min_items = 1};

// The outage kinds that take at + duration, windows, or mtbf + mttr.
const std::vector<const char*> kTimed = {"link",           "site",       "partition", "access",
                                         "device_failures", "site_power", "batch",
                                         "maintenance"};
// The kinds that take devices out of service (no network section needed), and those of them
// that select devices by site, type, name and fraction.
const std::vector<const char*> kDeviceSelect = {"device_failures", "batch", "maintenance"};

const ObjectSpec& daily_spec() {
  static const ObjectSpec spec{
      .name = "daily",
      .help = "A window that recurs every day (it may run past midnight).",
      .fields = {
          {.key = "start", .kind = Kind::kDuration, .required = true,
           .help = "time of day it opens", .unit = "s", .min = 0, .max = 86399.999999999},
          {.key = "duration", .kind = Kind::kDuration, .required = true,
           .help = "how long it lasts, less than a day", .unit = "s", .min = 0,
           .min_exclusive = true, .max = 86399.999999999},
      }};
  return spec;
}

const ObjectSpec& outage_spec() {
  static const ObjectSpec spec{
      .name = "outage",
      .help = "Elements of the network, or devices, going down and coming back: what (`kind` "
              "and its keys) and when: `at` + `duration`, `windows`, or `mtbf` + `mttr` (exactly "
              "one; maintenance may give `daily` instead), or a `trace` file. The device kinds "
              "(device_failures, site_power, batch, maintenance, device_trace) need no network "
              "section; with one, a device that is down is also cut off.",
      .fields = {
          {.key = "name", .kind = Kind::kString, .help = "name, in the results",
           .default_note = "\"<kind>-<index>\""},
          {.key = "kind", .kind = Kind::kChoice, .required = true,
           .help = "what goes down: the site links between two sites, whole sites (their site "
                   "links and devices' access links), the site links across a partition, "
                   "devices' access links, or what a trace file says; devices that crash each "
                   "on their own (device_failures), every device of a site at once "
                   "(site_power), a batch of devices together (batch), devices in maintenance, "
                   "or devices as a failure trace says (device_trace)",
           .choices = {"link", "site", "partition", "access", "trace", "device_failures",
                       "site_power", "batch", "maintenance", "device_trace"}},
          {.key = "between", .kind = Kind::kValueList, .required = true,
           .help = "the two sites whose site links go down, by exact name", .min_items = 2,
           .max_items = 2, .item = &kSiteNameItem, .only_for = {"link"}},
          {.key = "site", .kind = Kind::kSelector, .required = true,
           .help = "the sites that go down; site_power: each site on its own, all its devices "
                   "together",
           .min_items = 1, .only_for = {"site", "site_power"}},
          {.key = "groups", .kind = Kind::kValueList, .required = true,
           .help = "disjoint groups of sites (each a selector); every site link between two "
                   "groups goes down",
           .min_items = 2, .item = &kGroupItem, .only_for = {"partition"}},
          {.key = "devices", .kind = Kind::kSelector,
           .help = "access (required): the devices whose access links go down; device kinds: "
                   "only these devices; by device name or glob",
           .min_items = 1, .only_for = {"access", "device_failures", "batch", "maintenance"}},
          {.key = "sites", .kind = Kind::kSelector,
           .help = "only the devices at these sites", .min_items = 1, .only_for = kDeviceSelect},
          {.key = "type", .kind = Kind::kString,
           .help = "only the devices of this device type (a hardware class)",
           .only_for = kDeviceSelect},
          {.key = "fraction", .kind = Kind::kNumber,
           .help = "only this fraction of the selected devices (rounded to nearest, at least "
                   "one), drawn at random from the seed: a faulty batch",
           .min = 0, .min_exclusive = true, .max = 1, .only_for = kDeviceSelect},
          {.key = "state", .kind = Kind::kChoice,
           .help = "the state the devices are in while down (docs/devices.md, \"Lifecycle\")",
           .default_json = "\"offline\"", .choices = {"offline", "updating", "rebooting", "failed"},
           .only_for = {"maintenance"}},
          {.key = "daily", .kind = Kind::kObject,
           .help = "a window every day, instead of at + duration, windows or mtbf + mttr",
           .object = &daily_spec(), .only_for = {"maintenance"}},
          {.key = "file", .kind = Kind::kString, .required = true,
           .help = "CSV file (relative to the scenario file) with header time,element,state "
                   "(trace: an element is a site, a device or A--B) or time,device,state "
                   "(device_trace)",
           .only_for = {"trace", "device_trace"}},
          {.key = "at", .kind = Kind::kDuration, .help = "when it goes down (with duration)",
           .unit = "s", .min = 0, .only_for = kTimed},
          {.key = "duration", .kind = Kind::kDuration, .help = "how long it stays down (with at)",
           .unit = "s", .min = 0, .min_exclusive = true, .only_for = kTimed},
          {.key = "windows", .kind = Kind::kValueList,
           .help = "times it is down, each [down at, up at), sorted and disjoint",
           .min_items = 1, .item = &kWindowItem, .only_for = kTimed},
          {.key = "mtbf", .kind = Kind::kEither,
           .help = "time up before each failure: a distribution (weibull for wear-out), or a "
                   "duration (exponential with that mean); with site, access, site_power and "
                   "device_failures, each site or device fails on its own",
           .unit = "s", .min = 0, .min_exclusive = true, .object = &duration_distribution_spec(),
           .scalar = Kind::kDuration, .only_for = kTimed},
          {.key = "mttr", .kind = Kind::kEither,
           .help = "time down before each repair: a distribution, or a duration (exponential "
                   "with that mean)",
           .unit = "s", .min = 0, .min_exclusive = true, .object = &duration_distribution_spec(),
           .scalar = Kind::kDuration, .only_for = kTimed},
      },
      .kind_key = "kind",
      .noun = "outage"};
  return spec;
}

const ObjectSpec& workload_spec() {
  static const ObjectSpec spec{
      .name = "workload",
      .help = "What the fleet does, by `kind`: requests arriving at each matched site, each "
              "served by one core of one device there; transfers between each matched device "
              "and a peer site; or messages each matched device sends to a peer site at a fixed "
              "interval. Transfers and messages need a network section.",
      .fields = {
          {.key = "name", .kind = Kind::kString, .required = true,
           .help = "workload name, unique"},
          {.key = "kind", .kind = Kind::kChoice, .help = "what the workload is",
           .default_json = "\"requests\"", .choices = {"requests", "transfers", "messages"}},
          {.key = "sites", .kind = Kind::kSelector,
           .help = "requests (required): sites where requests arrive; transfers, messages: the "
                   "devices of these sites take part (or give `devices`); a name, a glob (* and "
                   "?), or a list of those; each must have devices",
           .min_items = 1},
          {.key = "devices", .kind = Kind::kSelector,
           .help = "the devices that take part, by device name or glob (instead of `sites`)",
           .min_items = 1, .only_for = {"transfers", "messages"}},
          {.key = "peer", .kind = Kind::kString, .required = true,
           .help = "the site at the other end, by exact name",
           .only_for = {"transfers", "messages"}},
          {.key = "direction", .kind = Kind::kChoice,
           .help = "upload: from the device to the peer; download: from the peer to the device",
           .default_json = "\"upload\"", .choices = {"upload", "download"},
           .only_for = {"transfers"}},
          {.key = "arrivals", .kind = Kind::kObject, .required = true,
           .help = "the arrival process", .object = &arrivals_spec(),
           .only_for = {"requests", "transfers"}},
          {.key = "service", .kind = Kind::kObject,
           .help = "the service-time distribution; required without `function`",
           .object = &service_spec(), .only_for = {"requests"}},
          {.key = "function", .kind = Kind::kString,
           .help = "the function each request runs (a built-in or one declared in "
                   "`functions`), instead of `service`",
           .only_for = {"requests"}},
          {.key = "deadline", .kind = Kind::kDuration,
           .help = "a completed request whose latency exceeds this missed its deadline; "
                   "replaces the function's",
           .unit = "s", .min = 0, .min_exclusive = true,
           .default_note = "the function's; none", .only_for = {"requests"}},
          {.key = "dispatch", .kind = Kind::kChoice,
           .help = "how a site picks the device for a request: uniformly at random, in turn, or "
                   "the one with the fewest requests per core (ties to the first)",
           .default_json = "\"least_loaded\"",
           .choices = {"random", "round_robin", "least_loaded"}, .only_for = {"requests"}},
          {.key = "scope", .kind = Kind::kChoice,
           .help = "where the arrival streams are: one per matched site, dispatched over its "
                   "devices (site); one per device of those sites, all its requests to that "
                   "device (device); or one for the workload, dispatched over all devices of "
                   "those sites (fleet). Rates are per stream. With a function only devices "
                   "that can run it count: they alone are dispatched to, and get a stream with "
                   "device. A trace with a site column needs site",
           .default_json = "\"site\"", .choices = {"site", "device", "fleet"},
           .only_for = {"requests"}},
          {.key = "size", .kind = Kind::kEither, .required = true,
           .help = "bytes per transfer or message: a size, or (transfers only) a distribution "
                   "of sizes",
           .unit = "bytes", .min = 0, .min_exclusive = true, .object = &size_distribution_spec(),
           .scalar = Kind::kSize, .only_for = {"transfers", "messages"}},
          {.key = "on_break", .kind = Kind::kChoice,
           .help = "when a link of its route goes down, a transfer fails, or resumes on another "
                   "route or when one returns (keeping the bytes sent)",
           .default_json = "\"resume\"", .choices = {"fail", "resume"},
           .only_for = {"transfers"}},
          {.key = "timeout", .kind = Kind::kDuration,
           .help = "a resumable transfer gives up this long after it started; 0s: never",
           .default_json = "\"0s\"", .unit = "s", .min = 0, .only_for = {"transfers"}},
          {.key = "interval", .kind = Kind::kDuration, .required = true,
           .help = "time between two messages of one device (the first at a random phase)",
           .unit = "s", .min = 0, .min_exclusive = true, .only_for = {"messages"}},
      },
      .kind_key = "kind",
      .noun = "workload"};
  return spec;
}

const ObjectSpec& failure_policy_spec() {
  static const ObjectSpec spec{
      .name = "on_device_failure",
      .help = "The requests queued or running on a device that goes down (failure, "
              "maintenance, empty battery, retirement) are lost, or sent back to the dispatch "
              "of their own arrival stream, which picks an available device among that "
              "stream's candidates (its site's, all its workload's sites' with scope fleet, or "
              "only its own device with scope device: rejected while that one is down).",
      .fields = {
          {.key = "policy", .kind = Kind::kChoice, .help = "lose or retry",
           .default_json = "\"lose\"", .choices = {"lose", "retry"}},
          {.key = "max_retries", .kind = Kind::kInteger,
           .help = "retry: a request is lost after this many retries", .default_json = "3",
           .min = 0, .max = 255},
      }};
  return spec;
}

const ObjectSpec& image_spec() {
  static const ObjectSpec spec{
      .name = "image",
      .help = "A container image or an ML model (the key is its name): replaces a built-in "
              "one of the same name, or declares a new one. Give `size` (every architecture) or "
              "`sizes` (per architecture), or both (`sizes` first).",
      .fields = {
          {.key = "kind", .kind = Kind::kChoice, .help = "what it is",
           .default_json = "\"container\"", .choices = {"container", "model"}},
          {.key = "size", .kind = Kind::kSize, .help = "size for every architecture",
           .unit = "bytes", .min = 0, .min_exclusive = true},
          {.key = "sizes", .kind = Kind::kStringMap,
           .help = "size per CPU architecture (x86_64, aarch64, armv7, ...): a device of an "
                   "architecture with no size cannot run functions of this image"},
      }};
  return spec;
}

const ObjectSpec& function_spec() {
  static const ObjectSpec spec{
      .name = "function",
      .help = "A function (the key is its name): replaces fields of a built-in function (the "
              "faas-sim workloads, docs/devices.md) or declares a new one.",
      .fields = {
          {.key = "image", .kind = Kind::kString,
           .help = "its container image: a built-in or one declared in `images`",
           .default_note = "the built-in function's; none for a new function"},
          {.key = "model", .kind = Kind::kString,
           .help = "an ML model pulled with the image at a cold start",
           .default_note = "the built-in function's; none for a new function"},
          {.key = "memory", .kind = Kind::kSize,
           .help = "memory one instance holds; an instance that does not fit waits",
           .unit = "bytes", .min = 0,
           .default_note = "the built-in function's; 128MiB for a new function"},
          {.key = "arch", .kind = Kind::kString,
           .help = "required CPU architecture (x86_64, aarch64, armv7, ...)",
           .default_note = "any"},
          {.key = "accelerator", .kind = Kind::kChoice,
           .help = "required accelerator; each request then holds one of the device's "
                   "accelerators as well as a core",
           .choices = {"", "gpu", "tpu"}, .default_note = "the built-in function's; \"\""},
          {.key = "work", .kind = Kind::kDuration,
           .help = "execution time on one core of the reference cloud VM; a device type with no "
                   "execution time listed takes work / core_speed",
           .unit = "s", .min = 0, .min_exclusive = true,
           .default_note = "the built-in function's; none for a new function"},
          {.key = "execution_times", .kind = Kind::kObjectMap,
           .help = "execution time per device type (the key), replacing the built-in fits",
           .default_json = "{}", .object = &bounded_lognormal_spec()},
          {.key = "deadline", .kind = Kind::kDuration,
           .help = "a completed request whose latency exceeds this missed its deadline; 0s: none",
           .default_json = "\"0s\"", .unit = "s", .min = 0},
          {.key = "keep_alive", .kind = Kind::kDuration,
           .help = "an idle instance is removed after this (scale to zero)",
           .default_json = "\"5m\"", .unit = "s", .min = 0},
      }};
  return spec;
}

const Field kPluginNameItem{.key = "filter", .kind = Kind::kString,
                            .help = "a placement plug-in's registry name"};

const ObjectSpec& scheduler_score_spec() {
  static const ObjectSpec spec{
      .name = "scheduler_score",
      .help = "A score plug-in of the scheduler and its weight: a node's total is the sum over "
              "the score plug-ins of weight x the plug-in's normalised score (0..100).",
      .fields = {
          {.key = "name", .kind = Kind::kString, .required = true,
           .help = "the plug-in's registry name (docs/scheduling.md lists the built-ins); it "
                   "must have a score"},
          {.key = "weight", .kind = Kind::kInteger, .help = "its weight", .default_json = "1",
           .min = 1, .max = 1e6},
      }};
  return spec;
}

const ObjectSpec& scheduler_cost_spec() {
  static const ObjectSpec spec{
      .name = "scheduler_cost",
      .help = "The simulated time of one scheduling cycle: per_cycle + per_node_filtered x the "
              "nodes it examined + per_node_scored x the feasible nodes it scored. The defaults "
              "make about 1.5 ms per pod for the default profile at 5,000 nodes, as "
              "kube-scheduler's benchmarks.",
      .fields = {
          {.key = "per_cycle", .kind = Kind::kDuration, .help = "fixed cost of a cycle",
           .default_json = "\"1ms\"", .unit = "s", .min = 0, .max = 3600},
          {.key = "per_node_filtered", .kind = Kind::kDuration,
           .help = "cost of running the filters on one node", .default_json = "\"100ns\"",
           .unit = "s", .min = 0, .max = 3600},
          {.key = "per_node_scored", .kind = Kind::kDuration,
           .help = "cost of scoring one feasible node", .default_json = "\"1us\"",
           .unit = "s", .min = 0, .max = 3600},
      }};
  return spec;
}

const ObjectSpec& scheduler_backoff_spec() {
  static const ObjectSpec spec{
      .name = "scheduler_backoff",
      .help = "Back-off of an unschedulable placement: after its k-th failed attempt it is "
              "retried, once capacity has been released, no sooner than initial x 2^(k-1) "
              "(at most max) after that attempt (kube-scheduler's podInitialBackoffSeconds and "
              "podMaxBackoffSeconds).",
      .fields = {
          {.key = "initial", .kind = Kind::kDuration, .help = "back-off after the first failure",
           .default_json = "\"1s\"", .unit = "s", .min = 0, .min_exclusive = true,
           .max = 86400},
          {.key = "max", .kind = Kind::kDuration, .help = "longest back-off; at least initial",
           .default_json = "\"10s\"", .unit = "s", .min = 0, .min_exclusive = true,
           .max = 86400},
      }};
  return spec;
}

const ObjectSpec& scheduler_spec() {
  static const ObjectSpec spec{
      .name = "scheduler",
      .help = "A Kubernetes-style scheduler places every new function instance: a request that "
              "finds no idle instance of its function among its devices waits for a placement "
              "decision, which takes simulated time (docs/scheduling.md, \"Placement in a "
              "scenario\").",
      .fields = {
          {.key = "architecture", .kind = Kind::kChoice,
           .help = "queue: one placement per cycle, by priority then FIFO; parallel: the same, "
                   "with Filter and Score on `threads` TBB threads (the same decisions)",
           .default_json = "\"queue\"", .choices = {"queue", "parallel"}},
          {.key = "threads", .kind = Kind::kInteger,
           .help = "parallel: worker threads of the scheduler (wall-clock only: decisions and "
                   "simulated cost do not depend on it)",
           .default_json = "2", .min = 1, .max = 256},
          {.key = "plugin", .kind = Kind::kChoice,
           .help = "the profile whose filter and score plug-ins apply where `filter` or `score` "
                   "is not given; kube-default: kube-scheduler's default plug-ins and weights",
           .default_json = "\"kube-default\"", .choices = {"kube-default"}},
          {.key = "filter", .kind = Kind::kValueList,
           .help = "the filter plug-ins, by registry name, in the order they run",
           .default_note = "the profile's", .item = &kPluginNameItem},
          {.key = "score", .kind = Kind::kList, .help = "the score plug-ins and their weights",
           .object = &scheduler_score_spec(), .default_note = "the profile's"},
          {.key = "percentage_of_nodes_to_score", .kind = Kind::kInteger,
           .help = "feasible nodes a cycle looks for, in % of the nodes (at least 100 nodes); 0: "
                   "kube-scheduler's adaptive rule; 100: every node",
           .default_json = "0", .min = 0, .max = 100},
          {.key = "cost", .kind = Kind::kObject, .help = "simulated cost of a cycle",
           .default_json = "{}", .object = &scheduler_cost_spec()},
          {.key = "backoff", .kind = Kind::kObject,
           .help = "back-off of unschedulable placements", .default_json = "{}",
           .object = &scheduler_backoff_spec()},
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
          {.key = "network", .kind = Kind::kObject,
           .help = "the network; without it, devices are not networked and there are no "
                   "outages, transfers or messages",
           .object = &network_spec(), .default_note = "none"},
          {.key = "outages", .kind = Kind::kList,
           .help = "outages of network elements and device failures",
           .default_json = "[]", .object = &outage_spec()},
          {.key = "images", .kind = Kind::kObjectMap,
           .help = "container images and ML models: overrides of the built-ins and new ones",
           .default_json = "{}", .object = &image_spec()},
          {.key = "functions", .kind = Kind::kObjectMap,
           .help = "functions: overrides of the built-ins and new ones", .default_json = "{}",
           .object = &function_spec()},
          {.key = "registry", .kind = Kind::kString,
           .help = "the site images are pulled from (with a network), by exact name",
           .default_note = "the first site of kind cloud, else the first site"},
          {.key = "on_device_failure", .kind = Kind::kObject,
           .help = "what happens to the requests of a device that goes down",
           .default_json = "{}", .object = &failure_policy_spec()},
          {.key = "scheduler", .kind = Kind::kObject,
           .help = "places new function instances with a Kubernetes-style scheduler; without it "
                   "an instance starts on the device dispatch chose",
           .object = &scheduler_spec(), .default_note = "none"},
          {.key = "output", .kind = Kind::kObject, .help = "what the results record",
           .default_json = "{}", .object = &output_spec()},
      }};
  return spec;
}

bool ObjectSpec::applies(const Field& f, std::string_view kind) {
  return f.only_for.empty() || std::any_of(f.only_for.begin(), f.only_for.end(),
                                           [&](const char* k) { return kind == k; });
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
