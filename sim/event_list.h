// The future-event list: a priority queue of events ordered by (time, key), see event.h.
//
// Interface (the EventList concept below): push, top, pop, size, empty. Both implementations
// return events in exactly the same order, because (time, key) is a strict total order; one
// shared test (tests/sim/event_list_test.cpp) runs against both.
//
// Cost, n = pending events:
//   implementation   push                 pop                     memory
//   HeapEventList    O(log4 n)            O(log4 n)               32 B/event, one array
//   LadderEventList  O(1) amortised       O(1) amortised (*)      32 B/event + bucket headers
// (*) Tang, Goh & Thng, "Ladder queue: an O(1) priority queue structure for large-scale discrete
//     event simulation", ACM TOMACS 15(3), 2005. Degrades to O(log n) per event when many events
//     share one timestamp (they are sorted in one bucket). Events at exactly kTimeMax (saturated
//     times, beyond any run's horizon) may leave in another key order than the heap's. The heap is faster below ~10^4 pending
//     events; the ladder wins from ~10^5 (bench/RESULTS.md).
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/event.h"

namespace edgetwin::sim {

enum class EventListKind { kHeap, kLadder };
const char* event_list_name(EventListKind kind);

template <class L>
concept EventList = requires(L list, const L clist, const Event& e) {
  { list.push(e) };
  { list.top() } -> std::convertible_to<const Event&>;  // REQUIRES !empty()
  { list.pop() };                                       // REQUIRES !empty()
  { clist.size() } -> std::convertible_to<std::size_t>;
  { clist.empty() } -> std::convertible_to<bool>;
};

// An implicit 4-ary min-heap (children of i at 4i+1..4i+4): shallower than a binary heap, and the
// four children of a node share one or two cache lines.
class HeapEventList {
 public:
  void push(const Event& e);
  const Event& top() const { return heap_.front(); }
  void pop();
  std::size_t size() const { return heap_.size(); }
  bool empty() const { return heap_.empty(); }
  void reserve(std::size_t n) { heap_.reserve(n); }

 private:
  std::vector<Event> heap_;
};

// Ladder queue: an unsorted Top for the far future, up to kMaxRungs rungs of buckets that split
// time ever more finely, and a sorted Bottom holding the next few events. Bucket storage is kept
// and reused between epochs, so after warm-up nothing is allocated per event.
class LadderEventList {
 public:
  static constexpr int kMaxRungs = 8;
  static constexpr std::size_t kThreshold = 50;  // a bucket larger than this spawns a rung
  static constexpr std::size_t kKeepCapacity = 4 * kThreshold;  // an emptied bucket keeps this

  void push(const Event& e);
  const Event& top();  // non-const: may move events down the ladder
  void pop() {
    top();
    bottom_.pop_back();
    --size_;
  }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  struct Rung {
    Time start = 0;        // start of bucket 0
    Time width = 1;        // bucket width, >= 1
    std::size_t cur = 0;   // first bucket not yet moved down
    std::size_t count = 0;  // buckets in use
    std::vector<std::vector<Event>> buckets;  // capacity kept between epochs
    Time cur_start() const { return start + static_cast<Time>(cur) * width; }
  };

  void insert_bottom(const Event& e);
  void fill_bottom();
  void recycle(std::vector<Event>& bucket);  // empties a bucket moved down the ladder
  void top_to_rung();
  // Spreads `events` (all within [start, start + count * width)) over a fresh rung.
  Rung& open_rung(Time start, Time width, std::size_t count);

  std::vector<Event> top_;
  Time top_start_ = 0;  // events at or after this go to top_
  Time top_min_ = kTimeMax;
  Time top_max_ = 0;
  Rung rungs_[kMaxRungs];
  int rung_count_ = 0;
  std::vector<Event> bottom_;  // sorted, latest first: the next event is bottom_.back()
  std::vector<Event> scratch_;
  std::size_t size_ = 0;
};

static_assert(EventList<HeapEventList>);
static_assert(EventList<LadderEventList>);

}  // namespace edgetwin::sim
