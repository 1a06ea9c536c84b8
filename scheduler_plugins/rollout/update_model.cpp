#include "scheduler_plugins/rollout/update_model.h"

#include <algorithm>
#include <set>

namespace edgetwin::scheduler_plugins::rollout {

std::int64_t ComponentVersion::size_for(std::string_view arch) const {
  std::int64_t any = -1;
  for (const auto& s : sizes) {
    if (s.arch == arch) return s.bytes;
    if (s.arch.empty()) any = s.bytes;
  }
  return any;
}

bool TargetGroup::matches(std::span<const Label> labels) const {
  return std::all_of(selector.begin(), selector.end(), [&](const Label& want) {
    return std::find(labels.begin(), labels.end(), want) != labels.end();
  });
}

namespace {

const std::string* installed_version(const Versions& installed, std::string_view component) {
  auto it = std::lower_bound(installed.begin(), installed.end(), component,
                             [](const auto& entry, std::string_view c) { return entry.first < c; });
  return it != installed.end() && it->first == component ? &it->second : nullptr;
}

}  // namespace

bool needs_update(const TargetGroup& group, const Versions& installed) {
  return std::any_of(group.components.begin(), group.components.end(), [&](const auto& c) {
    const std::string* v = installed_version(installed, c.component);
    return v == nullptr || *v != c.version;
  });
}

void install(const TargetGroup& group, Versions& installed) {
  for (const auto& c : group.components) {
    auto it = std::lower_bound(
        installed.begin(), installed.end(), c.component,
        [](const auto& entry, const std::string& name) { return entry.first < name; });
    if (it != installed.end() && it->first == c.component) {
      it->second = c.version;
    } else {
      installed.insert(it, {c.component, c.version});
    }
  }
}

DesiredState resolve(const DeploymentManifest& manifest,
                     const std::vector<std::vector<Label>>& device_labels,
                     const std::vector<Versions>& installed, std::string_view path,
                     std::vector<std::string>& errors) {
  DesiredState out;
  out.group.assign(device_labels.size(), -1);
  std::vector<std::uint32_t> members(manifest.groups.size(), 0);
  for (std::size_t d = 0; d < device_labels.size(); ++d) {
    for (std::size_t g = 0; g < manifest.groups.size(); ++g) {
      if (!manifest.groups[g].matches(device_labels[d])) continue;
      out.group[d] = static_cast<std::int32_t>(g);
      ++members[g];
      if (needs_update(manifest.groups[g], installed[d])) {
        out.targets.push_back(static_cast<std::uint32_t>(d));
      }
      break;
    }
  }
  for (std::size_t g = 0; g < manifest.groups.size(); ++g) {
    if (members[g] != 0) continue;
    const TargetGroup& group = manifest.groups[g];
    std::string selector;
    for (const auto& [k, v] : group.selector)
      selector += (selector.empty() ? "" : ",") + k + "=" + v;
    errors.push_back(std::string(path) + "/groups/" + std::to_string(g) + " (" + group.name +
                     "): empty target group: selector '" + selector +
                     "' matches no device not already taken by an earlier group");
  }
  return out;
}

const char* update_outcome_name(UpdateOutcome outcome) {
  switch (outcome) {
    case UpdateOutcome::kSucceeded:
      return "succeeded";
    case UpdateOutcome::kDownloadInterrupted:
      return "download_interrupted";
    case UpdateOutcome::kInstallFailed:
      return "install_failed";
    case UpdateOutcome::kBootLoopRolledBack:
      return "boot_loop_rolled_back";
    case UpdateOutcome::kBricked:
      return "bricked";
  }
  return "?";
}

TargetState target_state(UpdateOutcome outcome) {
  return outcome == UpdateOutcome::kSucceeded ? TargetState::kSucceeded : TargetState::kFailed;
}

bool apply_outcome(const TargetGroup& group, UpdateOutcome outcome, Versions& installed) {
  if (outcome == UpdateOutcome::kSucceeded) install(group, installed);
  return outcome == UpdateOutcome::kBricked;
}

UpdateOutcome draw_outcome(const OutcomeProbabilities& p, sim::RandomStream& rng) {
  double u = rng.uniform01();
  const std::pair<double, UpdateOutcome> order[] = {
      {p.download_interrupted, UpdateOutcome::kDownloadInterrupted},
      {p.install_failed, UpdateOutcome::kInstallFailed},
      {p.boot_loop, UpdateOutcome::kBootLoopRolledBack},
      {p.bricked, UpdateOutcome::kBricked},
  };
  for (const auto& [prob, outcome] : order) {
    if (u < prob) return outcome;
    u -= prob;
  }
  return UpdateOutcome::kSucceeded;
}

const OutcomeProbabilities& FailureTable::lookup(std::string_view version,
                                                 std::string_view device_type) const {
  const OutcomeProbabilities* best = &fallback;
  int best_rank = -1;  // the first rule of the highest rank wins
  for (const auto& r : rules) {
    if (!r.version.empty() && r.version != version) continue;
    if (!r.device_type.empty() && r.device_type != device_type) continue;
    const int rank = (r.version.empty() ? 0 : 2) + (r.device_type.empty() ? 0 : 1);
    if (rank > best_rank) {
      best = &r.p;
      best_rank = rank;
    }
  }
  return *best;
}

const UpdateTimes& UpdateModel::times(std::string_view device_type) const {
  for (const auto& [type, t] : times_by_type) {
    if (type == device_type) return t;
  }
  return default_times;
}

namespace {

void check_probabilities(const OutcomeProbabilities& p, const std::string& where,
                         std::vector<std::string>& errors) {
  const std::pair<const char*, double> each[] = {{"download_interrupted", p.download_interrupted},
                                                 {"install_failed", p.install_failed},
                                                 {"boot_loop", p.boot_loop},
                                                 {"bricked", p.bricked}};
  for (const auto& [name, v] : each) {
    if (!(v >= 0.0 && v <= 1.0)) {
      errors.push_back(where + "/" + name + ": a probability in [0, 1], got " + std::to_string(v));
    }
  }
  if (p.success() < -1e-12) {
    errors.push_back(where + ": failure probabilities sum to " + std::to_string(1.0 - p.success()) +
                     ", above 1");
  }
}

// Non-negative draws: a constant >= 0, an exponential mean > 0, a uniform with 0 <= low <= high,
// a lognormal or Weibull (always positive) with valid parameters; a normal can go negative.
void check_duration(const sim::Distribution& d, const std::string& where,
                    std::vector<std::string>& errors) {
  using K = sim::Distribution::Kind;
  bool ok = true;
  switch (d.kind) {
    case K::kConstant:
      ok = d.a >= 0.0;
      break;
    case K::kExponential:
      ok = d.a > 0.0;
      break;
    case K::kUniform:
      ok = d.a >= 0.0 && d.a <= d.b;
      break;
    case K::kNormal:
      ok = false;
      break;
    case K::kLognormal:
      ok = d.b >= 0.0;
      break;
    case K::kWeibull:
      ok = d.a > 0.0 && d.b > 0.0;
      break;
  }
  if (!ok) {
    errors.push_back(where + ": a time distribution must not draw negative values (" +
                     d.kind_name() + " with " + std::to_string(d.a) + ", " + std::to_string(d.b) +
                     ")");
  }
}

void check_times(const UpdateTimes& t, const std::string& where, std::vector<std::string>& errors) {
  check_duration(t.install_s, where + "/install", errors);
  check_duration(t.reboot_s, where + "/reboot", errors);
  check_duration(t.health_check_s, where + "/health_check", errors);
  check_duration(t.repair_s, where + "/repair", errors);
}

}  // namespace

std::vector<std::string> UpdateModel::validate(std::string_view path) const {
  std::vector<std::string> errors;
  const std::string root(path);
  if (manifest.groups.empty()) errors.push_back(root + "/manifest/groups: no target group");
  for (std::size_t g = 0; g < manifest.groups.size(); ++g) {
    const TargetGroup& group = manifest.groups[g];
    const std::string gp = root + "/manifest/groups/" + std::to_string(g);
    if (group.components.empty()) errors.push_back(gp + "/components: no component to deploy");
    for (const auto& [k, v] : group.selector) {
      if (k.empty()) errors.push_back(gp + "/selector: an empty label key");
    }
    std::set<std::string> seen;
    for (std::size_t c = 0; c < group.components.size(); ++c) {
      const ComponentVersion& cv = group.components[c];
      const std::string cp = gp + "/components/" + std::to_string(c);
      if (cv.component.empty()) errors.push_back(cp + "/component: empty name");
      if (cv.version.empty()) errors.push_back(cp + "/version: empty version");
      if (!seen.insert(cv.component).second) {
        errors.push_back(cp + "/component: '" + cv.component + "' listed twice in the group");
      }
      for (std::size_t s = 0; s < cv.sizes.size(); ++s) {
        if (cv.sizes[s].bytes < 0) {
          errors.push_back(cp + "/sizes/" + std::to_string(s) + ": expected a size >= 0, got " +
                           std::to_string(cv.sizes[s].bytes));
        }
      }
    }
  }
  check_probabilities(failures.fallback, root + "/failures/default", errors);
  for (std::size_t r = 0; r < failures.rules.size(); ++r) {
    check_probabilities(failures.rules[r].p, root + "/failures/rules/" + std::to_string(r), errors);
  }
  check_times(default_times, root + "/times/default", errors);
  for (const auto& [type, t] : times_by_type) check_times(t, root + "/times/" + type, errors);
  return errors;
}

}  // namespace edgetwin::scheduler_plugins::rollout
