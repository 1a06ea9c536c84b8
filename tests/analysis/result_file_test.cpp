#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <set>
#include <sstream>

#include "small_run.h"

namespace edgetwin::analysis {
namespace {

namespace fs = std::filesystem;

// A fresh directory per test (tests may run in parallel), removed afterwards.
class ResultFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("edgetwin-analysis-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::set<std::string> listing() const {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) names.insert(entry.path().filename());
    return names;
  }
  fs::path dir_;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::int64_t> widen(const auto& v) { return {v.begin(), v.end()}; }

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no exception)";
}

TEST_F(ResultFileTest, KeepsEveryPartOfASmallRunThroughWriteAndRead) {
  const auto run = testing::run_small();
  const models::FleetModel& m = *run.model;
  write_results(path("r.h5"), run.scenario, m, run.info, run.summary);
  EXPECT_EQ(listing(), std::set<std::string>{"r.h5"});  // no temporary file left behind
  const ResultFile f = read_results(path("r.h5"));

  EXPECT_EQ(f.text_attributes.at("edgetwin_version"), "test");
  EXPECT_EQ(f.text_attributes.at("scenario_name"), "analysis-small");
  EXPECT_EQ(f.text_attributes.at("event_list"), "ladder");
  EXPECT_EQ(f.text_attributes.at("created_by"), "edgetwin run");
  EXPECT_EQ(f.numeric_attributes.at("seed"), 7.0);
  EXPECT_EQ(f.numeric_attributes.at("threads"), 1.0);
  EXPECT_EQ(f.numeric_attributes.at("ranks"), 1.0);
  EXPECT_EQ(f.numeric_attributes.at("events"), static_cast<double>(run.info.events));
  EXPECT_EQ(f.numeric_attributes.at("end_time_ns"), 20e9);
  EXPECT_EQ(f.numeric_attributes.at("wall_seconds"), run.info.wall_seconds);
  EXPECT_EQ(f.scenario_json, run.scenario.resolved_json);

  const Table& d = f.devices;
  ASSERT_EQ(d.rows, 3u);
  EXPECT_EQ(d.column_names,
            (std::vector<std::string>{"id", "name", "type", "site", "cores", "core_speed", "arch",
                                      "accelerator", "locality", "served", "cold_starts",
                                      "busy_core_seconds", "utilisation", "in_system",
                                      "energy_j"}));
  EXPECT_EQ(d.numeric.at("energy_j"), run.model->device_stats().energy_j);
  EXPECT_EQ(d.integer.at("id"), (std::vector<std::int64_t>{0, 1, 2}));
  EXPECT_EQ(d.text.at("name"), (std::vector<std::string>{"vm-0", "pi-0", "pi-1"}));
  EXPECT_EQ(d.text.at("type"), (std::vector<std::string>{"big", "small", "small"}));
  EXPECT_EQ(d.text.at("site"), (std::vector<std::string>{"cloud", "edge-1", "edge-1"}));
  EXPECT_EQ(d.integer.at("cores"), (std::vector<std::int64_t>{4, 2, 2}));
  EXPECT_EQ(d.numeric.at("core_speed"), (std::vector<double>{1.0, 0.5, 0.5}));
  EXPECT_EQ(d.integer.at("served"), widen(m.device_stats().served));
  EXPECT_EQ(d.numeric.at("busy_core_seconds"), m.device_stats().busy_core_seconds);
  EXPECT_EQ(d.integer.at("in_system"), widen(m.device_stats().in_system));
  EXPECT_DOUBLE_EQ(d.numeric.at("utilisation")[1],
                   m.device_stats().busy_core_seconds[1] / (2 * 20.0));

  EXPECT_EQ(f.sites.text.at("name"), (std::vector<std::string>{"cloud", "edge-1"}));
  EXPECT_EQ(f.sites.text.at("kind"), (std::vector<std::string>{"cloud", "edge"}));
  ASSERT_EQ(f.workloads.rows, 1u);
  EXPECT_EQ(f.workloads.text.at("name")[0], "infer");
  EXPECT_EQ(f.workloads.text.at("dispatch")[0], "least_loaded");
  EXPECT_EQ(f.workloads.text.at("arrivals")[0], "poisson");
  EXPECT_EQ(f.workloads.text.at("scope")[0], "site");
  EXPECT_EQ(f.workloads.text.at("service_distribution")[0], "exponential");
  EXPECT_EQ(f.workloads.numeric.at("rate_per_s")[0], 40.0);
  EXPECT_EQ(f.workloads.numeric.at("service_mean_s")[0], 0.02);
  EXPECT_EQ(f.workloads.integer.at("sites")[0], 2);

  ASSERT_EQ(f.timeseries.size(), m.timeseries().size());
  for (const auto& series : m.timeseries()) {
    const Table& t = f.timeseries.at(series.name);
    EXPECT_EQ(t.rows, series.time_ns.size()) << series.name;
    EXPECT_EQ(t.integer.at("time_ns"), series.time_ns) << series.name;
    EXPECT_EQ(t.numeric.at("value"), series.value) << series.name;
    EXPECT_EQ(t.attributes.at("unit"), series.unit) << series.name;
  }

  const models::RequestRecords& r = m.requests();
  ASSERT_GT(r.size(), 500u);
  const Table& q = f.events.at("requests");
  EXPECT_EQ(q.rows, r.size());
  EXPECT_EQ(q.column_names,
            (std::vector<std::string>{"arrival_ns", "start_ns", "end_ns", "device", "site",
                                      "workload", "function", "network_ns", "queue_ns",
                                      "cold_start_ns", "pull_ns", "exec_ns", "outcome",
                                      "deadline_missed", "retries"}));
  EXPECT_EQ(q.integer.at("arrival_ns"), r.arrival_ns);
  EXPECT_EQ(q.integer.at("start_ns"), r.start_ns);
  EXPECT_EQ(q.integer.at("end_ns"), r.end_ns);
  EXPECT_EQ(q.integer.at("device"), widen(r.device));
  EXPECT_EQ(q.integer.at("site"), widen(r.site));
  EXPECT_EQ(q.integer.at("workload"), widen(r.workload));
  EXPECT_EQ(q.attributes.at("device"),
            "row (= id) in /devices: the last one; 4294967295 when rejected");
  const std::vector<std::int64_t> retries(r.retries.begin(), r.retries.end());
  EXPECT_EQ(q.integer.at("retries"), retries);

  ASSERT_EQ(f.summary.size(), run.summary.values.size());
  for (const auto& [key, value] : run.summary.values) EXPECT_EQ(f.summary.at(key), value) << key;
}

TEST_F(ResultFileTest, StoresTheRequestTableChunkedAndCompressed) {
  const auto run = testing::run_small();
  write_results(path("r.h5"), run.scenario, *run.model, run.info, run.summary);
  const hid_t file = H5Fopen(path("r.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t dataset = H5Dopen2(file, "/events/requests", H5P_DEFAULT);
  const hid_t dcpl = H5Dget_create_plist(dataset);
  EXPECT_EQ(H5Pget_layout(dcpl), H5D_CHUNKED);
  ASSERT_EQ(H5Pget_nfilters(dcpl), 2);
  const auto filter = [&](unsigned index) {
    unsigned flags = 0;
    std::size_t n = 0;  // no parameters wanted
    return H5Pget_filter2(dcpl, index, &flags, &n, nullptr, 0, nullptr, nullptr);
  };
  EXPECT_EQ(filter(0), H5Z_FILTER_SHUFFLE);
  EXPECT_EQ(filter(1), H5Z_FILTER_DEFLATE);
  H5Pclose(dcpl);
  H5Dclose(dataset);
  H5Fclose(file);
}

// Timestamps would make two otherwise identical files differ (HDF5 stores them by default).
TEST_F(ResultFileTest, StoresNoObjectTimestamps) {
  const auto run = testing::run_small();
  write_results(path("r.h5"), run.scenario, *run.model, run.info, run.summary);
  const hid_t file = H5Fopen(path("r.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  for (const char* object :
       {"/", "/scenario", "/devices", "/sites", "/workloads", "/events", "/events/requests",
        "/timeseries", "/timeseries/in_system", "/summary"}) {
    H5O_info_t info;
    ASSERT_GE(H5Oget_info_by_name2(file, object, &info, H5O_INFO_TIME, H5P_DEFAULT), 0) << object;
    EXPECT_EQ(info.ctime, 0) << object;
    EXPECT_EQ(info.mtime, 0) << object;
  }
  H5Fclose(file);
}

// The small run with a function that needs x86_64: the big VM (site cloud) runs it after a cold
// start; edge-1 has only armv7 devices, so its requests are rejected.
TEST_F(ResultFileTest, KeepsTheFunctionTableOutcomesAndLatencyBreakdown) {
  auto run = testing::run_small();
  models::FleetConfig& c = run.scenario.fleet;
  c.types[0].arch = "armv7";
  c.types[1].arch = "x86_64";
  for (auto& t : c.types) {
    t.memory_bytes = std::int64_t{1} << 30;
    t.storage_bytes = std::int64_t{1} << 30;
    t.max_instances = 8;
    t.container_start = {1e-12, 0.5, 0.5, 0.5, 1.5};  // 1 s
  }
  c.artifacts = {{"img", false, {{"x86_64", 50'000'000}}}};
  models::FunctionConfig f;
  f.name = "fn";
  f.image = 0;
  f.memory_bytes = 64 << 20;
  f.arch = "x86_64";
  f.work_s = 0.02;
  f.deadline = 50 * sim::kMillisecond;
  f.exec = {{models::ExecutionTime::Kind::kWork, {}}, {models::ExecutionTime::Kind::kWork, {}}};
  c.functions = {f};
  c.workloads[0].function = 0;
  c.warmup = 0;  // record the first, cold, requests too
  auto run_model = [&](bool rows) {
    c.record_requests = rows;
    auto model = std::make_unique<models::FleetModel>(c);
    sim::Engine engine(model->lp_count());
    model->start(engine);
    engine.run(*model, c.duration);
    model->finish(engine.now());
    return model;
  };
  const auto m = run_model(true);
  const Summary summary = summarize(*m, run.info);
  write_results(path("r.h5"), run.scenario, *m, run.info, summary);
  const ResultFile file = read_results(path("r.h5"));
  ASSERT_EQ(file.functions.rows, 1u);
  EXPECT_EQ(file.functions.text.at("execution_times")[0], "small:cannot big:work");
  EXPECT_EQ(file.functions.integer.at("memory_bytes")[0], 64 << 20);
  const Table& q = file.events.at("requests");
  const models::RequestRecords& r = m->requests();
  ASSERT_EQ(q.rows, r.size());
  EXPECT_EQ(q.integer.at("cold_start_ns"), r.cold_start_ns);
  EXPECT_EQ(q.integer.at("exec_ns"), r.exec_ns);
  std::size_t rejected = 0, completed = 0;
  for (std::size_t i = 0; i < q.rows; ++i) {
    const std::string& outcome = q.text.at("outcome")[i];
    if (outcome == "rejected") {
      ++rejected;
      EXPECT_EQ(q.integer.at("site")[i], 1);
      EXPECT_EQ(q.integer.at("device")[i], 4294967295);
    } else {
      ++completed;
      EXPECT_EQ(outcome, "completed");
      EXPECT_EQ(q.integer.at("end_ns")[i] - q.integer.at("arrival_ns")[i],
                q.integer.at("network_ns")[i] + q.integer.at("queue_ns")[i] +
                    q.integer.at("cold_start_ns")[i] + q.integer.at("exec_ns")[i]);
    }
  }
  EXPECT_EQ(static_cast<double>(rejected), file.summary.at("requests_rejected"));
  EXPECT_EQ(static_cast<double>(completed), file.summary.at("requests"));
  EXPECT_GT(rejected, 200u);
  EXPECT_GE(file.summary.at("cold_starts"), 1.0);  // one instance per concurrent request
  EXPECT_GT(file.summary.at("deadline_misses"), 0.0);  // the first requests wait for the 1 s start
  // The summary's component percentiles are the same whether the rows are kept or not.
  const auto without_rows = run_model(false);
  const Summary other = summarize(*without_rows, run.info);
  for (const char* key : {"latency_queue_p99_s", "latency_cold_start_p99_s", "latency_exec_p95_s",
                          "latency_network_p50_s", "deadline_misses", "cold_starts"}) {
    EXPECT_EQ(summary.get(key), other.get(key)) << key;
  }
}

TEST_F(ResultFileTest, WritesAnEmptyRequestTableWhenNoRowsAreKept) {
  auto run = testing::run_small();
  run.scenario.fleet.record_requests = false;
  models::FleetModel model(run.scenario.fleet);
  sim::Engine engine(model.lp_count());
  model.start(engine);
  engine.run(model, run.scenario.fleet.duration);
  model.finish(engine.now());
  write_results(path("r.h5"), run.scenario, model, run.info, summarize(model, run.info));
  const ResultFile f = read_results(path("r.h5"));
  EXPECT_EQ(f.events.at("requests").rows, 0u);
  EXPECT_TRUE(f.events.at("requests").integer.at("end_ns").empty());
  EXPECT_GT(f.summary.at("requests"), 500.0);
}

TEST_F(ResultFileTest, WritingIntoAMissingDirectoryThrowsNamingThePathAndLeavesNothing) {
  const auto run = testing::run_small();
  const std::string target = path("no-such-dir/r.h5");
  const std::string message =
      message_of([&] { write_results(target, run.scenario, *run.model, run.info, run.summary); });
  EXPECT_NE(message.find(target), std::string::npos) << message;
  EXPECT_TRUE(listing().empty());
}

// The temporary name is occupied by a directory, so the write fails before touching PATH; the
// directory is not ours and stays.
TEST_F(ResultFileTest, AFailedWriteLeavesThePreviousFileUntouched) {
  const auto run = testing::run_small();
  const std::string target = path("r.h5");
  std::ofstream(target) << "precious";
  fs::create_directory(target + ".tmp-" + std::to_string(::getpid()));
  const std::string message =
      message_of([&] { write_results(target, run.scenario, *run.model, run.info, run.summary); });
  EXPECT_NE(message.find(target), std::string::npos) << message;
  EXPECT_EQ(slurp(target), "precious");
  EXPECT_TRUE(fs::is_directory(target + ".tmp-" + std::to_string(::getpid())));
}

// The whole file is written, then the rename onto a non-empty directory fails: the complete
// temporary file must not stay behind.
TEST_F(ResultFileTest, AFailedRenameRemovesTheTemporaryFile) {
  const auto run = testing::run_small();
  const std::string target = path("taken");
  fs::create_directory(target);
  std::ofstream(target + "/keep") << "x";
  const std::string message =
      message_of([&] { write_results(target, run.scenario, *run.model, run.info, run.summary); });
  EXPECT_NE(message.find(target), std::string::npos) << message;
  EXPECT_EQ(listing(), std::set<std::string>{"taken"});
  EXPECT_EQ(slurp(target + "/keep"), "x");
}

TEST_F(ResultFileTest, TwoRunsWithTheSameSeedGiveByteIdenticalFiles) {
  auto a = testing::run_small(11);
  auto b = testing::run_small(11);
  a.info.wall_seconds = b.info.wall_seconds = 0.25;
  a.summary = summarize(*a.model, a.info);
  b.summary = summarize(*b.model, b.info);
  write_results(path("a.h5"), a.scenario, *a.model, a.info, a.summary);
  write_results(path("b.h5"), b.scenario, *b.model, b.info, b.summary);
  EXPECT_EQ(slurp(path("a.h5")), slurp(path("b.h5")));

  const ResultFile fa = read_results(path("a.h5"));
  const ResultFile fb = read_results(path("b.h5"));
  const auto same_table = [](const Table& x, const Table& y) {
    return x.column_names == y.column_names && x.rows == y.rows && x.numeric == y.numeric &&
           x.integer == y.integer && x.text == y.text && x.attributes == y.attributes;
  };
  EXPECT_TRUE(same_table(fa.devices, fb.devices));
  EXPECT_TRUE(same_table(fa.sites, fb.sites));
  EXPECT_TRUE(same_table(fa.workloads, fb.workloads));
  for (const auto& [name, t] : fa.timeseries) EXPECT_TRUE(same_table(t, fb.timeseries.at(name)));
  for (const auto& [name, t] : fa.events) EXPECT_TRUE(same_table(t, fb.events.at(name)));
  EXPECT_EQ(fa.summary, fb.summary);
  EXPECT_EQ(fa.text_attributes, fb.text_attributes);
  EXPECT_EQ(fa.numeric_attributes, fb.numeric_attributes);

  const auto c = testing::run_small(12);
  write_results(path("c.h5"), c.scenario, *c.model, c.info, c.summary);
  EXPECT_NE(read_results(path("c.h5")).events.at("requests").integer,
            fa.events.at("requests").integer);
}

// h5diff on two runs of the same seed (with their real wall-clock times) reports the wall time
// and nothing else: /@wall_seconds and its copy /summary@wall_s.
TEST_F(ResultFileTest, H5diffOfTwoRunsWithTheSameSeedReportsOnlyTheWallTime) {
  if (std::system("command -v h5diff > /dev/null 2>&1") != 0) GTEST_SKIP() << "no h5diff";
  auto a = testing::run_small();
  auto b = testing::run_small();
  b.info.wall_seconds = a.info.wall_seconds + 1.0;
  b.summary = summarize(*b.model, b.info);
  write_results(path("a.h5"), a.scenario, *a.model, a.info, a.summary);
  write_results(path("b.h5"), b.scenario, *b.model, b.info, b.summary);
  const std::string command =
      "h5diff -v " + path("a.h5") + " " + path("b.h5") + " > " + path("diff.txt") + " 2>&1";
  const int status = std::system(command.c_str());
  const std::string diff = slurp(path("diff.txt"));
  EXPECT_EQ(WEXITSTATUS(status), 1) << diff;  // 1: differences found
  // h5diff -v prints, per object, a header ("attribute: <wall_s of </summary>> and <...>") and
  // then "N differences found". Collect the objects with N > 0.
  std::set<std::string> differing;
  std::istringstream lines(diff);
  std::string object;
  for (std::string line; std::getline(lines, line);) {
    const auto open = line.find('<');
    if (line.find(": <") != std::string::npos && open != std::string::npos) {
      object = line.substr(open + 1, line.find("> and <") - open - 1);
    } else if (line.ends_with(" differences found") && std::stoll(line) > 0) {
      differing.insert(object);
    }
  }
  EXPECT_EQ(differing, (std::set<std::string>{"wall_seconds of </>", "wall_s of </summary>"}))
      << diff;
}

TEST_F(ResultFileTest, ReadingAMissingFileNamesIt) {
  const std::string target = path("absent.h5");
  const std::string message = message_of([&] { read_results(target); });
  EXPECT_NE(message.find(target), std::string::npos) << message;
  EXPECT_NE(message.find("no such file"), std::string::npos) << message;
}

TEST_F(ResultFileTest, ReadingAFileWithoutSummaryNamesTheMissingPart) {
  const auto run = testing::run_small();
  write_results(path("r.h5"), run.scenario, *run.model, run.info, run.summary);
  const hid_t file = H5Fopen(path("r.h5").c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(H5Ldelete(file, "/summary", H5P_DEFAULT), 0);
  H5Fclose(file);
  const std::string message = message_of([&] { read_results(path("r.h5")); });
  EXPECT_NE(message.find(path("r.h5")), std::string::npos) << message;
  EXPECT_NE(message.find("missing /summary"), std::string::npos) << message;
}

TEST_F(ResultFileTest, ReadingATextFileSaysItIsNotHdf5) {
  std::ofstream(path("r.h5")) << "{}";
  const std::string message = message_of([&] { read_results(path("r.h5")); });
  EXPECT_NE(message.find("not an HDF5 file"), std::string::npos) << message;
}

}  // namespace
}  // namespace edgetwin::analysis
