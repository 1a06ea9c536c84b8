#include "scheduler_plugins/placement/batch_scheduler.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/successive_shortest_path_nonnegative_weights.hpp>
#include <numeric>

namespace edgetwin::scheduler_plugins::placement {
namespace {

using Traits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
using Graph = boost::adjacency_list<
    boost::vecS, boost::vecS, boost::directedS, boost::no_property,
    boost::property<
        boost::edge_capacity_t, std::int64_t,
        boost::property<boost::edge_residual_capacity_t, std::int64_t,
                        boost::property<boost::edge_reverse_t, Traits::edge_descriptor,
                                        boost::property<boost::edge_weight_t, std::int64_t>>>>>;
using Vertex = Traits::vertex_descriptor;
using Edge = Traits::edge_descriptor;

// An arc and its residual twin (capacity 0, cost negated), as Boost's min-cost-flow expects.
Edge add_arc(Graph& g, Vertex from, Vertex to, std::int64_t capacity, std::int64_t cost) {
  const Edge e = boost::add_edge(from, to, g).first;
  const Edge r = boost::add_edge(to, from, g).first;
  boost::put(boost::edge_capacity, g, e, capacity);
  boost::put(boost::edge_capacity, g, r, 0);
  boost::put(boost::edge_weight, g, e, cost);
  boost::put(boost::edge_weight, g, r, -cost);
  boost::put(boost::edge_reverse, g, e, r);
  boost::put(boost::edge_reverse, g, r, e);
  return e;
}

// prefix[k] = sum of the k smallest values.
void prefix_sums(std::vector<std::int64_t>& values) {
  std::sort(values.begin(), values.end());
  std::int64_t sum = 0;
  values.insert(values.begin(), 0);
  for (std::size_t k = 1; k < values.size(); ++k) {
    sum += values[k];
    values[k] = sum;
  }
}

}  // namespace

int BatchScheduler::slot_capacity(const NodeTable& nodes, int node,
                                  std::span<const std::int64_t> cpu_prefix,
                                  std::span<const std::int64_t> mem_prefix) {
  auto fits = [](std::span<const std::int64_t> prefix, std::int64_t free) {
    // The largest k with prefix[k] <= free (prefix is non-decreasing). An overcommitted node
    // (free < 0) still takes pods that request none, as NodeResourcesFit's filter lets it.
    const auto it = std::upper_bound(prefix.begin(), prefix.end(), std::max<std::int64_t>(free, 0));
    return it - prefix.begin() - 1;
  };
  const std::ptrdiff_t cpu = fits(cpu_prefix, nodes.alloc_cpu_[node] - nodes.req_cpu_[node]);
  const std::ptrdiff_t mem = fits(mem_prefix, nodes.alloc_mem_[node] - nodes.req_mem_[node]);
  return static_cast<int>(std::min(cpu, mem));
}

std::vector<int> BatchScheduler::solve(const Problem& problem) {
  const std::size_t pods = problem.candidates.size();
  std::vector<int> assignment(pods, -1);
  std::int64_t max_total = 0;
  for (const auto& totals : problem.totals) {
    for (std::int64_t t : totals) max_total = std::max(max_total, t);
  }
  // Unscheduled costs more than any assignment of all pods can (each costs <= max_total), so the
  // solver first places as many pods as it can, then maximises the summed totals.
  const std::int64_t unscheduled = static_cast<std::int64_t>(pods) * max_total + 1;

  // Vertices: 0 source, 1 sink, 2.. pods, then the nodes that are some pod's candidate.
  Graph g(2 + pods);
  const Vertex source = 0;
  const Vertex sink = 1;
  std::vector<Vertex> vertex_of(problem.capacity.size(), 0);  // 0: no vertex yet
  std::vector<int> node_of_vertex(2 + pods, -1);
  for (std::size_t p = 0; p < pods; ++p) {
    const Vertex pv = 2 + p;
    add_arc(g, source, pv, 1, 0);
    add_arc(g, pv, sink, 1, unscheduled);
    for (std::size_t c = 0; c < problem.candidates[p].size(); ++c) {
      const int node = problem.candidates[p][c];
      if (problem.capacity[node] <= 0) continue;
      if (vertex_of[node] == 0) {
        vertex_of[node] = boost::add_vertex(g);
        node_of_vertex.push_back(node);
        add_arc(g, vertex_of[node], sink, problem.capacity[node], 0);
      }
      add_arc(g, pv, vertex_of[node], 1, max_total - problem.totals[p][c]);
    }
  }
  boost::successive_shortest_path_nonnegative_weights(g, source, sink);

  const auto capacity = boost::get(boost::edge_capacity, g);
  const auto residual = boost::get(boost::edge_residual_capacity, g);
  for (std::size_t p = 0; p < pods; ++p) {
    for (const Edge e : boost::make_iterator_range(boost::out_edges(2 + p, g))) {
      const Vertex to = boost::target(e, g);
      if (to == sink || to == source || capacity[e] == 0) continue;
      if (residual[e] == 0) assignment[p] = node_of_vertex[to];
    }
  }
  return assignment;
}

BatchScheduler::Result BatchScheduler::schedule(NodeTable& nodes, std::span<const PodSpec> pods) {
  Result result;
  result.node.assign(pods.size(), -1);
  std::vector<int> pending(pods.size());
  std::iota(pending.begin(), pending.end(), 0);
  std::vector<int> refused;
  std::vector<std::int64_t> cpu_prefix, mem_prefix;
  std::vector<std::size_t> order;
  while (!pending.empty()) {
    ++result.rounds;
    const std::size_t m = pending.size();
    cpu_prefix.clear();
    mem_prefix.clear();
    for (int i : pending) {
      cpu_prefix.push_back(pods[i].cpu_milli);
      mem_prefix.push_back(pods[i].memory_bytes);
    }
    prefix_sums(cpu_prefix);
    prefix_sums(mem_prefix);

    // Each pod's candidates: its best m feasible nodes by total (ties: lowest index). Keeping m
    // loses nothing: in any assignment a pod placed outside its best m could move to one of them
    // that the other m - 1 pods leave free, at no loss of score.
    problem_.candidates.resize(m);
    problem_.totals.resize(m);
    problem_.capacity.assign(static_cast<std::size_t>(nodes.size()), -1);
    for (std::size_t k = 0; k < m; ++k) {
      framework_.select(nodes, pods[pending[k]]);
      const std::span<const int> feasible = framework_.last_feasible();
      const std::span<const std::int64_t> totals = framework_.last_totals();
      order.resize(feasible.size());
      std::iota(order.begin(), order.end(), 0);
      const std::size_t keep = std::min(m, order.size());
      const auto better = [&](std::size_t a, std::size_t b) {
        return totals[a] != totals[b] ? totals[a] > totals[b] : feasible[a] < feasible[b];
      };
      // Linear selection of the best `keep`, then only those sorted (a strict total order: the
      // same candidates in the same order whatever the algorithms' internals).
      const auto cut = order.begin() + static_cast<std::ptrdiff_t>(keep);
      if (keep < order.size()) std::nth_element(order.begin(), cut, order.end(), better);
      std::sort(order.begin(), cut, better);
      problem_.candidates[k].clear();
      problem_.totals[k].clear();
      for (std::size_t c = 0; c < keep; ++c) {
        const int node = feasible[order[c]];
        problem_.candidates[k].push_back(node);
        problem_.totals[k].push_back(totals[order[c]]);
        if (problem_.capacity[node] < 0) {
          problem_.capacity[node] = slot_capacity(nodes, node, cpu_prefix, mem_prefix);
        }
      }
    }
    const std::vector<int> assignment = solve(problem_);

    // Bind in batch order, each pod re-checked against the state with the earlier ones bound.
    refused.clear();
    int bound = 0;
    for (std::size_t k = 0; k < m; ++k) {
      const int node = assignment[k];
      if (node < 0) continue;  // the optimum leaves it out: no room for it in this batch
      const PodSpec& pod = pods[pending[k]];
      if (!framework_.feasible(nodes, pod, node)) {
        refused.push_back(pending[k]);
        continue;
      }
      framework_.bind(nodes, pod, node);
      result.node[pending[k]] = node;
      ++bound;
      const auto& cands = problem_.candidates[k];
      const auto at = std::find(cands.begin(), cands.end(), node) - cands.begin();
      result.total_score += problem_.totals[k][static_cast<std::size_t>(at)];
    }
    result.placed += bound;
    if (bound == 0) break;  // cannot happen with deterministic filters; never loop forever
    pending.swap(refused);
  }
  return result;
}

}  // namespace edgetwin::scheduler_plugins::placement
