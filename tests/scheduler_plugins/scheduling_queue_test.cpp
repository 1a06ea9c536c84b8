// The scheduling queue: priority then FIFO, exponential back-off, retry when capacity frees.
#include "scheduler_plugins/placement/scheduling_queue.h"

#include <gtest/gtest.h>

namespace edgetwin::scheduler_plugins::placement {
namespace {

using sim::kSecond;

TEST(SchedulingQueue, PopsByPriorityThenInOrderOfArrival) {
  SchedulingQueue queue;
  queue.add(1, 0);
  queue.add(2, 5);
  queue.add(3, 0);
  queue.add(4, 5);
  std::vector<int> order;
  while (auto p = queue.pop(0)) order.push_back(p->pod);
  EXPECT_EQ(order, (std::vector<int>{2, 4, 1, 3}));
}

TEST(SchedulingQueue, BackOffDoublesFromOneSecondUpToTen) {
  SchedulingQueue queue;
  EXPECT_EQ(queue.backoff(1), 1 * kSecond);
  EXPECT_EQ(queue.backoff(2), 2 * kSecond);
  EXPECT_EQ(queue.backoff(4), 8 * kSecond);
  EXPECT_EQ(queue.backoff(5), 10 * kSecond);  // 16 s capped
  EXPECT_EQ(queue.backoff(60), 10 * kSecond);
}

TEST(SchedulingQueue, UnschedulablePodsRetryWhenCapacityFreesAfterTheirBackOff) {
  SchedulingQueue queue;
  queue.add(7, 0);
  auto first = queue.pop(0);
  ASSERT_TRUE(first);
  queue.mark_unschedulable(*first, 0);   // 1st failure: back-off 1 s, until t = 1 s
  EXPECT_FALSE(queue.pop(5 * kSecond));  // no capacity freed yet: stays unschedulable
  EXPECT_EQ(queue.unschedulable(), 1u);
  // Capacity frees at 0.5 s, inside the back-off: to the back-off queue, active at 1 s.
  queue.on_capacity_freed(kSecond / 2);
  EXPECT_EQ(queue.backing_off(), 1u);
  EXPECT_EQ(queue.next_backoff_end(), kSecond);
  EXPECT_FALSE(queue.pop(kSecond - 1));
  auto second = queue.pop(kSecond);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->attempts, 1);
  // 2nd failure at 3 s: back-off 2 s; capacity frees at 6 s, after it: straight to active.
  queue.mark_unschedulable(*second, 3 * kSecond);
  queue.on_capacity_freed(6 * kSecond);
  EXPECT_EQ(queue.active(), 1u);
  auto third = queue.pop(6 * kSecond);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->pod, 7);
  EXPECT_EQ(third->attempts, 2);
}

TEST(SchedulingQueue, ARetriedPodQueuesBehindPodsOfItsPriorityThatArrivedMeanwhile) {
  SchedulingQueue queue;
  queue.add(1, 0);
  auto p = queue.pop(0);
  queue.mark_unschedulable(*p, 0);
  queue.add(2, 0);
  queue.on_capacity_freed(10 * kSecond);  // back-off over: 1 re-enters after 2
  EXPECT_EQ(queue.pop(10 * kSecond)->pod, 2);
  EXPECT_EQ(queue.pop(10 * kSecond)->pod, 1);
}

}  // namespace
}  // namespace edgetwin::scheduler_plugins::placement
