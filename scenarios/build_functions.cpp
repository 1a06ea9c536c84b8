// Images, functions and the registry site: the built-ins (models/function_catalog.h) with the
// scenario's overrides, checked once, and built into the FleetConfig on first use.
#include <algorithm>

#include "scenarios/detail/builder.h"
#include "scenarios/detail/names.h"
#include "scenarios/detail/values.h"

namespace edgetwin::scenarios::detail {
namespace {

std::vector<std::string> sorted_keys(const auto& map) {
  std::vector<std::string> names;
  for (const auto& [k, v] : map) names.push_back(k);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

void Builder::check_functions() {
  for (const models::Artifact& a : models::builtin_artifacts()) images_[a.name] = a;
  const Json& images = r_["images"];
  if (images.is_object()) {
    for (const auto& [name, entry] : images.items()) {
      if (!entry.is_object()) continue;
      const std::string path = "/images/" + pointer_escape(name);
      models::Artifact a;
      if (const models::Artifact* b = models::find_builtin_artifact(name)) a = *b;
      a.name = name;
      if (const std::string* kind = string_of(entry, "kind")) a.model = *kind == "model";
      const bool sized = entry.contains("size") || entry.contains("sizes");
      if (!sized && models::find_builtin_artifact(name) == nullptr) {
        diag_.add(path, "image '" + name + "' needs a size: give size (every architecture) or "
                        "sizes (per architecture)");
      }
      if (sized) a.size_by_arch.clear();
      if (auto it = entry.find("sizes"); it != entry.end() && it->is_object()) {
        for (const auto& [arch, size] : it->items()) {
          const auto parsed = size.is_string() ? sim::parse_size(size.get<std::string>())
                                               : sim::parse_size("");
          if (!parsed.ok() || parsed.value <= 0) {
            diag_.add(path + "/sizes/" + pointer_escape(arch),
                      "expected a positive size string such as \"840MB\", got " + size.dump());
            continue;
          }
          a.size_by_arch.emplace_back(arch, parsed.value);
        }
      }
      if (const std::string* size = string_of(entry, "size")) {
        if (auto p = sim::parse_size(*size); p.ok()) a.size_by_arch.emplace_back("", p.value);
      }
      images_[name] = std::move(a);
    }
  }

  const Json& functions = r_["functions"];
  if (functions.is_object()) {
    for (const auto& [name, entry] : functions.items()) {
      if (!entry.is_object()) continue;
      const std::string path = "/functions/" + pointer_escape(name);
      FunctionInfo f;
      if (const models::BuiltinFunction* b = models::find_builtin_function(name)) {
        f.base = *b;
        f.builtin = true;
      } else {
        f.base.name = name;
        f.base.memory_bytes = std::int64_t{128} << 20;
      }
      for (const char* key : {"image", "model"}) {
        const std::string* artifact = string_of(entry, key);
        if (!artifact) continue;
        if (images_.count(*artifact) == 0) {
          const std::string what = key[0] == 'i' ? "image" : "model";
          diag_.add(path + "/" + key, "unknown " + what + " '" + *artifact + "';" +
                                          did_you_mean(*artifact, sorted_keys(images_)) +
                                          " known: " + list_names(sorted_keys(images_), 99));
          continue;
        }
        (key[0] == 'i' ? f.base.image : f.base.model) = *artifact;
      }
      if (const std::string* m = string_of(entry, "memory")) {
        if (auto p = sim::parse_size(*m); p.ok()) f.base.memory_bytes = p.value;
      }
      if (const std::string* a = string_of(entry, "arch")) f.arch = *a;
      if (const std::string* a = string_of(entry, "accelerator")) f.base.accelerator = *a;
      if (auto work = seconds_of(entry, "work")) {
        f.base.work_s = *work;
        f.work_given = true;
      }
      if (auto it = entry.find("deadline"); it != entry.end()) {
        if (auto d = duration_of(*it)) f.deadline = *d;
      }
      if (auto it = entry.find("keep_alive"); it != entry.end()) {
        if (auto d = duration_of(*it)) f.keep_alive = *d;
      }
      if (auto it = entry.find("execution_times"); it != entry.end() && it->is_object()) {
        for (const auto& [type, fit] : it->items()) {
          const std::string at = path + "/execution_times/" + pointer_escape(type);
          if (types_.count(type) == 0) {
            unknown_type(at, "device type", type);
            continue;
          }
          if (auto d = bounded_lognormal(fit, at)) f.fits[type] = *d;
        }
      }
      functions_[name] = std::move(f);
    }
  }

  // The registry: a site by exact name, else the first cloud site, else the first site.
  if (const std::string* registry = string_of(r_, "registry")) {
    if (auto site = exact_site(r_["registry"], "/registry")) registry_ = *site;
    (void)registry;
  } else if (!sites_.empty()) {
    registry_ = 0;
    for (std::uint32_t s = 0; s < sites_.size(); ++s) {
      if (sites_[s].kind == "cloud") {
        registry_ = s;
        break;
      }
    }
    r_["registry"] = sites_[registry_].name;
    reorder(r_, scenario_spec());
  }
}

const Builder::FunctionInfo* Builder::function_info(const std::string& name,
                                                    const std::string& path) {
  if (auto it = functions_.find(name); it != functions_.end()) return &it->second;
  if (const models::BuiltinFunction* b = models::find_builtin_function(name)) {
    FunctionInfo f;
    f.base = *b;
    f.builtin = true;
    return &(functions_[name] = std::move(f));
  }
  std::vector<std::string> known;
  for (const auto& b : models::builtin_functions()) known.push_back(b.name);
  for (const auto& [k, v] : functions_) {
    if (!models::find_builtin_function(k)) known.push_back(k);
  }
  diag_.add(path, "unknown function '" + name + "';" + did_you_mean(name, known) +
                      " known functions: " + list_names(known, 99) +
                      " (declare new ones in \"functions\")");
  return nullptr;
}

std::int32_t Builder::artifact_index(const std::string& name, models::FleetConfig& out) {
  if (name.empty()) return -1;
  for (std::size_t i = 0; i < out.artifacts.size(); ++i) {
    if (out.artifacts[i].name == name) return static_cast<std::int32_t>(i);
  }
  out.artifacts.push_back(images_.at(name));
  return static_cast<std::int32_t>(out.artifacts.size() - 1);
}

std::int32_t Builder::function_index(const std::string& name, models::FleetConfig& out) {
  for (std::size_t i = 0; i < out.functions.size(); ++i) {
    if (out.functions[i].name == name) return static_cast<std::int32_t>(i);
  }
  const FunctionInfo& info = functions_.at(name);
  models::FunctionConfig f;
  f.name = name;
  f.image = artifact_index(info.base.image, out);
  f.model = artifact_index(info.base.model, out);
  f.memory_bytes = info.base.memory_bytes;
  f.arch = info.arch;
  f.accelerator = info.base.accelerator;
  f.work_s = info.base.work_s;
  f.deadline = info.deadline;
  f.keep_alive = info.keep_alive;
  // Per device type: a declared fit; else the built-in fit for the type's profile; else, for a
  // built-in function on a measured profile, "cannot run" (faas-sim lists no time there) unless
  // `work` was given; else the work fallback when there is work.
  using Exec = models::ExecutionTime;
  for (const models::DeviceType& t : out.types) {
    Exec e;
    if (auto it = info.fits.find(t.name); it != info.fits.end()) {
      e = {Exec::Kind::kFit, it->second};
    } else if (const auto* fit = info.builtin ? models::builtin_execution_time(name, t.fet_profile)
                                              : nullptr) {
      e = {Exec::Kind::kFit, *fit};
    } else if (info.builtin && models::is_measured_profile(t.fet_profile) && !info.work_given) {
      e.kind = Exec::Kind::kCannot;
    } else if (f.work_s > 0.0) {
      e.kind = Exec::Kind::kWork;
    }
    f.exec.push_back(e);
  }
  out.functions.push_back(std::move(f));
  return static_cast<std::int32_t>(out.functions.size() - 1);
}

// Every site of a function workload must have a device type that can run the function: a
// request that no device can run would be rejected on every arrival, most likely a mistake.
void Builder::check_placeable(const models::FleetConfig& out) {
  std::vector<std::vector<std::uint32_t>> site_types(out.sites.size());
  for (const models::DeviceConfig& d : out.devices) {
    auto& types = site_types[d.site];
    if (std::find(types.begin(), types.end(), d.type) == types.end()) types.push_back(d.type);
  }
  for (std::size_t w = 0; w < out.workloads.size(); ++w) {
    const models::WorkloadConfig& wl = out.workloads[w];
    if (wl.function < 0) continue;
    std::vector<std::string> sites;
    std::string reasons;
    for (std::uint32_t s : wl.sites) {
      bool any = false;
      std::string why;
      for (std::uint32_t t : site_types[s]) {
        const std::string reason = models::cannot_run_reason(out, wl.function, t);
        any = any || reason.empty();
        if (!reason.empty()) why += (why.empty() ? "" : "; ") + out.types[t].name + ": " + reason;
      }
      if (any) continue;
      if (sites.empty()) reasons = why;
      sites.push_back(out.sites[s].name);
    }
    if (sites.empty()) continue;
    diag_.add("/workloads/" + std::to_string(w) + "/function",
              "function '" + out.functions[wl.function].name + "' cannot run on any device of " +
                  (sites.size() == 1 ? "site " : std::to_string(sites.size()) + " sites: ") +
                  list_names(sites, 3) + " (" + reasons + ")");
  }
}

}  // namespace edgetwin::scenarios::detail
