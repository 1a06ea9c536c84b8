#include "network/routing.h"

#include <algorithm>

// GCC 12 reports a false -Wmaybe-uninitialized inside Boost.Graph's edge iterator (a
// boost::optional member) when Dijkstra is inlined here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/graph/filtered_graph.hpp>


namespace edgetwin::network {

struct Router::Graph {
  struct EdgeData {
    LinkId link;
    sim::Time weight;
  };
  using G = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property,
                                  EdgeData>;
  G g;
  std::vector<sim::Time> distance;  // scratch for Dijkstra

  // Edge filter: only links that are up.
  struct UpLinks {
    const Topology* topology = nullptr;
    const G* g = nullptr;
    template <class Edge>
    bool operator()(const Edge& e) const {
      return topology->is_up((*g)[e].link);
    }
  };
};


Router::Router(const Topology& topology)
    : topology_(topology), graph_(std::make_unique<Graph>()) {
  const std::size_t n = topology.node_count();
  leaf_link_.assign(n, kNoLink);
  core_index_.assign(n, kNoLink);
  for (NodeId v = 0; v < n; ++v) {
    if (topology.out_links(v).size() == 1) {
      leaf_link_[v] = topology.out_links(v)[0];
    } else {
      core_index_[v] = static_cast<std::uint32_t>(core_node_.size());
      core_node_.push_back(v);
    }
  }
  graph_->g = Graph::G(core_node_.size());
  for (LinkId l = 0; l < topology.link_count(); ++l) {
    const std::uint32_t a = core_index_[topology.from(l)], b = core_index_[topology.to(l)];
    if (a != kNoLink && b != kNoLink) {
      boost::add_edge(a, b, {l, topology.latency(l) + 1}, graph_->g);
    }
  }
  trees_.resize(core_node_.size());
}

Router::~Router() = default;

void Router::invalidate() {
  for (auto& tree : trees_) tree.clear();
  last_a_ = kNoNode;
}

void Router::link_changed(LinkId l) {
  last_a_ = kNoNode;
  if (core_index_[topology_.from(l)] != kNoLink && core_index_[topology_.to(l)] != kNoLink) {
    invalidate();
  }
}

const std::vector<LinkId>& Router::tree_from(std::uint32_t source) {
  std::vector<LinkId>& tree = trees_[source];
  if (!tree.empty()) return tree;
  Graph& graph = *graph_;
  const std::size_t n = core_node_.size();
  graph.distance.assign(n, sim::kTimeMax);
  tree.assign(n, kNoLink);
  using View = boost::filtered_graph<Graph::G, Graph::UpLinks>;
  View view(graph.g, Graph::UpLinks{&topology_, &graph.g});
  // Records the link of the last relaxation of each vertex: that is its tree edge.
  struct Visitor : boost::default_dijkstra_visitor {
    std::vector<LinkId>* tree;
    const Graph::G* g;
    void edge_relaxed(boost::graph_traits<Graph::G>::edge_descriptor e, const View&) {
      (*tree)[boost::target(e, *g)] = (*g)[e].link;
    }
  } visitor;
  visitor.tree = &tree;
  visitor.g = &graph.g;
  boost::dijkstra_shortest_paths(
      view, source,
      boost::weight_map(boost::get(&Graph::EdgeData::weight, graph.g))
          .distance_map(boost::make_iterator_property_map(
              graph.distance.begin(), boost::get(boost::vertex_index, graph.g)))
          .distance_inf(sim::kTimeMax)
          .visitor(visitor));
  ++trees_computed_;
  return tree;
}

bool Router::route(NodeId a, NodeId b, std::vector<LinkId>& out) {
  if (a == last_a_ && b == last_b_) {
    out = last_route_;
    return last_ok_;
  }
  last_ok_ = find_route(a, b, out);
  last_a_ = a;
  last_b_ = b;
  last_route_ = out;
  return last_ok_;
}

bool Router::find_route(NodeId a, NodeId b, std::vector<LinkId>& out) {
  out.clear();
  if (a == b) return true;
  // Leaves enter and leave through their only link.
  const LinkId first = leaf_link_[a];
  const LinkId last = leaf_link_[b] == kNoLink ? kNoLink : Topology::reverse(leaf_link_[b]);
  NodeId s = a, t = b;
  if (first != kNoLink) {
    if (!topology_.is_up(first)) return false;
    s = topology_.to(first);
    if (s == b) {  // b is a's neighbour
      out.push_back(first);
      return true;
    }
  }
  if (last != kNoLink) {
    if (!topology_.is_up(last)) return false;
    t = topology_.from(last);
    if (t == a) {  // a is b's neighbour
      out.push_back(last);
      return true;
    }
  }
  // Two leaves joined directly to each other form a component of their own.
  if (core_index_[s] == kNoLink || core_index_[t] == kNoLink) return false;
  if (first != kNoLink) out.push_back(first);
  if (s != t) {
    const std::uint32_t cs = core_index_[s];
    const std::vector<LinkId>& tree = tree_from(cs);
    const std::size_t mark = out.size();
    for (std::uint32_t v = core_index_[t]; v != cs;) {
      const LinkId l = tree[v];
      if (l == kNoLink) {
        out.clear();
        return false;
      }
      out.push_back(l);
      v = core_index_[topology_.from(l)];
    }
    std::reverse(out.begin() + static_cast<std::ptrdiff_t>(mark), out.end());
  }
  if (last != kNoLink) out.push_back(last);
  return true;
}

sim::Time Router::latency(const std::vector<LinkId>& links) const {
  sim::Time sum = 0;
  for (LinkId l : links) sum += topology_.latency(l);
  return sum;
}

}  // namespace edgetwin::network
