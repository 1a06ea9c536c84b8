// The "scheduler" section: plug-in names resolved in the placement registry (which holds the
// built-ins and the plug-ins loaded with --plugin), the profile's defaults written into the
// resolved scenario, and FleetConfig::make_placement.
#include <algorithm>

#include "scenarios/detail/builder.h"
#include "scenarios/detail/values.h"
#include "scheduler_plugins/placement/plugins.h"

namespace edgetwin::scenarios::detail {
namespace sp = scheduler_plugins::placement;

void Builder::check_scheduler() {
  if (!r_.contains("scheduler") || !r_["scheduler"].is_object()) return;
  Json& s = r_["scheduler"];
  sp::SchedulerConfig config;
  config.architecture = s["architecture"].get<std::string>();
  config.threads = s["threads"].get<int>();
  // The profile's lists where the scenario gives none (recorded in the resolved scenario).
  const std::vector<sp::ProfilePlugin> profile = sp::kube_default_profile();
  if (!s.contains("filter")) {
    Json filter = Json::array();
    for (const sp::ProfilePlugin& p : profile) {
      if (p.filter) filter.push_back(p.name);
    }
    s["filter"] = filter;
  }
  if (!s.contains("score")) {
    Json score = Json::array();
    for (const sp::ProfilePlugin& p : profile) {
      if (p.weight > 0) score.push_back({{"name", p.name}, {"weight", p.weight}});
    }
    s["score"] = score;
  }
  reorder(s, spec_at({"scheduler"}));
  bool ok = true;
  const auto& registry = sp::placement_registry();
  // Each name must be registered and implement the extension point it is listed for.
  auto plugin_at = [&](const std::string& name, const std::string& path, bool filter) {
    std::string error;
    std::unique_ptr<sp::Plugin> plugin = registry.create(name, &error);
    if (!plugin) {
      diag_.add(path, error);
      return false;
    }
    if (filter ? !plugin->has_filter() : !plugin->has_score()) {
      diag_.add(path, "plug-in '" + name + "' has no " + (filter ? "filter" : "score") +
                          "; list it under " + (filter ? "score" : "filter") + " instead");
      return false;
    }
    return true;
  };
  auto find = [&](const std::string& name) {
    return std::find_if(config.plugins.begin(), config.plugins.end(),
                        [&](const sp::ProfilePlugin& p) { return p.name == name; });
  };
  const Json& filter = s["filter"];
  for (std::size_t i = 0; i < filter.size(); ++i) {
    const std::string path = "/scheduler/filter/" + std::to_string(i);
    if (!filter[i].is_string()) {
      ok = false;
      continue;
    }
    const std::string name = filter[i].get<std::string>();
    if (find(name) != config.plugins.end()) {
      diag_.add(path, "plug-in '" + name + "' is listed twice");
      ok = false;
    } else if (plugin_at(name, path, true)) {
      config.plugins.push_back({name, true, 0});
    } else {
      ok = false;
    }
  }
  const Json& score = s["score"];
  for (std::size_t i = 0; i < score.size(); ++i) {
    const std::string path = "/scheduler/score/" + std::to_string(i);
    if (!score[i].is_object() || !score[i].contains("name") || !score[i]["name"].is_string() ||
        !score[i].contains("weight") || !score[i]["weight"].is_number_integer()) {
      ok = false;  // reported by the generic pass
      continue;
    }
    const std::string name = score[i]["name"].get<std::string>();
    const auto weight = score[i]["weight"].get<std::int64_t>();
    if (weight < 1) {
      ok = false;
      continue;
    }
    auto it = find(name);
    if (it != config.plugins.end() && it->weight > 0) {
      diag_.add(path + "/name", "plug-in '" + name + "' is listed twice");
      ok = false;
    } else if (!plugin_at(name, path + "/name", false)) {
      ok = false;
    } else if (it != config.plugins.end()) {
      it->weight = weight;
    } else {
      config.plugins.push_back({name, false, weight});
    }
  }
  config.percentage_of_nodes_to_score = s["percentage_of_nodes_to_score"].get<int>();
  const Json& cost = s["cost"];
  const auto per_cycle = duration_of(cost["per_cycle"]);
  const auto per_filtered = duration_of(cost["per_node_filtered"]);
  const auto per_scored = duration_of(cost["per_node_scored"]);
  const auto initial = duration_of(s["backoff"]["initial"]);
  const auto max = duration_of(s["backoff"]["max"]);
  if (!per_cycle || !per_filtered || !per_scored || !initial || !max) return;
  if (*max < *initial) {
    diag_.add("/scheduler/backoff/max", "max (" + s["backoff"]["max"].get<std::string>() +
                                            ") must be at least initial (" +
                                            s["backoff"]["initial"].get<std::string>() + ")");
    ok = false;
  }
  config.cost = {*per_cycle, *per_filtered, *per_scored};
  config.backoff = {*initial, *max};
  if (ok) scheduler_ = std::move(config);
}

void Builder::build_scheduler(models::FleetConfig& out) {
  if (scheduler_) out.make_placement = sp::fleet_policy_factory(*scheduler_);
}

}  // namespace edgetwin::scenarios::detail
