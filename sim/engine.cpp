#include "sim/engine.h"

#include <chrono>
#include <stdexcept>
#include <string>

namespace edgetwin::sim {

std::uint64_t fold_fingerprints(const std::vector<std::uint64_t>& per_lp) {
  std::uint64_t hash = kFnvOffset;
  for (std::uint64_t chain : per_lp) hash = (hash ^ chain) * kFnvPrime;
  return hash;
}

Engine::Engine(std::uint32_t lp_count, EventListKind list)
    : list_kind_(list), lp_count_(lp_count), own_seq_(lp_count, 0), seq_(own_seq_.data()) {
  if (lp_count > kMaxLps) {
    throw std::invalid_argument("engine: " + std::to_string(lp_count) +
                                " logical processes exceed the limit of " +
                                std::to_string(kMaxLps));
  }
}

void Engine::throw_in_the_past(LpId source, LpId target, Time at, std::uint16_t kind) const {
  throw std::logic_error("engine: LP " + std::to_string(source) + " scheduled an event of kind " +
                         std::to_string(kind) + " for LP " + std::to_string(target) + " at " +
                         std::to_string(at) + " ns, before the current time " +
                         std::to_string(now_) + " ns (event " + std::to_string(events_) + ")");
}

void Engine::throw_foreign_source(LpId source, LpId target, Time at) const {
  throw std::logic_error("parallel engine: an event for LP " + std::to_string(target) + " at " +
                         std::to_string(at) + " ns was scheduled on behalf of LP " +
                         std::to_string(source) + " (partition " +
                         std::to_string(partition_of_[source]) + ") while partition " +
                         std::to_string(partition_) + " was running (now " + std::to_string(now_) +
                         " ns): a model may schedule only for LPs of the partition it runs in");
}

void Engine::throw_within_lookahead(LpId source, LpId target, Time at, std::uint16_t kind) const {
  throw std::logic_error(
      "parallel engine: LP " + std::to_string(source) + " (partition " +
      std::to_string(partition_) + ") scheduled an event of kind " + std::to_string(kind) +
      " for LP " + std::to_string(target) + " (partition " + std::to_string(partition_of_[target]) +
      ") at " + std::to_string(at) + " ns, " + std::to_string(at - now_) +
      " ns after its current time " + std::to_string(now_) +
      " ns; events between partitions must be at least the lookahead (" +
      std::to_string(lookahead_) +
      " ns) ahead: declare a smaller lookahead or put both LPs in one partition");
}

void Engine::set_progress(std::function<void(const Progress&)> sink, std::uint64_t every_events) {
  progress_ = std::move(sink);
  std::uint64_t p = 1;
  while (p < every_events) p <<= 1;
  progress_mask_ = p - 1;
}

void Engine::enable_fingerprint() {
  own_hash_.assign(lp_count_, kFnvOffset);
  lp_hash_ = own_hash_.data();
}

std::uint64_t Engine::fingerprint() const { return fold_fingerprints(own_hash_); }

RunStats Engine::run(Model& model, Time until) {
  return run_events(model, ~std::uint64_t{0}, until);
}

RunStats Engine::run_events(Model& model, std::uint64_t max_events, Time until) {
  stop_ = false;
  return list_kind_ == EventListKind::kHeap ? loop(heap_, model, max_events, until)
                                            : loop(ladder_, model, max_events, until);
}

template <class List>
RunStats Engine::loop(List& list, Model& model, std::uint64_t max_events, Time until) {
  using Clock = std::chrono::steady_clock;
  const auto wall_start = Clock::now();
  const std::uint64_t first = events_;
  const std::uint64_t last =
      max_events > ~std::uint64_t{0} - first ? ~std::uint64_t{0} : first + max_events;
  while (!list.empty() && events_ < last) {
    const Event& next = list.top();
    if (next.time > until) break;
    const Event e = next;
    list.pop();
    now_ = e.time;
    if (lp_hash_ != nullptr) lp_hash_[e.target] = fingerprint_step(lp_hash_[e.target], e);
    model.handle(e, *this);
    ++events_;
    if (stop_) break;
    if (progress_ && (events_ & progress_mask_) == 0) {
      progress_(
          {now_, until, events_, std::chrono::duration<double>(Clock::now() - wall_start).count()});
    }
  }
  if (!stop_ && events_ < last && until != kTimeMax && now_ < until) now_ = until;
  RunStats stats;
  stats.events = events_ - first;
  stats.end_time = now_;
  stats.wall_seconds = std::chrono::duration<double>(Clock::now() - wall_start).count();
  stats.stopped = stop_;
  return stats;
}

bool Engine::run_window(Model& model, Time last) {
  stop_ = false;
  sent_ = 0;
  sent_min_ = kTimeMax;
  if (list_kind_ == EventListKind::kHeap) {
    window_loop(heap_, model, last);
  } else {
    window_loop(ladder_, model, last);
  }
  return stop_;
}

template <class List>
void Engine::window_loop(List& list, Model& model, Time last) {
  while (!list.empty()) {
    const Event& next = list.top();
    if (next.time > last) break;
    const Event e = next;
    list.pop();
    now_ = e.time;
    if (lp_hash_ != nullptr) lp_hash_[e.target] = fingerprint_step(lp_hash_[e.target], e);
    model.handle(e, *this);
    ++events_;
  }
}

Time Engine::next_time() {
  return list_kind_ == EventListKind::kHeap ? heap_.top().time : ladder_.top().time;
}

}  // namespace edgetwin::sim
