#include "scheduler_plugins/placement/policy.h"

#include <algorithm>

#include "models/fleet_config.h"

namespace edgetwin::scheduler_plugins::placement {
namespace {

// "a, b, c" sorted, at most 20 names then "...".
std::string known_list(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i == 20) return out + ", ...";
    out += (i == 0 ? "" : ", ") + names[i];
  }
  return out.empty() ? "(none)" : out;
}

std::vector<std::string> site_names(const NodeTable& nodes) {
  std::vector<std::string> out;
  for (int s = 0; s < nodes.site_count(); ++s) out.push_back(nodes.site_name(s));
  return out;
}

// A capability annotation as a (key, value) node attribute; false when it is none of the forms.
bool parse_capability(const std::string& text, Label& out, bool& accelerator_unit) {
  accelerator_unit = false;
  if (text == "gpu" || text == "tpu") {
    out = {"accelerator", text};
    accelerator_unit = true;
    return true;
  }
  const std::size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) return false;
  out = {text.substr(0, eq), text.substr(eq + 1)};
  return true;
}

void parse_capabilities(const std::vector<std::string>& texts, const std::string& path,
                        bool required, EdgePodSpec& edge, std::vector<std::string>& errors) {
  for (std::size_t i = 0; i < texts.size(); ++i) {
    Label capability;
    bool unit = false;
    if (!parse_capability(texts[i], capability, unit)) {
      errors.push_back(path + "/" + std::to_string(i) + ": unknown capability '" + texts[i] +
                       "'; known: gpu, tpu, arch=ARCH, accelerator=KIND, KEY=VALUE (a node label)");
      continue;
    }
    if (required) {
      edge.capabilities.push_back(capability);
      if (unit) edge.accelerators = 1;
    } else {
      edge.preferred_capabilities.push_back(capability);
    }
  }
}

}  // namespace

bool compile_policy(const FunctionPolicy& policy, const PodSpec& base, const PolicyContext& context,
                    std::string_view path_view, CompiledPolicy& out,
                    std::vector<std::string>& errors) {
  const std::size_t errors_before = errors.size();
  const std::string path(path_view);
  const NodeTable& nodes = *context.nodes;
  const PolicyWeights& w = context.weights;
  PodSpec pod = base;
  EdgePodSpec& edge = pod.edge;
  std::vector<WeightedPlugin> plugins;

  // deadline
  if (policy.deadline) {
    if (*policy.deadline <= 0) {
      errors.push_back(path + "/deadline: expected a positive duration, got " +
                       std::to_string(*policy.deadline) + " ns");
    }
    edge.deadline = *policy.deadline;
  }

  // fn(node, capability)
  parse_capabilities(policy.capabilities, path + "/capability", true, edge, errors);
  parse_capabilities(policy.preferred_capabilities, path + "/prefer", false, edge, errors);

  // data(network, strict): the named networks' sites, as a mask by site id.
  if (!policy.data_networks.empty()) edge.allowed_sites.assign(nodes.site_count(), 0);
  for (std::size_t i = 0; i < policy.data_networks.size(); ++i) {
    const std::string& name = policy.data_networks[i];
    const std::string at = path + "/data_network/" + std::to_string(i);
    const NamedNetwork* network = nullptr;
    for (const NamedNetwork& n : context.networks) {
      if (n.name == name) network = &n;
    }
    if (network == nullptr) {
      std::vector<std::string> known;
      for (const NamedNetwork& n : context.networks) known.push_back(n.name);
      errors.push_back(at + ": unknown network '" + name + "'; known: " + known_list(known));
      continue;
    }
    for (const std::string& site : network->sites) {
      const int id = nodes.site_id(site);
      if (id < 0) {
        errors.push_back(at + ": network '" + name + "' names unknown site '" + site +
                         "'; known: " + known_list(site_names(nodes)));
        continue;
      }
      edge.allowed_sites[id] = 1;
    }
  }
  if (policy.strict && policy.data_networks.empty()) {
    errors.push_back(path + "/strict: strict needs data_network (the networks data may move in)");
  }
  edge.strict = policy.strict;
  for (std::size_t i = 0; i < policy.data.size(); ++i) {
    const DataAnnotation& d = policy.data[i];
    const std::string at = path + "/data/" + std::to_string(i);
    const int id = nodes.site_id(d.site);
    if (id < 0) {
      errors.push_back(at + "/site: unknown site '" + d.site +
                       "'; known: " + known_list(site_names(nodes)));
    }
    if (d.bytes < 0) {
      errors.push_back(at + "/bytes: expected a size >= 0, got " + std::to_string(d.bytes));
    }
    edge.data.push_back({id, std::max<std::int64_t>(d.bytes, 0)});
  }

  // Where requests come from, and the extras.
  if (!policy.source_site.empty()) {
    edge.source_site = nodes.site_id(policy.source_site);
    if (edge.source_site < 0) {
      errors.push_back(path + "/source: unknown site '" + policy.source_site +
                       "'; known: " + known_list(site_names(nodes)));
    }
  }
  if (policy.proximity_to_data && policy.data.empty()) {
    errors.push_back(path + "/near_data: near_data needs data (where the data lives)");
  }
  edge.proximity_to_data = policy.proximity_to_data;
  if (policy.min_battery) {
    const double f = *policy.min_battery;
    if (!(f >= 0.0 && f <= 1.0)) {
      errors.push_back(path + "/min_battery: expected a fraction in [0, 1], got " +
                       std::to_string(f));
    }
    edge.min_battery = f;
  }

  // Fan-out: one placement per device of the user, pinned.
  std::vector<int> user_nodes;
  if (!policy.user.empty()) {
    const Label wanted{context.user_label, policy.user};
    for (int n = 0; n < nodes.size(); ++n) {
      const std::vector<Label>& labels = nodes.labels_[n];
      if (std::find(labels.begin(), labels.end(), wanted) != labels.end()) user_nodes.push_back(n);
    }
    if (user_nodes.empty()) {
      errors.push_back(path + "/user: no device carries the label " + context.user_label + "=" +
                       policy.user);
    }
  }
  if (errors.size() != errors_before) return false;

  if (!policy.user.empty()) plugins.push_back({"NodeName", 1});
  if (!edge.capabilities.empty() || !edge.preferred_capabilities.empty() ||
      !edge.exec_s_by_type.empty()) {
    plugins.push_back({"CapabilityMatch", w.capability});
  }
  if (!edge.data.empty() || !policy.data_networks.empty()) {
    plugins.push_back({"DataLocality", w.data_locality});
  }
  if (policy.min_battery) plugins.push_back({"BatteryAware", w.battery});
  if (policy.deadline) plugins.push_back({"DeadlineFeasibility", w.deadline});
  if (edge.source_site >= 0 || edge.proximity_to_data) {
    plugins.push_back({"Proximity", w.proximity});
  }
  if (policy.energy_aware) plugins.push_back({"EnergyPerRequest", w.energy});

  out.plugins = std::move(plugins);
  out.pods.clear();
  if (user_nodes.empty()) {
    out.pods.push_back(std::move(pod));
  } else {
    for (int n : user_nodes) {
      out.pods.push_back(pod);
      out.pods.back().edge.node = n;
    }
  }
  return true;
}

bool add_policy_plugins(const CompiledPolicy& policy, Framework& framework,
                        const Registry<Plugin>& registry, std::string* error) {
  for (const WeightedPlugin& p : policy.plugins) {
    std::unique_ptr<Plugin> plugin = registry.create(p.name, error);
    if (plugin == nullptr) return false;
    if (!framework.add_plugin(std::move(plugin), p.weight, error)) return false;
  }
  return true;
}

std::vector<double> expected_execution_s(const models::FleetConfig& config, std::size_t function) {
  const models::FunctionConfig& fn = config.functions.at(function);
  std::vector<double> out(config.types.size(), -1.0);
  for (std::size_t t = 0; t < config.types.size(); ++t) {
    if (!models::cannot_run_reason(config, function, t).empty()) continue;
    const models::ExecutionTime& e = fn.exec[t];
    out[t] = e.kind == models::ExecutionTime::Kind::kFit ? e.fit.mean()
                                                         : fn.work_s / config.types[t].core_speed;
  }
  return out;
}

}  // namespace edgetwin::scheduler_plugins::placement
