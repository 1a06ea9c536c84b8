#include "sim/event_list.h"

#include <algorithm>

namespace edgetwin::sim {

const char* event_list_name(EventListKind kind) {
  return kind == EventListKind::kHeap ? "heap" : "ladder";
}

// ---- HeapEventList -------------------------------------------------------------------------

void HeapEventList::push(const Event& e) {
  heap_.push_back(e);
  std::size_t i = heap_.size() - 1;
  while (i > 0) {  // sift the hole up
    std::size_t parent = (i - 1) / 4;
    if (!before(e, heap_[parent])) break;
    heap_[i] = heap_[parent];
    i = parent;
  }
  heap_[i] = e;
}

void HeapEventList::pop() {
  const Event last = heap_.back();
  heap_.pop_back();
  const std::size_t n = heap_.size();
  if (n == 0) return;
  std::size_t i = 0;
  for (;;) {  // sift the hole at the root down, then drop `last` into it
    std::size_t first = 4 * i + 1;
    if (first >= n) break;
    std::size_t end = std::min(first + 4, n);
    std::size_t m = first;
    for (std::size_t c = first + 1; c < end; ++c) {
      if (before(heap_[c], heap_[m])) m = c;
    }
    if (!before(heap_[m], last)) break;
    heap_[i] = heap_[m];
    i = m;
  }
  heap_[i] = last;
}

// ---- LadderEventList -----------------------------------------------------------------------
//
// Invariants (t = an event's time):
//   top_:      t >= top_start_
//   rung r:    rungs_[r].cur_start() <= t < end of rung r, where rung 0 ends at top_start_ and rung
//              r + 1 ends where rung r's current bucket begins (it was spawned from the bucket
//              just before it);
//   bottom_:   t < cur_start() of the deepest rung (or < top_start_ when there is no rung).
// Hence every event in bottom_ precedes every event in a rung, and those precede top_.

void LadderEventList::push(const Event& e) {
  ++size_;
  if (e.time >= top_start_) {
    top_.push_back(e);
    top_min_ = std::min(top_min_, e.time);
    top_max_ = std::max(top_max_, e.time);
    return;
  }
  for (int r = 0; r < rung_count_; ++r) {
    Rung& rung = rungs_[r];
    if (e.time >= rung.cur_start()) {
      auto b = static_cast<std::size_t>((e.time - rung.start) / rung.width);
      rung.buckets[b].push_back(e);
      return;
    }
  }
  insert_bottom(e);
}

void LadderEventList::insert_bottom(const Event& e) {
  // Latest first; the insertion point is found from the back, where new events usually go.
  auto it = std::upper_bound(bottom_.begin(), bottom_.end(), e,
                             [](const Event& a, const Event& b) { return before(b, a); });
  bottom_.insert(it, e);
}

const Event& LadderEventList::top() {
  if (bottom_.empty()) fill_bottom();
  return bottom_.back();
}

LadderEventList::Rung& LadderEventList::open_rung(Time start, Time width, std::size_t count) {
  Rung& rung = rungs_[rung_count_++];
  rung.start = start;
  rung.width = width;
  rung.cur = 0;
  rung.count = count;
  if (rung.buckets.size() < count) rung.buckets.resize(count);
  return rung;
}

void LadderEventList::top_to_rung() {
  // In unsigned arithmetic: the span of pending times may be the whole range of Time.
  const auto n = static_cast<std::uint64_t>(top_.size());
  const auto spread = static_cast<std::uint64_t>(top_max_) - static_cast<std::uint64_t>(top_min_);
  const std::uint64_t width_u = std::max<std::uint64_t>(1, spread / n + 1);  // n * width > spread
  const auto width = static_cast<Time>(width_u);
  const auto count = static_cast<std::size_t>(spread / width_u + 1);
  Rung& rung = open_rung(top_min_, width, count);
  for (const Event& e : top_) {
    rung.buckets[static_cast<std::size_t>((e.time - rung.start) / width)].push_back(e);
  }
  top_.clear();
  // The rung's end; saturated, in which case events at kTimeMax wait in top_ for the next epoch.
  const std::uint64_t end = static_cast<std::uint64_t>(rung.start) + count * width_u;
  top_start_ = end > static_cast<std::uint64_t>(kTimeMax) ? kTimeMax : static_cast<Time>(end);
  top_min_ = kTimeMax;
  top_max_ = 0;
}

void LadderEventList::recycle(std::vector<Event>& bucket) {
  // A bucket keeps its capacity for the next epoch, where it covers other times; one that held a
  // crowd of same-instant events would otherwise keep that memory for the rest of the run, and
  // every bucket its largest crowd. Large buckets give their memory back: one allocation per
  // crowd, not per event.
  if (bucket.capacity() > kKeepCapacity) {
    std::vector<Event>().swap(bucket);
  } else {
    bucket.clear();
  }
}

void LadderEventList::fill_bottom() {
  // REQUIRES: bottom_ is empty and size_ > 0.
  for (;;) {
    if (rung_count_ == 0) top_to_rung();
    Rung& rung = rungs_[rung_count_ - 1];
    while (rung.cur < rung.count && rung.buckets[rung.cur].empty()) ++rung.cur;
    if (rung.cur == rung.count) {  // exhausted: its range is behind us
      --rung_count_;
      continue;
    }
    std::vector<Event>& bucket = rung.buckets[rung.cur];
    const Time bucket_start = rung.cur_start();
    const Time parent_width = rung.width;
    ++rung.cur;
    if (bucket.size() > kThreshold && rung_count_ < kMaxRungs && parent_width > 1) {
      const auto m = static_cast<Time>(bucket.size());
      const Time width = (parent_width + m - 1) / m;
      const auto count = static_cast<std::size_t>((parent_width + width - 1) / width);
      Rung& child = open_rung(bucket_start, width, count);
      for (const Event& e : bucket) {
        child.buckets[static_cast<std::size_t>((e.time - bucket_start) / width)].push_back(e);
      }
      recycle(bucket);
      continue;
    }
    bottom_.assign(bucket.begin(), bucket.end());
    recycle(bucket);
    std::sort(bottom_.begin(), bottom_.end(),
              [](const Event& a, const Event& b) { return before(b, a); });
    return;
  }
}

}  // namespace edgetwin::sim
