#include "network/flow_model.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

namespace edgetwin::network {
namespace {

constexpr std::uint32_t kNotInHeap = 0xFFFFFFFFu;
constexpr std::uint32_t kNoClass = 0xFFFFFFFFu;
constexpr std::uint32_t kCapLabel = 0xFFFFFFFFu;  // "froze at its own rate cap"
// Rates closer than this (relative) count as unchanged: the old value is kept, so that a solve
// does not spread rounding noise to flows whose share did not move.
constexpr double kSameRate = 1e-12;
// A bounded region refills from scratch each round, so it only pays while it stays small: past
// this many rounds or flows the solve takes the whole component instead (measured: bench/).
constexpr int kMaxRounds = 3;
constexpr std::size_t kMaxRegionFlows = 256;
// Where bounded regions keep failing (a changed link whose component is small enough to solve
// outright, but whose changes ripple past kMaxRounds), the rounds are wasted work: a failure adds
// kMissCost to each dirty link's score (capped at kMissMax), and a solve whose dirty links all
// score >= kMissSkip goes straight to the component, taking one point off each. So a link that
// keeps failing tries a bounded region again after every (kMissMax - kMissSkip + 1) direct solves,
// and a success resets its score.
constexpr std::uint8_t kMissCost = 4;
constexpr std::uint8_t kMissSkip = 4;
constexpr std::uint8_t kMissMax = 8;
// Bounded regions pay where changes stay local and waste work where they ripple far; each solve
// strategy (regions first, or straight to the level-restricted component) keeps a moving average
// of the classes its solves filled, the cheaper one is used, and every kExplore-th solve uses the
// other so that its average stays current.
constexpr std::uint32_t kExplore = 64;

bool same_rate(double a, double b) {
  return a == b || std::fabs(a - b) <= kSameRate * std::max(std::fabs(a), std::fabs(b));
}

[[noreturn]] void fail(const std::string& what) {
  throw std::invalid_argument("FlowModel: " + what);
}

// Every max(kRescanEvery, (links + classes) / kRescanShare) solves the rate bound is recomputed
// exactly (O(classes)) and links whose flows could not fill kPruneMargin of their capacity at that
// bound are pruned (O(links)): amortized, at most kRescanShare steps per solve.
constexpr std::uint32_t kRescanEvery = 64;
constexpr std::size_t kRescanShare = 8;
constexpr double kPruneMargin = 0.8;
// A link whose current load is at most this share of its capacity is load-pruned (see rescan()).
constexpr double kLoadPruneMargin = 0.8;
// Load pruning pays where it merges many flows into few classes (a site link crossed by many
// cross-site flows); on a link of a few flows it saves little and its restores cost solves.
// A load-pruned link must keep its load below capacity by this relative margin (rounding).
constexpr double kLoadSlack = 1e-9;


// Binary min-heaps whose entries know their slot: positions[id(entry)] is kept equal to the
// entry's index in `heap` (the completion heap of classes, and each class's member heap).
template <class T, class Less, class Id>
void indexed_sift_up(std::vector<T>& heap, std::size_t i, std::vector<std::uint32_t>& positions,
                     Less less, Id id) {
  const T e = heap[i];
  while (i > 0) {
    const std::size_t parent = (i - 1) / 2;
    if (!less(e, heap[parent])) break;
    heap[i] = heap[parent];
    positions[id(heap[i])] = static_cast<std::uint32_t>(i);
    i = parent;
  }
  heap[i] = e;
  positions[id(e)] = static_cast<std::uint32_t>(i);
}

template <class T, class Less, class Id>
void indexed_sift_down(std::vector<T>& heap, std::size_t i, std::vector<std::uint32_t>& positions,
                       Less less, Id id) {
  const T e = heap[i];
  const std::size_t n = heap.size();
  while (true) {
    std::size_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && less(heap[child + 1], heap[child])) ++child;
    if (!less(heap[child], e)) break;
    heap[i] = heap[child];
    positions[id(heap[i])] = static_cast<std::uint32_t>(i);
    i = child;
  }
  heap[i] = e;
  positions[id(e)] = static_cast<std::uint32_t>(i);
}

}  // namespace

LinkId FlowModel::add_link(double capacity_bps) {
  if (!(capacity_bps >= 0.0)) fail("link capacity must be >= 0 bits/s");
  const auto id = static_cast<LinkId>(capacity_.size());
  capacity_.push_back(capacity_bps);
  link_flows_.emplace_back();
  link_classes_.emplace_back();
  link_weight_.push_back(0.0);
  pruned_.push_back(0);
  link_mark_.push_back(0);
  link_dirty_.push_back(0);
  residual_.push_back(0.0);
  unfrozen_.push_back(0.0);
  link_inside_.push_back(0);
  level_.push_back(-1.0);
  outside_max_.push_back(0.0);
  outside_bneck_.push_back(0);
  region_misses_.push_back(0);
  sat_level_.push_back(kUnlimited);
  load_.push_back(0.0);
  load_delta_.push_back(0.0);
  load_touched_mark_.push_back(0);
  return id;
}

void FlowModel::set_capacity(LinkId link, double capacity_bps, sim::Time now) {
  if (link >= capacity_.size()) fail("set_capacity: unknown link " + std::to_string(link));
  if (!(capacity_bps >= 0.0)) fail("set_capacity: link capacity must be >= 0 bits/s");
  check_time(now);
  ++stats_.changes;
  capacity_[link] = capacity_bps;
  if (pruned_[link] == kLoadPruned) {  // the current rates still fit: still slack
    if (!load_fits(link)) unprune(link, now);
    return;
  }
  if (pruned_[link] != 0) {
    const auto n = static_cast<double>(link_flows_[link].size());
    if (!(n * rate_bound_ <= capacity_bps)) {
      unprune(link, now);
    } else if (n > 0) {
      worst_load_ = std::max(worst_load_, n / capacity_bps);
    }
    return;
  }
  if (!link_classes_[link].empty()) mark_dirty(link, now);
}

double FlowModel::capacity_bps(LinkId link) const { return capacity_.at(link); }
std::size_t FlowModel::link_count() const { return capacity_.size(); }

FlowId FlowModel::start(std::span<const LinkId> links, double bytes, sim::Time now,
                        double rate_cap_bps) {
  if (!(bytes > 0.0) || std::isinf(bytes)) fail("start: a flow needs a finite size > 0 bytes");
  if (!(rate_cap_bps >= 0.0)) fail("start: a rate cap must be >= 0 bits/s");
  for (LinkId l : links)
    if (l >= capacity_.size()) fail("start: unknown link " + std::to_string(l) + " in route");
  check_time(now);
  ++stats_.changes;

  FlowId f;
  if (!free_.empty()) {
    f = free_.back();
    free_.pop_back();
  } else {
    f = static_cast<FlowId>(route_len_.size());
    active_.push_back(0);
    class_of_.push_back(kNoClass);
    tag_.push_back(0.0);
    member_pos_.push_back(0);
    flow_lp_.push_back(0);
    flow_cap_.push_back(kUnlimited);
    route_off_.push_back(0);
    route_len_.push_back(0);
    route_room_.push_back(0);
  }
  const auto len = static_cast<std::uint32_t>(links.size());
  if (route_room_[f] < len) {  // a fresh stretch of the route pool; reused slots keep theirs
    route_off_[f] = static_cast<std::uint32_t>(hops_.size());
    route_room_[f] = len;
    hops_.resize(hops_.size() + len);
    hop_pos_.resize(hop_pos_.size() + len);
  }
  active_[f] = 1;
  class_of_[f] = kNoClass;
  flow_cap_[f] = rate_cap_bps;
  route_len_[f] = len;
  ++active_count_;
  const std::uint32_t off = route_off_[f];
  for (std::uint32_t i = 0; i < len; ++i) {
    const LinkId l = links[i];
    hops_[off + i] = l;
    hop_pos_[off + i] = static_cast<std::uint32_t>(link_flows_[l].size());
    link_flows_[l].push_back({f, i});
  }
  // A pruned link stays pruned only while its flows cannot fill it at the rate bound.
  for (std::uint32_t i = 0; i < len; ++i) {
    const LinkId l = links[i];
    if (pruned_[l] != kBoundPruned) continue;  // a load-pruned link is checked by the solve
    const auto n = static_cast<double>(link_flows_[l].size());
    if (!(n * rate_bound_ <= capacity_[l])) {
      unprune(l, now);
    } else {
      worst_load_ = std::max(worst_load_, n / capacity_[l]);
    }
  }
  join_class(f, bytes, now);
  return f;
}

void FlowModel::remove(FlowId flow, sim::Time now) {
  if (!active(flow)) fail("remove: flow " + std::to_string(flow) + " is not active");
  check_time(now);
  ++stats_.changes;
  leave_class(flow, now);
  const std::uint32_t off = route_off_[flow];
  for (std::uint32_t i = 0; i < route_len_[flow]; ++i) {
    auto& list = link_flows_[hops_[off + i]];
    const std::uint32_t pos = hop_pos_[off + i];
    const LinkEntry moved = list.back();
    list[pos] = moved;
    hop_pos_[route_off_[moved.id] + moved.hop] = pos;
    list.pop_back();
  }
  active_[flow] = 0;
  route_len_[flow] = 0;
  free_.push_back(flow);
  --active_count_;
}

double FlowModel::rate_bps(FlowId flow) {
  if (!active(flow)) fail("rate_bps: flow " + std::to_string(flow) + " is not active");
  ensure_solved();
  return rate_[class_of_[flow]];
}

double FlowModel::remaining_bytes(FlowId flow, sim::Time now) {
  if (!active(flow)) fail("remaining_bytes: flow " + std::to_string(flow) + " is not active");
  ensure_solved();
  const ClassId c = class_of_[flow];
  if (now < class_time_[c]) fail("remaining_bytes: asked before the flow's last rate change");
  if (std::isinf(rate_[c])) return 0.0;
  const double left = tag_[flow] - served(c, now);
  return left > 0.0 ? left : 0.0;
}

double FlowModel::load_bps(LinkId link) {
  if (link >= capacity_.size()) fail("load_bps: unknown link " + std::to_string(link));
  ensure_solved();
  double sum = 0.0;
  for (const LinkEntry& e : link_flows_[link]) sum += rate_[class_of_[e.id]];
  return sum;
}

std::pair<sim::Time, FlowId> FlowModel::next_completion() {
  ensure_solved();
  if (heap_.empty()) return {sim::kTimeMax, kNoFlow};
  return {heap_.front().finish, heap_.front().flow};
}

std::size_t FlowModel::active_flows() const { return active_count_; }

std::span<const LinkId> FlowModel::route(FlowId flow) const {
  if (!active(flow)) fail("route: flow " + std::to_string(flow) + " is not active");
  return {hops_.data() + route_off_[flow], route_len_[flow]};
}

const FlowModel::Stats& FlowModel::stats() const { return stats_; }

// ---- rate classes ----------------------------------------------------------------------------

double FlowModel::served(ClassId c, sim::Time now) const {
  return served_[c] + rate_[c] * static_cast<double>(now - class_time_[c]) / 8e9;
}

void FlowModel::bank(ClassId c, sim::Time now) {
  if (std::isfinite(rate_[c]) && rate_[c] > 0.0) served_[c] = served(c, now);
  class_time_[c] = now;
}

void FlowModel::join_class(FlowId f, double bytes, sim::Time now) {
  const std::uint32_t len = route_len_[f];
  const LinkId* hop = hops_.data() + route_off_[f];
  bool any = len == 0;
  for (std::uint32_t i = 0; i < len && !any; ++i) any = pruned_[hop[i]] == 0;
  if (!any) unprune(hop[0], now);  // a routed flow keeps at least one link in the solve
  eff_route_.clear();
  for (std::uint32_t i = 0; i < len; ++i)
    if (pruned_[hop[i]] == 0) eff_route_.push_back(hop[i]);
  const ClassId c = find_or_make_class(flow_cap_[f], now);
  class_of_[f] = c;
  weight_[c] += 1.0;
  flow_lp_[f] = 0;
  if (load_pruned_count_ > 0) {
    for (std::uint32_t i = 0; i < len; ++i) {
      const LinkId l = hop[i];
      if (pruned_[l] != kLoadPruned) continue;
      load_[l] += rate_[c];
      touch_load(l);
      ++flow_lp_[f];
    }
    class_lp_[c] += flow_lp_[f];
  }
  const LinkId* chop = chops_.data() + croute_off_[c];
  for (std::uint32_t i = 0; i < croute_len_[c]; ++i) {
    link_weight_[chop[i]] += 1.0;
    mark_dirty(chop[i], now);
  }
  if (std::isinf(rate_[c])) {
    class_time_[c] = now;
    tag_[f] = served_[c];
  } else {
    tag_[f] = served(c, now) + bytes;
  }
  auto& heap = members_[c];
  member_pos_[f] = static_cast<std::uint32_t>(heap.size());
  heap.push_back({tag_[f], f});
  member_sift_up(c, heap.size() - 1);
  if (member_pos_[f] == 0 || std::isinf(rate_[c])) heap_set(c);
}

double FlowModel::leave_class(FlowId f, sim::Time now) {
  const ClassId c = class_of_[f];
  const double left = std::isinf(rate_[c]) ? 0.0 : std::max(0.0, tag_[f] - served(c, now));
  auto& heap = members_[c];
  const std::uint32_t pos = member_pos_[f];
  const Member last = heap.back();
  heap.pop_back();
  if (pos < heap.size()) {
    heap[pos] = last;
    member_pos_[last.flow] = pos;
    member_sift_up(c, pos);
    member_sift_down(c, member_pos_[last.flow]);
  }
  class_of_[f] = kNoClass;
  weight_[c] -= 1.0;
  class_lp_[c] -= flow_lp_[f];
  if (load_pruned_count_ > 0) {
    const LinkId* hop = hops_.data() + route_off_[f];
    for (std::uint32_t i = 0; i < route_len_[f]; ++i)
      if (pruned_[hop[i]] == kLoadPruned) load_[hop[i]] -= rate_[c];
  }
  const LinkId* chop = chops_.data() + croute_off_[c];
  for (std::uint32_t i = 0; i < croute_len_[c]; ++i) {
    link_weight_[chop[i]] -= 1.0;
    mark_dirty(chop[i], now);
  }
  if (heap.empty()) {
    drop_class(c);
  } else if (pos == 0) {
    heap_set(c);
  }
  return left;
}

std::uint64_t FlowModel::hash_key(std::span<const LinkId> route, double cap) const {
  std::uint64_t h = 0x9E3779B97F4A7C15ull ^ route.size();
  const auto mix = [&h](std::uint64_t v) {
    h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 31;
  };
  for (LinkId l : route) mix(l);
  if (cap < kUnlimited) {
    std::uint64_t bits;
    std::memcpy(&bits, &cap, sizeof bits);
    mix(bits);
  }
  return h;
}

FlowModel::ClassId FlowModel::find_or_make_class(double cap, sim::Time now) {
  const std::uint64_t h = hash_key(eff_route_, cap);
  if ((class_count_ + 1) * 2 > table_.size()) {  // grow and rehash
    table_.assign(std::max<std::size_t>(64, table_.size() * 2), kNoClass);
    for (ClassId c : live_classes_) table_insert(c);
  }
  const std::size_t mask = table_.size() - 1;
  for (std::size_t i = h & mask;; i = (i + 1) & mask) {
    const ClassId c = table_[i];
    if (c == kNoClass) break;
    if (class_hash_[c] != h || cap_[c] != cap || croute_len_[c] != eff_route_.size()) continue;
    if (std::equal(eff_route_.begin(), eff_route_.end(), chops_.begin() + croute_off_[c]))
      return c;
  }
  ClassId c;
  if (!free_classes_.empty()) {
    c = free_classes_.back();
    free_classes_.pop_back();
  } else {
    c = static_cast<ClassId>(weight_.size());
    weight_.push_back(0.0);
    rate_.push_back(0.0);
    cap_.push_back(kUnlimited);
    served_.push_back(0.0);
    class_time_.push_back(0);
    class_hash_.push_back(0);
    croute_off_.push_back(0);
    croute_len_.push_back(0);
    croute_room_.push_back(0);
    members_.emplace_back();
    new_rate_.push_back(0.0);
    frozen_at_.push_back(kCapLabel);
    bottleneck_.push_back(kCapLabel);
    class_mark_.push_back(0);
    fresh_.push_back(1);
    class_lp_.push_back(0);
    heap_pos_.push_back(kNotInHeap);
    live_pos_.push_back(0);
  }
  live_pos_[c] = static_cast<std::uint32_t>(live_classes_.size());
  live_classes_.push_back(c);
  const auto len = static_cast<std::uint32_t>(eff_route_.size());
  if (croute_room_[c] < len) {
    croute_off_[c] = static_cast<std::uint32_t>(chops_.size());
    croute_room_[c] = len;
    chops_.resize(chops_.size() + len);
    chop_pos_.resize(chop_pos_.size() + len);
  }
  weight_[c] = 0.0;
  cap_[c] = cap;
  rate_[c] = len == 0 ? cap : 0.0;  // an empty route is limited by its cap alone: no solve
  served_[c] = 0.0;
  class_time_[c] = now;
  class_hash_[c] = h;
  croute_len_[c] = len;
  new_rate_[c] = 0.0;
  frozen_at_[c] = kCapLabel;
  bottleneck_[c] = kCapLabel;
  class_mark_[c] = 0;
  fresh_[c] = 1;
  class_lp_[c] = 0;
  const std::uint32_t off = croute_off_[c];
  for (std::uint32_t i = 0; i < len; ++i) {
    const LinkId l = eff_route_[i];
    chops_[off + i] = l;
    chop_pos_[off + i] = static_cast<std::uint32_t>(link_classes_[l].size());
    link_classes_[l].push_back({c, i});
  }
  members_[c].clear();
  table_insert(c);
  ++class_count_;
  return c;
}

void FlowModel::drop_class(ClassId c) {
  heap_erase(c);
  table_erase(c);
  const std::uint32_t off = croute_off_[c];
  for (std::uint32_t i = 0; i < croute_len_[c]; ++i) {
    auto& list = link_classes_[chops_[off + i]];
    const std::uint32_t pos = chop_pos_[off + i];
    const LinkEntry moved = list.back();
    list[pos] = moved;
    chop_pos_[croute_off_[moved.id] + moved.hop] = pos;
    list.pop_back();
  }
  croute_len_[c] = 0;
  rate_[c] = 0.0;
  const ClassId moved = live_classes_.back();
  live_classes_[live_pos_[c]] = moved;
  live_pos_[moved] = live_pos_[c];
  live_classes_.pop_back();
  free_classes_.push_back(c);
  --class_count_;
}

void FlowModel::table_insert(ClassId c) {
  const std::size_t mask = table_.size() - 1;
  std::size_t i = class_hash_[c] & mask;
  while (table_[i] != kNoClass) i = (i + 1) & mask;
  table_[i] = c;
}

// Linear probing with backward-shift deletion (no tombstones).
void FlowModel::table_erase(ClassId c) {
  const std::size_t mask = table_.size() - 1;
  std::size_t i = class_hash_[c] & mask;
  while (table_[i] != c) i = (i + 1) & mask;
  for (std::size_t j = i;;) {
    j = (j + 1) & mask;
    if (table_[j] == kNoClass) break;
    const std::size_t home = class_hash_[table_[j]] & mask;
    // The entry at j may move back to i unless its home lies cyclically in (i, j].
    const bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
    if (!stays) {
      table_[i] = table_[j];
      i = j;
    }
  }
  table_[i] = kNoClass;
}

namespace {
// A class's member heap orders by finish tag, then flow id.
constexpr auto kMemberBefore = [](const auto& a, const auto& b) {
  return a.tag < b.tag || (a.tag == b.tag && a.flow < b.flow);
};
constexpr auto kMemberId = [](const auto& m) { return m.flow; };
}  // namespace

void FlowModel::member_sift_up(ClassId c, std::size_t i) {
  indexed_sift_up(members_[c], i, member_pos_, kMemberBefore, kMemberId);
}

void FlowModel::member_sift_down(ClassId c, std::size_t i) {
  indexed_sift_down(members_[c], i, member_pos_, kMemberBefore, kMemberId);
}

// ---- pruning ---------------------------------------------------------------------------------

void FlowModel::prune(LinkId link, sim::Time now, std::uint8_t kind) {
  pruned_[link] = kind;
  ++pruned_count_;
  ++stats_.prunes;
  if (kind == kLoadPruned) {
    ++load_pruned_count_;
    ++stats_.load_prunes;
  }
  migrate(link, now);
  if (kind == kLoadPruned) load_[link] = exact_load(link);
}

double FlowModel::exact_load(LinkId link) const {
  double sum = 0.0;
  for (const LinkEntry& e : link_flows_[link]) sum += rate_[class_of_[e.id]];
  return sum;
}

void FlowModel::touch_load(LinkId link) {
  if (load_touched_mark_[link] != 0) return;
  load_touched_mark_[link] = 1;
  load_touched_.push_back(link);
}

void FlowModel::unprune(LinkId link, sim::Time now) {
  if (pruned_[link] == kLoadPruned) --load_pruned_count_;
  pruned_[link] = 0;
  --pruned_count_;
  ++stats_.unprunes;
  migrate(link, now);
}

void FlowModel::migrate(LinkId link, sim::Time now) {
  for (std::size_t i = 0; i < link_flows_[link].size(); ++i) {
    const FlowId f = link_flows_[link][i].id;
    if (class_of_[f] == kNoClass) continue;  // a flow being started: it joins afterwards
    join_class(f, leave_class(f, now), now);
  }
}

// A load-pruned link l stays out of the solve while the solve's rates fit it: sum over its flows
// of their new rates <= capacity(l) (less a relative kLoadSlack against rounding). Then every flow
// keeps the bottleneck the solve found for it (a saturated link where it is fastest: l changes
// neither), and l is within capacity, so the rates are the max-min allocation of the whole network.
// Gathers the load changes of the classes the solve re-rated over their flows' load-pruned links;
// where one does not fit, restores it and returns false (the solve is redone).
bool FlowModel::check_loads(sim::Time now) {
  if (load_pruned_count_ == 0 && load_touched_.empty()) return true;
  if (load_pruned_count_ > 0) {
    for (ClassId c : comp_classes_) {
      const double nr = new_rate_[c];
      if (class_lp_[c] == 0 || same_rate(nr, rate_[c])) continue;
      const double d = nr - rate_[c];
      for (const Member& m : members_[c]) {
        const LinkId* hop = hops_.data() + route_off_[m.flow];
        for (std::uint32_t i = 0; i < route_len_[m.flow]; ++i) {
          const LinkId l = hop[i];
          if (pruned_[l] != kLoadPruned) continue;
          load_delta_[l] += d;
          touch_load(l);
        }
      }
    }
  }
  restore_.clear();
  for (LinkId l : load_touched_) {
    if (pruned_[l] == kLoadPruned && !load_fits(l, load_delta_[l])) restore_.push_back(l);
  }
  if (restore_.empty()) return true;
  for (LinkId l : load_touched_) load_delta_[l] = 0.0;
  for (LinkId l : restore_) unprune(l, now);
  return false;
}

bool FlowModel::load_fits(LinkId link, double delta) const {
  return load_[link] + delta <= capacity_[link] * (1.0 - kLoadSlack);
}

// The rate bound becomes exact; then every link that carries flows, is not pruned, and whose
// flows could not fill kPruneMargin of it at that bound is pruned (bound-pruned); failing that,
// one whose current load is at most kLoadPruneMargin of its capacity is pruned too (load-pruned:
// its load is then kept up to date and checked after every solve). Not where one of its flows
// would be left with no link in the solve. Load-pruned links get their exact load back.
void FlowModel::rescan(sim::Time now) {
  double top = 0.0;
  for (ClassId c : live_classes_)
    if (croute_len_[c] > 0) top = std::max(top, rate_[c]);
  rate_bound_ = top;
  double worst = 0.0;
  for (LinkId l = 0; l < capacity_.size(); ++l) {
    const auto n = static_cast<double>(link_flows_[l].size());
    if (n == 0) continue;
    const bool bound_slack = top > 0.0 && n * top <= kPruneMargin * capacity_[l];
    if (pruned_[l] == kLoadPruned) {
      if (!bound_slack) {
        load_[l] = exact_load(l);
        continue;
      }
      pruned_[l] = kBoundPruned;  // provably slack at any rate: no need to track its load
      --load_pruned_count_;
    }
    if (pruned_[l] == 0) {
      std::uint8_t kind = 0;
      if (bound_slack) {
        kind = kBoundPruned;
      } else if (capacity_[l] > 0.0 && n >= static_cast<double>(load_prune_min_flows_)) {
        double load = 0.0;
        for (const LinkEntry& e : link_classes_[l]) load += weight_[e.id] * rate_[e.id];
        if (load <= kLoadPruneMargin * capacity_[l]) kind = kLoadPruned;
      }
      if (kind == 0) continue;
      bool alone = false;  // a flow whose only unpruned link this is
      for (const LinkEntry& e : link_flows_[l]) {
        if (croute_len_[class_of_[e.id]] <= 1) {
          alone = true;
          break;
        }
      }
      if (alone) continue;
      prune(l, now, kind);
      if (kind == kLoadPruned) continue;
    }
    worst = std::max(worst, n / capacity_[l]);
  }
  worst_load_ = worst;
}

// ---- lazy solve ------------------------------------------------------------------------------

void FlowModel::check_time(sim::Time now) {
  if (now < last_time_)
    fail("time went back: a change at " + std::to_string(now) + " ns after one at " +
         std::to_string(last_time_) + " ns");
  // Changes of an earlier instant are solved now, so that the rates they imply hold until `now`.
  if (!dirty_links_.empty() && now > dirty_time_) solve();
  last_time_ = now;
}

void FlowModel::mark_dirty(LinkId link, sim::Time now) {
  dirty_time_ = now;
  if (link_dirty_[link] == 0) {
    link_dirty_[link] = 1;
    dirty_links_.push_back(link);
  }
}

// Solves until no pruned link turns out tight; every kRescanEvery solves, re-derives the rate
// bound and prunes slack links, which moves flows between classes (same rates: the classes are
// filled again at once).
void FlowModel::solve() {
  for (;;) {
    if (!solve_once()) continue;
    if (solves_to_rescan_ > 0) {
      --solves_to_rescan_;
      return;
    }
    rescan(dirty_time_);
    solves_to_rescan_ = static_cast<std::uint32_t>(std::max<std::size_t>(
        kRescanEvery, (capacity_.size() + class_count_) / kRescanShare));
    if (dirty_links_.empty()) return;
  }
}

// The solve re-rates a *region* of classes: the changed links ("inside"), every class crossing an
// inside link, and the other links those classes cross ("boundary"). A boundary link keeps its
// outside classes at their old rates: the region fills the capacity they leave. The result is the
// max-min allocation of the whole network iff no boundary link couples the region to outside
// classes:
//   (a) an outside class that froze at boundary link k in its own solve still sees the same
//       region rates on k (else its share moved), and
//   (b) where a region class now freezes at boundary link k (level L), no outside class on k is
//       faster than L (else it must slow down).
// Proof sketch: outside classes keep a bottleneck that is saturated and where they are fastest
// ((a), or the link is untouched); region classes have one by progressive filling and (b); all
// links stay within capacity. A violated boundary link moves inside and the region is filled
// again; past kMaxRounds rounds or kMaxRegionFlows classes the region becomes the whole connected
// component (no boundary: the plain component solve).
// Pruned links are not in the solve; the result holds for the real network iff every pruned link
// l keeps flows(l) x (fastest rate) <= capacity(l) (then no pruned link is over capacity, and every
// flow's bottleneck is unchanged). Where that fails, the tight links are restored and the solve
// is redone (returns false).
bool FlowModel::solve_once() {
  next_epoch();
  solve_dirty_.swap(dirty_links_);
  dirty_links_.clear();
  comp_links_.clear();
  comp_classes_.clear();
  boundary_.clear();
  bool regions_first = work_regions_ <= work_direct_;
  if (++strategy_clock_ % kExplore == 0) regions_first = !regions_first;
  bool skip_rounds = true;  // every dirty link's bounded regions failed lately
  for (LinkId l : solve_dirty_) {
    link_dirty_[l] = 0;
    if (region_misses_[l] < kMissSkip) skip_rounds = false;
    if (link_inside_[l] != epoch_) add_inside(l);
  }
  const bool scored_skip = skip_rounds;
  if (!regions_first) skip_rounds = true;
  const std::uint64_t filled_before = stats_.classes_filled;

  // A network of few classes is filled whole at once: a bounded region could save little, and a
  // failed one costs more than the whole.
  const bool small_network = class_count_ <= small_network_;
  if (small_network) skip_rounds = false;
  std::size_t scanned = 0;
  bool bounded = !skip_rounds && !small_network;  // still trying a bounded region
  bool missed = false;          // a bounded region was tried and given up
  for (int round = 0;; ++round) {
    if (small_network) {
      ++stats_.small_solves;
      take_whole_network();
      fill_region();
      break;
    }
    grow_region(scanned);
    if (boundary_.empty()) {  // a closed component: nothing outside to check
      fill_region();
      break;
    }
    if (!bounded || round >= kMaxRounds || comp_classes_.size() > kMaxRegionFlows) {
      missed = missed || (bounded && round > 0);  // round 0 only measured the first layer
      bounded = false;  // the component, above the restart level
      level_solve(restart_level());
      break;
    }
    prepare_boundary();
    fill_region();
    std::size_t kept = 0;
    for (LinkId k : boundary_) {
      if (boundary_violated(k))
        add_inside(k);
      else
        boundary_[kept++] = k;
    }
    if (kept == boundary_.size()) break;
    boundary_.resize(kept);
  }

  const sim::Time t = dirty_time_;
  double top = 0.0;
  for (ClassId c : comp_classes_) top = std::max(top, new_rate_[c]);
  if (top > rate_bound_) {
    if (pruned_count_ > 0 && !(worst_load_ * top <= 1.0)) {
      bool restored = false;
      double worst = 0.0;
      for (LinkId l = 0; l < capacity_.size(); ++l) {
        if (pruned_[l] != kBoundPruned) continue;
        const auto n = static_cast<double>(link_flows_[l].size());
        if (!(n * top <= capacity_[l])) {
          unprune(l, t);
          restored = true;
        } else if (n > 0) {
          worst = std::max(worst, n / capacity_[l]);
        }
      }
      worst_load_ = worst;
      if (restored) {  // the filling is void: solve again with the restored links
        ++stats_.retries;
        for (LinkId l : solve_dirty_) mark_dirty(l, t);
        return false;
      }
    }
    rate_bound_ = top;
  }
  if (!check_loads(t)) {
    ++stats_.retries;
    for (LinkId l : solve_dirty_) mark_dirty(l, t);
    return false;
  }

  if (skip_rounds && !small_network) ++stats_.direct_solves;
  if (!small_network) {
    const double work = static_cast<double>(stats_.classes_filled - filled_before);
    double& average = skip_rounds ? work_direct_ : work_regions_;
    average += (work - average) / 8.0;
  }
  for (LinkId l : solve_dirty_) {
    if (small_network) break;
    std::uint8_t& score = region_misses_[l];
    if (scored_skip)
      --score;
    else if (skip_rounds)
      continue;
    else if (missed)
      score = static_cast<std::uint8_t>(std::min<int>(score + kMissCost, kMissMax));
    else if (bounded)
      score = 0;
  }
  ++stats_.solves;
  stats_.classes_rerated += comp_classes_.size();
  for (ClassId c : comp_classes_) stats_.flows_rerated += static_cast<std::uint64_t>(weight_[c]);
  stats_.links_solved += comp_links_.size() + boundary_.size();

  // Apply: a class whose rate changes first banks the service at its old rate.
  for (LinkId l : comp_links_) sat_level_[l] = level_[l] >= 0.0 ? level_[l] : kUnlimited;
  for (LinkId k : boundary_)
    if (level_[k] >= 0.0) sat_level_[k] = level_[k];
  changed_.clear();
  for (ClassId c : comp_classes_) {
    fresh_[c] = 0;
    bottleneck_[c] = frozen_at_[c];
    const double nr = new_rate_[c];
    if (same_rate(nr, rate_[c])) continue;
    changed_.push_back(c);
    bank(c, t);
    rate_[c] = nr;
    stats_.rates_changed += static_cast<std::uint64_t>(weight_[c]);
  }
  stats_.classes_changed += changed_.size();
  for (LinkId l : load_touched_) {
    if (pruned_[l] == kLoadPruned) load_[l] += load_delta_[l];
    load_delta_[l] = 0.0;
    load_touched_mark_[l] = 0;
  }
  load_touched_.clear();
  if (changed_.size() > 64 && changed_.size() * 4 > class_count_) {
    heap_rebuild();
  } else {
    for (ClassId c : changed_) heap_set(c);
  }
  return true;
}

void FlowModel::next_epoch() {
  if (++epoch_ == 0) {  // wrapped: forget every old mark
    std::fill(link_mark_.begin(), link_mark_.end(), 0u);
    std::fill(link_inside_.begin(), link_inside_.end(), 0u);
    std::fill(class_mark_.begin(), class_mark_.end(), 0u);
    epoch_ = 1;
  }
}

// Progressive filling raises every class together and freezes classes in order of level. The old
// and the new problem differ only at the dirty links (capacity, or the classes crossing them:
// a class that joined, left or changed weight has every link of its route dirty). Below a level
// L at which no dirty link saturates, in the old filling or in the new, both fillings make the
// same freezes: every other link sees the same classes in the same state, by induction on the
// freeze events. So every class whose old rate is below L keeps it, and the rest is a filling of
// the classes at or above L over what the frozen ones leave of each link. L is the smallest, over
// the dirty links d, of (i) the level d saturated at in the old allocation (sat_level_) and (ii)
// the level at which d saturates in the new filling while the classes on it freeze at their old
// rates in increasing order (new classes stay unfrozen; a new class's cap freezing it earlier can
// only raise d's share, so this is a lower bound). A relative margin keeps rounding on the safe
// side.
double FlowModel::restart_level() {
  double level = kUnlimited;
  for (LinkId d : solve_dirty_) {
    if (pruned_[d] != 0) continue;
    level = std::min(level, sat_level_[d]);
    rank_.clear();
    for (const LinkEntry& e : link_classes_[d])
      if (fresh_[e.id] == 0) rank_.push_back({rate_[e.id], weight_[e.id]});
    std::sort(rank_.begin(), rank_.end());
    double residual = capacity_[d], unfrozen = link_weight_[d];
    double saturates = kUnlimited;
    for (const auto& [rate, weight] : rank_) {
      if (unfrozen <= 0) break;
      const double share = std::max(residual, 0.0) / unfrozen;
      if (share <= rate) {
        saturates = share;
        break;
      }
      residual -= weight * rate;
      unfrozen -= weight;
    }
    if (saturates == kUnlimited && unfrozen > 0) saturates = std::max(residual, 0.0) / unfrozen;
    level = std::min(level, saturates);
  }
  return level * (1.0 - 1e-9);
}

void FlowModel::fill_above(double level) {
  ++stats_.level_solves;
  next_epoch();
  const std::uint32_t epoch = epoch_;
  comp_links_.clear();
  comp_classes_.clear();
  boundary_.clear();
  for (LinkId d : solve_dirty_) {
    if (pruned_[d] != 0 || link_mark_[d] == epoch) continue;
    link_mark_[d] = epoch;
    comp_links_.push_back(d);
  }
  for (std::size_t i = 0; i < comp_links_.size(); ++i) {
    const LinkId l = comp_links_[i];
    double residual = capacity_[l], unfrozen = 0.0;
    work_ += link_classes_[l].size();
    for (const LinkEntry& e : link_classes_[l]) {
      const ClassId c = e.id;
      if (fresh_[c] == 0 && rate_[c] < level) {  // frozen below the level: keeps its rate
        residual -= weight_[c] * rate_[c];
        continue;
      }
      unfrozen += weight_[c];
      if (class_mark_[c] == epoch) continue;
      class_mark_[c] = epoch;
      comp_classes_.push_back(c);
      const LinkId* hop = chops_.data() + croute_off_[c];
      for (std::uint32_t h = 0; h < croute_len_[c]; ++h) {
        if (link_mark_[hop[h]] != epoch) {
          link_mark_[hop[h]] = epoch;
          comp_links_.push_back(hop[h]);
        }
      }
    }
    residual_[l] = residual;
    unfrozen_[l] = unfrozen;
  }
  fill_region(true);
}

// The ripple solve: progressive filling from `level` up that visits only what differs from the
// old filling. Below `level` both fillings agree (restart_level()). Above it, a link's events can
// differ from the old filling only once a class crossing it freezes at a different level than it
// did (or is new, or left): such a link is *perturbed* at that level and filled from then on;
// every other link saturates at its old level (sat_level_) and freezes the same classes at their
// old rates. Perturbing link Y at level p: a class on Y with old rate < p froze below p, as
// before, and keeps its rate; one at or above p becomes *pending* (unfrozen). A pending class c
// then freezes at the first of: a perturbed link on its route saturating, its cap, or its old rate
// r if its old bottleneck is still unperturbed at r (that link saturates at r as before and freezes
// it). If its old bottleneck is perturbed and c is still unfrozen at r, c now outlasts its old
// freeze: every link of its route is perturbed at r. A class that freezes at a rate other than
// its old one perturbs the unperturbed links of its route at that level. Events run in level
// order (ties: caps, then link saturations, then old-rate freezes), so a class is pending exactly
// while the new filling may differ from the old one for it, and the result is the filling of the
// whole network; its work is the links and classes the change really reaches.
void FlowModel::fill_ripple(double level) {
  ++stats_.level_solves;
  ++stats_.fills;
  next_epoch();
  comp_links_.clear();
  comp_classes_.clear();
  boundary_.clear();
  fill_heap_.clear();
  const EventLater later;
  for (LinkId d : solve_dirty_)
    if (pruned_[d] == 0 && link_mark_[d] != epoch_) perturb(d, level);
  while (!fill_heap_.empty()) {
    std::pop_heap(fill_heap_.begin(), fill_heap_.end(), later);
    const FillEntry top = fill_heap_.back();
    fill_heap_.pop_back();
    ++work_;
    if (top.is_cap == kEventCap) {
      if (new_rate_[top.id] < 0.0) ripple_freeze(top.id, top.share, kCapLabel);
      continue;
    }
    if (top.is_cap == kEventOld) {
      const ClassId c = top.id;
      if (new_rate_[c] >= 0.0) continue;
      const LinkId b = bottleneck_[c];
      if (b != kCapLabel && link_mark_[b] != epoch_) {
        ripple_freeze(c, rate_[c], b);  // its old bottleneck saturates at its old rate as before
        continue;
      }
      const LinkId* hop = chops_.data() + croute_off_[c];  // it outlasts its old freeze
      for (std::uint32_t h = 0; h < croute_len_[c]; ++h)
        if (link_mark_[hop[h]] != epoch_) perturb(hop[h], top.share);
      continue;
    }
    const LinkId l = top.id;
    const double n = unfrozen_[l];
    if (n <= 0) continue;
    const double share = std::max(residual_[l], 0.0) / n;
    if (share > top.share) {
      push_event({share, l, kEventLink});
      continue;
    }
    level_[l] = share;
    for (const LinkEntry& e : link_classes_[l])
      if (class_mark_[e.id] == epoch_ && new_rate_[e.id] < 0.0) ripple_freeze(e.id, share, l);
  }
  stats_.classes_filled += comp_classes_.size();
}

void FlowModel::push_event(const FillEntry& e) {
  work_ += 2;  // a push into a heap that is being popped: costlier than fill_above's make_heap
  fill_heap_.push_back(e);
  std::push_heap(fill_heap_.begin(), fill_heap_.end(), EventLater{});
}

void FlowModel::perturb(LinkId link, double level) {
  link_mark_[link] = epoch_;
  comp_links_.push_back(link);
  // A link that saturated below `level` froze all its classes there, as it still does.
  level_[link] = sat_level_[link] < level ? sat_level_[link] : -1.0;
  double residual = capacity_[link], unfrozen = 0.0;
  work_ += link_classes_[link].size();
  for (const LinkEntry& e : link_classes_[link]) {
    const ClassId c = e.id;
    const double w = weight_[c];
    if (class_mark_[c] == epoch_) {
      if (new_rate_[c] < 0.0)
        unfrozen += w;
      else
        residual -= w * new_rate_[c];
      continue;
    }
    if (fresh_[c] == 0 && rate_[c] < level) {
      residual -= w * rate_[c];
      continue;
    }
    class_mark_[c] = epoch_;
    comp_classes_.push_back(c);
    new_rate_[c] = -1.0;
    frozen_at_[c] = kCapLabel;
    unfrozen += w;
    if (cap_[c] < kUnlimited) push_event({cap_[c], c, kEventCap});
    if (fresh_[c] == 0) push_event({rate_[c], c, kEventOld});
  }
  residual_[link] = residual;
  unfrozen_[link] = unfrozen;
  if (unfrozen > 0)
    push_event({std::max(std::max(residual, 0.0) / unfrozen, level), link, kEventLink});
}

void FlowModel::ripple_freeze(ClassId c, double level, std::uint32_t at) {
  new_rate_[c] = level;
  frozen_at_[c] = at;
  const bool same = fresh_[c] == 0 && same_rate(level, rate_[c]);
  const double w = weight_[c];
  const LinkId* hop = chops_.data() + croute_off_[c];
  for (std::uint32_t h = 0; h < croute_len_[c]; ++h) {
    const LinkId l = hop[h];
    if (link_mark_[l] == epoch_) {
      residual_[l] -= w * level;
      unfrozen_[l] -= w;
    } else if (!same) {
      perturb(l, level);
    }
  }
}

// Both level solves give the max-min allocation; which is cheaper depends on how far changes
// ripple against how many classes sit above the restart level. Each keeps a moving average of its
// work (link entries scanned + filling steps: deterministic), the cheaper one runs, and every
// kExplore-th level solve runs the other so that its average stays current.
void FlowModel::level_solve(double level) {
  bool ripple = level_solver_ == LevelSolver::kRipple;
  if (level_solver_ == LevelSolver::kAdaptive) {
    ripple = work_ripple_ <= work_above_;
    if (++level_clock_ % kExplore == 0) ripple = !ripple;
  }
  const std::uint64_t before = work_;
  if (ripple)
    fill_ripple(level);
  else
    fill_above(level);
  stats_.level_work += work_ - before;
  if (ripple) ++stats_.ripple_solves;
  const auto work = static_cast<double>(work_ - before);
  double& average = ripple ? work_ripple_ : work_above_;
  average += (work - average) / 8.0;
}

// The region becomes every link that carries a class and every routed class, with no boundary.
void FlowModel::take_whole_network() {
  comp_links_.clear();
  comp_classes_.clear();
  boundary_.clear();
  for (LinkId l = 0; l < link_classes_.size(); ++l)
    if (!link_classes_[l].empty()) comp_links_.push_back(l);
  for (ClassId c : live_classes_)
    if (croute_len_[c] > 0) comp_classes_.push_back(c);
}

void FlowModel::add_inside(LinkId link) {
  link_inside_[link] = epoch_;
  link_mark_[link] = epoch_;
  comp_links_.push_back(link);
}

// Adds the classes of the inside links from `scanned` on to the region, and their other links to
// the boundary; then drops from the boundary the links that have moved inside.
void FlowModel::grow_region(std::size_t& scanned) {
  const std::uint32_t epoch = epoch_;
  for (; scanned < comp_links_.size(); ++scanned) {
    for (const LinkEntry& e : link_classes_[comp_links_[scanned]]) {
      const ClassId c = e.id;
      if (class_mark_[c] == epoch) continue;
      class_mark_[c] = epoch;
      comp_classes_.push_back(c);
      const LinkId* hop = chops_.data() + croute_off_[c];
      for (std::uint32_t h = 0; h < croute_len_[c]; ++h) {
        if (link_mark_[hop[h]] != epoch) {
          link_mark_[hop[h]] = epoch;
          boundary_.push_back(hop[h]);
        }
      }
    }
  }
  std::erase_if(boundary_, [this](LinkId k) { return link_inside_[k] == epoch_; });
}

// A boundary link offers the region what its outside classes leave of its capacity.
void FlowModel::prepare_boundary() {
  const std::uint32_t epoch = epoch_;
  for (LinkId k : boundary_) {
    double outside = 0.0, fastest = 0.0, inside = 0.0;
    std::uint8_t bneck = 0;
    for (const LinkEntry& e : link_classes_[k]) {
      const ClassId c = e.id;
      if (class_mark_[c] == epoch) {
        inside += weight_[c];
        continue;
      }
      outside += weight_[c] * rate_[c];
      fastest = std::max(fastest, rate_[c]);
      if (bottleneck_[c] == k) bneck = 1;
    }
    residual_[k] = capacity_[k] - outside;
    unfrozen_[k] = inside;
    outside_max_[k] = fastest;
    outside_bneck_[k] = bneck;
  }
}

bool FlowModel::boundary_violated(LinkId k) const {
  if (level_[k] >= 0.0 && outside_max_[k] > level_[k] * (1.0 + kSameRate)) return true;  // (b)
  if (outside_bneck_[k] == 0) return false;
  for (const LinkEntry& e : link_classes_[k]) {  // (a)
    const ClassId c = e.id;
    if (class_mark_[c] == epoch_ && !same_rate(new_rate_[c], rate_[c])) return true;
  }
  return false;
}

// Progressive filling over the region with a lazy min-heap of candidate bottlenecks, each class
// counting for its member flows. A link's fair share residual/unfrozen never decreases while
// filling (the flows frozen on it were frozen at a level <= its share), so a stale key is a lower
// bound: pop, recompute, push back if it grew, else the link saturates at that level and freezes
// its unfrozen classes.
void FlowModel::fill_region(bool precomputed) {
  ++stats_.fills;
  stats_.classes_filled += comp_classes_.size();
  fill_heap_.clear();
  for (LinkId l : comp_links_) {
    if (!precomputed) {
      residual_[l] = capacity_[l];
      unfrozen_[l] = link_weight_[l];
    }
    const double n = unfrozen_[l];
    level_[l] = -1.0;
    if (n > 0) fill_heap_.push_back({std::max(residual_[l], 0.0) / n, l, 0});
  }
  for (LinkId k : boundary_) {  // residual_ and unfrozen_ come from prepare_boundary()
    level_[k] = -1.0;
    if (unfrozen_[k] > 0) fill_heap_.push_back({std::max(residual_[k], 0.0) / unfrozen_[k], k, 0});
  }
  for (ClassId c : comp_classes_) {
    new_rate_[c] = -1.0;
    if (cap_[c] < kUnlimited) fill_heap_.push_back({cap_[c], c, 1});
  }
  // Min-heap on (share, caps before links, id): a deterministic order.
  const auto later = [](const FillEntry& a, const FillEntry& b) {
    if (a.share != b.share) return a.share > b.share;
    if (a.is_cap != b.is_cap) return a.is_cap < b.is_cap;
    return a.id > b.id;
  };
  std::make_heap(fill_heap_.begin(), fill_heap_.end(), later);

  const auto freeze = [this](ClassId c, double level, std::uint32_t at) {
    new_rate_[c] = level;
    frozen_at_[c] = at;
    const double w = weight_[c];
    const LinkId* hop = chops_.data() + croute_off_[c];
    for (std::uint32_t h = 0; h < croute_len_[c]; ++h) {
      residual_[hop[h]] -= w * level;
      unfrozen_[hop[h]] -= w;
    }
  };

  while (!fill_heap_.empty()) {
    std::pop_heap(fill_heap_.begin(), fill_heap_.end(), later);
    const FillEntry top = fill_heap_.back();
    fill_heap_.pop_back();
    ++work_;
    if (top.is_cap != 0) {
      if (new_rate_[top.id] < 0.0) freeze(top.id, top.share, kCapLabel);
      continue;
    }
    const LinkId l = top.id;
    const double n = unfrozen_[l];
    if (n <= 0) continue;
    const double share = std::max(residual_[l], 0.0) / n;
    if (share > top.share) {
      fill_heap_.push_back({share, l, 0});
      std::push_heap(fill_heap_.begin(), fill_heap_.end(), later);
      continue;
    }
    level_[l] = share;
    // Only the region's unfrozen classes have new_rate_ < 0: every other class froze (>= 0) in
    // the solve that last covered it, and a new class starts at 0.
    for (const LinkEntry& e : link_classes_[l])
      if (new_rate_[e.id] < 0.0) freeze(e.id, share, l);
  }
}

sim::Time FlowModel::finish_time(ClassId c) const {
  const sim::Time last = class_time_[c];
  const double rate = rate_[c];
  if (std::isinf(rate)) return last;
  const double left = std::max(0.0, members_[c].front().tag - served_[c]);
  const double ns = std::ceil(left * 8.0 / rate * 1e9);
  if (!(ns < static_cast<double>(sim::kTimeMax - last))) return sim::kTimeMax;
  return last + static_cast<sim::Time>(ns);
}

// ---- completion heap -------------------------------------------------------------------------

void FlowModel::heap_set(ClassId c) {
  if (!(rate_[c] > 0.0) || members_[c].empty()) {
    heap_erase(c);
    return;
  }
  const HeapEntry e{finish_time(c), members_[c].front().flow, c};
  std::uint32_t pos = heap_pos_[c];
  if (pos == kNotInHeap) {
    pos = static_cast<std::uint32_t>(heap_.size());
    heap_.push_back(e);
    heap_pos_[c] = pos;
    sift_up(pos);
    return;
  }
  heap_[pos] = e;
  sift_up(pos);
  sift_down(heap_pos_[c]);
}

void FlowModel::heap_erase(ClassId c) {
  const std::uint32_t pos = heap_pos_[c];
  if (pos == kNotInHeap) return;
  heap_pos_[c] = kNotInHeap;
  const HeapEntry last = heap_.back();
  heap_.pop_back();
  if (pos == heap_.size()) return;
  heap_[pos] = last;
  heap_pos_[last.cls] = pos;
  sift_up(pos);
  sift_down(heap_pos_[last.cls]);
}

void FlowModel::heap_rebuild() {
  for (const HeapEntry& e : heap_) heap_pos_[e.cls] = kNotInHeap;
  heap_.clear();
  for (ClassId c : live_classes_) {
    if (rate_[c] > 0.0) {
      heap_pos_[c] = static_cast<std::uint32_t>(heap_.size());
      heap_.push_back({finish_time(c), members_[c].front().flow, c});
    }
  }
  for (std::size_t i = heap_.size() / 2; i-- > 0;) sift_down(i);
}

void FlowModel::sift_up(std::size_t i) {
  indexed_sift_up(heap_, i, heap_pos_, before, [](const HeapEntry& e) { return e.cls; });
}

void FlowModel::sift_down(std::size_t i) {
  indexed_sift_down(heap_, i, heap_pos_, before, [](const HeapEntry& e) { return e.cls; });
}

}  // namespace edgetwin::network
