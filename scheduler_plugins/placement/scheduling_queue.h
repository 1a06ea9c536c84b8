// Pending placements, after kube-scheduler's scheduling queue (pkg/scheduler/backend/queue):
// an active queue ordered by priority (higher first), then by the order of entry (FIFO); pods
// that could not be placed wait in an unschedulable pool until capacity frees, and then in a
// back-off queue until initial x 2^(attempts - 1) (capped at max) has passed since their last
// attempt. All times are simulated (sim::Time), never wall-clock.
#pragma once

#include <cstdint>
#include <optional>
#include <queue>
#include <vector>

#include "sim/units.h"

namespace edgetwin::scheduler_plugins::placement {

class SchedulingQueue {
 public:
  struct Options {
    sim::Time initial_backoff = sim::kSecond;   // kube-scheduler podInitialBackoffSeconds
    sim::Time max_backoff = 10 * sim::kSecond;  // kube-scheduler podMaxBackoffSeconds
  };
  SchedulingQueue() = default;
  explicit SchedulingQueue(Options options) : options_(options) {}

  // A pod taken from the queue; hand it back to mark_unschedulable when it found no node.
  struct Popped {
    int pod;
    int priority;
    int attempts;  // failed attempts before this one
  };

  // A new pending placement; `pod` is the caller's id for it.
  void add(int pod, int priority);
  // Moves the pods whose back-off has ended by `now` to the active queue, then takes the first.
  std::optional<Popped> pop(sim::Time now);
  // The pod popped at `now` found no node: it waits for capacity (on_capacity_freed).
  void mark_unschedulable(const Popped& popped, sim::Time now);
  // Capacity freed at `now` (kube-scheduler's MoveAllToActiveOrBackoffQueue): each unschedulable
  // pod goes to the active queue if its back-off has ended, else to the back-off queue.
  void on_capacity_freed(sim::Time now);

  // The back-off of a pod after `attempts` failed attempts: initial x 2^(attempts - 1), capped.
  sim::Time backoff(int attempts) const;
  // When the earliest back-off ends; kTimeMax with none.
  sim::Time next_backoff_end() const;
  std::size_t active() const { return active_.size(); }
  std::size_t backing_off() const { return backoff_.size(); }
  std::size_t unschedulable() const { return unschedulable_.size(); }

 private:
  struct Pending {
    int pod;
    int priority;
    int attempts;
    std::uint64_t sequence;  // order of entry into the active queue
  };
  struct ActiveOrder {  // true iff a comes after b
    bool operator()(const Pending& a, const Pending& b) const {
      if (a.priority != b.priority) return a.priority < b.priority;
      return a.sequence > b.sequence;
    }
  };
  struct Waiting {
    Pending pending;
    sim::Time backoff_end;
  };
  struct BackoffOrder {  // earliest end first; ties by sequence
    bool operator()(const Waiting& a, const Waiting& b) const {
      if (a.backoff_end != b.backoff_end) return a.backoff_end > b.backoff_end;
      return a.pending.sequence > b.pending.sequence;
    }
  };
  void activate(Pending pending);

  Options options_;
  std::uint64_t next_sequence_ = 0;
  std::priority_queue<Pending, std::vector<Pending>, ActiveOrder> active_;
  std::priority_queue<Waiting, std::vector<Waiting>, BackoffOrder> backoff_;
  std::vector<Waiting> unschedulable_;
};

}  // namespace edgetwin::scheduler_plugins::placement
