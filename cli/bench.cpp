#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "cli/bench_federated.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "sim/engine.h"
#include "network/flow_churn.h"
#include "scheduler_plugins/placement/placement_bench.h"
#include "sim/hold_model.h"

namespace po = boost::program_options;

namespace edgetwin::cli {
namespace {

int bench_engine(const po::variables_map& vm, std::uint64_t pending, std::uint64_t events,
                 const std::string& list_name) {
  const sim::EventListKind list = parse_event_list(list_name);
  if (pending == 0) throw BadInput{"--pending: expected a positive number"};
  sim::HoldModel model(1, sim::kMillisecond);
  sim::Engine engine(1, list);
  model.start(engine, pending);
  engine.run_events(model, std::min<std::uint64_t>(events / 10, 1'000'000));  // warm-up
  const sim::RunStats stats = engine.run_events(model, events);
  const double rate = double(stats.events) / stats.wall_seconds;
  if (vm.count("json")) {
    std::printf(
        "{\"benchmark\":\"engine\",\"model\":\"hold\",\"event_list\":\"%s\",\"pending\":%llu,"
        "\"events\":%llu,\"wall_s\":%.6f,\"events_per_s\":%.0f,\"threads\":1}\n",
        list_name.c_str(), static_cast<unsigned long long>(pending),
        static_cast<unsigned long long>(stats.events), stats.wall_seconds, rate);
  } else {
    std::printf("hold model, %s event list, %llu pending: %llu events in %.3f s = %.2f M events/s\n",
                list_name.c_str(), static_cast<unsigned long long>(pending),
                static_cast<unsigned long long>(stats.events), stats.wall_seconds, rate / 1e6);
  }
  return kExitOk;
}

int bench_network(const po::variables_map& vm, const network::FlowChurnConfig& config) {
  if (config.flows == 0 || config.flows > 10'000'000 || config.hosts < 2 * config.sites ||
      config.sites < 2 || config.hosts > 10'000'000) {
    throw BadInput{"bench network: needs 0 < --flows <= 1e7, --sites >= 2 and "
                   "2 * --sites <= --hosts <= 1e7"};
  }
  if (!(config.local >= 0.0 && config.local <= 1.0)) {
    throw BadInput{"--local: expected a fraction in [0, 1]"};
  }
  const network::FlowChurnResult r = network::run_flow_churn(config);
  if (vm.count("json")) {
    std::printf(
        "{\"benchmark\":\"network\",\"hosts\":%u,\"sites\":%u,\"flows\":%u,\"local\":%g,"
        "\"same_instant\":%s,\"changes\":%u,\"wall_s\":%.6f,\"cpu_s\":%.6f,"
        "\"flow_changes_per_s\":%.0f,\"flow_changes_per_cpu_s\":%.0f,"
        "\"rerated_per_change\":%.1f,\"changed_per_change\":%.1f,"
        "\"classes_rerated_per_change\":%.1f,\"classes_changed_per_change\":%.1f,"
        "\"classes_filled_per_change\":%.1f,\"fills_per_change\":%.2f,\"classes\":%zu,"
        "\"pruned_links\":%zu,\"load_pruned_links\":%zu,\"prunes\":%llu,\"unprunes\":%llu,"
        "\"retries\":%llu,\"level_work_per_change\":%.1f,\"ripple_share\":%.3f}\n",
        config.hosts, config.sites, config.flows, config.local,
        config.same_instant ? "true" : "false", config.changes, r.wall_s, r.cpu_s,
        r.flow_changes_per_s, r.flow_changes_per_cpu_s, r.rerated_per_change,
        r.changed_per_change, r.classes_rerated_per_change, r.classes_changed_per_change,
        r.classes_filled_per_change, r.fills_per_change, r.classes, r.pruned_links,
        r.load_pruned_links, static_cast<unsigned long long>(r.prunes),
        static_cast<unsigned long long>(r.unprunes), static_cast<unsigned long long>(r.retries),
        r.level_work_per_change, r.ripple_share);
  } else {
    std::printf("flow churn, %u flows on %u hosts in %u sites, %.0f%% site-local: "
                "%.0f flow changes/s (%.0f per CPU second; %.1f flows re-solved, %.1f rates "
                "changed, %.1f rate classes filled per change; %zu classes, %zu links pruned)\n",
                config.flows, config.hosts, config.sites, 100.0 * config.local,
                r.flow_changes_per_s, r.flow_changes_per_cpu_s, r.rerated_per_change,
                r.changed_per_change, r.classes_filled_per_change, r.classes, r.pruned_links);
  }
  return kExitOk;
}

int bench_scheduler(const po::variables_map& vm,
                    scheduler_plugins::placement::PlacementBenchConfig config,
                    const std::string& arch) {
  config.arch = arch;
  if (!(config.edge_share >= 0.0 && config.edge_share <= 1.0)) {
    throw BadInput{"--edge-share: expected a fraction in [0, 1]"};
  }
  if (config.templates < 1) throw BadInput{"--templates: expected a positive count"};
  scheduler_plugins::placement::PlacementBenchResult r;
  try {
    r = scheduler_plugins::placement::run_placement_bench(config);
  } catch (const std::invalid_argument& e) {
    throw BadInput{e.what()};
  }
  if (vm.count("json")) {
    std::printf(
        "{\"benchmark\":\"scheduler\",\"arch\":\"%s\",\"nodes\":%d,\"scorers\":%d,"
        "\"sample_pct\":%d,\"pods\":%d,\"templates\":%d,\"edge_share\":%g,\"seed\":%llu,"
        "\"placed\":%d,\"unschedulable\":%d,\"wall_s\":%.6f,\"cpu_s\":%.6f,"
        "\"placements_per_s\":%.0f,\"placements_per_cpu_s\":%.0f,\"nodes_recomputed\":%lld,"
        "\"rebuilds\":%lld,\"decisions_hash\":\"%016llx\",\"threads\":%d,\"flow_batch\":%d}\n",
        arch.c_str(), config.nodes, config.scorers, config.sample_pct, config.pods,
        config.templates, config.edge_share, static_cast<unsigned long long>(config.seed),
        r.placed, r.unschedulable, r.wall_s, r.cpu_s, r.placements_per_s, r.placements_per_cpu_s,
        static_cast<long long>(r.nodes_recomputed), static_cast<long long>(r.rebuilds),
        static_cast<unsigned long long>(r.decisions_hash), config.threads, config.batch_size);
  } else {
    std::printf("%s scheduler, %d nodes, %d scorers, %d%% scored: %d pods (%d unschedulable) in "
                "%.3f s = %.0f placements/s (%.0f per CPU second)\n",
                arch.c_str(), config.nodes, config.scorers, config.sample_pct, config.pods,
                r.unschedulable, r.wall_s, r.placements_per_s, r.placements_per_cpu_s);
  }
  return kExitOk;
}

}  // namespace

int bench_command(const std::vector<std::string>& args) {
  po::options_description options("edgetwin bench engine [options]");
  std::string what, list;
  std::uint64_t pending = 10'000, events = 10'000'000;
  network::FlowChurnConfig churn;
  scheduler_plugins::placement::PlacementBenchConfig placement;
  std::string arch;
  options.add_options()
      ("help,h", "show this help")
      ("what", po::value(&what), "what to measure: engine or network")
      ("pending", po::value(&pending)->default_value(pending), "events pending in the event list")
      ("events", po::value(&events)->default_value(events), "events to handle (after a warm-up)")
      ("event-list", po::value(&list)->default_value("ladder"), "engine: ladder or heap")
      ("hosts", po::value(&churn.hosts)->default_value(churn.hosts), "network: hosts")
      ("sites", po::value(&churn.sites)->default_value(churn.sites), "network: sites")
      ("flows", po::value(&churn.flows)->default_value(churn.flows), "network: concurrent flows")
      ("changes", po::value(&churn.changes)->default_value(churn.changes),
       "network: finish + start pairs to time")
      ("local", po::value(&churn.local)->default_value(churn.local),
       "network: fraction of new flows that stay inside their site")
      ("same-instant", "network: finish and start at one instant (one solve per pair)")
      ("nodes", po::value(&placement.nodes)->default_value(placement.nodes),
       "scheduler: cluster nodes (Google 2011 trace mix + edge devices)")
      ("scorers", po::value(&placement.scorers)->default_value(placement.scorers),
       "scheduler: score plug-ins, 1..20 (docs/scheduling.md)")
      ("sample-pct", po::value(&placement.sample_pct)->default_value(placement.sample_pct),
       "scheduler: percentage of nodes to score, 0 = adaptive (framework only)")
      ("pods", po::value(&placement.pods)->default_value(placement.pods),
       "scheduler: pods placed one after another")
      ("arch", po::value(&arch)->default_value("incremental"),
       "scheduler: incremental, framework, parallel or batch")
      ("threads", po::value(&placement.threads)->default_value(placement.threads),
       "scheduler: worker threads of --arch parallel (decisions do not depend on it)")
      ("flow-batch", po::value(&placement.batch_size)->default_value(placement.batch_size),
       "scheduler: pods per min-cost-flow problem of --arch batch")
      ("edge-share", po::value(&placement.edge_share)->default_value(placement.edge_share),
       "scheduler: fraction of nodes that are edge devices")
      ("templates", po::value(&placement.templates)->default_value(placement.templates),
       "scheduler: pod templates (deployments)")
      ("seed", po::value(&placement.seed)->default_value(placement.seed),
       "scheduler: seed of the cluster and the workload")
      ("json", "print one JSON object: {\"events_per_s\": ...} (engine) or "
               "{\"flow_changes_per_s\": ...} (network), {\"placements_per_s\": ...} (scheduler)");
  FederatedBenchOptions federated;
  add_federated_options(options, federated);
  const po::variables_map vm = parse_options(args, options, "what");
  if (vm.count("help") || what.empty()) {
    std::cout << "Throughput figures for CI gates. `engine`: the hold model (each event schedules\n"
                 "one more at now + Exp(1ms)) on the sequential engine. `network`: exact max-min\n"
                 "re-solves under flow churn (one flow finishes, another starts). `scheduler`:\n"
                 "pods of generated deployments placed one by one on a generated cluster.\n\n"
              << options << "\n";
    return what.empty() && !vm.count("help") ? kExitBadInput : kExitOk;
  }
  if (what == "engine") return bench_engine(vm, pending, events, list);
  if (what == "network") {
    churn.same_instant = vm.count("same-instant") != 0;
    return bench_network(vm, churn);
  }
  if (what == "scheduler") return bench_scheduler(vm, placement, arch);
  if (what == "federated") return bench_federated(vm, federated);
  throw BadInput{"unknown benchmark '" + what + "'; valid: engine, federated, network, scheduler"};
}

}  // namespace edgetwin::cli
