#include <algorithm>
#include <ctime>
#include <cstdio>
#include <iostream>
#include <memory>
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
#include "sim/mpi_exchange.h"
#include "sim/parallel_engine.h"
#include "sim/phold_model.h"
#include "sim/units.h"

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

struct PholdOptions {
  std::string model = "hold", engine = "parallel", lookahead = "100us", mean = "1ms", until;
  std::int64_t lps = 100'000, events_per_lp = 1, partitions = 16, threads = 1;
  double remote = 0.25;
  std::uint64_t seed = 1;
};

sim::Time duration_option(const char* name, const std::string& text) {
  const sim::Parsed<sim::Time> t = sim::parse_duration(text);
  if (!t.ok()) throw BadInput{std::string("--") + name + ": " + t.error};
  return t.value;
}

// CPU seconds of the whole process (every thread), to read a rate on a machine shared with others.
double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

std::uint32_t count_option(const char* name, std::int64_t value, std::int64_t max) {
  if (value < 1 || value > max) {
    throw BadInput{std::string("--") + name + ": expected 1 to " + std::to_string(max) + ", got " +
                   std::to_string(value)};
  }
  return static_cast<std::uint32_t>(value);
}

// PHOLD (sim/phold_model.h) on the sequential or the parallel engine: a warm-up to a tenth of the
// horizon, then the timed run to the horizon.
int bench_phold(const po::variables_map& vm, const PholdOptions& o, const std::string& list_name) {
  const sim::EventListKind list = parse_event_list(list_name);
  const bool parallel = o.engine == "parallel";
  if (!parallel && o.engine != "sequential") {
    throw BadInput{"--engine: unknown engine '" + o.engine + "'; valid: sequential, parallel"};
  }
  sim::PholdConfig config;
  config.lps = count_option("lps", o.lps, 1 << 24);
  config.events_per_lp = count_option("events-per-lp", o.events_per_lp, 1 << 20);
  config.partitions = count_option("partitions", o.partitions, std::min<std::int64_t>(1024, o.lps));
  const auto threads = static_cast<int>(count_option("threads", o.threads, 1024));
  if (!(o.remote >= 0.0 && o.remote <= 1.0))
    throw BadInput{"--remote: expected a fraction in [0, 1]"};
  if (o.remote > 0.0 && config.partitions < 2) {
    throw BadInput{"--remote: events go to other partitions, so --partitions must be at least 2"};
  }
  config.remote = o.remote;
  config.lookahead = duration_option("lookahead", o.lookahead);
  config.mean = duration_option("mean", o.mean);
  config.seed = o.seed;
  if (config.lookahead < 1) {
    throw BadInput{
        "--lookahead: must be positive: the parallel engine advances in windows of one "
        "lookahead, and PHOLD's delays are at least the lookahead"};
  }
  if (config.mean < config.lookahead) throw BadInput{"--mean: must be at least --lookahead"};
  const sim::Time until = o.until.empty() ? 100 * config.mean : duration_option("until", o.until);
  if (until < 10) throw BadInput{"--until: expected at least 10ns"};
  const bool fingerprint = vm.count("fingerprint") != 0;
  std::unique_ptr<sim::RankExchange> ranks;
  if (vm.count("mpi")) {
    if (!parallel) throw BadInput{"--mpi: needs --engine parallel"};
    if (!sim::mpi_built()) {
      throw BadInput{
          "--mpi: this edgetwin was built without MPI (configure with "
          "-DEDGETWIN_WITH_MPI=ON)"};
    }
    ranks = sim::make_mpi_exchange();
  }
  const bool printer = ranks == nullptr || ranks->rank() == 0;

  sim::PholdModel model(config);
  sim::RunStats stats;
  std::uint64_t total = 0, fingerprint_value = 0, windows = 0, cross = 0;
  int threads_used = 1;
  double cpu0 = 0.0, cpu1 = 0.0;
  if (parallel) {
    sim::ParallelEngine engine(model.partition_map(), config.lookahead, threads, list, ranks.get());
    if (fingerprint) engine.enable_fingerprint();
    model.start(engine);
    engine.run(model, until / 10);
    cpu0 = process_cpu_seconds();
    stats = engine.run(model, until);
    cpu1 = process_cpu_seconds();
    total = engine.events_handled();
    fingerprint_value = engine.fingerprint();
    windows = engine.stats().windows;
    cross = engine.stats().cross_events;
    threads_used = engine.threads_used();
  } else {
    sim::Engine engine(config.lps, list);
    if (fingerprint) engine.enable_fingerprint();
    model.start(engine);
    engine.run(model, until / 10);
    cpu0 = process_cpu_seconds();
    stats = engine.run(model, until);
    cpu1 = process_cpu_seconds();
    total = engine.events_handled();
    fingerprint_value = engine.fingerprint();
  }
  const double rate = double(stats.events) / stats.wall_seconds;
  if (!printer) return kExitOk;
  if (vm.count("json")) {
    std::printf(
        "{\"benchmark\":\"engine\",\"model\":\"phold\",\"ranks\":%d,\"engine\":\"%s\",\"event_"
        "list\":\"%s\","
        "\"lps\":%u,\"events_per_lp\":%u,\"remote\":%g,\"lookahead_ns\":%lld,\"mean_ns\":%lld,"
        "\"partitions\":%u,\"threads\":%d,\"threads_used\":%d,\"until_ns\":%lld,\"seed\":%llu,"
        "\"events_total\":%llu,\"windows\":%llu,\"cross_partition_events\":%llu,"
        "\"events\":%llu,\"wall_s\":%.6f,\"cpu_s\":%.6f,\"events_per_s\":%.0f",
        ranks ? ranks->ranks() : 1, o.engine.c_str(), list_name.c_str(), config.lps,
        config.events_per_lp, config.remote, static_cast<long long>(config.lookahead),
        static_cast<long long>(config.mean), config.partitions, parallel ? threads : 1,
        threads_used, static_cast<long long>(until), static_cast<unsigned long long>(config.seed),
        static_cast<unsigned long long>(total), static_cast<unsigned long long>(windows),
        static_cast<unsigned long long>(cross), static_cast<unsigned long long>(stats.events),
        stats.wall_seconds, cpu1 - cpu0, rate);
    if (fingerprint) {
      std::printf(",\"fingerprint\":\"%016llx\"",
                  static_cast<unsigned long long>(fingerprint_value));
    }
    std::printf("}\n");
  } else {
    std::printf(
        "phold, %s engine (%d threads), %u LPs in %u partitions, %u events per LP, "
        "%.0f%% remote: %llu events in %.3f s = %.2f M events/s (%llu windows)\n",
        o.engine.c_str(), parallel ? threads_used : 1, config.lps, config.partitions,
        config.events_per_lp, 100.0 * config.remote, static_cast<unsigned long long>(stats.events),
        stats.wall_seconds, rate / 1e6, static_cast<unsigned long long>(windows));
    if (fingerprint) {
      std::printf("fingerprint %016llx\n", static_cast<unsigned long long>(fingerprint_value));
    }
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
  PholdOptions phold;
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
      ("engine", po::value(&phold.engine)->default_value(phold.engine),
       "phold: sequential or parallel")
      ("partitions", po::value(&phold.partitions)->default_value(phold.partitions),
       "phold: partitions (contiguous blocks of LPs; part of the model, not of the run)")
      ("lps", po::value(&phold.lps)->default_value(phold.lps), "phold: logical processes")
      ("events-per-lp", po::value(&phold.events_per_lp)->default_value(phold.events_per_lp),
       "phold: initial events per LP")
      ("remote", po::value(&phold.remote)->default_value(phold.remote),
       "phold: fraction of events sent to another partition")
      ("lookahead", po::value(&phold.lookahead)->default_value(phold.lookahead),
       "phold: minimum delay, e.g. 100us")
      ("mean", po::value(&phold.mean)->default_value(phold.mean),
       "phold: mean delay: lookahead + Exp(mean - lookahead)")
      ("until", po::value(&phold.until), "phold: simulated horizon (default 100 * mean)")
      ("fingerprint", "phold: also print the event-sequence fingerprint")
      ("mpi", "phold: spread the partitions over the MPI ranks (run under mpirun; needs a build "
              "with EDGETWIN_WITH_MPI)")
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
       "scheduler: worker threads of --arch parallel (decisions do not depend on it); "
       "phold: of the parallel engine (results do not depend on it)")
      ("flow-batch", po::value(&placement.batch_size)->default_value(placement.batch_size),
       "scheduler: pods per min-cost-flow problem of --arch batch")
      ("edge-share", po::value(&placement.edge_share)->default_value(placement.edge_share),
       "scheduler: fraction of nodes that are edge devices")
      ("templates", po::value(&placement.templates)->default_value(placement.templates),
       "scheduler: pod templates (deployments)")
      ("seed", po::value(&placement.seed)->default_value(placement.seed),
       "scheduler: seed of the cluster and the workload; phold: random seed")
      ("json", "print one JSON object: {\"events_per_s\": ...} (engine) or "
               "{\"flow_changes_per_s\": ...} (network), {\"placements_per_s\": ...} (scheduler)");
  FederatedBenchOptions federated;
  add_federated_options(options, federated);
  const po::variables_map vm = parse_options(args, options, "what");
  if (vm.count("help") || what.empty()) {
    std::cout << "Throughput figures for CI gates. `engine`: the hold model (each event schedules\n"
                 "one more at now + Exp(1ms)) on the sequential engine, or with --model phold the\n"
                 "PHOLD model on the sequential or the parallel engine. `network`: exact max-min\n"
                 "re-solves under flow churn (one flow finishes, another starts). `scheduler`:\n"
                 "pods of generated deployments placed one by one on a generated cluster.\n\n"
              << options << "\n";
    return what.empty() && !vm.count("help") ? kExitBadInput : kExitOk;
  }
  if (what == "engine") {
    // --model is shared with `bench federated`, --seed and --threads with `bench scheduler`.
    phold.model = vm["model"].defaulted() ? "hold" : federated.model;
    phold.seed = placement.seed;
    phold.threads = placement.threads;
    if (phold.model == "phold") return bench_phold(vm, phold, list);
    if (phold.model != "hold") {
      throw BadInput{"--model: unknown model '" + phold.model + "'; valid: hold, phold"};
    }
    for (const char* name : {"engine", "threads", "partitions", "lps", "events-per-lp", "remote",
                             "lookahead", "mean", "until", "seed", "fingerprint", "mpi"}) {
      if (vm.count(name) && !vm[name].defaulted()) {
        throw BadInput{std::string("--") + name + " applies to --model phold only"};
      }
    }
    return bench_engine(vm, pending, events, list);
  }
  if (what == "network") {
    churn.same_instant = vm.count("same-instant") != 0;
    return bench_network(vm, churn);
  }
  if (what == "scheduler") return bench_scheduler(vm, placement, arch);
  if (what == "federated") return bench_federated(vm, federated);
  throw BadInput{"unknown benchmark '" + what + "'; valid: engine, federated, network, scheduler"};
}

}  // namespace edgetwin::cli
