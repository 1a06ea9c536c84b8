#include "scheduler_plugins/placement/scheduling_queue.h"

#include <algorithm>

namespace edgetwin::scheduler_plugins::placement {

void SchedulingQueue::activate(Pending pending) {
  pending.sequence = next_sequence_++;
  active_.push(pending);
}

void SchedulingQueue::add(int pod, int priority) { activate({pod, priority, 0, 0}); }

std::optional<SchedulingQueue::Popped> SchedulingQueue::pop(sim::Time now) {
  while (!backoff_.empty() && backoff_.top().backoff_end <= now) {
    activate(backoff_.top().pending);
    backoff_.pop();
  }
  if (active_.empty()) return std::nullopt;
  const Pending top = active_.top();
  active_.pop();
  return Popped{top.pod, top.priority, top.attempts};
}

void SchedulingQueue::mark_unschedulable(const Popped& popped, sim::Time now) {
  const int attempts = popped.attempts + 1;
  unschedulable_.push_back({{popped.pod, popped.priority, attempts, 0}, now + backoff(attempts)});
}

void SchedulingQueue::on_capacity_freed(sim::Time now) {
  // In the order they became unschedulable, so that equal-priority pods keep their order.
  for (const Waiting& w : unschedulable_) {
    if (w.backoff_end <= now) {
      activate(w.pending);
    } else {
      backoff_.push(w);
    }
  }
  unschedulable_.clear();
}

sim::Time SchedulingQueue::backoff(int attempts) const {
  sim::Time duration = options_.initial_backoff;
  for (int i = 1; i < attempts && duration < options_.max_backoff; ++i) duration *= 2;
  return std::min(duration, options_.max_backoff);
}

sim::Time SchedulingQueue::next_backoff_end() const {
  return backoff_.empty() ? sim::kTimeMax : backoff_.top().backoff_end;
}

}  // namespace edgetwin::scheduler_plugins::placement
