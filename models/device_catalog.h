// The built-in catalog of device types. Scenario files may override any field or add types
// (`device_types`). Sources of each default are in docs/devices.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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
  // Added to the power while an accelerator is busy, per busy accelerator (docs/devices.md,
  // "Energy"). 0: the accelerator's draw is folded into max_power_w.
  double accelerator_power_w = 0.0;
};

// rpi3, rpi4, rockpi, coral, jetson-nano, jetson-tx2, jetson-xavier-nx, nuc, cloud-vm,
// cloud-vm-gpu, server.
const std::vector<DeviceType>& builtin_device_types();
// nullptr when no built-in type has that name.
const DeviceType* find_builtin_device_type(std::string_view name);

}  // namespace edgetwin::models
