// Flow-level bandwidth sharing by max-min fairness over directed links.
//
// Each transfer is a fluid flow over a fixed sequence of directed links. At every instant the
// rates are the max-min fair allocation (progressive filling): no link carries more than its
// capacity, and no flow can get faster without slowing a flow that is not faster than it. A flow
// may also carry a rate cap of its own (a sender or receiver limit), which acts as a private link.
//
// Flows with the same route and cap always get the same rate, so they share a *rate class*: one
// rate, one service clock, and a heap of member finish tags; a rate change costs O(1) per class,
// not per flow. Links that provably cannot fill (flows x the fastest rate <= capacity, or, for a
// link of many flows, its tracked load <= capacity after every solve) are left out of the solve,
// which merges classes further; a solve that makes one tight restores it and is redone. A change
// re-fills either the classes above its restart level or, where cheaper, only the links and
// classes whose filling differs from the old one (the ripple solve). Changes (start, remove,
// capacity) are recorded at a simulated instant; the allocation is solved lazily, on the next
// query, and only for the classes a change can reach: all changes at one instant cost one solve.
// Finishing times live in an indexed heap over classes, so next_completion() is O(1).
// docs/network.md gives the equations and the proofs of exactness.
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
  // Appends the active flows crossing `link` to `out`, in no particular order.
  void flows_on(LinkId link, std::vector<FlowId>& out) const {
    for (const LinkEntry& e : link_flows_[link]) out.push_back(e.id);
  }

  struct Stats {
    std::uint64_t solves = 0;        // lazy solves performed
    std::uint64_t flows_rerated = 0;  // flows whose rate a solve recomputed
    std::uint64_t changes = 0;        // start + remove + set_capacity calls
    std::uint64_t rates_changed = 0;  // of those, flows whose rate actually took a new value
    std::uint64_t links_solved = 0;   // links in the components the solves covered
    std::uint64_t direct_solves = 0;  // solves that skipped bounded regions (failing, or costlier)
    std::uint64_t classes_rerated = 0;    // rate classes a solve recomputed (the solver's work)
    std::uint64_t classes_changed = 0;    // of those, classes whose rate took a new value
    std::uint64_t prunes = 0;             // links left out of the solve as provably slack
    std::uint64_t load_prunes = 0;        // of those, by their tracked load
    std::uint64_t unprunes = 0;           // pruned links restored (the bound no longer held)
    std::uint64_t retries = 0;            // solves redone because a pruned link turned tight
    std::uint64_t level_solves = 0;       // component solves restricted to the classes above a level
    std::uint64_t small_solves = 0;       // solves of a network of few classes, filled whole
    std::uint64_t fills = 0;              // progressive fillings (a bounded region may take several)
    std::uint64_t classes_filled = 0;     // classes over all fillings: the solver's real work
    std::uint64_t level_work = 0;         // level solves: link entries scanned + heap steps
    std::uint64_t ripple_solves = 0;      // level solves that ran the ripple (else the level cut)
  };
  std::size_t class_count() const { return class_count_; }
  // A network of at most this many rate classes is filled whole on every solve (no bounded region,
  // no component search): cheaper than a region that fails. Default 512; tests set 0 to exercise
  // the region and component logic on small networks.
  void set_small_network(std::size_t classes) { small_network_ = classes; }
  std::size_t pruned_links() const { return pruned_count_; }
  std::size_t load_pruned_links() const { return load_pruned_count_; }
  // Links of at least `min_flows` flows may be pruned by their tracked load (default 32; tests
  // set 1 to exercise it on small networks, or SIZE_MAX to turn it off).
  void set_load_prune_min_flows(std::size_t min_flows) { load_prune_min_flows_ = min_flows; }
  // Which level-restricted solve runs when a bounded region is not used: the cheaper lately
  // (default), or always one of them (tests).
  enum class LevelSolver : std::uint8_t { kAdaptive, kRipple, kAbove };
  void set_level_solver(LevelSolver solver) { level_solver_ = solver; }
  const Stats& stats() const;

 private:
  using ClassId = std::uint32_t;
  // One entry of a link's flow or class list; `hop` is the link's index in the flow's (class's)
  // route, so that a swap-remove can fix the moved entry's back-index in O(1).
  struct LinkEntry {
    std::uint32_t id;
    std::uint32_t hop;
  };
  // A candidate bottleneck during progressive filling: a link, or a class's rate cap (is_cap).
  struct FillEntry {
    double share;
    std::uint32_t id;
    std::uint32_t is_cap;
  };
  struct HeapEntry {  // completion heap: a class, keyed by its first member's finish
    sim::Time finish;
    FlowId flow;
    ClassId cls;
  };
  struct Member {  // a class's member heap: finish tag in class service units (bytes), then id
    double tag;
    FlowId flow;
  };

  void check_time(sim::Time now);
  void mark_dirty(LinkId link, sim::Time now);
  void ensure_solved() {
    if (!dirty_links_.empty()) solve();
  }
  void solve();
  bool solve_once();  // false: a pruned link turned out tight and was restored; solve again
  void take_whole_network();
  void add_inside(LinkId link);
  void grow_region(std::size_t& scanned);
  void prepare_boundary();
  bool boundary_violated(LinkId link) const;
  void fill_region(bool precomputed = false);  // precomputed: residual_/unfrozen_ of comp_links_
  void next_epoch();
  // The level below which the pending changes cannot alter the filling (see solve_once()).
  double restart_level();
  // Fills the classes that may change: those at or above `level` connected to the dirty links
  // through links and classes at or above it; the classes below it keep their rates.
  void fill_above(double level);
  // The same result, visiting only the links and classes whose filling differs from the old one.
  void fill_ripple(double level);
  void perturb(LinkId link, double level);
  void ripple_freeze(ClassId c, double level, std::uint32_t at);
  static constexpr std::uint32_t kEventCap = 0, kEventLink = 1, kEventOld = 2;
  void push_event(const FillEntry& e);
  // Min-heap order of the ripple's events: (level, kind, id).
  struct EventLater {
    bool operator()(const FillEntry& a, const FillEntry& b) const {
      if (a.share != b.share) return a.share > b.share;
      if (a.is_cap != b.is_cap) return a.is_cap > b.is_cap;
      return a.id > b.id;
    }
  };
  void level_solve(double level);  // fill_ripple or fill_above, whichever has been cheaper
  bool active(FlowId flow) const { return flow < route_len_.size() && active_[flow] != 0; }

  // Rate classes. Flows with the same effective route (their route less the pruned links) and the
  // same cap always get the same max-min rate, so they share one class: its rate, its service
  // clock (bytes each member has been served), and a heap of its members by finish tag.
  void join_class(FlowId flow, double bytes, sim::Time now);
  double leave_class(FlowId flow, sim::Time now);  // returns the flow's remaining bytes
  ClassId find_or_make_class(double cap, sim::Time now);  // key: eff_route_, cap
  void drop_class(ClassId c);
  double served(ClassId c, sim::Time now) const;
  void bank(ClassId c, sim::Time now);  // served_[c] = served(c, now), class_time_[c] = now
  std::uint64_t hash_key(std::span<const LinkId> route, double cap) const;
  void table_insert(ClassId c);
  void table_erase(ClassId c);
  void member_sift_up(ClassId c, std::size_t i);
  void member_sift_down(ClassId c, std::size_t i);

  // Pruning: a link whose flows could not fill it even at the fastest rate in the network
  // (flows x max rate <= capacity) is left out of the solve; its flows join coarser classes.
  static constexpr std::uint8_t kBoundPruned = 1;  // flows x rate bound <= capacity
  static constexpr std::uint8_t kLoadPruned = 2;   // its load, tracked, <= capacity
  void prune(LinkId link, sim::Time now, std::uint8_t kind);
  double exact_load(LinkId link) const;  // sum of its flows' current rates
  void touch_load(LinkId link);          // a load-pruned link to check after the next solve
  bool check_loads(sim::Time now);       // false: a load-pruned link overflowed, restored
  bool load_fits(LinkId link, double delta = 0.0) const;
  void unprune(LinkId link, sim::Time now);
  void migrate(LinkId link, sim::Time now);  // moves the link's flows to their new classes
  void rescan(sim::Time now);                // exact rate bound, then prune slack links

  // Completion heap over classes: binary min-heap on (finish, flow), heap_pos_[class].
  void heap_set(ClassId c);  // inserts, moves or removes `c` according to its rate and members
  void heap_erase(ClassId c);
  void heap_rebuild();
  void sift_up(std::size_t i);
  void sift_down(std::size_t i);
  sim::Time finish_time(ClassId c) const;
  static bool before(const HeapEntry& a, const HeapEntry& b) {
    return a.finish < b.finish || (a.finish == b.finish && a.flow < b.flow);
  }

  // Links (structure of arrays, indexed by LinkId).
  std::vector<double> capacity_;
  std::vector<std::vector<LinkEntry>> link_flows_;    // every flow crossing the link
  std::vector<std::vector<LinkEntry>> link_classes_;  // classes crossing it (unpruned links only)
  std::vector<double> link_weight_;        // flows of the classes in link_classes_
  std::vector<std::uint8_t> pruned_;
  std::vector<std::uint32_t> link_mark_;   // solve epoch that last visited / dirtied the link
  std::vector<std::uint8_t> link_dirty_;
  std::vector<double> residual_;           // filling scratch: capacity left to unfrozen flows
  std::vector<double> unfrozen_;           // filling scratch: flows not yet frozen
  std::vector<std::uint32_t> link_inside_; // solve epoch in which the link is inside the region
  std::vector<double> level_;              // filling scratch: level it saturated at, or -1
  std::vector<double> outside_max_;        // boundary scratch: fastest class outside the region
  std::vector<std::uint8_t> outside_bneck_;  // boundary scratch: an outside class froze here
  std::vector<std::uint8_t> region_misses_;  // how often a bounded region around it failed lately
  std::vector<double> sat_level_;          // level it saturated at in the current allocation
                                           // (kUnlimited: not saturated, or unknown)

  // Flows (structure of arrays, indexed by FlowId).
  std::vector<std::uint8_t> active_;
  std::vector<ClassId> class_of_;
  std::vector<double> tag_;                // finish tag: class service at join + bytes
  std::vector<std::uint32_t> member_pos_;  // position in its class's member heap
  std::vector<std::uint32_t> flow_lp_;     // its load-pruned links when it joined its class
  std::vector<double> flow_cap_;
  std::vector<std::uint32_t> route_off_;   // route in hops_ / hop_pos_ [off, off + len)
  std::vector<std::uint32_t> route_len_;
  std::vector<std::uint32_t> route_room_;  // slots reserved at route_off_ (kept on reuse)
  std::vector<LinkId> hops_;
  std::vector<std::uint32_t> hop_pos_;     // position of the flow in hops_[i]'s flow list
  std::vector<FlowId> free_;               // LIFO: the last removed slot is reused first
  std::size_t active_count_ = 0;

  // Classes (structure of arrays, indexed by ClassId).
  std::vector<double> weight_;             // member flows
  std::vector<double> rate_;               // bits per second, per member
  std::vector<double> cap_;
  std::vector<double> served_;             // bytes served per member at class_time_
  std::vector<sim::Time> class_time_;
  std::vector<std::uint64_t> class_hash_;
  std::vector<std::uint32_t> croute_off_, croute_len_, croute_room_;  // effective route
  std::vector<LinkId> chops_;
  std::vector<std::uint32_t> chop_pos_;    // position of the class in chops_[i]'s class list
  std::vector<std::vector<Member>> members_;
  std::vector<double> new_rate_;           // filling scratch; < 0 while unfrozen
  std::vector<std::uint32_t> frozen_at_;   // filling scratch: link it froze at, or kCapLabel
  std::vector<std::uint32_t> bottleneck_;  // where the class froze in its last solve (kCapLabel)
  std::vector<std::uint32_t> class_mark_;
  std::vector<std::uint8_t> fresh_;        // created since the last solve: no rate yet
  std::vector<std::uint32_t> class_lp_;    // sum of its members' flow_lp_ (0: no load to keep)
  std::vector<std::uint32_t> heap_pos_;
  std::vector<ClassId> free_classes_;
  std::vector<ClassId> live_classes_;      // every class with members, dense (swap-removed)
  std::vector<std::uint32_t> live_pos_;    // position in live_classes_
  std::size_t class_count_ = 0;
  std::vector<ClassId> table_;             // open addressing (linear probing) on class_hash_
  std::vector<LinkId> eff_route_;          // scratch: a flow's effective route

  // Pruning state. rate_bound_ >= every class rate (exact at the last rescan, raised by solves);
  // worst_load_ >= flows/capacity of every pruned link (exact at the last rescan, raised by
  // starts). A pruned link l is valid while flows(l) * rate_bound_ <= capacity(l).
  double rate_bound_ = kUnlimited;
  double worst_load_ = 0.0;
  std::uint32_t solves_to_rescan_ = 0;
  std::size_t pruned_count_ = 0;
  std::size_t load_pruned_count_ = 0;
  std::size_t load_prune_min_flows_ = 32;
  LevelSolver level_solver_ = LevelSolver::kAdaptive;
  std::uint64_t work_ = 0;      // link entries scanned + filling steps by the level solves
  double work_ripple_ = 0.0;    // moving averages of work_ per level solve
  double work_above_ = 0.0;
  std::uint32_t level_clock_ = 0;
  // Load-pruned links: load_ = sum of the current rates of the flows crossing the link (kept by
  // join/leave and by each solve); load_delta_ gathers a solve's changes before they are checked.
  std::vector<double> load_;
  std::vector<double> load_delta_;
  std::vector<std::uint8_t> load_touched_mark_;
  std::vector<LinkId> load_touched_;
  std::vector<LinkId> restore_;
  std::size_t small_network_ = 512;

  // Lazy solve state and reusable scratch.
  std::vector<LinkId> dirty_links_;
  std::vector<LinkId> solve_dirty_;  // the dirty links of the current solve (kept for a retry)
  sim::Time dirty_time_ = 0;   // the instant of the pending changes
  sim::Time last_time_ = 0;    // latest instant seen (calls must not go back in time)
  std::uint32_t epoch_ = 0;
  double work_regions_ = 0.0;  // moving average of classes filled by solves trying regions first
  double work_direct_ = 0.0;   // ... and by solves going straight to the component
  std::uint32_t strategy_clock_ = 0;
  std::vector<LinkId> comp_links_;
  std::vector<ClassId> comp_classes_;
  std::vector<LinkId> boundary_;
  std::vector<ClassId> changed_;  // classes whose rate the last solve changed
  std::vector<FillEntry> fill_heap_;
  std::vector<std::pair<double, double>> rank_;  // restart_level() scratch: (rate, weight)
  std::vector<HeapEntry> heap_;
  Stats stats_;
};

}  // namespace edgetwin::network
