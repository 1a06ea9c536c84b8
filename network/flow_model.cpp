#include "network/flow_model.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace edgetwin::network {
namespace {

constexpr std::uint32_t kNotInHeap = 0xFFFFFFFFu;
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
// When a component search finds a giant component (at least half of the active flows), its links
// are stamped, and the next kGiantSolves solves whose dirty links all carry the stamp and that need
// a component solve every link and flow instead, skipping the search: a superset of components is
// solved exactly like each component apart, and the giant one is most of the work. Then one search
// checks again.
constexpr std::uint32_t kGiantSolves = 16;

bool same_rate(double a, double b) {
  return a == b || std::fabs(a - b) <= kSameRate * std::max(std::fabs(a), std::fabs(b));
}

[[noreturn]] void fail(const std::string& what) {
  throw std::invalid_argument("FlowModel: " + what);
}

}  // namespace

LinkId FlowModel::add_link(double capacity_bps) {
  if (!(capacity_bps >= 0.0)) fail("link capacity must be >= 0 bits/s");
  const auto id = static_cast<LinkId>(capacity_.size());
  capacity_.push_back(capacity_bps);
  link_flows_.emplace_back();
  link_mark_.push_back(0);
  link_dirty_.push_back(0);
  residual_.push_back(0.0);
  unfrozen_.push_back(0);
  link_inside_.push_back(0);
  level_.push_back(-1.0);
  outside_max_.push_back(0.0);
  outside_bneck_.push_back(0);
  region_misses_.push_back(0);
  giant_mark_.push_back(0);
  return id;
}

void FlowModel::set_capacity(LinkId link, double capacity_bps, sim::Time now) {
  if (link >= capacity_.size()) fail("set_capacity: unknown link " + std::to_string(link));
  if (!(capacity_bps >= 0.0)) fail("set_capacity: link capacity must be >= 0 bits/s");
  check_time(now);
  ++stats_.changes;
  capacity_[link] = capacity_bps;
  if (!link_flows_[link].empty()) mark_dirty(link, now);
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
    remaining_.push_back(0.0);
    rate_.push_back(0.0);
    cap_.push_back(kUnlimited);
    new_rate_.push_back(0.0);
    frozen_at_.push_back(kCapLabel);
    bottleneck_.push_back(kCapLabel);
    last_update_.push_back(0);
    route_off_.push_back(0);
    route_len_.push_back(0);
    route_room_.push_back(0);
    flow_mark_.push_back(0);
    heap_pos_.push_back(kNotInHeap);
  }
  const auto len = static_cast<std::uint32_t>(links.size());
  if (route_room_[f] < len) {  // a fresh stretch of the route pool; reused slots keep theirs
    route_off_[f] = static_cast<std::uint32_t>(hops_.size());
    route_room_[f] = len;
    hops_.resize(hops_.size() + len);
    hop_pos_.resize(hop_pos_.size() + len);
  }
  active_[f] = 1;
  remaining_[f] = bytes;
  rate_[f] = 0.0;
  cap_[f] = rate_cap_bps;
  bottleneck_[f] = kCapLabel;
  last_update_[f] = now;
  route_len_[f] = len;
  ++active_count_;
  const std::uint32_t off = route_off_[f];
  for (std::uint32_t i = 0; i < len; ++i) {
    const LinkId l = links[i];
    hops_[off + i] = l;
    hop_pos_[off + i] = static_cast<std::uint32_t>(link_flows_[l].size());
    link_flows_[l].push_back({f, i});
    mark_dirty(l, now);
  }
  if (len == 0) {  // limited by its cap alone: no sharing, no solve
    rate_[f] = rate_cap_bps;
    heap_set(f);
  }
  return f;
}

void FlowModel::remove(FlowId flow, sim::Time now) {
  if (!active(flow)) fail("remove: flow " + std::to_string(flow) + " is not active");
  check_time(now);
  ++stats_.changes;
  const std::uint32_t off = route_off_[flow];
  for (std::uint32_t i = 0; i < route_len_[flow]; ++i) {
    const LinkId l = hops_[off + i];
    auto& list = link_flows_[l];
    const std::uint32_t pos = hop_pos_[off + i];
    const LinkEntry moved = list.back();
    list[pos] = moved;
    hop_pos_[route_off_[moved.flow] + moved.hop] = pos;
    list.pop_back();
    mark_dirty(l, now);
  }
  heap_erase(flow);
  active_[flow] = 0;
  rate_[flow] = 0.0;
  route_len_[flow] = 0;
  free_.push_back(flow);
  --active_count_;
}

double FlowModel::rate_bps(FlowId flow) {
  if (!active(flow)) fail("rate_bps: flow " + std::to_string(flow) + " is not active");
  ensure_solved();
  return rate_[flow];
}

double FlowModel::remaining_bytes(FlowId flow, sim::Time now) {
  if (!active(flow)) fail("remaining_bytes: flow " + std::to_string(flow) + " is not active");
  ensure_solved();
  if (now < last_update_[flow]) fail("remaining_bytes: asked before the flow's last change");
  const double rate = rate_[flow];
  if (rate <= 0.0 || now == last_update_[flow]) return remaining_[flow];
  if (std::isinf(rate)) return 0.0;
  const double left =
      remaining_[flow] - rate * static_cast<double>(now - last_update_[flow]) / 8e9;
  return left > 0.0 ? left : 0.0;
}

double FlowModel::load_bps(LinkId link) {
  if (link >= capacity_.size()) fail("load_bps: unknown link " + std::to_string(link));
  ensure_solved();
  double sum = 0.0;
  for (const LinkEntry& e : link_flows_[link]) sum += rate_[e.flow];
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

// The solve re-rates a *region*: the changed links ("inside"), every flow crossing an inside
// link, and the other links those flows cross ("boundary"). A boundary link keeps its outside
// flows at their old rates: the region fills the capacity they leave. The result is the max-min
// allocation of the whole network iff no boundary link couples the region to outside flows:
//   (a) an outside flow that froze at boundary link k in its own solve still sees the same
//       region rates on k (else its share moved), and
//   (b) where a region flow now freezes at boundary link k (level L), no outside flow on k is
//       faster than L (else that flow must slow down).
// Proof sketch: outside flows keep a bottleneck that is saturated and where they are fastest
// ((a), or the link is untouched); region flows have one by progressive filling and (b); all
// links stay within capacity. A violated boundary link moves inside and the region is filled
// again; past kMaxRounds rounds or kMaxRegionFlows flows the region becomes the whole connected
// component (no boundary: the plain component solve).
void FlowModel::solve() {
  if (++epoch_ == 0) {  // wrapped: forget every old mark
    std::fill(link_mark_.begin(), link_mark_.end(), 0u);
    std::fill(link_inside_.begin(), link_inside_.end(), 0u);
    std::fill(flow_mark_.begin(), flow_mark_.end(), 0u);
    epoch_ = 1;
  }
  comp_links_.clear();
  comp_flows_.clear();
  boundary_.clear();
  bool skip_rounds = true;
  bool in_giant = giant_solves_left_ > 0;
  for (LinkId l : dirty_links_) {
    link_dirty_[l] = 0;
    if (region_misses_[l] < kMissSkip) skip_rounds = false;
    if (giant_mark_[l] != giant_gen_) in_giant = false;
    if (link_inside_[l] != epoch_) add_inside(l);
  }

  std::size_t scanned = 0;
  bool bounded = !skip_rounds;  // still trying a bounded region
  bool missed = false;          // a bounded region was tried and given up
  bool searched = false;        // the whole component was found by search
  for (int round = 0;; ++round) {
    grow_region(scanned);
    if (boundary_.empty()) {  // a closed component: nothing outside to check
      fill_region();
      break;
    }
    if (!bounded || round >= kMaxRounds || comp_flows_.size() > kMaxRegionFlows) {
      missed = missed || (bounded && round > 0);  // round 0 only measured the first layer
      bounded = false;  // the whole component
      if (in_giant) {  // the component is (nearly) the whole network: skip the search
        --giant_solves_left_;
        ++stats_.unsearched_solves;
        take_whole_network();
        fill_region();
        break;
      }
      searched = true;
      for (LinkId k : boundary_) add_inside(k);
      boundary_.clear();
      continue;
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
  if (searched) {
    giant_solves_left_ = 0;
    if (comp_flows_.size() * 2 >= active_count_) {
      giant_solves_left_ = kGiantSolves;
      if (++giant_gen_ == 0) {  // wrapped: forget every old stamp
        std::fill(giant_mark_.begin(), giant_mark_.end(), 0u);
        giant_gen_ = 1;
      }
      for (LinkId l : comp_links_) giant_mark_[l] = giant_gen_;
    }
  }
  if (skip_rounds) ++stats_.direct_solves;
  for (LinkId l : dirty_links_) {
    std::uint8_t& score = region_misses_[l];
    if (skip_rounds)
      --score;
    else if (missed)
      score = static_cast<std::uint8_t>(std::min<int>(score + kMissCost, kMissMax));
    else if (bounded)
      score = 0;
  }
  dirty_links_.clear();
  ++stats_.solves;
  stats_.flows_rerated += comp_flows_.size();
  stats_.links_solved += comp_links_.size() + boundary_.size();

  // Apply: a flow whose rate changes first banks the bytes sent at its old rate.
  const sim::Time t = dirty_time_;
  changed_.clear();
  for (FlowId f : comp_flows_) {
    bottleneck_[f] = frozen_at_[f];
    const double nr = new_rate_[f];
    if (same_rate(nr, rate_[f])) continue;
    changed_.push_back(f);
    advance(f, t);
    rate_[f] = nr;
  }
  stats_.rates_changed += changed_.size();
  if (changed_.size() > 64 && changed_.size() * 4 > active_count_) {
    heap_rebuild();
  } else {
    for (FlowId f : changed_) heap_set(f);
  }
}

// The region becomes every link that carries a flow and every active flow, with no boundary.
void FlowModel::take_whole_network() {
  comp_links_.clear();
  comp_flows_.clear();
  boundary_.clear();
  for (LinkId l = 0; l < link_flows_.size(); ++l)
    if (!link_flows_[l].empty()) comp_links_.push_back(l);
  for (FlowId f = 0; f < route_len_.size(); ++f)
    if (active_[f] != 0 && route_len_[f] > 0) comp_flows_.push_back(f);
}

void FlowModel::add_inside(LinkId link) {
  link_inside_[link] = epoch_;
  link_mark_[link] = epoch_;
  comp_links_.push_back(link);
}

// Adds the flows of the inside links from `scanned` on to the region, and their other links to
// the boundary; then drops from the boundary the links that have moved inside.
void FlowModel::grow_region(std::size_t& scanned) {
  const std::uint32_t epoch = epoch_;
  for (; scanned < comp_links_.size(); ++scanned) {
    for (const LinkEntry& e : link_flows_[comp_links_[scanned]]) {
      const FlowId f = e.flow;
      if (flow_mark_[f] == epoch) continue;
      flow_mark_[f] = epoch;
      comp_flows_.push_back(f);
      const LinkId* hop = hops_.data() + route_off_[f];
      for (std::uint32_t h = 0; h < route_len_[f]; ++h) {
        if (link_mark_[hop[h]] != epoch) {
          link_mark_[hop[h]] = epoch;
          boundary_.push_back(hop[h]);
        }
      }
    }
  }
  std::erase_if(boundary_, [this](LinkId k) { return link_inside_[k] == epoch_; });
}

// A boundary link offers the region what its outside flows leave of its capacity.
void FlowModel::prepare_boundary() {
  const std::uint32_t epoch = epoch_;
  for (LinkId k : boundary_) {
    double outside = 0.0, fastest = 0.0;
    std::uint32_t inside = 0;
    std::uint8_t bneck = 0;
    for (const LinkEntry& e : link_flows_[k]) {
      const FlowId f = e.flow;
      if (flow_mark_[f] == epoch) {
        ++inside;
        continue;
      }
      outside += rate_[f];
      fastest = std::max(fastest, rate_[f]);
      if (bottleneck_[f] == k) bneck = 1;
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
  for (const LinkEntry& e : link_flows_[k]) {  // (a)
    const FlowId f = e.flow;
    if (flow_mark_[f] == epoch_ && !same_rate(new_rate_[f], rate_[f])) return true;
  }
  return false;
}

// Progressive filling over the region with a lazy min-heap of candidate bottlenecks.
// A link's fair share residual/unfrozen never decreases while filling (the flows frozen on it
// were frozen at a level <= its share), so a stale key is a lower bound: pop, recompute, push
// back if it grew, else the link saturates at that level and freezes its unfrozen flows.
void FlowModel::fill_region() {
  fill_heap_.clear();
  for (LinkId l : comp_links_) {
    const auto n = static_cast<std::uint32_t>(link_flows_[l].size());
    residual_[l] = capacity_[l];
    unfrozen_[l] = n;
    level_[l] = -1.0;
    if (n > 0) fill_heap_.push_back({capacity_[l] / n, l, 0});
  }
  for (LinkId k : boundary_) {  // residual_ and unfrozen_ come from prepare_boundary()
    level_[k] = -1.0;
    if (unfrozen_[k] > 0) fill_heap_.push_back({std::max(residual_[k], 0.0) / unfrozen_[k], k, 0});
  }
  for (FlowId f : comp_flows_) {
    new_rate_[f] = -1.0;
    if (cap_[f] < kUnlimited) fill_heap_.push_back({cap_[f], f, 1});
  }
  // Min-heap on (share, caps before links, id): a deterministic order.
  const auto later = [](const FillEntry& a, const FillEntry& b) {
    if (a.share != b.share) return a.share > b.share;
    if (a.is_cap != b.is_cap) return a.is_cap < b.is_cap;
    return a.id > b.id;
  };
  std::make_heap(fill_heap_.begin(), fill_heap_.end(), later);

  const auto freeze = [this](FlowId f, double level, std::uint32_t at) {
    new_rate_[f] = level;
    frozen_at_[f] = at;
    const LinkId* hop = hops_.data() + route_off_[f];
    for (std::uint32_t h = 0; h < route_len_[f]; ++h) {
      residual_[hop[h]] -= level;
      --unfrozen_[hop[h]];
    }
  };

  while (!fill_heap_.empty()) {
    std::pop_heap(fill_heap_.begin(), fill_heap_.end(), later);
    const FillEntry top = fill_heap_.back();
    fill_heap_.pop_back();
    if (top.is_cap != 0) {
      if (new_rate_[top.id] < 0.0) freeze(top.id, top.share, kCapLabel);
      continue;
    }
    const LinkId l = top.id;
    const std::uint32_t n = unfrozen_[l];
    if (n == 0) continue;
    const double share = std::max(residual_[l], 0.0) / n;
    if (share > top.share) {
      fill_heap_.push_back({share, l, 0});
      std::push_heap(fill_heap_.begin(), fill_heap_.end(), later);
      continue;
    }
    level_[l] = share;
    // Only the region's unfrozen flows have new_rate_ < 0: every other flow froze (>= 0) in the
    // solve that last covered it, and a new slot starts at 0.
    for (const LinkEntry& e : link_flows_[l])
      if (new_rate_[e.flow] < 0.0) freeze(e.flow, share, l);
  }
}

void FlowModel::advance(FlowId flow, sim::Time now) {
  const sim::Time dt = now - last_update_[flow];
  last_update_[flow] = now;
  const double rate = rate_[flow];
  if (dt <= 0 || rate <= 0.0) return;
  if (std::isinf(rate)) {
    remaining_[flow] = 0.0;
    return;
  }
  const double left = remaining_[flow] - rate * static_cast<double>(dt) / 8e9;
  remaining_[flow] = left > 0.0 ? left : 0.0;
}

sim::Time FlowModel::finish_time(FlowId flow) const {
  const sim::Time last = last_update_[flow];
  const double rate = rate_[flow];
  if (std::isinf(rate)) return last;
  const double ns = std::ceil(remaining_[flow] * 8.0 / rate * 1e9);
  if (!(ns < static_cast<double>(sim::kTimeMax - last))) return sim::kTimeMax;
  return last + static_cast<sim::Time>(ns);
}

// ---- completion heap -------------------------------------------------------------------------

void FlowModel::heap_set(FlowId flow) {
  if (!(rate_[flow] > 0.0)) {
    heap_erase(flow);
    return;
  }
  const HeapEntry e{finish_time(flow), flow};
  std::uint32_t pos = heap_pos_[flow];
  if (pos == kNotInHeap) {
    pos = static_cast<std::uint32_t>(heap_.size());
    heap_.push_back(e);
    heap_pos_[flow] = pos;
    sift_up(pos);
    return;
  }
  heap_[pos] = e;
  sift_up(pos);
  sift_down(heap_pos_[flow]);
}

void FlowModel::heap_erase(FlowId flow) {
  const std::uint32_t pos = heap_pos_[flow];
  if (pos == kNotInHeap) return;
  heap_pos_[flow] = kNotInHeap;
  const HeapEntry last = heap_.back();
  heap_.pop_back();
  if (pos == heap_.size()) return;
  heap_[pos] = last;
  heap_pos_[last.flow] = pos;
  sift_up(pos);
  sift_down(heap_pos_[last.flow]);
}

void FlowModel::heap_rebuild() {
  heap_.clear();
  for (FlowId f = 0; f < route_len_.size(); ++f) {
    heap_pos_[f] = kNotInHeap;
    if (active_[f] != 0 && rate_[f] > 0.0) {
      heap_pos_[f] = static_cast<std::uint32_t>(heap_.size());
      heap_.push_back({finish_time(f), f});
    }
  }
  for (std::size_t i = heap_.size() / 2; i-- > 0;) sift_down(i);
}

void FlowModel::sift_up(std::size_t i) {
  const HeapEntry e = heap_[i];
  while (i > 0) {
    const std::size_t parent = (i - 1) / 2;
    if (!before(e, heap_[parent])) break;
    heap_[i] = heap_[parent];
    heap_pos_[heap_[i].flow] = static_cast<std::uint32_t>(i);
    i = parent;
  }
  heap_[i] = e;
  heap_pos_[e.flow] = static_cast<std::uint32_t>(i);
}

void FlowModel::sift_down(std::size_t i) {
  const HeapEntry e = heap_[i];
  const std::size_t n = heap_.size();
  while (true) {
    std::size_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && before(heap_[child + 1], heap_[child])) ++child;
    if (!before(heap_[child], e)) break;
    heap_[i] = heap_[child];
    heap_pos_[heap_[i].flow] = static_cast<std::uint32_t>(i);
    i = child;
  }
  heap_[i] = e;
  heap_pos_[e.flow] = static_cast<std::uint32_t>(i);
}

}  // namespace edgetwin::network
