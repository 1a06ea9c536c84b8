#include "sim/parallel_engine.h"

#include <tbb/blocked_range.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>

namespace edgetwin::sim {
namespace {

// P^2 outboxes per parity: 1024 partitions cost 2 * 2^20 empty vectors (48 MiB).
constexpr std::uint32_t kMaxPartitions = 1024;

}  // namespace

struct ParallelEngine::Shared {
  // TBB runs at most one thread per core it may use (and warns when asked for more).
  explicit Shared(int threads) : arena(std::min(threads, tbb::info::default_concurrency())) {}
  tbb::task_arena arena;
  // Replays the last window's partition-to-thread mapping where it can, so that a partition's
  // event list and LP state stay in one core's cache from one window to the next.
  tbb::affinity_partitioner affinity;
};

ParallelEngine::ParallelEngine(std::vector<std::uint32_t> partition_of, Time lookahead, int threads,
                               EventListKind list, RankExchange* ranks)
    : partition_of_(std::move(partition_of)),
      lookahead_(lookahead),
      threads_(threads),
      ranks_(ranks) {
  if (lookahead_ <= 0) {
    throw std::invalid_argument(
        "parallel engine: the lookahead is " + std::to_string(lookahead_) +
        " ns, but it must be positive: with no minimum delay between partitions no partition can "
        "run ahead of another; declare the smallest delay of any event sent between partitions, "
        "or run the model on the sequential engine");
  }
  if (threads_ < 1) {
    throw std::invalid_argument("parallel engine: expected at least one thread, got " +
                                std::to_string(threads_));
  }
  if (partition_of_.size() > kMaxLps) {
    throw std::invalid_argument("parallel engine: " + std::to_string(partition_of_.size()) +
                                " logical processes exceed the limit of " +
                                std::to_string(kMaxLps));
  }
  std::uint32_t max_part = 0;
  for (std::uint32_t p : partition_of_) max_part = std::max(max_part, p);
  if (max_part >= kMaxPartitions) {
    throw std::invalid_argument("parallel engine: partition " + std::to_string(max_part) +
                                " is beyond the limit of " + std::to_string(kMaxPartitions) +
                                " partitions (numbered from 0)");
  }
  const std::uint32_t count = max_part + 1;
  const auto lps = static_cast<std::uint32_t>(partition_of_.size());
  seq_.assign(lps, 0);
  parts_.reserve(count);
  for (std::uint32_t p = 0; p < count; ++p) {
    auto part = std::make_unique<Engine>(0, list);
    part->lp_count_ = lps;
    part->seq_ = seq_.data();
    part->partition_of_ = partition_of_.data();
    part->partition_ = p;
    part->lookahead_ = lookahead_;
    parts_.push_back(std::move(part));
    if (local(p)) local_parts_.push_back(p);
  }
  if (ranks_ != nullptr) to_rank_.resize(static_cast<std::size_t>(ranks_->ranks()));
  reports_.resize(count);
  for (auto& boxes : outboxes_) boxes.resize(std::size_t{count} * count);
  shared_ = std::make_unique<Shared>(threads_);
}

ParallelEngine::~ParallelEngine() = default;

void ParallelEngine::schedule(LpId source, LpId target, Time at, std::uint16_t kind,
                              std::uint64_t payload, std::uint16_t aux) {
  if (source >= lp_count() || target >= lp_count()) {
    throw std::out_of_range("parallel engine: an event from LP " + std::to_string(source) +
                            " for LP " + std::to_string(target) + " names an LP beyond the " +
                            std::to_string(lp_count()) + " of the partition map");
  }
  if (at < now_) {
    throw std::logic_error("parallel engine: LP " + std::to_string(source) +
                           " scheduled an event of kind " + std::to_string(kind) + " for LP " +
                           std::to_string(target) + " at " + std::to_string(at) +
                           " ns, before the current time " + std::to_string(now_) + " ns");
  }
  const Event e{at, make_key(source, seq_[source]++), target, kind, aux, payload};
  if (local(partition_of_[target])) parts_[partition_of_[target]]->push(e);
}

int ParallelEngine::threads_used() const { return shared_->arena.max_concurrency(); }

std::uint64_t ParallelEngine::sum_over_ranks(std::uint64_t local_value) const {
  if (ranks_ == nullptr) return local_value;
  // A sum as the xor of one-hot slots, so that RankExchange needs only min and xor.
  std::vector<std::uint64_t> slots(static_cast<std::size_t>(ranks_->ranks()), 0);
  slots[static_cast<std::size_t>(ranks_->rank())] = local_value;
  ranks_->bit_xor(slots);
  std::uint64_t n = 0;
  for (std::uint64_t v : slots) n += v;
  return n;
}

std::uint64_t ParallelEngine::events_handled() const {
  std::uint64_t n = 0;
  for (const auto& part : parts_) n += part->events_;
  return sum_over_ranks(n);
}

std::size_t ParallelEngine::pending() const {
  std::size_t n = 0;
  for (const auto& part : parts_) n += part->pending();
  return sum_over_ranks(n);  // the outboxes are empty between runs
}

std::uint64_t ParallelEngine::fingerprint() const {
  if (ranks_ == nullptr || lp_hash_.empty()) return fold_fingerprints(lp_hash_);
  // Each LP's chain lives on its partition's rank: the others contribute 0 to the xor.
  std::vector<std::uint64_t> chains(lp_hash_.size(), 0);
  for (std::size_t lp = 0; lp < chains.size(); ++lp) {
    if (local(partition_of_[lp])) chains[lp] = lp_hash_[lp];
  }
  ranks_->bit_xor(chains);
  return fold_fingerprints(chains);
}

void ParallelEngine::exchange_between_ranks(int parity) {
  const auto count = static_cast<std::uint32_t>(parts_.size());
  const auto n = static_cast<std::uint32_t>(ranks_->ranks());
  for (std::uint32_t s : local_parts_) {
    for (std::uint32_t d = 0; d < count; ++d) {
      if (local(d)) continue;
      std::vector<Event>& box = outboxes_[parity][std::size_t{s} * count + d];
      std::vector<Event>& send = to_rank_[d % n];
      send.insert(send.end(), box.begin(), box.end());
      box.clear();
    }
  }
  ranks_->exchange(to_rank_, received_);
  for (auto& send : to_rank_) send.clear();
  for (const Event& e : received_) {
    const std::uint32_t s = partition_of_[static_cast<LpId>(e.key >> kSeqBits)];
    outboxes_[parity][std::size_t{s} * count + partition_of_[e.target]].push_back(e);
  }
}

void ParallelEngine::enable_fingerprint() {
  lp_hash_.assign(partition_of_.size(), kFnvOffset);
  for (auto& part : parts_) part->lp_hash_ = lp_hash_.data();
}

void ParallelEngine::run_partition(std::uint32_t p, Model& model, Time last) {
  Engine& part = *parts_[p];
  const auto count = static_cast<std::uint32_t>(parts_.size());
  auto& inbound = outboxes_[parity_ ^ 1];  // filled by the previous window
  for (std::uint32_t s = 0; s < count; ++s) {
    std::vector<Event>& box = inbound[std::size_t{s} * count + p];
    for (const Event& e : box) part.push(e);
    box.clear();  // keeps its capacity: no allocation once the run has warmed up
  }
  part.outbox_ = &outboxes_[parity_][std::size_t{p} * count];
  Report& report = reports_[p];
  report.stopped = part.run_window(model, last);
  report.has_next = part.pending() > 0;
  if (report.has_next) report.next = part.next_time();
}

void ParallelEngine::merge_outboxes(int parity) {
  const auto count = static_cast<std::uint32_t>(parts_.size());
  for (std::uint32_t s = 0; s < count; ++s) {
    for (std::uint32_t d = 0; d < count; ++d) {
      std::vector<Event>& box = outboxes_[parity][std::size_t{s} * count + d];
      for (const Event& e : box) parts_[d]->push(e);
      box.clear();
    }
  }
}

RunStats ParallelEngine::run(Model& model, Time until) {
  using Clock = std::chrono::steady_clock;
  const auto wall_start = Clock::now();
  const std::uint64_t first = events_handled();

  // The first window starts at the earliest pending event.
  bool any = false;
  Time start = kTimeMax;
  for (std::uint32_t p : local_parts_) {
    Engine& part = *parts_[p];
    if (part.pending() == 0) continue;
    any = true;
    start = std::min(start, part.next_time());
  }
  bool stopped = false;
  std::vector<std::int64_t> agree(3);
  // Agrees with the other ranks on (earliest next event, whether any, whether stopped).
  auto agree_over_ranks = [&] {
    if (ranks_ == nullptr) return;
    agree = {any ? start : kTimeMax, any ? 0 : 1, stopped ? 0 : 1};
    ranks_->min(agree);
    start = agree[0];
    any = agree[1] == 0;
    stopped = agree[2] == 0;
  };
  agree_over_ranks();
  while (any && start <= until) {
    const Time last =
        std::min(until, start > kTimeMax - lookahead_ ? kTimeMax : start + lookahead_ - 1);
    const auto locals = static_cast<std::uint32_t>(local_parts_.size());
    if (shared_->arena.max_concurrency() == 1) {
      for (std::uint32_t p : local_parts_) run_partition(p, model, last);
    } else {
      shared_->arena.execute([&] {
        tbb::parallel_for(
            tbb::blocked_range<std::uint32_t>(0, locals, 1),
            [&](const tbb::blocked_range<std::uint32_t>& range) {
              for (std::uint32_t i = range.begin(); i != range.end(); ++i) {
                run_partition(local_parts_[i], model, last);
              }
            },
            shared_->affinity);
      });
    }
    ++stats_.windows;
    if (ranks_ != nullptr) exchange_between_ranks(parity_);
    parity_ ^= 1;
    // The next window starts at the earliest event still pending or in an outbox.
    any = false;
    start = kTimeMax;
    for (std::uint32_t p : local_parts_) {
      const Report& report = reports_[p];
      const Engine& part = *parts_[p];
      if (report.has_next) {
        any = true;
        start = std::min(start, report.next);
      }
      if (part.sent_ > 0) {
        any = true;
        start = std::min(start, part.sent_min_);
        stats_.cross_events += part.sent_;
      }
      stopped = stopped || report.stopped;
    }
    agree_over_ranks();
    if (stopped) {
      now_ = last;
      break;
    }
  }
  merge_outboxes(parity_ ^ 1);  // what the last window sent
  if (!stopped) {
    for (const auto& part : parts_) now_ = std::max(now_, part->now_);
    if (ranks_ != nullptr) {  // the latest over ranks, as a minimum of negatives
      std::vector<std::int64_t> latest = {-now_};
      ranks_->min(latest);
      now_ = -latest[0];
    }
    if (until != kTimeMax && now_ < until) now_ = until;
  }
  RunStats stats;
  stats.events = events_handled() - first;
  stats.end_time = now_;
  stats.wall_seconds = std::chrono::duration<double>(Clock::now() - wall_start).count();
  stats.stopped = stopped;
  return stats;
}

}  // namespace edgetwin::sim
