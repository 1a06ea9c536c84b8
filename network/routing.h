// Lowest-latency routes over the links that are up, computed with Boost.Graph's Dijkstra and
// cached per source. A device with a single link (a leaf) is routed through its neighbour, so trees
// are only computed from switches and multi-homed nodes: a fleet of 10^5 devices on 50 sites needs
// at most 50 trees, not 10^5.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "network/topology.h"

namespace edgetwin::network {

class Router {
 public:
  // The topology must outlive the router; link up/down changes need invalidate().
  explicit Router(const Topology& topology);
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Replaces `out` with the directed links of a lowest-latency path from a to b over links that
  // are up (weight: latency + 1 ns per hop, so equal latencies prefer fewer hops; remaining ties
  // follow link order, deterministically). False, with `out` empty, when b is unreachable.
  bool route(NodeId a, NodeId b, std::vector<LinkId>& out);
  // Sum of the links' latencies (without jitter).
  sim::Time latency(const std::vector<LinkId>& links) const;

  // Forgets every cached tree: call after links go down or come back.
  void invalidate();
  std::uint64_t trees_computed() const { return trees_computed_; }

 private:
  struct Graph;
  // pred_link[v]: the link into v on the tree from the source, kNoLink for the source and
  // unreachable nodes.
  const std::vector<LinkId>& tree_from(NodeId source);
  bool is_leaf(NodeId n) const { return topology_.out_links(n).size() == 1; }

  const Topology& topology_;
  std::unique_ptr<Graph> graph_;
  std::vector<std::vector<LinkId>> trees_;  // by source node; empty = not computed
  std::uint64_t trees_computed_ = 0;
};

inline constexpr LinkId kNoLink = 0xFFFFFFFFu;

}  // namespace edgetwin::network
