// What the fleet model needs to run: the resolved, validated scenario in numbers.
// scenarios/ builds it from a scenario file; tests may build it by hand.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "models/device_catalog.h"
#include "sim/random.h"
#include "sim/units.h"

namespace edgetwin::models {

struct SiteConfig {
  std::string name;
  std::string kind;  // "cloud", "region", "edge", "on-prem"
};

struct DeviceConfig {
  std::string name;
  std::uint32_t type = 0;  // index into FleetConfig::types
  std::uint32_t site = 0;  // index into FleetConfig::sites
  std::vector<std::pair<std::string, std::string>> labels;
};

// How a site's arrival stream picks one of the site's devices.
enum class Dispatch {
  kRandom,       // uniform over the site's devices
  kRoundRobin,   // in device order
  kLeastLoaded,  // fewest requests in the system per core; ties to the lower device index
};
const char* dispatch_name(Dispatch d);

// Requests arriving at each of `sites` as an independent Poisson process of rate `rate_per_s`,
// each served by one core of a device of that site for service_s / core_speed seconds.
struct WorkloadConfig {
  std::string name;
  std::vector<std::uint32_t> sites;
  double rate_per_s = 0.0;
  sim::Distribution service_s = sim::Distribution::exponential(0.1);
  Dispatch dispatch = Dispatch::kLeastLoaded;
};

struct FleetConfig {
  std::uint64_t seed = 1;
  sim::Time duration = sim::kHour;
  sim::Time warmup = 0;  // requests that arrive before this are served but not recorded
  std::uint64_t max_requests = 0;  // stop after this many recorded completions (0: no limit)
  sim::Time sample_interval = sim::kMinute;
  bool record_requests = true;  // keep one row per request for /events/requests
  std::vector<DeviceType> types;
  std::vector<SiteConfig> sites;
  std::vector<DeviceConfig> devices;
  std::vector<WorkloadConfig> workloads;
};

}  // namespace edgetwin::models
