#include "scheduler_plugins/rollout/builtins.h"

#include <stdexcept>

namespace edgetwin::scheduler_plugins::rollout {

bool register_builtin_rollout_strategies(Registry<RolloutStrategy>& registry, std::string* error) {
  const Registry<RolloutStrategy>::Entry entries[] = {
      {"all-at-once", "every target at once", [] { return make_all_at_once(); }},
      {"rolling", "Kubernetes Deployment RollingUpdate: maxSurge / maxUnavailable",
       [] { return make_rolling(); }},
      {"canary", "Argo Rollouts / Flagger canary: weight steps, pauses, analysis, rollback",
       [] { return make_canary(); }},
      {"exponential-waves",
       "AWS IoT Jobs: exponential rate, abort criteria, in-progress timeout, retries",
       [] { return make_exponential_waves(); }},
      {"blue-green", "Argo Rollouts blue-green: switch once the green set is healthy",
       [] { return make_blue_green(); }},
      {"maintenance-window", "start updates only inside each site's local maintenance window",
       [] { return make_maintenance_window(); }},
      {"bandwidth-waves", "cap on concurrent downloads per site or link",
       [] { return make_bandwidth_waves(); }},
      {"gated-waves", "Eclipse hawkBit: deployment groups with success and error thresholds",
       [] { return make_gated_waves(); }},
  };
  for (const auto& entry : entries) {
    if (!registry.add(entry, error)) return false;
  }
  return true;
}

Registry<RolloutStrategy>& rollout_registry() {
  static Registry<RolloutStrategy> registry = [] {
    Registry<RolloutStrategy> r;
    std::string error;
    if (!register_builtin_rollout_strategies(r, &error)) throw std::logic_error(error);
    return r;
  }();
  return registry;
}

std::unique_ptr<RolloutStrategy> make_strategy(std::string_view name, Params& params,
                                               std::vector<std::string>& errors) {
  std::string error;
  auto strategy = rollout_registry().create(name, &error);
  if (!strategy) {
    errors.push_back(params.where("strategy") + ": " + error);
    return nullptr;
  }
  strategy->configure(params);
  auto found = params.finish();
  if (found.empty()) return strategy;
  errors.insert(errors.end(), found.begin(), found.end());
  return nullptr;
}

std::vector<Params::Declared> strategy_parameters(std::string_view name, std::string* error) {
  auto strategy = rollout_registry().create(name, error);
  if (!strategy) return {};
  Params params;
  strategy->configure(params);
  return params.declared();
}

}  // namespace edgetwin::scheduler_plugins::rollout
