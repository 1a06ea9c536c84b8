// Transfers end to end on a small topology whose timings are computed by hand:
//
//   a --(100 Mb/s, 1 ms)-- s1 --(10 Mb/s, 5 ms)-- s2 --(100 Mb/s, 1 ms)-- b
//                           \--(8 Mb/s, 10 ms)-- s3 --(8 Mb/s, 10 ms)--/
//
// The route a -> b is a, s1, s2, b (7 ms); without s1 -- s2 it is a, s1, s3, s2, b (22 ms).
#include "network/network.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace edgetwin::network {
namespace {

using sim::kMillisecond;
constexpr sim::Time kMs = kMillisecond;

struct Ended {
  sim::Time time;
  std::uint64_t cookie;
  Outcome outcome;
  bool operator==(const Ended&) const = default;
};

// LP 0 is the network; LP 1 the test driver, which starts transfers and breaks links on cue.
class Driver final : public sim::Model {
 public:
  enum Kind : std::uint16_t { kEnded = 1, kStart = 2, kDown = 3, kUp = 4, kSend = 5, kHold = 6,
                              kRelease = 7, kSendBig = 8, kCancel = 9 };
  explicit Driver(NetworkOptions options = {}) : net(make_topology(), options, 0) {}

  static Topology make_topology() {
    Topology t;
    const NodeId a = t.add_node("a"), s1 = t.add_node("s1"), s2 = t.add_node("s2"),
                 b = t.add_node("b"), s3 = t.add_node("s3");
    t.add_link(a, s1, 100e6, 100e6, 1 * kMs);
    t.add_link(s1, s2, 10e6, 10e6, 5 * kMs);  // LinkId 2, 3
    t.add_link(s2, b, 100e6, 100e6, 1 * kMs);
    t.add_link(s1, s3, 8e6, 8e6, 10 * kMs);  // LinkId 6, 7
    t.add_link(s3, s2, 8e6, 8e6, 10 * kMs);
    return t;
  }
  static constexpr LinkId kS1S2 = 2, kS1S3 = 6;

  void at(sim::Engine& engine, sim::Time t, Kind kind, std::uint64_t payload) {
    engine.schedule(1, 1, t, kind, payload);
  }
  void handle(const sim::Event& e, sim::Engine& engine) override {
    if (e.target == net.lp()) return net.handle(e, engine);
    switch (e.kind) {
      case kEnded: ended.push_back({e.time, e.payload, static_cast<Outcome>(e.aux)}); break;
      case kStart: keys.at(e.payload) = net.key(net.start(requests[e.payload], engine)); break;
      case kCancel: net.cancel(keys.at(e.payload), engine); break;
      case kDown: net.set_link_up(static_cast<LinkId>(e.payload), false, engine); break;
      case kUp: net.set_link_up(static_cast<LinkId>(e.payload), true, engine); break;
      case kSend: net.send_message(0, 3, 1000, 1, kEnded, e.payload, engine); break;
      case kSendBig: net.send_message(0, 3, 1'000'000, 1, kEnded, e.payload, engine); break;
      case kHold:
      case kRelease: {
        // Payload: a cut of both ways from s1 to s2 (s1 -- s2 and s1 -- s3).
        const LinkId cut[] = {kS1S2, kS1S3};
        if (e.kind == kHold) {
          net.hold_down(cut, engine);
        } else {
          net.release(cut, engine);
        }
        break;
      }
    }
  }
  std::size_t add(std::int64_t bytes, OnBreak on_break = OnBreak::kFail, sim::Time timeout = 0) {
    requests.push_back({0, 3, bytes, on_break, timeout, 0, 1, kEnded, requests.size()});
    keys.emplace_back();
    return requests.size() - 1;
  }

  Network net;
  std::vector<TransferRequest> requests;
  std::vector<TransferKey> keys;  // by request, once started
  std::vector<Ended> ended;
};

std::vector<Ended> run(Driver& d, sim::Engine& engine) {
  engine.run(d);
  return d.ended;
}

TEST(Network, ATransferTakesItsBottleneckTimePlusTheRouteLatency) {
  // 1 MB over the 10 Mb/s bottleneck: 8e6 bits / 1e7 bit/s = 0.8 s; delivered 7 ms later.
  Driver d;
  sim::Engine engine(2);
  d.at(engine, 0, Driver::kStart, d.add(1'000'000));
  EXPECT_EQ(run(d, engine), (std::vector<Ended>{{807 * kMs, 0, Outcome::kDelivered}}));
  EXPECT_EQ(d.net.records().bytes_delivered.at(0), 1'000'000);
}

TEST(Network, AFinishingTransferFreesBandwidthForTheOtherAtThatInstant) {
  // Two 1 MB transfers, the second starting at 0.4 s. By hand: the first sends alone at 10 Mb/s
  // for 0.4 s (0.5 MB), then both share 5 Mb/s: the first's last 0.5 MB takes 0.8 s (ends at
  // 1.2 s), while the second sends 0.5 MB; alone again at 10 Mb/s its last 0.5 MB takes 0.4 s
  // (ends at 1.6 s). Each is delivered 7 ms after its last byte leaves.
  Driver d;
  sim::Engine engine(2);
  d.at(engine, 0, Driver::kStart, d.add(1'000'000));
  d.at(engine, 400 * kMs, Driver::kStart, d.add(1'000'000));
  EXPECT_EQ(run(d, engine), (std::vector<Ended>{{1207 * kMs, 0, Outcome::kDelivered},
                                                {1607 * kMs, 1, Outcome::kDelivered}}));
}

TEST(Network, AResumableTransferTakesAnotherRouteWhenItsLinkBreaks) {
  // s1 -- s2 breaks at 0.4 s with 0.5 MB left: re-routed over s3 at 8 Mb/s, the rest takes
  // 0.5 s (last byte at 0.9 s) and arrives 22 ms later.
  Driver d;
  sim::Engine engine(2);
  d.at(engine, 0, Driver::kStart, d.add(1'000'000, OnBreak::kResume));
  d.at(engine, 400 * kMs, Driver::kDown, Driver::kS1S2);
  EXPECT_EQ(run(d, engine), (std::vector<Ended>{{922 * kMs, 0, Outcome::kDelivered}}));
  EXPECT_EQ(d.net.records().reroutes.at(0), 1u);
  EXPECT_EQ(d.net.records().bytes_delivered.at(0), 1'000'000);
}

TEST(Network, AFailingTransferFailsWhenItsLinkBreaksAndCountsTheBytesSent) {
  Driver d;
  sim::Engine engine(2);
  d.at(engine, 0, Driver::kStart, d.add(1'000'000, OnBreak::kFail));
  d.at(engine, 400 * kMs, Driver::kDown, Driver::kS1S2);
  EXPECT_EQ(run(d, engine), (std::vector<Ended>{{400 * kMs, 0, Outcome::kFailed}}));
  EXPECT_EQ(d.net.records().bytes_delivered.at(0), 500'000);
}

TEST(Network, AResumableTransferWaitsForThePartitionToHeal) {
  // s1 -- s3 is down from the start; s1 -- s2 breaks at 0.4 s (0.5 MB left): no route, the
  // transfer waits. s1 -- s2 returns at 1.0 s: the rest takes 0.4 s at 10 Mb/s, plus 7 ms.
  Driver d;
  sim::Engine engine(2);
  d.at(engine, 0, Driver::kDown, Driver::kS1S3);
  d.at(engine, 0, Driver::kStart, d.add(1'000'000, OnBreak::kResume));
  d.at(engine, 400 * kMs, Driver::kDown, Driver::kS1S2);
  d.at(engine, 1000 * kMs, Driver::kUp, Driver::kS1S2);
  EXPECT_EQ(run(d, engine), (std::vector<Ended>{{1407 * kMs, 0, Outcome::kDelivered}}));
}

TEST(Network, AWaitingTransferTimesOut) {
  Driver d;
  sim::Engine engine(2);
  d.at(engine, 0, Driver::kDown, Driver::kS1S3);
  d.at(engine, 0, Driver::kStart, d.add(1'000'000, OnBreak::kResume, 900 * kMs));
  d.at(engine, 400 * kMs, Driver::kDown, Driver::kS1S2);
  d.at(engine, 1000 * kMs, Driver::kUp, Driver::kS1S2);
  EXPECT_EQ(run(d, engine), (std::vector<Ended>{{900 * kMs, 0, Outcome::kTimedOut}}));
  EXPECT_EQ(d.net.records().bytes_delivered.at(0), 500'000);
  EXPECT_EQ(d.net.active_transfers(), 0u);
}

TEST(Network, CancellingAFlowGivesItsShareToTheOthersAndNotifiesNoOne) {
  // Two 1 MB transfers from 0 share the 10 Mb/s bottleneck at 5 Mb/s each: at 0.4 s each has sent
  // 0.25 MB. The second is cancelled then; the first, alone at 10 Mb/s, sends its last 0.75 MB
  // in 0.6 s (last byte at 1.0 s) and is delivered 7 ms later. The cancelled one sends no event.
  Driver d;
  sim::Engine engine(2);
  d.at(engine, 0, Driver::kStart, d.add(1'000'000));
  d.at(engine, 0, Driver::kStart, d.add(1'000'000));
  d.at(engine, 400 * kMs, Driver::kCancel, 1);
  EXPECT_EQ(run(d, engine), (std::vector<Ended>{{1007 * kMs, 0, Outcome::kDelivered}}));
  const TransferRecords& r = d.net.records();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r.outcome[0], static_cast<std::uint16_t>(Outcome::kCancelled));
  EXPECT_EQ(r.start_ns[0], 0);
  EXPECT_EQ(r.end_ns[0], 400 * kMs);
  EXPECT_EQ(r.bytes_delivered[0], 250'000);
  EXPECT_EQ(r.outcome[1], static_cast<std::uint16_t>(Outcome::kDelivered));
  EXPECT_STREQ(outcome_name(Outcome::kCancelled), "cancelled");
  // s1 -> s2 (LinkId 2) carried the first whole and what the second sent before its cancel.
  EXPECT_NEAR(d.net.link_bytes()[Driver::kS1S2], 1'250'000.0, 1.0);
  EXPECT_EQ(d.net.active_transfers(), 0u);
}

TEST(Network, CancellingAWaitingTransferStopsItsWait) {
  // As in AResumableTransferWaitsForThePartitionToHeal: parked at 0.4 s with 0.5 MB sent, it is
  // cancelled at 0.6 s and does not resume when s1 -- s2 returns at 1.0 s.
  Driver d;
  sim::Engine engine(2);
  d.at(engine, 0, Driver::kDown, Driver::kS1S3);
  d.at(engine, 0, Driver::kStart, d.add(1'000'000, OnBreak::kResume, 5000 * kMs));
  d.at(engine, 400 * kMs, Driver::kDown, Driver::kS1S2);
  d.at(engine, 600 * kMs, Driver::kCancel, 0);
  d.at(engine, 1000 * kMs, Driver::kUp, Driver::kS1S2);
  EXPECT_EQ(run(d, engine), std::vector<Ended>{});  // no notification, and its timeout is moot
  const TransferRecords& r = d.net.records();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r.outcome[0], static_cast<std::uint16_t>(Outcome::kCancelled));
  EXPECT_EQ(r.end_ns[0], 600 * kMs);
  EXPECT_EQ(r.bytes_delivered[0], 500'000);
  EXPECT_EQ(d.net.active_transfers(), 0u);
}

TEST(Network, CancellingAnEndedTransferIsANoOpEvenWhenItsSlotWasReused) {
  // The first ends at 0.8 s (delivered at 0.807 s); the second starts at 0.9 s in the same pool
  // slot. Cancelling the first's key at 1.0 s, twice, leaves the second alone: 0.9 s + 0.807 s.
  Driver d;
  sim::Engine engine(2);
  d.at(engine, 0, Driver::kStart, d.add(1'000'000));
  d.at(engine, 900 * kMs, Driver::kStart, d.add(1'000'000));
  d.at(engine, 1000 * kMs, Driver::kCancel, 0);
  d.at(engine, 1000 * kMs, Driver::kCancel, 0);
  EXPECT_EQ(run(d, engine), (std::vector<Ended>{{807 * kMs, 0, Outcome::kDelivered},
                                                {1707 * kMs, 1, Outcome::kDelivered}}));
  EXPECT_EQ(d.keys[0].id, d.keys[1].id);  // the slot was reused
  EXPECT_EQ(d.net.records().size(), 2u);
}

TEST(Network, CancellingAFastPathTransferIsANoOp) {
  // At or below the message threshold a transfer ends within start(): nothing is left to cancel.
  Driver d(NetworkOptions{.message_threshold_bytes = 10'000});
  sim::Engine engine(2);
  d.at(engine, 0, Driver::kStart, d.add(1'000));
  d.at(engine, 0, Driver::kCancel, 0);
  const auto ended = run(d, engine);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].outcome, Outcome::kDelivered);
  EXPECT_EQ(d.net.records().outcome.at(0), static_cast<std::uint16_t>(Outcome::kDelivered));
}

// Regression: start + timeout overflowed for a huge timeout and crashed the run.
TEST(Network, AHugeTimeoutSaturatesInsteadOfWrappingAround) {
  Driver d;
  sim::Engine engine(2);
  d.at(engine, 400 * kMs, Driver::kStart, d.add(1'000'000, OnBreak::kResume, sim::kTimeMax - 10));
  EXPECT_EQ(run(d, engine), (std::vector<Ended>{{1207 * kMs, 0, Outcome::kDelivered}}));
}

// Regression: a link break re-solved the flow model once per broken flow (quadratic).
TEST(Network, ALinkBreakReroutesEveryBrokenFlowWithOneSolve) {
  Driver d;
  sim::Engine engine(2);
  for (int i = 0; i < 50; ++i) d.at(engine, 0, Driver::kStart, d.add(1'000'000, OnBreak::kResume));
  engine.run(d, 100 * kMs);
  const std::uint64_t before = d.net.flows().stats().solves;
  d.net.set_link_up(Driver::kS1S2, false, engine);
  EXPECT_LE(d.net.flows().stats().solves - before, 2u);  // the read, and the next completion
  EXPECT_EQ(d.net.active_transfers(), 50u);
  engine.run(d);
  EXPECT_EQ(d.ended.size(), 50u);
  for (const Ended& e : d.ended) EXPECT_EQ(e.outcome, Outcome::kDelivered);
}

TEST(Network, AnUnreachableDestinationFailsAtOnce) {
  Driver d;
  sim::Engine engine(2);
  d.at(engine, 0, Driver::kDown, Driver::kS1S3);
  d.at(engine, 0, Driver::kDown, Driver::kS1S2);
  d.at(engine, 10 * kMs, Driver::kStart, d.add(1'000'000, OnBreak::kFail));
  EXPECT_EQ(run(d, engine), (std::vector<Ended>{{10 * kMs, 0, Outcome::kUnreachable}}));
}

TEST(Network, SmallMessagesTakeTheFastPath) {
  // 1,000 bytes under a 1,500-byte threshold: 7 ms + 8,000 bits / 10 Mb/s = 7.8 ms, whatever
  // else shares the links.
  NetworkOptions options;
  options.message_threshold_bytes = 1500;
  Driver d(options);
  sim::Engine engine(2);
  d.at(engine, 0, Driver::kStart, d.add(1'000'000));
  d.at(engine, 0, Driver::kStart, d.add(1'000));
  const auto ended = run(d, engine);
  ASSERT_EQ(ended.size(), 2u);
  EXPECT_EQ(ended[0], (Ended{7'800'000, 1, Outcome::kDelivered}));
  EXPECT_EQ(ended[1], (Ended{807 * kMs, 0, Outcome::kDelivered}));
}

// Store-and-forward. Device a sends a 1,000-byte message every 100 ms from 0 to 0.9 s; a and b are
// cut apart from 0.25 s to 1.0 s. Connected, a message takes the fast path: 7 ms + 8,000 bits /
// 10 Mb/s = 7.8 ms. The seven sent at 0.3 .. 0.9 s wait in a's queue and leave at 1.0 s, in order.
class StoreAndForward : public ::testing::Test {
 protected:
  std::vector<Ended> run_with(std::uint32_t capacity, DropPolicy policy) {
    NetworkOptions options;
    options.message_threshold_bytes = 1500;
    options.queue_capacity = capacity;
    options.drop = policy;
    d = std::make_unique<Driver>(options);
    sim::Engine engine(2);
    for (int i = 0; i < 10; ++i) d->at(engine, i * 100 * kMs, Driver::kSend, i);
    d->at(engine, 250 * kMs, Driver::kHold, 0);
    d->at(engine, 1000 * kMs, Driver::kRelease, 0);
    engine.run(*d);
    return d->ended;
  }
  std::unique_ptr<Driver> d;
};

TEST_F(StoreAndForward, QueuedMessagesAreDeliveredInOrderWhenConnectivityReturns) {
  const auto ended = run_with(100, DropPolicy::kDropOldest);
  std::vector<Ended> want;
  for (int i = 0; i < 3; ++i) want.push_back({i * 100 * kMs + 7'800'000, std::uint64_t(i), Outcome::kDelivered});
  for (int i = 3; i < 10; ++i) want.push_back({1000 * kMs + 7'800'000, std::uint64_t(i), Outcome::kDelivered});
  EXPECT_EQ(ended, want);
  // How late: each waited from its send until 1.0 s.
  const MessageRecords& m = d->net.messages();
  ASSERT_EQ(m.size(), 10u);
  for (std::size_t i = 3; i < 10; ++i) {
    EXPECT_EQ(m.transmit_ns[i] - m.sent_ns[i], 1000 * kMs - static_cast<sim::Time>(i) * 100 * kMs);
  }
  EXPECT_EQ(m.transmit_ns[0], m.sent_ns[0]);
  EXPECT_EQ(d->net.queued_messages(), 0u);
}

TEST_F(StoreAndForward, AFullQueueDropsTheOldestMessages) {
  // Capacity 3: of the seven waiting, 0.3 .. 0.6 s are dropped as newer ones arrive.
  const auto ended = run_with(3, DropPolicy::kDropOldest);
  std::vector<std::uint64_t> delivered, dropped;
  for (const Ended& e : ended) (e.outcome == Outcome::kDropped ? dropped : delivered).push_back(e.cookie);
  EXPECT_EQ(delivered, (std::vector<std::uint64_t>{0, 1, 2, 7, 8, 9}));
  EXPECT_EQ(dropped, (std::vector<std::uint64_t>{3, 4, 5, 6}));
}

TEST_F(StoreAndForward, AFullQueueCanDropTheNewestInstead) {
  const auto ended = run_with(3, DropPolicy::kDropNewest);
  std::vector<std::uint64_t> delivered, dropped;
  for (const Ended& e : ended) (e.outcome == Outcome::kDropped ? dropped : delivered).push_back(e.cookie);
  EXPECT_EQ(delivered, (std::vector<std::uint64_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(dropped, (std::vector<std::uint64_t>{6, 7, 8, 9}));
}

TEST(StoreAndForwardOrder, ABigMessageIsHandedOverBeforeTheSmallOnesSentAfterIt) {
  // Threshold 1,500 bytes. Message 0 (1 MB) is a flow: 8e6 bits / 10 Mb/s = 0.8 s, + 7 ms =
  // 807 ms. Messages 1..3 (1,000 bytes, sent at 100, 200, 300 ms) take the fast path and reach b
  // at 107.8, 207.8, 307.8 ms, but the reorder point holds them until message 0 is handed over:
  // all four at 807 ms, in the order sent. The queue (capacity 1) drops nothing: in-flight
  // messages have left it.
  NetworkOptions options;
  options.message_threshold_bytes = 1500;
  options.queue_capacity = 1;
  Driver d(options);
  sim::Engine engine(2);
  d.at(engine, 0, Driver::kSendBig, 0);
  for (int i = 1; i <= 3; ++i) d.at(engine, i * 100 * kMs, Driver::kSend, i);
  d.at(engine, 900 * kMs, Driver::kSend, 4);  // after the big one: 907.8 ms, not held
  EXPECT_EQ(run(d, engine), (std::vector<Ended>{{807 * kMs, 0, Outcome::kDelivered},
                                                {807 * kMs, 1, Outcome::kDelivered},
                                                {807 * kMs, 2, Outcome::kDelivered},
                                                {807 * kMs, 3, Outcome::kDelivered},
                                                {907'800'000, 4, Outcome::kDelivered}}));
  const MessageRecords& m = d.net.messages();
  ASSERT_EQ(m.size(), 5u);
  for (std::size_t i = 1; i <= 3; ++i) {
    EXPECT_EQ(m.transmit_ns[i], static_cast<sim::Time>(i) * 100 * kMs);  // left at once
    EXPECT_EQ(m.delivered_ns[i], 807 * kMs);
  }
}

TEST(StoreAndForwardOrder, TheSameSendsGiveIdenticalRecords) {
  // Determinism of the reorder point: big and small messages, an outage, twice over.
  const auto once = [] {
    NetworkOptions options;
    options.message_threshold_bytes = 1500;
    options.queue_capacity = 4;
    auto d = std::make_unique<Driver>(options);
    sim::Engine engine(2);
    for (int i = 0; i < 12; ++i)
      d->at(engine, i * 90 * kMs, i % 3 == 0 ? Driver::kSendBig : Driver::kSend, i);
    d->at(engine, 250 * kMs, Driver::kHold, 0);
    d->at(engine, 700 * kMs, Driver::kRelease, 0);
    engine.run(*d);
    return std::make_pair(d->ended, d->net.messages().delivered_ns);
  };
  const auto a = once(), b = once();
  EXPECT_EQ(a.first.size(), 12u);
  EXPECT_EQ(a, b);
  for (std::size_t i = 1; i < a.second.size(); ++i) EXPECT_LE(a.second[i - 1], a.second[i]);
}

TEST(StoreAndForwardOrder, QueuedBigAndSmallMessagesLeaveTogetherAndArriveInOrder) {
  // Cut from 0.25 s to 1.0 s; a 1 MB message at 0.3 s and 1,000-byte ones at 0.4, 0.5, 0.6 s wait
  // in the queue (capacity 3, drop newest: the one of 0.6 s is dropped then). At 1.0 s the three
  // left leave in order: the big one as a flow (0.8 s + 7 ms: 1.807 s), the small ones on the
  // fast path (1.0078 s), held at the reorder point until the big one is handed over.
  NetworkOptions options;
  options.message_threshold_bytes = 1500;
  options.queue_capacity = 3;
  options.drop = DropPolicy::kDropNewest;
  Driver d(options);
  sim::Engine engine(2);
  d.at(engine, 250 * kMs, Driver::kHold, 0);
  d.at(engine, 300 * kMs, Driver::kSendBig, 0);
  d.at(engine, 400 * kMs, Driver::kSend, 1);
  d.at(engine, 500 * kMs, Driver::kSend, 2);
  d.at(engine, 600 * kMs, Driver::kSend, 3);
  d.at(engine, 1000 * kMs, Driver::kRelease, 0);
  EXPECT_EQ(run(d, engine), (std::vector<Ended>{{600 * kMs, 3, Outcome::kDropped},
                                                {1807 * kMs, 0, Outcome::kDelivered},
                                                {1807 * kMs, 1, Outcome::kDelivered},
                                                {1807 * kMs, 2, Outcome::kDelivered}}));
}

TEST(StoreAndForwardOrder, TheQueueBoundsOnlyWhatWaitsOnTheDevice) {
  // Capacity 1, connected: ten 1 MB messages sent at once all become flows (in flight, not
  // queued) and none is dropped. They share the 10 Mb/s link and all end at 8 s (+ 7 ms), in order.
  NetworkOptions options;
  options.message_threshold_bytes = 1500;
  options.queue_capacity = 1;
  Driver d(options);
  sim::Engine engine(2);
  for (int i = 0; i < 10; ++i) d.at(engine, 0, Driver::kSendBig, i);
  const auto ended = run(d, engine);
  ASSERT_EQ(ended.size(), 10u);
  for (std::size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(ended[i].cookie, i);
    EXPECT_EQ(ended[i].outcome, Outcome::kDelivered);
    // 10 flows x 1 MB = 8e7 bits at 1e7 bit/s: 8 s; ceil rounding may add 1 ns.
    EXPECT_NEAR(static_cast<double>(ended[i].time), 8007e6, 2.0);
  }
  EXPECT_EQ(d.net.queued_messages(), 0u);
}

TEST(Network, LinkBytesCountWhatActiveFlowsSentByTheEnd) {
  // A 1 MB transfer at 10 Mb/s is cut off by the end of the run at 0.4 s: 0.5 MB sent on every
  // link of its route (a->s1, s1->s2, s2->b), none on the reverse links. Accounting twice at one
  // instant adds nothing, and the rest is credited when the flow ends.
  Driver d;
  sim::Engine engine(2);
  d.at(engine, 0, Driver::kStart, d.add(1'000'000));
  engine.run(d, 400 * kMs);
  d.net.account_active_flows(400 * kMs);
  d.net.account_active_flows(400 * kMs);
  const std::vector<double>& bytes = d.net.link_bytes();
  for (LinkId l : {LinkId{0}, Driver::kS1S2, LinkId{4}}) EXPECT_NEAR(bytes[l], 500'000, 1e-3);
  for (LinkId l : {LinkId{1}, LinkId{3}, LinkId{5}, LinkId{6}}) EXPECT_EQ(bytes[l], 0.0);
  engine.run(d);
  for (LinkId l : {LinkId{0}, Driver::kS1S2, LinkId{4}}) EXPECT_NEAR(bytes[l], 1'000'000, 1e-3);
}

TEST(Network, OverlappingOutagesHoldALinkDownUntilTheLastEnds) {
  Driver d;
  sim::Engine engine(2);
  const LinkId cut[] = {Driver::kS1S2};
  d.net.hold_down(cut, engine);
  d.net.hold_down(cut, engine);
  d.net.release(cut, engine);
  EXPECT_FALSE(d.net.topology().is_up(Driver::kS1S2));
  EXPECT_FALSE(d.net.topology().is_up(Driver::kS1S2 + 1));  // both directions
  d.net.release(cut, engine);
  EXPECT_TRUE(d.net.topology().is_up(Driver::kS1S2));
}

}  // namespace
}  // namespace edgetwin::network
