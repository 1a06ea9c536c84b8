#include "network/generators.h"

#include <cmath>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/connected_components.hpp>

#include "sim/random.h"

namespace edgetwin::network {

std::vector<SitePair> star(const std::vector<std::uint32_t>& spokes, std::uint32_t hub) {
  std::vector<SitePair> out;
  for (std::uint32_t s : spokes) {
    if (s != hub) out.emplace_back(s, hub);
  }
  return out;
}

std::vector<SitePair> two_tier(const std::vector<std::uint32_t>& edges,
                               const std::vector<std::uint32_t>& regions, std::uint32_t cloud) {
  std::vector<SitePair> out;
  for (std::size_t i = 0; i < edges.size(); ++i) {
    out.emplace_back(edges[i], regions[i % regions.size()]);
  }
  for (std::uint32_t r : regions) out.emplace_back(r, cloud);
  return out;
}

GeometricLayout random_geometric(const std::vector<std::uint32_t>& sites, double radius,
                                 std::uint64_t seed) {
  GeometricLayout layout;
  for (std::uint32_t s : sites) {
    sim::RandomStream rng(seed, s, sim::purpose_id("site-placement"));
    const double x = rng.uniform01();
    layout.position.emplace_back(x, rng.uniform01());
  }
  for (std::size_t i = 0; i < sites.size(); ++i) {
    for (std::size_t j = i + 1; j < sites.size(); ++j) {
      const double dx = layout.position[i].first - layout.position[j].first;
      const double dy = layout.position[i].second - layout.position[j].second;
      const double d = std::sqrt(dx * dx + dy * dy);
      if (d <= radius) layout.links.push_back({sites[i], sites[j], d});
    }
  }
  return layout;
}

std::vector<std::uint32_t> components(std::size_t nodes, const std::vector<SitePair>& edges) {
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
  Graph g(nodes);
  for (const auto& [a, b] : edges) boost::add_edge(a, b, g);
  std::vector<int> raw(nodes);
  boost::connected_components(g, raw.data());
  // Renumber in order of first appearance, whatever Boost's numbering.
  std::vector<std::uint32_t> out(nodes);
  std::vector<std::int64_t> renamed(nodes, -1);
  std::uint32_t next = 0;
  for (std::size_t i = 0; i < nodes; ++i) {
    auto& r = renamed[static_cast<std::size_t>(raw[i])];
    if (r < 0) r = next++;
    out[i] = static_cast<std::uint32_t>(r);
  }
  return out;
}

}  // namespace edgetwin::network
