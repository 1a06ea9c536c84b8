// The sequential engine: pops events in (time, key) order and hands each to the model. The same
// class is also one partition of the parallel engine (parallel_engine.h), which routes events for
// other partitions to outboxes instead of its own list.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "sim/event.h"
#include "sim/event_list.h"

namespace edgetwin::sim {

class Engine;
class ParallelEngine;

// A model handles the events addressed to its logical processes. One level of inheritance: models
// are final classes that switch on Event::kind.
//
// Under the parallel engine, handle() runs concurrently for events of different partitions, and
// `engine` is the partition's own engine. A model that runs there may touch only the state of the
// event's target LP (or of LPs in the same partition), schedule only on behalf of LPs of that
// partition, and reach another partition no sooner than the lookahead (see ParallelEngine).
class Model {
 public:
  virtual ~Model() = default;
  virtual void handle(const Event& event, Engine& engine) = 0;
};

struct RunStats {
  std::uint64_t events = 0;  // handled during this call
  Time end_time = 0;         // simulated time when the call returned
  double wall_seconds = 0.0;
  bool stopped = false;  // a model asked to stop
};

struct Progress {
  Time now = 0;
  Time until = 0;
  std::uint64_t events = 0;
  double wall_seconds = 0.0;
};

// The event-sequence fingerprint (enable_fingerprint): one FNV-1a chain per LP over the
// (time, key, kind, aux, payload) of the events that LP handled, in the order it handled them; the
// chains are then folded in LP order. It depends only on what each LP saw and in which order, not
// on how LPs were spread over partitions or threads, so the sequential and the parallel engine give
// the same value for the same model.
inline constexpr std::uint64_t kFnvOffset = 1469598103934665603ull;
inline constexpr std::uint64_t kFnvPrime = 1099511628211ull;
inline std::uint64_t fingerprint_step(std::uint64_t hash, const Event& e) {
  for (std::uint64_t word : {static_cast<std::uint64_t>(e.time), e.key,
                             std::uint64_t{e.kind} << 16 | e.aux, e.payload}) {
    hash = (hash ^ word) * kFnvPrime;
  }
  return hash;
}
std::uint64_t fold_fingerprints(const std::vector<std::uint64_t>& per_lp);

// Aligned to a cache line: the parallel engine keeps one per partition, and two partitions running
// on two threads must not share a line.
class alignas(64) Engine {
 public:
  // REQUIRES: lp_count <= kMaxLps.
  explicit Engine(std::uint32_t lp_count, EventListKind list = EventListKind::kLadder);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Schedules an event at absolute time `at` for `target`, on behalf of `source` (whose sequence
  // number makes the tie-break key). Throws std::logic_error, naming the LPs and times, when `at`
  // precedes now(): a model bug, which would otherwise silently reorder time. As a partition of
  // the parallel engine, also throws when `source` belongs to another partition, or when `target`
  // does and `at` is closer to now() than the lookahead.
  void schedule(LpId source, LpId target, Time at, std::uint16_t kind, std::uint64_t payload = 0,
                std::uint16_t aux = 0) {
    if (at < now_) [[unlikely]]
      throw_in_the_past(source, target, at, kind);
    if (partition_of_ == nullptr) {
      push(Event{at, make_key(source, seq_[source]++), target, kind, aux, payload});
    } else {
      route(source, target, at, kind, payload, aux);
    }
  }

  // Handles every event with time <= until (or all of them with kTimeMax), or until a model calls
  // request_stop(). Afterwards now() is the time of the last event handled, raised to `until` when
  // the run was not stopped and until is finite.
  RunStats run(Model& model, Time until = kTimeMax);
  // Like run(), and also stops after max_events events.
  RunStats run_events(Model& model, std::uint64_t max_events, Time until = kTimeMax);

  // Called by a model from handle(): the run returns after the current event (under the parallel
  // engine: at the end of the current window, see ParallelEngine::run).
  void request_stop() { stop_ = true; }

  Time now() const { return now_; }
  std::uint64_t events_handled() const { return events_; }
  std::size_t pending() const {
    return list_kind_ == EventListKind::kHeap ? heap_.size() : ladder_.size();
  }
  std::uint32_t lp_count() const { return lp_count_; }
  EventListKind event_list_kind() const { return list_kind_; }

  // Receives progress about every `every_events` events (a power of two is rounded to).
  void set_progress(std::function<void(const Progress&)> sink,
                    std::uint64_t every_events = 1 << 18);

  // Starts the per-LP fingerprint (see fingerprint_step) of the events handled from now on: the
  // determinism tests compare it across event lists, engines and thread counts.
  void enable_fingerprint();
  std::uint64_t fingerprint() const;

 private:
  friend class ParallelEngine;

  void push(const Event& e) {
    if (list_kind_ == EventListKind::kHeap) {
      heap_.push(e);
    } else {
      ladder_.push(e);
    }
  }
  // Partition mode: keeps the event, or puts it in the outbox of the target's partition.
  void route(LpId source, LpId target, Time at, std::uint16_t kind, std::uint64_t payload,
             std::uint16_t aux) {
    const std::uint32_t home = partition_of_[target];
    if (partition_of_[source] != partition_) [[unlikely]]
      throw_foreign_source(source, target, at);
    const Event e{at, make_key(source, seq_[source]++), target, kind, aux, payload};
    if (home == partition_) {
      push(e);
      return;
    }
    if (at - now_ < lookahead_) [[unlikely]]
      throw_within_lookahead(source, target, at, kind);
    outbox_[home].push_back(e);
    ++sent_;
    if (at < sent_min_) sent_min_ = at;
  }
  [[noreturn]] void throw_in_the_past(LpId source, LpId target, Time at, std::uint16_t kind) const;
  [[noreturn]] void throw_foreign_source(LpId source, LpId target, Time at) const;
  [[noreturn]] void throw_within_lookahead(LpId source, LpId target, Time at,
                                           std::uint16_t kind) const;
  template <class List>
  RunStats loop(List& list, Model& model, std::uint64_t max_events, Time until);
  // Partition mode: handles every event with time <= last (all partitions run the whole window,
  // whatever request_stop() says). Returns whether a model asked to stop.
  bool run_window(Model& model, Time last);
  template <class List>
  void window_loop(List& list, Model& model, Time last);
  // The time of the next event. REQUIRES: pending() > 0.
  Time next_time();

  EventListKind list_kind_;
  HeapEventList heap_;
  LadderEventList ladder_;
  std::uint32_t lp_count_;
  std::vector<std::uint64_t> own_seq_;   // per-LP sequence numbers (sequential engine)
  std::uint64_t* seq_;                   // own_seq_, or the parallel engine's shared array
  std::vector<std::uint64_t> own_hash_;  // per-LP fingerprint chains (sequential engine)
  std::uint64_t* lp_hash_ = nullptr;     // null while the fingerprint is off
  Time now_ = 0;
  std::uint64_t events_ = 0;
  bool stop_ = false;
  std::function<void(const Progress&)> progress_;
  std::uint64_t progress_mask_ = 0;

  // Partition mode, set by ParallelEngine; partition_of_ is null for a sequential engine. Each LP's
  // seq_ and lp_hash_ entries are written only by the partition that owns the LP.
  const std::uint32_t* partition_of_ = nullptr;
  std::uint32_t partition_ = 0;
  Time lookahead_ = 0;
  std::vector<Event>* outbox_ = nullptr;  // this window's outboxes, indexed by target partition
  std::uint64_t sent_ = 0;                // events put in outboxes during this window
  Time sent_min_ = kTimeMax;              // the earliest of them
};

}  // namespace edgetwin::sim
