#include "scheduler_plugins/placement/parallel_scheduler.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <vector>

namespace edgetwin::scheduler_plugins::placement {

struct ParallelScheduler::Impl {
  Impl(int threads_in, int grain_in) : arena(threads_in), threads(threads_in), grain(grain_in) {}
  tbb::task_arena arena;
  int threads;
  std::size_t grain;
  int next_start = 0;
  std::vector<char> feasible_flag;   // [scan position]
  std::vector<int> feasible;         // nodes, in scan order
  std::vector<int> scorers;          // indices of the score plug-ins
  std::vector<std::int64_t> scores;  // [scorer][feasible index]
  std::vector<std::int64_t> totals;  // [feasible index]
};

namespace {

// The winner so far: highest total, ties to the lowest node index. Associative and commutative,
// so the reduction's result does not depend on how TBB splits the range.
struct Best {
  std::int64_t total = 0;
  int node = -1;
  bool beats(const Best& o) const {
    return o.node < 0 || (node >= 0 && (total > o.total || (total == o.total && node < o.node)));
  }
};

}  // namespace

ParallelScheduler::ParallelScheduler(Framework& framework, int threads, int grain)
    : framework_(framework),
      impl_(std::make_unique<Impl>(std::max(threads, 1), std::max(grain, 1))) {}

ParallelScheduler::~ParallelScheduler() = default;

std::span<const int> ParallelScheduler::last_feasible() const { return impl_->feasible; }
std::span<const std::int64_t> ParallelScheduler::last_totals() const { return impl_->totals; }
int ParallelScheduler::next_start_node_index() const { return impl_->next_start; }
int ParallelScheduler::threads() const { return impl_->threads; }

ParallelScheduler::Result ParallelScheduler::select(const NodeTable& nodes, const PodSpec& pod) {
  Impl& s = *impl_;
  Framework& f = framework_;
  const Framework& shared = framework_;  // what the worker threads may touch: const plug-ins
  Result result;
  s.feasible.clear();
  s.totals.clear();
  const int n = nodes.size();
  if (n == 0) return result;
  const int plugins = f.plugin_count();
  for (int p = 0; p < plugins; ++p) {
    if (!f.plugin(p).pre_filter(nodes, pod)) return result;
  }

  // Filter in waves of scan positions (position k is node (start + k) mod n). Each wave is
  // filtered in parallel into flags, then read in order, stopping at the wanted-th feasible node:
  // exactly the nodes, and the number examined, of the sequential scan. Positions filtered beyond
  // the stop are wasted work, never a different answer (filter() has no side effects).
  const int wanted = num_feasible_nodes_to_find(n, f.percentage_of_nodes_to_score());
  const int start = s.next_start;
  if (s.feasible_flag.size() < static_cast<std::size_t>(n)) s.feasible_flag.resize(n);
  if (s.feasible.capacity() < static_cast<std::size_t>(n)) s.feasible.reserve(n);
  int examined = 0;
  int found = 0;
  bool done = false;
  while (!done && examined < n) {
    // Enough positions for the feasible nodes still wanted at the feasibility rate seen so far.
    const std::int64_t need = wanted - found;
    const std::int64_t rate_inverse = found > 0 ? (examined + found - 1) / found : 1;
    const std::int64_t minimum = static_cast<std::int64_t>(s.grain) * s.threads;
    const int wave = static_cast<int>(
        std::min<std::int64_t>(n - examined, std::max(need * rate_inverse, minimum)));
    const int begin = examined;
    s.arena.execute([&] {
      tbb::parallel_for(tbb::blocked_range<int>(begin, begin + wave, static_cast<int>(s.grain)),
                        [&](const tbb::blocked_range<int>& r) {
                          for (int k = r.begin(); k < r.end(); ++k) {
                            int node = start + k;
                            if (node >= n) node -= n;
                            bool ok = true;
                            for (int p = 0; p < plugins && ok; ++p) {
                              const Plugin& plugin = shared.plugin(p);
                              ok = !plugin.has_filter() || plugin.filter(nodes, pod, node);
                            }
                            s.feasible_flag[k] = ok;
                          }
                        });
    });
    for (int k = begin; k < begin + wave; ++k) {
      if (!s.feasible_flag[k]) continue;
      int node = start + k;
      if (node >= n) node -= n;
      s.feasible.push_back(node);
      if (++found == wanted) {
        examined = k + 1;
        done = true;
        break;
      }
    }
    if (!done) examined = begin + wave;
  }
  s.next_start = (start + examined) % n;
  result.nodes_examined = examined;
  result.feasible = found;
  if (found == 0) return result;

  // PreScore every score plug-in (in plug-in order; each one's state is its own), then all
  // scores in one parallel pass, then NormalizeScore per plug-in.
  const std::size_t m = s.feasible.size();
  s.scorers.clear();
  for (int p = 0; p < plugins; ++p) {
    if (!f.plugin(p).has_score()) continue;
    s.scorers.push_back(p);
    f.plugin(p).pre_score(nodes, pod, s.feasible);
  }
  const std::size_t k_scorers = s.scorers.size();
  s.scores.resize(k_scorers * m);
  s.totals.assign(m, 0);
  s.arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, m, s.grain),
                      [&](const tbb::blocked_range<std::size_t>& r) {
                        for (std::size_t j = 0; j < k_scorers; ++j) {
                          const Plugin& plugin = shared.plugin(s.scorers[j]);
                          std::int64_t* out = s.scores.data() + j * m;
                          for (std::size_t i = r.begin(); i < r.end(); ++i) {
                            out[i] = plugin.score(nodes, pod, s.feasible[i]);
                          }
                        }
                      });
  });
  for (std::size_t j = 0; j < k_scorers; ++j) {
    f.plugin(s.scorers[j]).normalize_score(std::span<std::int64_t>(s.scores.data() + j * m, m));
  }
  const Best best = s.arena.execute([&] {
    return tbb::parallel_reduce(
        tbb::blocked_range<std::size_t>(0, m, s.grain), Best{},
        [&](const tbb::blocked_range<std::size_t>& r, Best acc) {
          for (std::size_t i = r.begin(); i < r.end(); ++i) {
            std::int64_t total = 0;
            for (std::size_t j = 0; j < k_scorers; ++j) {
              total += shared.weight(s.scorers[j]) * s.scores[j * m + i];
            }
            s.totals[i] = total;
            const Best here{total, s.feasible[i]};
            if (here.beats(acc)) acc = here;
          }
          return acc;
        },
        [](const Best& a, const Best& b) { return a.beats(b) ? a : b; });
  });
  result.node = best.node;
  result.total_score = best.total;
  return result;
}

ParallelScheduler::Result ParallelScheduler::schedule(NodeTable& nodes, const PodSpec& pod) {
  Result result = select(nodes, pod);
  if (result.node >= 0) framework_.bind(nodes, pod, result.node);
  return result;
}

}  // namespace edgetwin::scheduler_plugins::placement
