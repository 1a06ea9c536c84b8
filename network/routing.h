// Lowest-latency routes over the links that are up, computed with Boost.Graph's Dijkstra.
//
// A node with a single link (a leaf: almost every device) is never a transit node, so routing
// works on the *core*: the other nodes and the links between them. Shortest-path trees are
// computed over the core only, from core nodes only, and cached; a leaf enters and leaves through
// its one link. A fleet of 10^5 devices on 100 sites thus has a 100-node core: at most 100 small
// trees, and a device's access link going down or up does not touch them.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "network/topology.h"

namespace edgetwin::network {

inline constexpr LinkId kNoLink = 0xFFFFFFFFu;

class Router {
 public:
  // The topology must outlive the router and keep its nodes and links (their up/down state may
  // change: report it with link_changed()).
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

  // After link l went down or came back: forgets the cached trees if l is a core link.
  void link_changed(LinkId l);
  // Forgets every cached tree.
  void invalidate();
  std::uint64_t trees_computed() const { return trees_computed_; }
  std::size_t core_nodes() const { return core_node_.size(); }

 private:
  struct Graph;
  // tree[c]: the link into core node c on the tree from core node `source`, kNoLink for the
  // source and unreachable nodes.
  const std::vector<LinkId>& tree_from(std::uint32_t source);
  bool find_route(NodeId a, NodeId b, std::vector<LinkId>& out);

  const Topology& topology_;
  std::vector<LinkId> leaf_link_;          // by node: its only outgoing link, or kNoLink
  std::vector<std::uint32_t> core_index_;  // by node: index in the core, or kNoLink for leaves
  std::vector<NodeId> core_node_;          // by core index
  std::unique_ptr<Graph> graph_;           // the core
  std::vector<std::vector<LinkId>> trees_;  // by core source; empty = not computed
  std::uint64_t trees_computed_ = 0;
  // The last answer, as callers often ask the same question twice in a row.
  NodeId last_a_ = kNoNode, last_b_ = kNoNode;
  bool last_ok_ = false;
  std::vector<LinkId> last_route_;
};

}  // namespace edgetwin::network
