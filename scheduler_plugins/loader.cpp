#include "scheduler_plugins/loader.h"

#include <dlfcn.h>

#include <cstring>
#include <exception>
#include <filesystem>

#include "scheduler_plugins/placement/plugins.h"
#include "scheduler_plugins/rollout/builtins.h"

namespace edgetwin::scheduler_plugins {
namespace {

// What a library registers goes here first, one registry per kind; a new kind adds a member
// here, a line in registry_of and a line in commit.
struct Staged {
  Registry<placement::Plugin> placement;
  Registry<rollout::RolloutStrategy> rollout;
};

void* registry_of(PluginHost* host, const char* kind) {
  auto* staged = static_cast<Staged*>(host->loader_state);
  if (kind == nullptr) return nullptr;
  if (std::strcmp(kind, "placement") == 0) return &staged->placement;
  if (std::strcmp(kind, "rollout") == 0) return &staged->rollout;
  return nullptr;
}

// The names of `staged` that `target` already has, as phrases. (An entry's API version needs no
// check here: the staging registry's add() refused any other than the library's, which is
// checked to equal ours before this.)
template <class Interface>
void find_conflicts(const Registry<Interface>& staged, const Registry<Interface>& target,
                    const char* kind, std::string& conflicts) {
  for (const auto& [name, entry] : staged.entries()) {
    if (target.entries().count(name) == 0) continue;
    conflicts += std::string(conflicts.empty() ? "" : "; ") + "a " + kind + " plug-in named '" +
                 name + "' is already registered";
  }
}

template <class Interface>
bool commit(const Registry<Interface>& staged, Registry<Interface>& target, std::string& error) {
  for (const auto& [name, entry] : staged.entries()) {
    if (!target.add(entry, &error)) return false;
  }
  return true;
}

}  // namespace

bool load_plugin_library(const std::string& path, std::string* error) {
  const std::string subject = "plug-in library '" + path + "'";
  auto fail = [&](const std::string& message) {
    if (error) *error = message;
    return false;
  };
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return fail(subject + ": " +
                (std::filesystem::exists(path, ec) ? "not a regular file" : "no such file"));
  }
  // A path without a slash would be searched for in the library path; make it relative.
  const std::string open_path = path.find('/') == std::string::npos ? "./" + path : path;
  void* handle = ::dlopen(open_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    return fail(subject + ": cannot be loaded: " + (why ? why : "unknown dlopen error"));
  }
  ::dlerror();
  void* symbol = ::dlsym(handle, kPluginEntryPoint);
  if (symbol == nullptr) {
    ::dlclose(handle);
    return fail(subject + " does not export the entry point " + kPluginEntryPoint +
                " (declare it extern \"C\")");
  }
  const auto entry = reinterpret_cast<PluginEntryPoint>(symbol);

  std::string message;
  {
    Staged staged;
    PluginHost host{kPluginApiVersion, &registry_of, &staged};
    int built_against = 0;
    try {
      built_against = entry(&host);
    } catch (const std::exception& e) {
      message = subject + ": its entry point threw: " + e.what();
    } catch (...) {
      message = subject + ": its entry point threw";
    }
    if (message.empty() && built_against != kPluginApiVersion) {
      message = subject + " was built against plug-in API " + std::to_string(built_against) +
                ", this edgetwin has " + std::to_string(kPluginApiVersion);
    }
    if (message.empty()) {
      std::string conflicts;
      find_conflicts(staged.placement, placement::placement_registry(), "placement", conflicts);
      find_conflicts(staged.rollout, rollout::rollout_registry(), "rollout", conflicts);
      if (!conflicts.empty()) message = subject + ": " + conflicts;
    }
    if (message.empty()) {
      std::string why;
      if (!commit(staged.placement, placement::placement_registry(), why) ||
          !commit(staged.rollout, rollout::rollout_registry(), why)) {
        message = subject + ": " + why;  // unreachable: see find_conflicts
      }
    }
  }  // the staged entries (whose code is in the library) are gone before any dlclose
  if (!message.empty()) {
    ::dlclose(handle);
    return fail(message);
  }
  return true;
}

}  // namespace edgetwin::scheduler_plugins
