// The built-in rollout strategies (docs/rollouts.md gives each one's semantics, parameters and
// the system it follows), the process-wide registry, and the closed forms they rest on.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "scheduler_plugins/registry.h"
#include "scheduler_plugins/rollout/params.h"
#include "scheduler_plugins/rollout/strategy.h"

namespace edgetwin::scheduler_plugins::rollout {

std::unique_ptr<RolloutStrategy> make_all_at_once();
std::unique_ptr<RolloutStrategy> make_rolling();             // Kubernetes Deployment
std::unique_ptr<RolloutStrategy> make_canary();              // Argo Rollouts / Flagger
std::unique_ptr<RolloutStrategy> make_exponential_waves();   // AWS IoT Jobs
std::unique_ptr<RolloutStrategy> make_blue_green();          // Argo Rollouts blue-green
std::unique_ptr<RolloutStrategy> make_maintenance_window();  // AWS IoT Jobs maintenanceWindows
std::unique_ptr<RolloutStrategy> make_bandwidth_waves();     // KubeEdge concurrency, per link
std::unique_ptr<RolloutStrategy> make_gated_waves();         // Eclipse hawkBit rollout groups

// Registers every built-in under its name(). False when a name is taken; `error` says which.
bool register_builtin_rollout_strategies(Registry<RolloutStrategy>& registry,
                                         std::string* error = nullptr);

// The process-wide rollout registry that scenarios resolve names in: the built-ins, registered
// on first use, plus whatever out-of-tree libraries loaded with `--plugin` add. Not thread-safe
// while plug-ins are being added; read-only afterwards.
Registry<RolloutStrategy>& rollout_registry();

// Creates `name` from rollout_registry() and configures it with `params`. nullptr when the name
// is unknown (the message lists the valid ones, at `params`' path + "/strategy") or a parameter
// is wrong; `errors` then holds every problem.
std::unique_ptr<RolloutStrategy> make_strategy(std::string_view name, Params& params,
                                               std::vector<std::string>& errors);

// The parameters `name` declares (key, type, default, range), in the order it reads them: from
// the strategy's own configure(), so help text, docs and a JSON Schema cannot drift from it.
// Empty with `error` set when the name is unknown.
std::vector<Params::Declared> strategy_parameters(std::string_view name, std::string* error);

// Kubernetes' ResolveFenceposts (pkg/controller/deployment/util): maxSurge resolved against the
// replicas rounding up, maxUnavailable rounding down; when both come out 0, maxUnavailable is 1
// so that the rollout can proceed.
struct Fenceposts {
  std::int64_t surge = 0;
  std::int64_t unavailable = 0;
};
Fenceposts resolve_fenceposts(CountOrPercent max_surge, CountOrPercent max_unavailable,
                              std::int64_t replicas);

// AWS IoT Jobs exponential rate, as exponential-waves paces it: the gap between notifications
// at a rate of rate_milli / 1000 things per minute, in ns (floored); and the rate after one
// increase by a factor given in tenths (20 = x2.0), floored to a thousandth and capped.
sim::Time notification_gap(std::int64_t rate_milli);
std::int64_t increased_rate(std::int64_t rate_milli, std::int64_t factor_tenths,
                            std::int64_t max_rate_milli);

// ceil(percent x total / 100) in integers: how many targets a canary weight covers.
std::uint32_t weight_targets(std::int64_t percent, std::uint32_t total);

}  // namespace edgetwin::scheduler_plugins::rollout
