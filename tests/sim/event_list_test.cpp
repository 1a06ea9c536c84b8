// One test suite, run against every future-event list implementation (STYLE.md habit 4).
#include "sim/event_list.h"

#include <gtest/gtest.h>

#include <queue>
#include <vector>

#include "sim/random.h"

namespace edgetwin::sim {
namespace {

struct Later {
  bool operator()(const Event& a, const Event& b) const { return before(b, a); }
};
using Reference = std::priority_queue<Event, std::vector<Event>, Later>;

template <class List>
class EventListTest : public ::testing::Test {};
using Implementations = ::testing::Types<HeapEventList, LadderEventList>;
TYPED_TEST_SUITE(EventListTest, Implementations);

TYPED_TEST(EventListTest, PopsInTimeThenKeyOrder) {
  TypeParam list;
  list.push({30, make_key(0, 0), 1, 0, 0, 0});
  list.push({10, make_key(2, 0), 2, 0, 0, 0});
  list.push({10, make_key(1, 5), 3, 0, 0, 0});
  list.push({20, make_key(0, 1), 4, 0, 0, 0});
  std::vector<LpId> order;
  while (!list.empty()) {
    order.push_back(list.top().target);
    list.pop();
  }
  EXPECT_EQ(order, (std::vector<LpId>{3, 2, 4, 1}));
}

TYPED_TEST(EventListTest, EventsAtOneInstantComeOutInKeyOrder) {
  // Thousands of ties force the ladder to sort one bucket that cannot be split further.
  TypeParam list;
  RandomStream rng(7, 0, 0);
  for (std::uint64_t i = 0; i < 5000; ++i) list.push({1000, rng.next_u64() >> 1, 0, 0, 0, i});
  std::uint64_t previous = 0;
  std::size_t n = 0;
  while (!list.empty()) {
    ASSERT_GE(list.top().key, previous);
    previous = list.top().key;
    list.pop();
    ++n;
  }
  EXPECT_EQ(n, 5000u);
}

// Interleaved pushes and pops with times drawn from several shapes, compared event by event with
// std::priority_queue under the same order.
TYPED_TEST(EventListTest, MatchesAReferenceQueueUnderMixedWorkloads) {
  for (int shape = 0; shape < 4; ++shape) {
    TypeParam list;
    Reference ref;
    RandomStream rng(11, 0, static_cast<std::uint32_t>(shape));
    Time now = 0;
    std::uint64_t seq = 0;
    auto draw = [&]() -> Time {
      switch (shape) {
        case 0: return static_cast<Time>(rng.exponential(1e6));          // hold, exponential
        case 1: return static_cast<Time>(rng.uniform_int(10));           // many near-ties
        case 2: return rng.uniform01() < 0.01 ? 1'000'000'000 : 1000;    // bimodal
        default: return static_cast<Time>(rng.uniform_int(1) * 0 + 5);   // constant increment
      }
    };
    for (int i = 0; i < 20000; ++i) {
      Event e{now + draw(), make_key(0, seq++), 0, 0, 0, 0};
      list.push(e);
      ref.push(e);
    }
    for (int i = 0; i < 200000; ++i) {
      ASSERT_EQ(list.size(), ref.size());
      const Event got = list.top();
      const Event want = ref.top();
      ASSERT_EQ(got.time, want.time) << "shape " << shape << " step " << i;
      ASSERT_EQ(got.key, want.key) << "shape " << shape << " step " << i;
      list.pop();
      ref.pop();
      now = got.time;
      const int pushes = static_cast<int>(rng.uniform_int(3));  // population random-walks
      for (int k = 0; k < pushes; ++k) {
        Event e{now + draw(), make_key(1, seq++), 0, 0, 0, 0};
        list.push(e);
        ref.push(e);
      }
      if (list.empty()) break;
    }
  }
}

// Regression: the ladder's bucket width overflowed when pending times spanned the whole range.
TYPED_TEST(EventListTest, TimesSpanningTheWholeRangeComeOutInOrder) {
  TypeParam list;
  Reference ref;
  const Time times[] = {0, kTimeMax - 1, kTimeMax / 2, 1, kTimeMax - 2, 12345, kTimeMax / 3};
  std::uint64_t seq = 0;
  for (int round = 0; round < 30; ++round) {
    for (Time t : times) {
      const Event e{t, make_key(0, seq++), 0, 0, 0, 0};
      list.push(e);
      ref.push(e);
    }
  }
  while (!ref.empty()) {
    ASSERT_EQ(list.top().time, ref.top().time);
    ASSERT_EQ(list.top().key, ref.top().key);
    list.pop();
    ref.pop();
  }
  EXPECT_TRUE(list.empty());
}

TYPED_TEST(EventListTest, HoldsAMillionEventsWithoutLosingAny) {
  TypeParam list;
  RandomStream rng(3, 0, 0);
  for (std::uint64_t i = 0; i < 1'000'000; ++i) {
    list.push({static_cast<Time>(rng.uniform_int(1'000'000'000)), make_key(0, i), 0, 0, 0, i});
  }
  EXPECT_EQ(list.size(), 1'000'000u);
  Event prev = list.top();
  std::uint64_t sum = 0;
  while (!list.empty()) {
    const Event e = list.top();
    ASSERT_FALSE(before(e, prev));
    sum += e.payload;
    prev = e;
    list.pop();
  }
  EXPECT_EQ(sum, 999'999ull * 1'000'000ull / 2);
}

}  // namespace
}  // namespace edgetwin::sim
