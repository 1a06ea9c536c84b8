#include "sim/engine.h"

#include <gtest/gtest.h>

#include <vector>

#include "sim/hold_model.h"

namespace edgetwin::sim {
namespace {

// Records what it handles; an event of kind 1 schedules a follow-up 10 ns later on LP 1.
class Recorder final : public Model {
 public:
  void handle(const Event& e, Engine& engine) override {
    seen.push_back({e.time, e.target, e.payload});
    if (e.kind == 1) engine.schedule(e.target, 1, e.time + 10, 0, e.payload + 100);
    if (e.kind == 2) engine.request_stop();
  }
  struct Seen {
    Time time;
    LpId target;
    std::uint64_t payload;
    bool operator==(const Seen&) const = default;
  };
  std::vector<Seen> seen;
};

TEST(Engine, RunsUntilTheQueueIsEmpty) {
  Engine engine(3);
  Recorder model;
  engine.schedule(0, 2, 5, 1, 1);
  engine.schedule(2, 0, 5, 0, 2);  // same time: source 0 before source 2
  engine.schedule(0, 0, 1, 0, 3);
  const RunStats stats = engine.run(model);
  EXPECT_EQ(stats.events, 4u);
  EXPECT_EQ(model.seen, (std::vector<Recorder::Seen>{{1, 0, 3}, {5, 2, 1}, {5, 0, 2}, {15, 1, 101}}));
  EXPECT_EQ(engine.now(), 15);
  EXPECT_EQ(engine.pending(), 0u);
}

TEST(Engine, RunUntilStopsAtTheHorizonAndResumes) {
  Engine engine(1);
  Recorder model;
  for (Time t : {10, 20, 30, 40}) engine.schedule(0, 0, t, 0, static_cast<std::uint64_t>(t));
  RunStats stats = engine.run(model, 25);
  EXPECT_EQ(stats.events, 2u);
  EXPECT_EQ(engine.now(), 25);  // raised to the horizon
  EXPECT_EQ(engine.pending(), 2u);
  stats = engine.run(model, 30);  // an event exactly at the horizon is handled
  EXPECT_EQ(stats.events, 1u);
  stats = engine.run(model);
  EXPECT_EQ(stats.events, 1u);
  EXPECT_EQ(engine.now(), 40);
}

TEST(Engine, AModelCanStopTheRun) {
  Engine engine(1);
  Recorder model;
  engine.schedule(0, 0, 1, 0);
  engine.schedule(0, 0, 2, 2);  // asks to stop
  engine.schedule(0, 0, 3, 0);
  const RunStats stats = engine.run(model, 100);
  EXPECT_TRUE(stats.stopped);
  EXPECT_EQ(stats.events, 2u);
  EXPECT_EQ(engine.now(), 2);
  EXPECT_EQ(engine.pending(), 1u);
}

TEST(Engine, RunEventsHandlesExactlyTheRequestedNumber) {
  Engine engine(1);
  HoldModel model(1, 1000);
  model.start(engine, 100);
  EXPECT_EQ(engine.run_events(model, 12345).events, 12345u);
  EXPECT_EQ(engine.pending(), 100u);
}

// Determinism across event lists: the hold model's event sequence has the same fingerprint with
// the heap and the ladder, and from one run to the next.
TEST(Engine, FingerprintIsTheSameForEveryEventList) {
  std::uint64_t prints[3];
  const EventListKind kinds[3] = {EventListKind::kHeap, EventListKind::kLadder,
                                  EventListKind::kLadder};
  for (int i = 0; i < 3; ++i) {
    Engine engine(1, kinds[i]);
    engine.enable_fingerprint();
    HoldModel model(77, 1000);
    model.start(engine, 5000);
    engine.run_events(model, 200000);
    prints[i] = engine.fingerprint();
  }
  EXPECT_EQ(prints[0], prints[1]);
  EXPECT_EQ(prints[1], prints[2]);
}

TEST(Engine, RefusesMoreLogicalProcessesThanKeysCanName) {
  EXPECT_THROW(Engine(static_cast<std::uint32_t>(kMaxLps + 1)), std::invalid_argument);
}

}  // namespace
}  // namespace edgetwin::sim
