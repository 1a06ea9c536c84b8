// Out-of-tree plug-ins: a shared library that exports one C entry point,
//
//   extern "C" int edgetwin_register_plugins(edgetwin::scheduler_plugins::PluginHost* host);
//
// which registers its plug-ins in the host's registries and returns the plug-in API version it
// was compiled against (kPluginApiVersion of its headers). docs/scheduling.md, "Writing an
// out-of-tree plug-in", shows one and how to build it.
//
// The ABI rule: a library loads only into an edgetwin with the same kPluginApiVersion; the version
// (registry.h) is raised whenever a plug-in interface, a type plug-ins read (NodeTable, PodSpec
// and their columns and fields), Registry or this header changes incompatibly.
// PluginHost itself never changes layout: registries are looked up by kind name, so new kinds
// (federated next) are added without touching it, and a library asking for a kind this
// edgetwin lacks gets nullptr.
#pragma once

#include <string>

#include "scheduler_plugins/placement/framework.h"
#include "scheduler_plugins/registry.h"

namespace edgetwin::scheduler_plugins {

namespace rollout {
class RolloutStrategy;  // rollout/strategy.h
}

struct PluginHost {
  int api_version;  // the loading edgetwin's kPluginApiVersion
  // The registry for `kind` ("placement", "rollout"), or nullptr for a kind this edgetwin does
  // not have.
  void* (*registry)(PluginHost* host, const char* kind);
  void* loader_state;  // the loader's; not for the library
};

inline constexpr const char* kPluginEntryPoint = "edgetwin_register_plugins";
using PluginEntryPoint = int (*)(PluginHost*);

// For the library's entry point: the host's registry of `Interface` for `kind`, or nullptr when
// the host was built against another plug-in API version (then register nothing and return
// kPluginApiVersion, so the loader reports both versions) or has no such kind.
template <class Interface>
Registry<Interface>* host_registry(PluginHost* host, const char* kind) {
  if (host == nullptr || host->api_version != kPluginApiVersion) return nullptr;
  return static_cast<Registry<Interface>*>(host->registry(host, kind));
}
inline Registry<placement::Plugin>* host_placement_registry(PluginHost* host) {
  return host_registry<placement::Plugin>(host, "placement");
}
inline Registry<rollout::RolloutStrategy>* host_rollout_registry(PluginHost* host) {
  return host_registry<rollout::RolloutStrategy>(host, "rollout");
}

// dlopens the library at `path`, calls its entry point with registries of its own, and when the
// API versions match and none of its names is taken, adds everything it registered to the
// process-wide registries (placement::placement_registry(), rollout::rollout_registry()). All or
// nothing: on false, nothing was added and `error` names the library and the problem (no such
// file, not loadable, no entry point, API version mismatch with both versions, a name already
// registered). A loaded library stays loaded for the life of the process (its factories live in
// it). Not thread-safe.
bool load_plugin_library(const std::string& path, std::string* error);

}  // namespace edgetwin::scheduler_plugins
