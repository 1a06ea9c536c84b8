// Flow-level bandwidth sharing by max-min fairness over directed links.
//
// Each transfer is a fluid flow over a fixed sequence of directed links. At every instant the
// rates are the max-min fair allocation (progressive filling): no link carries more than its
// capacity, and no flow can get faster without slowing a flow that is not faster than it. A flow
// may also carry a rate cap of its own (a sender or receiver limit), which acts as a private link.
//
// Changes (start, remove, capacity) are recorded at a simulated instant; the allocation is solved
// lazily, on the next query, and only for the flows connected to a changed link through shared
// links (the affected component, or every flow when a giant component holds most of them): all
// changes at one instant cost one solve. Finishing times live in an indexed heap, so
// next_completion() is O(1) and a rate change costs O(log flows).
//
// Not modelled (docs/network.md): TCP slow start and congestion control, RTT-unfairness, packet
// loss, cross-traffic on reverse paths.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <utility>
#include <vector>

#include "sim/units.h"

namespace edgetwin::network {

using LinkId = std::uint32_t;  // a directed link
using FlowId = std::uint32_t;  // slots are reused after remove()

inline constexpr double kUnlimited = std::numeric_limits<double>::infinity();
inline constexpr FlowId kNoFlow = 0xFFFFFFFFu;

class FlowModel {
 public:
  // A directed link of `capacity_bps` bits per second (>= 0; 0 stops every flow through it).
  LinkId add_link(double capacity_bps);
  // Changes a link's capacity at `now` (a link going down is capacity 0; coming back, the old one).
  void set_capacity(LinkId link, double capacity_bps, sim::Time now);
  double capacity_bps(LinkId link) const;
  std::size_t link_count() const;

  // Starts a flow of `bytes` (> 0) over `links` at `now`, which must not precede any earlier call.
  // An empty route is limited only by `rate_cap_bps`.
  FlowId start(std::span<const LinkId> links, double bytes, sim::Time now,
               double rate_cap_bps = kUnlimited);
  // Removes an active flow at `now` (finished, failed or cancelled); its slot may be reused.
  void remove(FlowId flow, sim::Time now);

  // The current max-min rate, in bits per second (solves first if needed).
  double rate_bps(FlowId flow);
  // Bytes still to send at `now` (>= the last change).
  double remaining_bytes(FlowId flow, sim::Time now);
  // Sum of the rates of the flows crossing `link`, in bits per second.
  double load_bps(LinkId link);
  // The active flow that finishes first and when (ceil to the nanosecond); {kTimeMax, kNoFlow}
  // when no active flow has a positive rate. Ties: lower FlowId first.
  std::pair<sim::Time, FlowId> next_completion();

  std::size_t active_flows() const;
  std::span<const LinkId> route(FlowId flow) const;

  struct Stats {
    std::uint64_t solves = 0;        // lazy solves performed
    std::uint64_t flows_rerated = 0;  // flows whose rate a solve recomputed
    std::uint64_t changes = 0;        // start + remove + set_capacity calls
    std::uint64_t rates_changed = 0;  // of those, flows whose rate actually took a new value
    std::uint64_t links_solved = 0;   // links in the components the solves covered
    std::uint64_t direct_solves = 0;  // solves that skipped the bounded region (it kept failing)
    std::uint64_t unsearched_solves = 0;  // solves that took the whole network without a search
  };
  const Stats& stats() const;

 private:
  // One entry of a link's flow list; `hop` is the link's index in the flow's route, so that a
  // swap-remove can fix the moved flow's back-index in O(1).
  struct LinkEntry {
    FlowId flow;
    std::uint32_t hop;
  };
  // A candidate bottleneck during progressive filling: a link, or a flow's own cap (is_cap).
  struct FillEntry {
    double share;
    std::uint32_t id;
    std::uint32_t is_cap;
  };
  struct HeapEntry {
    sim::Time finish;
    FlowId flow;
  };

  void check_time(sim::Time now);
  void mark_dirty(LinkId link, sim::Time now);
  void ensure_solved() {
    if (!dirty_links_.empty()) solve();
  }
  void solve();
  void take_whole_network();
  void add_inside(LinkId link);
  void grow_region(std::size_t& scanned);
  void prepare_boundary();
  bool boundary_violated(LinkId link) const;
  void fill_region();
  void advance(FlowId flow, sim::Time now);
  sim::Time finish_time(FlowId flow) const;
  bool active(FlowId flow) const { return flow < route_len_.size() && active_[flow] != 0; }

  // Completion heap: binary min-heap on (finish, flow), heap_pos_[flow] == kNotInHeap when absent.
  void heap_set(FlowId flow);  // inserts, moves or removes `flow` according to its rate
  void heap_erase(FlowId flow);
  void heap_rebuild();
  void sift_up(std::size_t i);
  void sift_down(std::size_t i);
  static bool before(const HeapEntry& a, const HeapEntry& b) {
    return a.finish < b.finish || (a.finish == b.finish && a.flow < b.flow);
  }

  // Links (structure of arrays, indexed by LinkId).
  std::vector<double> capacity_;
  std::vector<std::vector<LinkEntry>> link_flows_;
  std::vector<std::uint32_t> link_mark_;   // solve epoch that last visited / dirtied the link
  std::vector<std::uint8_t> link_dirty_;
  std::vector<double> residual_;           // filling scratch: capacity left to unfrozen flows
  std::vector<std::uint32_t> unfrozen_;    // filling scratch: flows not yet frozen
  std::vector<std::uint32_t> link_inside_; // solve epoch in which the link is inside the region
  std::vector<double> level_;              // filling scratch: level it saturated at, or -1
  std::vector<double> outside_max_;        // boundary scratch: fastest flow outside the region
  std::vector<std::uint8_t> outside_bneck_;  // boundary scratch: an outside flow froze here
  std::vector<std::uint8_t> region_misses_;  // how often a bounded region around it failed lately

  // Flows (structure of arrays, indexed by FlowId).
  std::vector<std::uint8_t> active_;
  std::vector<double> remaining_;          // bytes left at last_update_
  std::vector<double> rate_;               // bits per second
  std::vector<double> cap_;
  std::vector<double> new_rate_;           // filling scratch; < 0 while unfrozen
  std::vector<std::uint32_t> frozen_at_;   // filling scratch: link it froze at, or kCapLabel
  std::vector<std::uint32_t> bottleneck_;  // where the flow froze in its last solve (kCapLabel)
  std::vector<sim::Time> last_update_;
  std::vector<std::uint32_t> route_off_;   // route in hops_ / hop_pos_ [off, off + len)
  std::vector<std::uint32_t> route_len_;
  std::vector<std::uint32_t> route_room_;  // slots reserved at route_off_ (kept on reuse)
  std::vector<std::uint32_t> flow_mark_;
  std::vector<std::uint32_t> heap_pos_;
  std::vector<LinkId> hops_;
  std::vector<std::uint32_t> hop_pos_;     // position of the flow in hops_[i]'s flow list
  std::vector<FlowId> free_;               // LIFO: the last removed slot is reused first
  std::size_t active_count_ = 0;

  // Lazy solve state and reusable scratch.
  std::vector<LinkId> dirty_links_;
  sim::Time dirty_time_ = 0;   // the instant of the pending changes
  sim::Time last_time_ = 0;    // latest instant seen (calls must not go back in time)
  std::uint32_t epoch_ = 0;
  std::vector<std::uint32_t> giant_mark_;  // == giant_gen_: in the last giant component found
  std::uint32_t giant_gen_ = 0;
  std::uint32_t giant_solves_left_ = 0;  // component solves that take the whole network unsearched
  std::vector<LinkId> comp_links_;
  std::vector<FlowId> comp_flows_;
  std::vector<LinkId> boundary_;
  std::vector<FlowId> changed_;  // flows whose rate the last solve changed
  std::vector<FillEntry> fill_heap_;
  std::vector<HeapEntry> heap_;
  Stats stats_;
};

}  // namespace edgetwin::network
