// The edgetwin executable end to end: every example scenario runs and its result file reads back;
// the same scenario and seed give identical result datasets.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>

#include "analysis/results.h"
#include "tests/end_to_end/cli_runner.h"

namespace edgetwin {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> examples() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(EDGETWIN_EXAMPLES)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Every dataset and every attribute but the wall-clock time.
void expect_same_results(const analysis::ResultFile& a, const analysis::ResultFile& b) {
  EXPECT_EQ(a.scenario_json, b.scenario_json);
  EXPECT_EQ(a.text_attributes, b.text_attributes);
  auto numeric = [](analysis::ResultFile f) {
    f.numeric_attributes.erase("wall_seconds");
    return f.numeric_attributes;
  };
  EXPECT_EQ(numeric(a), numeric(b));
  auto summary = [](std::map<std::string, double> s) {
    s.erase("wall_s");
    return s;
  };
  EXPECT_EQ(summary(a.summary), summary(b.summary));
  auto same_table = [](const analysis::Table& x, const analysis::Table& y, const std::string& what) {
    EXPECT_EQ(x.rows, y.rows) << what;
    EXPECT_EQ(x.column_names, y.column_names) << what;
    EXPECT_EQ(x.numeric, y.numeric) << what;
    EXPECT_EQ(x.integer, y.integer) << what;
    EXPECT_EQ(x.text, y.text) << what;
  };
  same_table(a.devices, b.devices, "/devices");
  ASSERT_EQ(a.timeseries.size(), b.timeseries.size());
  for (const auto& [name, table] : a.timeseries) same_table(table, b.timeseries.at(name), name);
  ASSERT_EQ(a.events.size(), b.events.size());
  for (const auto& [name, table] : a.events) same_table(table, b.events.at(name), name);
}

TEST(EndToEnd, EveryExampleScenarioRunsAndItsResultFileReadsBack) {
  const auto files = examples();
  ASSERT_GE(files.size(), 3u);
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.filename().string());
    const std::string out = work(file.stem().string() + ".h5");
    fs::remove(out);
    const Command c = cli("run " + file.string() + " -o " + out + " --json");
    ASSERT_EQ(c.exit_code, 0) << c.out;
    ASSERT_TRUE(fs::exists(out));
    const analysis::ResultFile r = analysis::read_results(out);
    // The --json summary on stdout is the /summary group of the file.
    EXPECT_NE(c.out.find("\"requests\":"), std::string::npos);
    EXPECT_NE(c.out.find("\"latency_p99_s\":"), std::string::npos);
    EXPECT_GT(r.summary.at("requests"), 0.0);
    EXPECT_GT(r.summary.at("events"), 0.0);
    EXPECT_EQ(r.summary.at("events"), r.numeric_attributes.at("events"));
    EXPECT_LE(r.summary.at("latency_p50_s"), r.summary.at("latency_p95_s"));
    EXPECT_LE(r.summary.at("latency_p95_s"), r.summary.at("latency_p99_s"));
    EXPECT_GT(r.devices.rows, 0u);
    EXPECT_FALSE(r.scenario_json.empty());
    EXPECT_FALSE(r.timeseries.empty());
    EXPECT_EQ(r.text_attributes.at("created_by"), "edgetwin run");
    // One row per recorded request, unless the scenario turned request rows off.
    const auto& requests = r.events.at("requests");
    const bool rows_on = r.scenario_json.find("\"request_events\": false") == std::string::npos;
    EXPECT_EQ(static_cast<double>(requests.rows), rows_on ? r.summary.at("requests") : 0.0);
    fs::remove(out);
  }
}

TEST(EndToEnd, TheSameScenarioAndSeedGiveIdenticalResultDatasets) {
  const std::string a = work("det-a.h5"), b = work("det-b.h5"), c = work("det-c.h5");
  const std::string scenario = std::string(EDGETWIN_EXAMPLES) + "/default.json";
  ASSERT_EQ(cli("run " + scenario + " -q -o " + a + " --seed 7").exit_code, 0);
  ASSERT_EQ(cli("run " + scenario + " -q -o " + b + " --seed 7").exit_code, 0);
  // Another event list must not change a single value. (--threads is accepted and recorded; the
  // engine is sequential until the parallel engine lands, so today this pins only the event list
  // and the flag's handling, not parallel determinism.)
  ASSERT_EQ(cli("run " + scenario + " -q -o " + c + " --seed 7 --event-list heap --threads 2").exit_code, 0);
  const auto ra = analysis::read_results(a), rb = analysis::read_results(b),
             rc = analysis::read_results(c);
  expect_same_results(ra, rb);
  // threads and event_list are recorded as run facts; everything the model produced is equal.
  auto strip = [](analysis::ResultFile f) {
    f.text_attributes.erase("event_list");
    f.numeric_attributes.erase("threads");
    return f;
  };
  expect_same_results(strip(ra), strip(rc));
  // A different seed gives different requests.
  const std::string d = work("det-d.h5");
  ASSERT_EQ(cli("run " + scenario + " -q -o " + d + " --seed 8").exit_code, 0);
  EXPECT_NE(analysis::read_results(d).summary.at("latency_mean_s"), ra.summary.at("latency_mean_s"));
  for (const auto& f : {a, b, c, d}) fs::remove(f);
}

TEST(EndToEnd, TheTraceReplayExampleGivesIdenticalResultsForTheSameSeed) {
  // Trace files are found beside the scenario whatever the working directory; the Azure
  // replay's spread and thinning draw from the seed, so the same seed gives the same datasets
  // and another seed other arrival times.
  const std::string scenario = std::string(EDGETWIN_EXAMPLES) + "/trace-replay.json";
  const std::string a = work("trace-a.h5"), b = work("trace-b.h5"), c = work("trace-c.h5");
  ASSERT_EQ(cli("run " + scenario + " -q -o " + a).exit_code, 0);
  ASSERT_EQ(cli("run " + scenario + " -q -o " + b).exit_code, 0);
  ASSERT_EQ(cli("run " + scenario + " -q -o " + c + " --seed 8").exit_code, 0);
  const auto ra = analysis::read_results(a), rb = analysis::read_results(b),
             rc = analysis::read_results(c);
  expect_same_results(ra, rb);
  EXPECT_NE(ra.summary.at("latency_mean_s"), rc.summary.at("latency_mean_s"));
  for (const auto& f : {a, b, c}) fs::remove(f);
}

TEST(EndToEnd, TheNetworkExampleRecordsLinksTransfersMessagesAndOutagesDeterministically) {
  const std::string scenario = std::string(EDGETWIN_EXAMPLES) + "/network-outages.json";
  const std::string a = work("net-a.h5"), b = work("net-b.h5");
  const Command c = cli("run " + scenario + " -o " + a + " --json");
  ASSERT_EQ(c.exit_code, 0) << c.out;
  ASSERT_EQ(cli("run " + scenario + " -q -o " + b + " --event-list heap").exit_code, 0);
  const auto ra = analysis::read_results(a), rb = analysis::read_results(b);
  // Identical network datasets whatever the event list.
  for (const char* table : {"transfers", "messages", "outages", "requests"}) {
    EXPECT_EQ(ra.events.at(table).integer, rb.events.at(table).integer) << table;
    EXPECT_EQ(ra.events.at(table).text, rb.events.at(table).text) << table;
  }
  EXPECT_EQ(ra.timeseries.size(), rb.timeseries.size());
  for (const auto& [name, table] : ra.timeseries) {
    EXPECT_EQ(table.numeric, rb.timeseries.at(name).numeric) << name;
  }
  const auto& s = ra.summary;
  const auto& transfers = ra.events.at("transfers");
  const auto& messages = ra.events.at("messages");
  EXPECT_EQ(static_cast<double>(transfers.rows), s.at("transfers"));
  EXPECT_EQ(static_cast<double>(messages.rows), s.at("messages"));
  EXPECT_GT(s.at("transfers_delivered"), 50.0);
  EXPECT_GT(s.at("messages_late"), 0.0);  // telemetry waited out the outages
  EXPECT_GT(s.at("outages"), 2.0);
  EXPECT_GT(s.at("network_bytes"), 1e8);
  EXPECT_LE(s.at("transfer_time_p50_s"), s.at("transfer_time_p99_s"));
  EXPECT_NE(c.out.find("\"network_bytes\":"), std::string::npos);  // in the --json summary
  // Each delivered message left its queue no earlier than it was sent and arrived later still.
  const auto& sent = messages.integer.at("sent_ns");
  const auto& left = messages.integer.at("transmit_ns");
  const auto& arrived = messages.integer.at("delivered_ns");
  for (std::size_t i = 0; i < messages.rows; ++i) {
    ASSERT_LE(sent[i], left[i]);
    ASSERT_LE(left[i], arrived[i]);
  }
  // Links: every directed link listed, site links carried traffic, utilisation series present.
  EXPECT_GT(ra.links.rows, 0u);
  bool any_util = false;
  for (const auto& [name, table] : ra.timeseries) any_util |= name.rfind("link_util.", 0) == 0;
  EXPECT_TRUE(any_util);
  for (const auto& f : {a, b}) fs::remove(f);
}

TEST(EndToEnd, TheSchedulerExampleRecordsItsPlacementsIdenticallyWithOneOrTwoThreads) {
  // Placements are decided by a policy that draws nothing at random, in simulated time: the same
  // scenario and seed give the same datasets, /events/placements included, for --threads 1 and 2.
  const std::string scenario = std::string(EDGETWIN_EXAMPLES) + "/scheduler-placement.json";
  const std::string a = work("sched-a.h5"), b = work("sched-b.h5");
  ASSERT_EQ(cli("run " + scenario + " -q -o " + a + " --threads 1").exit_code, 0);
  ASSERT_EQ(cli("run " + scenario + " -q -o " + b + " --threads 2").exit_code, 0);
  const auto ra = analysis::read_results(a), rb = analysis::read_results(b);
  auto strip = [](analysis::ResultFile f) {
    f.numeric_attributes.erase("threads");
    return f;
  };
  expect_same_results(strip(ra), strip(rb));
  const analysis::Table& p = ra.events.at("placements");
  ASSERT_GT(p.rows, 0u);
  // Every placement is placed, withdrawn, rejected or pending; the summary counts them.
  std::map<std::string, double> outcomes;
  for (const std::string& o : p.text.at("outcome")) outcomes[o] += 1.0;
  EXPECT_EQ(outcomes["placed"], ra.summary.at("placements"));
  EXPECT_EQ(outcomes["withdrawn"], ra.summary.at("placements_withdrawn"));
  EXPECT_EQ(outcomes["pending"], ra.summary.at("placements_pending"));
  EXPECT_EQ(outcomes["placed"] + outcomes["withdrawn"] + outcomes["pending"] + outcomes["rejected"],
            static_cast<double>(p.rows));
  // A placed row names a device; with a scheduler every cold start comes from a placement (one
  // decided just before the end may not have started).
  for (std::size_t i = 0; i < p.rows; ++i) {
    if (p.text.at("outcome")[i] != "placed") continue;
    EXPECT_LT(p.integer.at("device")[i], static_cast<std::int64_t>(ra.devices.rows));
    EXPECT_GE(p.integer.at("decided_ns")[i], p.integer.at("queued_ns")[i]);
  }
  EXPECT_LE(ra.summary.at("cold_starts"), ra.summary.at("placements"));
  EXPECT_GT(ra.summary.at("cold_starts"), 0.0);
  EXPECT_LE(ra.summary.at("scheduling_latency_p50_s"), ra.summary.at("scheduling_latency_p99_s"));
  for (const auto& f : {a, b}) fs::remove(f);
}

TEST(EndToEnd, RunWithoutAScenarioRunsTheBundledDefault) {
  const std::string out = work("bundled.h5");
  const Command c = cli("run -q -o " + out + " --json");
  ASSERT_EQ(c.exit_code, 0);
  EXPECT_EQ(c.out.front(), '{');
  EXPECT_EQ(std::count(c.out.begin(), c.out.end(), '\n'), 1);  // one JSON object, one line
  fs::remove(out);
}

TEST(EndToEnd, EveryCommandHasHelpAndUnknownCommandsExitTwo) {
  for (const char* command : {"run", "validate", "bench"}) {
    const Command c = cli(std::string(command) + " --help");
    EXPECT_EQ(c.exit_code, 0) << command;
    EXPECT_NE(c.out.find("--help"), std::string::npos) << command;
  }
  EXPECT_EQ(cli("frobnicate 2>/dev/null").exit_code, 2);
  EXPECT_EQ(cli("run --no-such-option 2>/dev/null").exit_code, 2);
  EXPECT_EQ(cli("bench teleport 2>/dev/null").exit_code, 2);
}

TEST(EndToEnd, AnUnwritableOutputIsBadInputFoundBeforeTheRun) {
  const std::string scenario = std::string(EDGETWIN_EXAMPLES) + "/mm1.json";
  EXPECT_EQ(cli("run " + scenario + " -o /nonexistent-dir/x.h5 2>/dev/null").exit_code, 2);
  EXPECT_EQ(cli("run " + scenario + " -o " + std::string(EDGETWIN_WORK_DIR) + " 2>/dev/null").exit_code, 2);
  EXPECT_FALSE(fs::exists("/nonexistent-dir"));
}

TEST(EndToEnd, BenchEnginePrintsEventsPerSecondAsJson) {
  const Command c = cli("bench engine --pending 1000 --events 200000 --json");
  ASSERT_EQ(c.exit_code, 0);
  EXPECT_EQ(c.out.rfind("{", 0), 0u);
  EXPECT_NE(c.out.find("\"events_per_s\":"), std::string::npos);
  EXPECT_NE(c.out.find("\"events\":200000"), std::string::npos);
}

TEST(EndToEnd, BenchEnginePholdPrintsEventsPerSecondThreadsAndTheClosedFormCount) {
  // mean == lookahead == 100 us: each of the 1,000 LPs' event chains fires at 100 us, 200 us, ...,
  // 1 ms, so 1,000 * 10 = 10,000 events by the horizon, whatever the engine and the threads.
  const std::string args = "bench engine --model phold --lps 1000 --partitions 4 --mean 100us "
                           "--lookahead 100us --until 1ms --json";
  const Command c = cli(args + " --threads 2");
  ASSERT_EQ(c.exit_code, 0) << c.out;
  EXPECT_EQ(c.out.rfind("{", 0), 0u);
  EXPECT_NE(c.out.find("\"events_per_s\":"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("\"threads\":2"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("\"events_total\":10000,"), std::string::npos) << c.out;
  const Command s = cli(args + " --engine sequential");
  ASSERT_EQ(s.exit_code, 0) << s.out;
  EXPECT_NE(s.out.find("\"events_total\":10000,"), std::string::npos) << s.out;
}

TEST(EndToEnd, BenchEnginePholdRefusesBadOptionsNamingThem) {
  const std::string phold = "bench engine --model phold --lps 1000 --until 1ms ";
  const std::pair<std::string, std::string> cases[] = {
      {"--lookahead 0", "--lookahead: must be positive"},
      {"--lookahead 5", "--lookahead: "},  // no unit
      {"--remote 1.5", "--remote: expected a fraction in [0, 1]"},
      {"--events-per-lp -5", "--events-per-lp: expected 1 to"},
      {"--partitions 1", "--partitions must be at least 2"},
      {"--mean 10us", "--mean: must be at least --lookahead"},
      {"--engine warp", "--engine: unknown engine 'warp'; valid: sequential, parallel"},
      {"--threads 0", "--threads: expected 1 to"},
      {"--mpi --engine sequential", "--mpi: needs --engine parallel"},
  };
  for (const auto& [option, message] : cases) {
    const Command c = cli(phold + option + " 2>&1");
    EXPECT_EQ(c.exit_code, 2) << option;
    EXPECT_NE(c.out.find(message), std::string::npos) << option << ": " << c.out;
    EXPECT_EQ(c.out.find("events_per_s"), std::string::npos) << option;  // no partial output
  }
  const Command model = cli("bench engine --model warp 2>&1");
  EXPECT_EQ(model.exit_code, 2);
  EXPECT_NE(model.out.find("--model: unknown model 'warp'; valid: hold, phold"), std::string::npos);
  const Command hold = cli("bench engine --threads 2 2>&1");
  EXPECT_EQ(hold.exit_code, 2);
  EXPECT_NE(hold.out.find("--threads applies to --model phold only"), std::string::npos);
}

TEST(EndToEnd, BenchSchedulerPrintsPlacementsPerSecondAndEqualDecisionsAsJson) {
  const Command inc = cli("bench scheduler --nodes 600 --pods 400 --scorers 10 --json");
  ASSERT_EQ(inc.exit_code, 0);
  EXPECT_EQ(inc.out.rfind("{\"benchmark\":\"scheduler\"", 0), 0u);
  EXPECT_NE(inc.out.find("\"placements_per_s\":"), std::string::npos);
  EXPECT_NE(inc.out.find("\"nodes\":600,\"scorers\":10,"), std::string::npos);
  const Command fw = cli("bench scheduler --nodes 600 --pods 400 --arch framework --json");
  ASSERT_EQ(fw.exit_code, 0);
  const auto hash = [](const std::string& out) {
    const std::size_t at = out.find("\"decisions_hash\":");
    return at == std::string::npos ? std::string("none") : out.substr(at, 36);
  };
  EXPECT_EQ(hash(inc.out), hash(fw.out));  // exhaustive-equivalent, pod by pod
}

TEST(EndToEnd, BenchSchedulerRejectsBadOptionsWithExitTwo) {
  for (const char* args : {"--arch teleport", "--sample-pct 50", "--arch framework --sample-pct 101",
                           "--scorers 21", "--scorers 0", "--nodes -5", "--pods 0",
                           "--edge-share 2", "--templates 0"}) {
    const Command c = cli(std::string("bench scheduler --nodes 50 --pods 5 ") + args + " 2>&1");
    EXPECT_EQ(c.exit_code, 2) << args;
    EXPECT_EQ(c.out.find("{"), std::string::npos) << args;  // no partial output
    EXPECT_NE(c.out.find("--"), std::string::npos) << args << ": " << c.out;  // names the option
  }
}

TEST(EndToEnd, BenchFederatedTrainsAndRefusesBadSettingsWithExitTwo) {
  const std::string base = "bench federated --data synthetic --clients 20 --rounds 3 ";
  const Command ok = cli(base + "--per-round 5 --json");
  ASSERT_EQ(ok.exit_code, 0);
  EXPECT_EQ(ok.out.rfind("{\"benchmark\":\"federated\"", 0), 0u);
  EXPECT_NE(ok.out.find("\"final_accuracy\":"), std::string::npos);
  const std::pair<const char*, const char*> bad[] = {
      {"--per-round 21", "per_round: 21 clients per round out of 20 clients"},
      {"--alpha 0", "Dirichlet alpha must be a positive number"},
      {"--strategy fedsgd", "valid: fedadam, fedavg, fedbuff, fedprox, fedyogi"},
      {"--model cnn", "unknown model 'cnn'; valid: mlp, softmax"},
      {"--compression zip", "unknown compression 'zip'"},
  };
  for (const auto& [option, message] : bad) {
    const Command c = cli(base + option + " 2>&1");
    EXPECT_EQ(c.exit_code, 2) << option;
    EXPECT_NE(c.out.find(message), std::string::npos) << option << ": " << c.out;
    EXPECT_EQ(c.out.find("{"), std::string::npos) << option;  // no partial output
  }
  const Command missing = cli("bench federated --data /nonexistent-fl-dir --rounds 1 2>&1");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.out.find("/nonexistent-fl-dir/train-images-idx3-ubyte.gz: cannot open"),
            std::string::npos)
      << missing.out;
}

TEST(EndToEnd, BenchFederatedSimulateRunsInSimulatedTimeAndRefusesBadFleets) {
  const std::string base = "bench federated --simulate --data synthetic --clients 20 --rounds 3 ";
  const Command ok = cli(base + "--per-round 5 --over-selection 0.2 --mtbf 1h --json");
  ASSERT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_EQ(ok.out.rfind("{\"benchmark\":\"federated-simulated\"", 0), 0u);
  EXPECT_NE(ok.out.find("\"completed\":true"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("\"rounds\":3,"), std::string::npos) << ok.out;
  const std::pair<const char*, const char*> bad[] = {
      {"--fleet rpi4,rpi9", "fleet: unknown device type 'rpi9'; valid: rpi3"},
      {"--access dsl", "access: unknown preset 'dsl'; valid: ethernet"},
      {"--deadline -3s", "deadline: negative duration"},
      {"--over-selection -1", "over_selection: expected >= 0"},
      {"--site-size 0", "site-size: expected a positive integer"},
  };
  for (const auto& [option, message] : bad) {
    const Command c = cli(base + option + " 2>&1");
    EXPECT_EQ(c.exit_code, 2) << option;
    EXPECT_NE(c.out.find(message), std::string::npos) << option << ": " << c.out;
    EXPECT_EQ(c.out.find("{"), std::string::npos) << option;  // no partial output
  }
}

TEST(EndToEnd, ValidatePrintsTheResolvedScenarioAndTheSchema) {
  const std::string scenario = std::string(EDGETWIN_EXAMPLES) + "/default.json";
  const Command printed = cli("validate " + scenario + " --print");
  ASSERT_EQ(printed.exit_code, 0);
  EXPECT_NE(printed.out.find("\"sample_interval\""), std::string::npos);  // a default, filled in
  const Command schema = cli("validate --schema");
  ASSERT_EQ(schema.exit_code, 0);
  EXPECT_NE(schema.out.find("\"$schema\""), std::string::npos);
}

TEST(EndToEnd, PluginLibrariesLoadBeforeAnyCommandAndAMissingOneIsBadInput) {
  const std::string scenario = std::string(EDGETWIN_EXAMPLES) + "/mm1.json";
  const std::string plugin = EDGETWIN_EXAMPLE_PLUGIN;
  EXPECT_EQ(cli("validate " + scenario + " --plugin " + plugin).exit_code, 0);
  EXPECT_EQ(cli("bench engine --pending 100 --events 1000 --plugin=" + plugin).exit_code, 0);
  // The same library twice: its plug-in's name is taken the second time.
  const Command twice = cli("validate " + scenario + " --plugin " + plugin + " --plugin " + plugin +
                            " 2>&1");
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.out.find("'LabelMatch' is already registered"), std::string::npos) << twice.out;
  // A missing library: exit 2, the path named, and no result file.
  const std::string out = work("plugin_missing.h5");
  fs::remove(out);
  const Command missing = cli("run " + scenario + " -o " + out + " --plugin no/such/lib.so 2>&1");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(
      missing.out.find("edgetwin run: --plugin: plug-in library 'no/such/lib.so': no such file"),
      std::string::npos)
      << missing.out;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(cli("validate " + scenario + " --plugin 2>/dev/null").exit_code, 2);
}

TEST(EndToEnd, BenchSchedulerRunsTheParallelAndBatchArchitectures) {
  const auto hash = [](const std::string& out) {
    const std::size_t at = out.find("\"decisions_hash\":");
    return at == std::string::npos ? std::string("none") : out.substr(at, 36);
  };
  const Command fw = cli("bench scheduler --nodes 600 --pods 400 --arch framework --json");
  ASSERT_EQ(fw.exit_code, 0);
  for (const char* threads : {"1", "2"}) {
    const Command par = cli(std::string("bench scheduler --nodes 600 --pods 400 --arch parallel ") +
                            "--threads " + threads + " --json");
    ASSERT_EQ(par.exit_code, 0) << threads;
    EXPECT_EQ(hash(par.out), hash(fw.out)) << threads << " threads";  // the same decisions
    EXPECT_NE(par.out.find(std::string("\"threads\":") + threads), std::string::npos);
  }
  const Command batch =
      cli("bench scheduler --nodes 600 --pods 400 --arch batch --flow-batch 32 --json");
  ASSERT_EQ(batch.exit_code, 0);
  EXPECT_NE(batch.out.find("\"arch\":\"batch\""), std::string::npos);
  EXPECT_NE(batch.out.find("\"flow_batch\":32}"), std::string::npos);
  for (const char* args :
       {"--arch parallel --threads 0", "--arch batch --flow-batch 0", "--arch sequential"}) {
    const Command c = cli(std::string("bench scheduler --nodes 50 --pods 5 ") + args + " 2>&1");
    EXPECT_EQ(c.exit_code, 2) << args;
    EXPECT_EQ(c.out.find("{"), std::string::npos) << args;
  }
}

}  // namespace
}  // namespace edgetwin
