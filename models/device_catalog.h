// The built-in catalog of device types. Scenario files may override any field or add types
// (`device_types`). Sources of each default are in docs/devices.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/function_catalog.h"

namespace edgetwin::models {

struct DeviceType {
  std::string name;
  int cores = 1;
  // Speed of one core relative to one core of the reference cloud VM (1.0): a request whose
  // service takes s seconds on the reference core takes s / core_speed here.
  double core_speed = 1.0;
  std::int64_t memory_bytes = 0;
  std::string arch;         // "x86_64", "aarch64", "armv7"
  std::string accelerator;  // "", "gpu", "tpu"
  double idle_power_w = 0.0;
  double max_power_w = 0.0;
  // Functions, images and cold starts (docs/devices.md).
  std::int64_t storage_bytes = 0;  // capacity of the image and model cache
  int accelerators = 0;            // accelerator units (one request each); 0 without one
  std::int64_t accelerator_memory_bytes = 0;
  // Added to the power per busy accelerator (docs/devices.md, "Energy"); 0: the accelerator's
  // draw is folded into max_power_w.
  double accelerator_power_w = 0.0;
  std::string network_interface = "ethernet";
  double nic_bps = 1e9;      // pull bandwidth when the scenario has no network
  std::string locality;      // "edge", "mec", "cloud"
  // The built-in type whose published execution times apply ("" for none): the type's own name
  // for built-ins, the base's for derived types.
  std::string fet_profile;
  BoundedLognormal container_start;  // start of a container whose image is present, seconds
  int max_instances = 0;     // function instances at once (idle ones included)
  double interference = 0.0;  // k: execution time * (1 + k * other busy cores / cores)

  // Labels a scheduler may match: arch, accelerator ("none" without one), locality.
  std::vector<std::pair<std::string, std::string>> labels() const;
};

// rpi3, rpi4, rockpi, coral, jetson-nano, jetson-tx2, jetson-xavier-nx, nuc, cloud-vm,
// cloud-vm-gpu, server.
const std::vector<DeviceType>& builtin_device_types();
// nullptr when no built-in type has that name.
const DeviceType* find_builtin_device_type(std::string_view name);

}  // namespace edgetwin::models
