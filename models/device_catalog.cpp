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
  auto type = [](const char* name, int cores, double speed, std::int64_t memory, const char* arch,
                 const char* accelerator, double idle_w, double max_w) {
    DeviceType t;
    t.name = name;
    t.cores = cores;
    t.core_speed = speed;
    t.memory_bytes = memory;
    t.arch = arch;
    t.accelerator = accelerator;
    t.idle_power_w = idle_w;
    t.max_power_w = max_w;
    return t;
  };
  std::vector<DeviceType> types = {
      type("rpi3", 4, 0.170 / 5.095, 999036 * std::int64_t{1024}, "armv7", "", 1.9, 5.1),
      type("rpi4", 4, 0.170 / 2.908, 1 * kGiB, "armv7", "", 2.7, 6.4),
      type("rockpi", 6, 0.170 / 1.378, 4 * kGiB, "aarch64", "", 2.5, 8.0),
      type("coral", 4, 0.170 / 2.185, 1 * kGiB, "aarch64", "tpu", 2.5, 6.0),
      type("jetson-nano", 4, 0.170 / 0.928, 4047252 * std::int64_t{1024}, "aarch64", "gpu", 2.0,
           10.0),
      type("jetson-tx2", 4, 0.170 / 0.745, 8047252 * std::int64_t{1024}, "aarch64", "gpu", 5.0,
           15.0),
      type("jetson-xavier-nx", 6, 0.170 / 0.509, 8047252 * std::int64_t{1024}, "aarch64", "gpu",
           5.0, 15.0),
      type("nuc", 4, 0.170 / 0.157, 16 * kGiB, "x86_64", "", 10.0, 65.0),
      type("cloud-vm", 4, 1.0, 8167784 * std::int64_t{1024}, "x86_64", "", 0.0, 0.0),
      type("cloud-vm-gpu", 4, 1.0, 8167784 * std::int64_t{1024}, "x86_64", "gpu", 0.0, 0.0),
      type("server", 88, 1.0, 188 * 1000 * kMiB, "x86_64", "", 100.0, 400.0),
  };
  // Storage, accelerator units, memory and power, network interface, locality and the
  // container-start class. Sources and assumptions: docs/devices.md. Start classes are the host
  // types of faas-sim's startup-time fits (peer-faas-sim.md §4.5).
  struct Extra {
    std::int64_t storage;
    int accelerators;
    std::int64_t accelerator_memory;
    double accelerator_power_w;
    double nic_bps;
    const char* locality;
    const char* start_class;
  };
  constexpr double kEdgeNic = 1e9;   // ether host NIC, 1000 Mbit/s (§4.6)
  constexpr double kCloudNic = 8e9;  // raith21 ContentionPriority: cloud 1e9 B/s (§4.6)
  const Extra extra[] = {
      {16 * kGiB, 0, 0, 0.0, kEdgeNic, "edge", "pi"},                      // rpi3
      {32 * kGiB, 0, 0, 0.0, kEdgeNic, "edge", "pi"},                      // rpi4
      {32 * kGiB, 0, 0, 0.0, kEdgeNic, "edge", "pi"},                      // rockpi
      {8 * kGiB, 1, 8 * kMiB, 2.0, kEdgeNic, "edge", "pi"},                // coral
      {16 * kGiB, 1, 4000 * 1000 * 1000LL, 5.0, kEdgeNic, "edge", "tegra"},   // jetson-nano
      {32 * kGiB, 1, 8000 * 1000 * 1000LL, 7.5, kEdgeNic, "edge", "tegra"},   // jetson-tx2
      {16 * kGiB, 1, 8000 * 1000 * 1000LL, 10.0, kEdgeNic, "edge", "tegra"},  // jetson-xavier-nx
      {256 * kGiB, 0, 0, 0.0, kEdgeNic, "edge", "nuc"},                    // nuc
      {100 * kGiB, 0, 0, 0.0, kCloudNic, "cloud", "cloud"},                // cloud-vm
      {100 * kGiB, 1, 6 * kGiB, 0.0, kCloudNic, "cloud", "cloud"},         // cloud-vm-gpu
      {1024 * kGiB, 0, 0, 0.0, kCloudNic, "mec", "cloud"},                 // server
  };
  for (std::size_t i = 0; i < types.size(); ++i) {
    DeviceType& t = types[i];
    const Extra& e = extra[i];
    t.storage_bytes = e.storage;
    t.accelerators = e.accelerators;
    t.accelerator_memory_bytes = e.accelerator_memory;
    t.accelerator_power_w = e.accelerator_power_w;
    t.nic_bps = e.nic_bps;
    t.locality = e.locality;
    t.fet_profile = t.name;
    t.container_start = *builtin_start_time(e.start_class);
    t.max_instances = 2 * t.cores;
  }
  return types;
}

}  // namespace

const std::vector<DeviceType>& builtin_device_types() {
  static const std::vector<DeviceType> catalog = make_catalog();  // immutable after first use
  return catalog;
}

std::vector<std::pair<std::string, std::string>> DeviceType::labels() const {
  return {{"arch", arch}, {"accelerator", accelerator.empty() ? "none" : accelerator},
          {"locality", locality}};
}

const DeviceType* find_builtin_device_type(std::string_view name) {
  for (const DeviceType& t : builtin_device_types()) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

}  // namespace edgetwin::models
