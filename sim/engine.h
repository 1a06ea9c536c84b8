// The sequential engine: pops events in (time, key) order and hands each to the model.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "sim/event.h"
#include "sim/event_list.h"

namespace edgetwin::sim {

class Engine;

// A model handles the events addressed to its logical processes. One level of inheritance: models
// are final classes that switch on Event::kind.
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

class Engine {
 public:
  // REQUIRES: lp_count <= kMaxLps.
  explicit Engine(std::uint32_t lp_count, EventListKind list = EventListKind::kLadder);

  // Schedules an event at absolute time `at` for `target`, on behalf of `source` (whose sequence
  // number makes the tie-break key). Throws std::logic_error, naming the LPs and times, when `at`
  // precedes now(): a model bug, which would otherwise silently reorder time.
  void schedule(LpId source, LpId target, Time at, std::uint16_t kind, std::uint64_t payload = 0,
                std::uint16_t aux = 0) {
    if (at < now_) [[unlikely]] throw_in_the_past(source, target, at, kind);
    Event e{at, make_key(source, seq_[source]++), target, kind, aux, payload};
    if (list_kind_ == EventListKind::kHeap) {
      heap_.push(e);
    } else {
      ladder_.push(e);
    }
  }

  // Handles every event with time <= until (or all of them with kTimeMax), or until a model calls
  // request_stop(). Afterwards now() is the time of the last event handled, raised to `until` when
  // the run was not stopped and until is finite.
  RunStats run(Model& model, Time until = kTimeMax);
  // Like run(), and also stops after max_events events.
  RunStats run_events(Model& model, std::uint64_t max_events, Time until = kTimeMax);

  // Called by a model from handle(): the run returns after the current event.
  void request_stop() { stop_ = true; }

  Time now() const { return now_; }
  std::uint64_t events_handled() const { return events_; }
  std::size_t pending() const {
    return list_kind_ == EventListKind::kHeap ? heap_.size() : ladder_.size();
  }
  std::uint32_t lp_count() const { return static_cast<std::uint32_t>(seq_.size()); }
  EventListKind event_list_kind() const { return list_kind_; }

  // Receives progress about every `every_events` events (a power of two is rounded to).
  void set_progress(std::function<void(const Progress&)> sink, std::uint64_t every_events = 1 << 18);

  // FNV-1a over (time, key, target, kind) of every event handled so far, when enabled before the
  // run: the determinism tests compare it across engines and thread counts.
  void enable_fingerprint() { fingerprint_on_ = true; }
  std::uint64_t fingerprint() const { return fingerprint_; }

 private:
  [[noreturn]] void throw_in_the_past(LpId source, LpId target, Time at, std::uint16_t kind) const;
  template <class List>
  RunStats loop(List& list, Model& model, std::uint64_t max_events, Time until);

  EventListKind list_kind_;
  HeapEventList heap_;
  LadderEventList ladder_;
  std::vector<std::uint64_t> seq_;  // per-LP sequence numbers
  Time now_ = 0;
  std::uint64_t events_ = 0;
  bool stop_ = false;
  bool fingerprint_on_ = false;
  std::uint64_t fingerprint_ = 1469598103934665603ull;
  std::function<void(const Progress&)> progress_;
  std::uint64_t progress_mask_ = 0;
};

}  // namespace edgetwin::sim
