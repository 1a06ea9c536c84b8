#include "models/device_catalog.h"

namespace edgetwin::models {
namespace {

constexpr std::int64_t kMiB = std::int64_t{1} << 20;
constexpr std::int64_t kGiB = std::int64_t{1} << 30;

// Cores, architecture, memory and accelerator: ether's device blocks and faas-sim's raith21
// device set (shared/reference/peer-faas-sim.md §4.1). core_speed: the cloud VM's mean
// resnet-inference-cpu execution time (0.170 s) divided by the device's (same source, §4.2), so a
// service time given for the reference cloud-VM core scales as the published measurements do.
// Power figures are typical idle / full-load draws and are refined with sources in the energy work
// (docs/devices.md says which are approximate).
std::vector<DeviceType> make_catalog() {
  return {
      {"rpi3", 4, 0.170 / 5.095, 999036 * std::int64_t{1024}, "armv7", "", 1.9, 5.1},
      {"rpi4", 4, 0.170 / 2.908, 1 * kGiB, "armv7", "", 2.7, 6.4},
      {"rockpi", 6, 0.170 / 1.378, 4 * kGiB, "aarch64", "", 2.5, 8.0},
      {"coral", 4, 0.170 / 2.185, 1 * kGiB, "aarch64", "tpu", 2.5, 6.0},
      {"jetson-nano", 4, 0.170 / 0.928, 4047252 * std::int64_t{1024}, "aarch64", "gpu", 2.0, 10.0},
      {"jetson-tx2", 4, 0.170 / 0.745, 8047252 * std::int64_t{1024}, "aarch64", "gpu", 5.0, 15.0},
      {"jetson-xavier-nx", 6, 0.170 / 0.509, 8047252 * std::int64_t{1024}, "aarch64", "gpu", 5.0,
       15.0},
      {"nuc", 4, 0.170 / 0.157, 16 * kGiB, "x86_64", "", 10.0, 65.0},
      {"cloud-vm", 4, 1.0, 8167784 * std::int64_t{1024}, "x86_64", "", 0.0, 0.0},
      {"cloud-vm-gpu", 4, 1.0, 8167784 * std::int64_t{1024}, "x86_64", "gpu", 0.0, 0.0},
      {"server", 88, 1.0, 188 * 1000 * kMiB, "x86_64", "", 100.0, 400.0},
  };
}

}  // namespace

const std::vector<DeviceType>& builtin_device_types() {
  static const std::vector<DeviceType> catalog = make_catalog();  // immutable after first use
  return catalog;
}

const DeviceType* find_builtin_device_type(std::string_view name) {
  for (const DeviceType& t : builtin_device_types()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

}  // namespace edgetwin::models
