#include "sim/parallel_engine.h"

#include <gtest/gtest.h>

#include <barrier>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "sim/phold_model.h"

namespace edgetwin::sim {
namespace {

// What an LP handled: each LP's log is written only by the partition that owns it.
struct Seen {
  Time time;
  std::uint16_t kind;
  std::uint64_t payload;
  bool operator==(const Seen&) const = default;
};

// Two LPs, LP 0 in partition 0 and LP 1 in partition 1, lookahead 10 ns.
//   kind 1 at LP 0: sends kind 2 to LP 1 exactly one lookahead later (on the window's edge);
//   kind 3 at LP 1: sends kind 0 to LP 0 one lookahead later;
//   kind 2 at LP 1: sends kind 0 to LP 0 one lookahead later (again on a window's edge);
//   kind 0: only recorded; kind 4: asks to stop.
class EdgeModel final : public Model {
 public:
  static constexpr Time kLookahead = 10;
  void handle(const Event& e, Engine& engine) override {
    log[e.target].push_back({e.time, e.kind, e.payload});
    if (e.kind == 1) engine.schedule(0, 1, e.time + kLookahead, 2, 'a');
    if (e.kind == 3) engine.schedule(1, 0, e.time + kLookahead, 0, 'c');
    if (e.kind == 2) engine.schedule(1, 0, e.time + kLookahead, 0, 'd');
    if (e.kind == 4) engine.request_stop();
  }
  template <class AnyEngine>
  void start(AnyEngine& engine) {
    engine.schedule(0, 0, 0, 1);
    engine.schedule(1, 1, 9, 3);
    engine.schedule(1, 1, 10, 0, 'b');
  }
  std::vector<Seen> log[2];
};

// Hand-worked windows (lookahead 10):
//   window 1 [0, 10):  LP 0 handles t=0 (kind 1) and sends 'a' to LP 1 at 10;
//                      LP 1 handles t=9 (kind 3) and sends 'c' to LP 0 at 19.
//   window 2 [10, 20): starts at the earliest pending or sent event, 10. LP 1 now holds 'a' (key
//                      from LP 0) and its own 'b' (key from LP 1), both at 10: 'a' runs first. Had
//                      window 1 wrongly included its edge t=10, LP 1 would have run 'b' before 'a'
//                      arrived. 'a' sends 'd' to LP 0 at 20, the next window's edge; LP 0 runs 'c'.
//   window 3 [20, 30): LP 0 runs 'd'.
const std::vector<Seen> kLp0 = {{0, 1, 0}, {19, 0, 'c'}, {20, 0, 'd'}};
const std::vector<Seen> kLp1 = {{9, 3, 0}, {10, 2, 'a'}, {10, 0, 'b'}};

TEST(ParallelEngine, AnEventOnTheWindowEdgeRunsInTheNextWindowInKeyOrder) {
  for (int threads : {1, 2}) {
    ParallelEngine engine({0, 1}, EdgeModel::kLookahead, threads);
    EdgeModel model;
    model.start(engine);
    const RunStats stats = engine.run(model);
    EXPECT_EQ(model.log[0], kLp0) << threads << " threads";
    EXPECT_EQ(model.log[1], kLp1) << threads << " threads";
    EXPECT_EQ(stats.events, 6u);
    EXPECT_EQ(engine.stats().windows, 3u);
    EXPECT_EQ(engine.stats().cross_events, 3u);  // 'a', 'c', 'd'
    EXPECT_EQ(engine.now(), 20);                 // the last event handled
    EXPECT_EQ(engine.pending(), 0u);
  }
}

TEST(ParallelEngine, TheSequentialEngineSeesTheSameOrder) {
  Engine engine(2);
  EdgeModel model;
  model.start(engine);
  engine.run(model);
  EXPECT_EQ(model.log[0], kLp0);
  EXPECT_EQ(model.log[1], kLp1);
}

TEST(ParallelEngine, RunsToAHorizonAndResumes) {
  ParallelEngine engine({0, 1}, EdgeModel::kLookahead, 2);
  EdgeModel model;
  model.start(engine);
  // Events at t <= 10 only: 0, 9 and both at 10. The window [10, 20) is cut at the horizon, so
  // 'c' at 19 waits; 'd' (sent at 10) is merged into LP 0's list before run() returns.
  RunStats stats = engine.run(model, 10);
  EXPECT_EQ(stats.events, 4u);
  EXPECT_EQ(engine.now(), 10);
  EXPECT_EQ(engine.pending(), 2u);  // 'c' at 19 and 'd' at 20
  stats = engine.run(model);
  EXPECT_EQ(stats.events, 2u);
  EXPECT_EQ(model.log[0], kLp0);
  EXPECT_EQ(model.log[1], kLp1);
}

TEST(ParallelEngine, AStopEndsTheRunAtTheEndOfTheWindow) {
  // LP 0 asks to stop at t=1; the window is [1, 11), so LP 1 still runs its event at 5 (whatever
  // the threads), not the one at 11. now() is the window's last instant, 10.
  ParallelEngine engine({0, 1}, EdgeModel::kLookahead, 2);
  EdgeModel model;
  engine.schedule(0, 0, 1, 4);
  engine.schedule(1, 1, 5, 0, 'x');
  engine.schedule(1, 1, 11, 0, 'y');
  RunStats stats = engine.run(model);
  EXPECT_TRUE(stats.stopped);
  EXPECT_EQ(stats.events, 2u);
  EXPECT_EQ(engine.now(), 10);
  EXPECT_EQ(model.log[1], (std::vector<Seen>{{5, 0, 'x'}}));
  stats = engine.run(model);
  EXPECT_FALSE(stats.stopped);
  EXPECT_EQ(model.log[1], (std::vector<Seen>{{5, 0, 'x'}, {11, 0, 'y'}}));
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no exception)";
}

// Sends to the other partition `delay` after each event of kind 1.
class Sender final : public Model {
 public:
  explicit Sender(Time delay) : delay_(delay) {}
  void handle(const Event& e, Engine& engine) override {
    if (e.kind == 1) engine.schedule(e.target, 1 - e.target, e.time + delay_, 0);
    if (e.kind == 2) engine.schedule(1 - e.target, 0, e.time + 100, 0);  // on another's behalf
  }

 private:
  Time delay_;
};

TEST(ParallelEngine, RefusesAnEventBetweenPartitionsCloserThanTheLookahead) {
  ParallelEngine engine({0, 1}, 10, 2);
  Sender model(9);
  engine.schedule(0, 0, 5, 1);
  const std::string m = message_of([&] { engine.run(model); });
  EXPECT_NE(m.find("LP 0 (partition 0) scheduled an event of kind 0 for LP 1 (partition 1) at 14 "
                   "ns, 9 ns after its current time 5 ns"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("at least the lookahead (10 ns)"), std::string::npos) << m;
}

TEST(ParallelEngine, AcceptsAnEventBetweenPartitionsExactlyOneLookaheadAhead) {
  ParallelEngine engine({0, 1}, 10, 2);
  Sender model(10);
  engine.schedule(0, 0, 5, 1);
  EXPECT_EQ(engine.run(model).events, 2u);
  EXPECT_EQ(engine.now(), 15);
}

TEST(ParallelEngine, RefusesSchedulingOnBehalfOfAnotherPartitionsLp) {
  ParallelEngine engine({0, 1}, 10, 1);
  Sender model(10);
  engine.schedule(0, 0, 5, 2);
  const std::string m = message_of([&] { engine.run(model); });
  EXPECT_NE(m.find("on behalf of LP 1 (partition 1) while partition 0 was running"),
            std::string::npos)
      << m;
}

TEST(ParallelEngine, RefusesAZeroLookahead) {
  const std::string m = message_of([] { ParallelEngine engine({0, 1}, 0, 2); });
  EXPECT_NE(m.find("the lookahead is 0 ns, but it must be positive"), std::string::npos) << m;
  EXPECT_THROW(ParallelEngine({0, 1}, -5, 2), std::invalid_argument);
  EXPECT_THROW(ParallelEngine({0, 1}, 10, 0), std::invalid_argument);
  EXPECT_THROW(ParallelEngine({0, 5000}, 10, 1), std::invalid_argument);  // too many partitions
}

// ---- PHOLD ----------------------------------------------------------------------------------

struct Outcome {
  std::uint64_t events;
  std::uint64_t fingerprint;
  std::size_t pending;
  Time now;
  bool operator==(const Outcome&) const = default;
};

Outcome run_sequential(const PholdConfig& config, Time until, EventListKind list) {
  PholdModel model(config);
  Engine engine(config.lps, list);
  engine.enable_fingerprint();
  model.start(engine);
  const RunStats stats = engine.run(model, until);
  return {stats.events, engine.fingerprint(), engine.pending(), engine.now()};
}

Outcome run_parallel(const PholdConfig& config, Time until, int threads, EventListKind list) {
  PholdModel model(config);
  ParallelEngine engine(model.partition_map(), config.lookahead, threads, list);
  engine.enable_fingerprint();
  model.start(engine);
  const RunStats stats = engine.run(model, until);
  return {stats.events, engine.fingerprint(), engine.pending(), engine.now()};
}

// Determinism: the sequential engine (both lists) and the parallel engine with 1, 2 and 4 threads
// (both lists) give the same event count and event-sequence fingerprint.
void expect_same_in_every_mode(const PholdConfig& config, Time until) {
  const Outcome reference = run_sequential(config, until, EventListKind::kLadder);
  EXPECT_EQ(run_sequential(config, until, EventListKind::kHeap), reference);
  for (int threads : {1, 2, 4}) {
    EXPECT_EQ(run_parallel(config, until, threads, EventListKind::kLadder), reference)
        << threads << " threads";
  }
  EXPECT_EQ(run_parallel(config, until, 2, EventListKind::kHeap), reference);
  EXPECT_GT(reference.events, 0u);
}

TEST(Phold, GivesTheSameEventSequenceWithEveryEngineAndThreadCount) {
  PholdConfig config;
  config.lps = 2000;
  config.events_per_lp = 2;
  config.partitions = 7;  // uneven blocks
  config.seed = 11;
  expect_same_in_every_mode(config, 20 * kMillisecond);
}

TEST(Phold, GivesTheSameEventSequenceWhenEveryDelayTies) {
  // mean == lookahead: every delay is exactly 1 us, so thousands of events share each instant
  // and their order rests on the tie-break key alone.
  PholdConfig config;
  config.lps = 1000;
  config.events_per_lp = 3;
  config.partitions = 4;
  config.mean = config.lookahead = kMicrosecond;
  config.remote = 0.5;
  expect_same_in_every_mode(config, 30 * kMicrosecond);
}

TEST(Phold, ResumingAtHorizonsGivesTheSameSequenceAsOneRun) {
  PholdConfig config;
  config.lps = 500;
  config.partitions = 5;
  const Outcome whole = run_parallel(config, 10 * kMillisecond, 2, EventListKind::kLadder);
  PholdModel model(config);
  ParallelEngine engine(model.partition_map(), config.lookahead, 2);
  engine.enable_fingerprint();
  model.start(engine);
  for (Time until : {Time{1'234'567}, 5 * kMillisecond, 10 * kMillisecond})
    engine.run(model, until);
  EXPECT_EQ(engine.events_handled(), whole.events);
  EXPECT_EQ(engine.fingerprint(), whole.fingerprint);
}

TEST(Phold, WithConstantDelaysHandlesExactlyTheClosedFormCount) {
  // mean == lookahead == D: every event chain fires at D, 2D, 3D, ..., so by `until` each of the
  // N * E chains has fired floor(until / D) times: 300 LPs * 2 * floor(55 us / 1 us = 55) = 33,000.
  // The population is conserved: N * E = 600 events remain pending.
  PholdConfig config;
  config.lps = 300;
  config.events_per_lp = 2;
  config.partitions = 3;
  config.mean = config.lookahead = kMicrosecond;
  const Time until = 55 * kMicrosecond + 500;
  const Outcome seq = run_sequential(config, until, EventListKind::kLadder);
  EXPECT_EQ(seq.events, 33'000u);
  EXPECT_EQ(seq.pending, 600u);
  const Outcome par = run_parallel(config, until, 2, EventListKind::kLadder);
  EXPECT_EQ(par.events, 33'000u);
  EXPECT_EQ(par.pending, 600u);
  EXPECT_EQ(par.now, until);
}

TEST(Phold, EventCountMatchesTheRenewalMean) {
  // Each of the N * E chains is a renewal process with inter-event time X = L + Exp(m - L)
  // (m = 1 ms, L = 0.1 ms), first event after one X too. With mu = E[X] = m and
  // sigma^2 = Var X = (m - L)^2 = 0.81 m^2, the renewal theorem gives
  //   E[N(t)] ~ t / mu + (sigma^2 - mu^2) / (2 mu^2) = 20 - 0.095 = 19.905 at t = 20 ms,
  //   Var[N(t)] ~ t sigma^2 / mu^3 = 20 * 0.81 = 16.2.
  // Over 10,000 independent chains: mean 199,050, sd sqrt(10,000 * 16.2) = 402. Tolerance 5 sd
  // (2,010), which also covers the -0.5 ns bias of the floor (negligible: 1e-8 of a delay).
  PholdConfig config;
  config.lps = 5000;
  config.events_per_lp = 2;
  config.partitions = 4;
  config.seed = 3;
  const Outcome out = run_parallel(config, 20 * kMillisecond, 2, EventListKind::kLadder);
  EXPECT_NEAR(static_cast<double>(out.events), 199'050.0, 2'010.0);
  EXPECT_EQ(out.pending, 10'000u);
}

TEST(Phold, SendsTheRemoteFractionToOtherPartitions) {
  // With remote = 0.25 each event crosses partitions with probability 0.25: over n ~ 1e5 events
  // the count is Binomial(n, 0.25), sd sqrt(n * 0.1875) ~ 137; tolerance 5 sd of the fraction,
  // 5 * 137 / 1e5 ~ 0.007.
  PholdConfig config;
  config.lps = 5000;
  config.partitions = 4;
  PholdModel model(config);
  ParallelEngine engine(model.partition_map(), config.lookahead, 2);
  model.start(engine);
  const RunStats stats = engine.run(model, 20 * kMillisecond);
  ASSERT_GT(stats.events, 90'000u);
  EXPECT_NEAR(static_cast<double>(engine.stats().cross_events) / double(stats.events), 0.25, 0.007);
}

// RankExchange with the ranks as threads of this process, so that the multi-rank window protocol is
// tested in every build (the MPI transport, sim/mpi_exchange.cpp, runs it under mpirun in builds
// with EDGETWIN_WITH_MPI).
class ThreadRanks {
 public:
  explicit ThreadRanks(int n) : n_(n), sync_(n), mail_(n), mins_(n), xors_(n) {}

  class Rank final : public RankExchange {
   public:
    Rank(ThreadRanks& all, int rank) : all_(all), rank_(rank) {}
    int rank() const override { return rank_; }
    int ranks() const override { return all_.n_; }
    void exchange(const std::vector<std::vector<Event>>& send,
                  std::vector<Event>& received) override {
      all_.mail_[rank_] = send;
      all_.sync_.arrive_and_wait();
      received.clear();
      for (int r = 0; r < all_.n_; ++r) {
        const auto& box = all_.mail_[r][rank_];
        received.insert(received.end(), box.begin(), box.end());
      }
      all_.sync_.arrive_and_wait();
    }
    void min(std::vector<std::int64_t>& values) override {
      all_.mins_[rank_] = values;
      all_.sync_.arrive_and_wait();
      for (int r = 0; r < all_.n_; ++r) {
        for (std::size_t i = 0; i < values.size(); ++i) {
          values[i] = std::min(values[i], all_.mins_[r][i]);
        }
      }
      all_.sync_.arrive_and_wait();
    }
    void bit_xor(std::vector<std::uint64_t>& values) override {
      all_.xors_[rank_] = values;
      all_.sync_.arrive_and_wait();
      std::fill(values.begin(), values.end(), 0);
      for (int r = 0; r < all_.n_; ++r) {
        for (std::size_t i = 0; i < values.size(); ++i) values[i] ^= all_.xors_[r][i];
      }
      all_.sync_.arrive_and_wait();
    }

   private:
    ThreadRanks& all_;
    int rank_;
  };

 private:
  int n_;
  std::barrier<> sync_;
  std::vector<std::vector<std::vector<Event>>> mail_;
  std::vector<std::vector<std::int64_t>> mins_;
  std::vector<std::vector<std::uint64_t>> xors_;
};

TEST(Phold, GivesTheSameEventSequenceSpreadOverRanks) {
  PholdConfig config;
  config.lps = 2000;
  config.events_per_lp = 2;
  config.partitions = 5;  // 3 on rank 0, 2 on rank 1 (partition p on rank p % 2)
  const Time horizons[2] = {7 * kMillisecond, 15 * kMillisecond};
  const Outcome reference = run_sequential(config, horizons[1], EventListKind::kLadder);
  for (int n : {2, 3}) {
    ThreadRanks all(n);
    std::vector<Outcome> outcomes(static_cast<std::size_t>(n));
    std::vector<std::thread> threads;
    for (int r = 0; r < n; ++r) {
      threads.emplace_back([&, r] {
        ThreadRanks::Rank rank(all, r);
        PholdModel model(config);  // every rank builds the same model and initial events
        ParallelEngine engine(model.partition_map(), config.lookahead, 1, EventListKind::kLadder,
                              &rank);
        engine.enable_fingerprint();
        model.start(engine);
        RunStats stats;
        for (Time until : horizons) stats = engine.run(model, until);  // resumed once
        outcomes[static_cast<std::size_t>(r)] = {engine.events_handled(), engine.fingerprint(),
                                                 engine.pending(), engine.now()};
      });
    }
    for (auto& t : threads) t.join();
    for (const Outcome& out : outcomes) EXPECT_EQ(out, reference) << n << " ranks";
  }
}

TEST(Phold, RefusesBadParameters) {
  auto refuses = [](auto change, const char* needle) {
    PholdConfig config;
    config.partitions = 4;
    change(config);
    const std::string m = message_of([&] { PholdModel model(config); });
    EXPECT_NE(m.find(needle), std::string::npos) << m;
  };
  refuses([](PholdConfig& c) { c.lps = 0; }, "lps");
  refuses([](PholdConfig& c) { c.remote = 1.5; }, "remote: expected a fraction in [0, 1]");
  refuses([](PholdConfig& c) { c.mean = c.lookahead - 1; }, "must be at least the lookahead");
  refuses([](PholdConfig& c) { c.lookahead = 0; }, "lookahead: expected at least 1 ns");
  refuses([](PholdConfig& c) { c.partitions = 1; }, "at least 2 partitions");
  refuses([](PholdConfig& c) { c.partitions = 5000; }, "partitions: expected 1 to 1000");
}

}  // namespace
}  // namespace edgetwin::sim
