// Generators for the common shapes of site networks, so that a scenario need not list every
// backhaul link, and the connectivity check that refuses impossible topologies.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace edgetwin::network {

using SitePair = std::pair<std::uint32_t, std::uint32_t>;

// Every site in `spokes` linked to `hub`.
std::vector<SitePair> star(const std::vector<std::uint32_t>& spokes, std::uint32_t hub);

// Each edge site linked to one region (dealt round-robin in the given order), and every region
// to the cloud. REQUIRES: regions is not empty.
std::vector<SitePair> two_tier(const std::vector<std::uint32_t>& edges,
                               const std::vector<std::uint32_t>& regions, std::uint32_t cloud);

// Random geometric graph: the sites are placed uniformly in the unit square (a stream per site
// from `seed`), and two sites are linked when they are at most `radius` apart. `distance` is in
// units of the square's side, for latency = base + per_unit * distance.
struct GeometricLink {
  std::uint32_t a, b;
  double distance;
};
struct GeometricLayout {
  std::vector<std::pair<double, double>> position;  // by index in `sites`
  std::vector<GeometricLink> links;                  // a < b, in (a, b) order
};
GeometricLayout random_geometric(const std::vector<std::uint32_t>& sites, double radius,
                                 std::uint64_t seed);

// The connected components of an undirected graph of `nodes` nodes (Boost.Graph): component[i]
// for each node, numbered from 0 in order of first appearance.
std::vector<std::uint32_t> components(std::size_t nodes, const std::vector<SitePair>& edges);

}  // namespace edgetwin::network
