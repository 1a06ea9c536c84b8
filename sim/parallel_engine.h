// The parallel engine: conservative, windowed (YAWNS-style) parallel discrete-event simulation on
// TBB.
//
// Each LP belongs to one partition (the partition map is part of the model: the twin will map by
// site). Each partition is an Engine with its own event list. Partitions advance together in
// windows [T, T + lookahead), where T is the earliest pending event of all partitions and the
// lookahead is the smallest delay of any event one partition schedules for another. Within a
// window no partition can receive an event from another (such an event is at least the lookahead
// after its sender's current time, so at or after the window's end), so the partitions run the
// window in parallel without talking to each other. Events for another partition go to the
// (source partition, target partition) outbox and are merged into the target's list at the start
// of the next window: one fork-join (barrier) per window and no lock on the event path.
//
// Determinism: every LP handles the same events in the same (time, key) order as under the
// sequential engine, because the key is (source LP, its sequence number) and each LP's sequence
// numbers are written only by its own partition. So results, and the fingerprint, do not depend on
// the thread count or on which thread ran which partition (tests/sim/parallel_engine_test.cpp).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/engine.h"

namespace edgetwin::sim {

// Carries the window protocol across processes (MPI ranks: sim/mpi_exchange.h). The engine calls
// it only between windows, from the thread that called run(); every rank must make the same calls.
class RankExchange {
 public:
  virtual ~RankExchange() = default;
  virtual int rank() const = 0;
  virtual int ranks() const = 0;
  // Sends send[r] to rank r (send[rank()] is empty) and sets `received` to every event sent to
  // this rank, in rank order.
  virtual void exchange(const std::vector<std::vector<Event>>& send,
                        std::vector<Event>& received) = 0;
  // Element-wise minimum, and element-wise bitwise xor, over all ranks, in place.
  virtual void min(std::vector<std::int64_t>& values) = 0;
  virtual void bit_xor(std::vector<std::uint64_t>& values) = 0;
};

struct ParallelStats {
  std::uint64_t windows = 0;       // windows run so far
  std::uint64_t cross_events = 0;  // events exchanged between partitions so far
};

class ParallelEngine {
 public:
  // partition_of[lp] is the partition of each LP; partitions are numbered 0 .. max, and one may be
  // empty. `lookahead` (> 0) is the smallest delay of any event scheduled for another partition;
  // `threads` (>= 1) is the number of worker threads (results do not depend on it; TBB uses at most
  // one per core available, see threads_used()). Throws
  // std::invalid_argument on a zero or negative lookahead: partitions could then not advance in
  // parallel at all (run such a model on the sequential Engine).
  //
  // With `ranks` (not owned; null for one process) the partitions are spread over processes,
  // partition p on rank p % ranks->ranks(); every rank builds the same engine and model, schedules
  // the same initial events (each keeps those for its own partitions) and calls run() alike.
  ParallelEngine(std::vector<std::uint32_t> partition_of, Time lookahead, int threads,
                 EventListKind list = EventListKind::kLadder, RankExchange* ranks = nullptr);
  ~ParallelEngine();
  ParallelEngine(const ParallelEngine&) = delete;
  ParallelEngine& operator=(const ParallelEngine&) = delete;

  // Before or between runs (not from handle(), which gets the partition's Engine): schedules
  // directly into the target's partition, with no lookahead limit. Same keys as Engine::schedule.
  void schedule(LpId source, LpId target, Time at, std::uint16_t kind, std::uint64_t payload = 0,
                std::uint16_t aux = 0);

  // Handles every event with time <= until, window by window. When a model calls request_stop(),
  // every partition still finishes the current window (so the outcome does not depend on threads)
  // and the run returns then, with now() at the window's last instant. Otherwise now() is `until`
  // when finite, else the time of the last event handled. An exception thrown by a model propagates
  // to the caller and leaves the engine unusable.
  RunStats run(Model& model, Time until = kTimeMax);

  // events_handled(), pending() and fingerprint() count every rank: with a RankExchange they are
  // collective calls, which every rank must make.
  Time now() const { return now_; }
  std::uint64_t events_handled() const;
  std::size_t pending() const;
  std::uint32_t lp_count() const { return static_cast<std::uint32_t>(partition_of_.size()); }
  std::uint32_t partition_count() const { return static_cast<std::uint32_t>(parts_.size()); }
  std::uint32_t partition_of(LpId lp) const { return partition_of_[lp]; }
  Time lookahead() const { return lookahead_; }
  int threads() const { return threads_; }
  int threads_used() const;
  const ParallelStats& stats() const { return stats_; }

  // Same fingerprint as Engine's for the same model (see fingerprint_step).
  void enable_fingerprint();
  std::uint64_t fingerprint() const;

 private:
  struct Shared;               // the TBB arena and partitioner: kept out of this header
  struct alignas(64) Report {  // what a partition tells the main thread after a window
    bool has_next = false;
    Time next = 0;
    bool stopped = false;
  };

  void run_partition(std::uint32_t p, Model& model, Time last);
  void merge_outboxes(int parity);
  bool local(std::uint32_t p) const {
    return ranks_ == nullptr || static_cast<int>(p % ranks_->ranks()) == ranks_->rank();
  }
  // Sends what this rank's partitions put in other ranks' outboxes, and files what arrives in the
  // outboxes of the (source, target) pairs, whose source partitions are not on this rank.
  void exchange_between_ranks(int parity);
  // Sums over ranks (identity without a RankExchange).
  std::uint64_t sum_over_ranks(std::uint64_t local_value) const;

  std::vector<std::uint32_t> partition_of_;
  Time lookahead_;
  int threads_;
  std::vector<std::uint64_t> seq_;      // per-LP sequence numbers, shared by the partitions
  std::vector<std::uint64_t> lp_hash_;  // per-LP fingerprint chains
  RankExchange* ranks_;
  std::vector<std::unique_ptr<Engine>> parts_;
  std::vector<std::uint32_t> local_parts_;  // the partitions this process runs
  std::vector<Report> reports_;
  // outboxes_[parity][source * P + target]; a window fills one parity and merges the other.
  std::vector<std::vector<Event>> outboxes_[2];
  int parity_ = 0;
  Time now_ = 0;
  ParallelStats stats_;
  std::vector<std::vector<Event>> to_rank_;  // exchange buffers, reused
  std::vector<Event> received_;
  std::unique_ptr<Shared> shared_;
};

}  // namespace edgetwin::sim
