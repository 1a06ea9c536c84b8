// Selectors: sites and devices by exact name or glob, and the checks on what they pick.
#include <functional>

#include "scenarios/detail/builder.h"
#include "scenarios/detail/names.h"

namespace edgetwin::scenarios::detail {
namespace {

// The entries of `names` that a selector (a name, a glob, or a list of those) picks, in order,
// each once; exact names are looked up in `index`. nullopt when the selector is not a string
// or a list, or when one of it matches nothing: `miss` is then called with it and its path.
std::optional<std::vector<std::uint32_t>> select_names(
    const Json& selector, const std::string& path, const std::vector<std::string>& names,
    const std::unordered_map<std::string, std::uint32_t>& index,
    const std::function<void(const std::string& s, const std::string& at)>& miss) {
  std::vector<char> picked(names.size(), 0);
  bool ok = true;
  auto one = [&](const std::string& s, const std::string& at) {
    bool any = false;
    if (!has_wildcard(s)) {
      if (auto it = index.find(s); it != index.end()) {
        any = true;
        picked[it->second] = 1;
      }
    } else {
      for (std::size_t k = 0; k < names.size(); ++k) {
        if (glob_match(s, names[k])) {
          any = true;
          picked[k] = 1;
        }
      }
    }
    if (!any) {
      miss(s, at);
      ok = false;
    }
  };
  if (selector.is_string()) {
    one(selector.get<std::string>(), path);
  } else if (selector.is_array()) {
    for (std::size_t k = 0; k < selector.size(); ++k) {
      if (selector[k].is_string())
        one(selector[k].get<std::string>(), path + "/" + std::to_string(k));
    }
  } else {
    return std::nullopt;
  }
  if (!ok) return std::nullopt;
  std::vector<std::uint32_t> out;
  for (std::size_t k = 0; k < picked.size(); ++k) {
    if (picked[k]) out.push_back(static_cast<std::uint32_t>(k));
  }
  return out;
}

}  // namespace

// The sites a selector picks, in site order, each once; nullopt (reported) when a selector,
// or one of a list, matches nothing.
std::optional<Builder::Indices> Builder::select(const Json& selector, const std::string& path) {
  return select_names(selector, path, site_names_, site_index_,
                      [&](const std::string& s, const std::string& at) {
                        // When some site failed to expand, it may be that one: do not guess.
                        if (sites_incomplete_) return;
                        diag_.add(at, "'" + s + "' matches no site;" +
                                          (has_wildcard(s) ? "" : did_you_mean(s, site_names_)) +
                                          " sites: " + list_names(site_names_));
                      });
}

// The devices a device-name selector picks, in device order, each once; nullopt (reported)
// when a selector, or one of a list, matches nothing.
std::optional<Builder::Indices> Builder::select_devices(const Json& selector,
                                                        const std::string& path) {
  if (devices_incomplete_ || fleet_incomplete_) return std::nullopt;
  const auto& names = device_names();
  return select_names(
      selector, path, names, device_index_, [&](const std::string& s, const std::string& at) {
        diag_.add(at, "'" + s + "' matches no device;" +
                          (has_wildcard(s) ? "" : did_you_mean(s, names)) +
                          " devices are named <name>-<site>-<k>: " + list_names(names, 6));
      });
}

// A site given by exact name; nullopt (reported) when there is none.
std::optional<std::uint32_t> Builder::exact_site(const Json& v, const std::string& path) {
  if (!v.is_string()) return std::nullopt;
  const std::string& name = v.get_ref<const std::string&>();
  if (auto it = site_index_.find(name); it != site_index_.end()) return it->second;
  if (!sites_incomplete_) {
    diag_.add(path, "unknown site '" + name + "';" + did_you_mean(name, site_names_) +
                        " sites: " + list_names(site_names_));
  }
  return std::nullopt;
}

// The sites among `sites` that have no devices, reported at `path` as unable to do `what`.
void Builder::require_devices(const Indices& sites, const std::string& path, const char* what) {
  std::vector<std::string> empty;
  for (std::uint32_t s : sites) {
    if (sites_[s].devices == 0 && !sites_[s].maybe_devices && !fleet_incomplete_) {
      empty.push_back(sites_[s].name);
    }
  }
  if (!empty.empty()) {
    diag_.add(path, std::string(empty.size() == 1 ? "site " : "sites ") + list_names(empty, 5) +
                        (empty.size() == 1 ? " has" : " have") + " no devices " + what +
                        "; add a fleet entry there or narrow the selector");
  }
}

}  // namespace edgetwin::scenarios::detail
