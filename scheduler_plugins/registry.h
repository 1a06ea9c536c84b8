// The plug-in registry: one small template for every kind of policy (placement, rollout,
// federated). Built-ins register with an explicit call; an out-of-tree plug-in registers from its
// entry point. Lookup by name; an unknown name is answered with the valid ones.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace edgetwin::scheduler_plugins {

// The plug-in API version: raise it when a plug-in interface, a type plug-ins read (NodeTable,
// PodSpec) or Registry changes incompatibly, so that out-of-tree libraries built before are
// refused with both versions named (loader.h) instead of misbehaving.
inline constexpr int kPluginApiVersion = 1;

template <class Interface>
class Registry {
 public:
  using Factory = std::function<std::unique_ptr<Interface>()>;
  struct Entry {
    std::string name;
    std::string description;
    Factory factory;
    int api_version = kPluginApiVersion;
  };

  // False (and nothing registered) when the name is taken or the API version differs; `error`
  // then says why.
  bool add(Entry entry, std::string* error = nullptr) {
    if (entry.api_version != kPluginApiVersion) {
      if (error) {
        *error = "plug-in '" + entry.name + "' was built against plug-in API " +
                 std::to_string(entry.api_version) + ", this edgetwin has " +
                 std::to_string(kPluginApiVersion);
      }
      return false;
    }
    if (entries_.count(entry.name) != 0) {
      if (error) *error = "a plug-in named '" + entry.name + "' is already registered";
      return false;
    }
    std::string name = entry.name;
    entries_.emplace(std::move(name), std::move(entry));
    return true;
  }

  // nullptr when unknown; then `error` lists the valid names.
  std::unique_ptr<Interface> create(std::string_view name, std::string* error = nullptr) const {
    auto it = entries_.find(std::string(name));
    if (it != entries_.end()) return it->second.factory();
    if (error) *error = "unknown plug-in '" + std::string(name) + "'; valid: " + names();
    return nullptr;
  }

  // "a, b, c" in name order.
  std::string names() const {
    std::string out;
    for (const auto& [name, entry] : entries_) out += (out.empty() ? "" : ", ") + name;
    return out.empty() ? "(none)" : out;
  }
  const std::map<std::string, Entry, std::less<>>& entries() const { return entries_; }

 private:
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace edgetwin::scheduler_plugins
