#include "network/flow_churn.h"

#include <array>
#include <chrono>
#include <ctime>
#include <stdexcept>
#include <vector>

#include "network/flow_model.h"
#include "sim/random.h"

namespace edgetwin::network {
namespace {

struct Fleet {
  std::uint32_t hosts_per_site = 0;
  std::uint32_t sites = 0;
  LinkId host_up(std::uint32_t h) const { return 2 * h; }
  LinkId host_down(std::uint32_t h) const { return 2 * h + 1; }
  LinkId site_up(std::uint32_t s) const { return 2 * hosts() + 2 * s; }
  LinkId site_down(std::uint32_t s) const { return 2 * hosts() + 2 * s + 1; }
  std::uint32_t hosts() const { return hosts_per_site * sites; }
};

// Draws a new flow's route: a source host, then with probability `local` a destination in the
// same site, else one in another site.
std::uint32_t draw_route(const Fleet& fleet, double local, sim::RandomStream& rng,
                         std::array<LinkId, 4>& route) {
  const std::uint32_t n = fleet.hosts_per_site;
  const auto src = static_cast<std::uint32_t>(rng.uniform_int(fleet.hosts()));
  const std::uint32_t src_site = src / n;
  if (rng.uniform01() < local || fleet.sites < 2) {
    auto dst = static_cast<std::uint32_t>(rng.uniform_int(n - 1));
    if (dst >= src % n) ++dst;
    route[0] = fleet.host_up(src);
    route[1] = fleet.host_down(src_site * n + dst);
    return 2;
  }
  auto dst_site = static_cast<std::uint32_t>(rng.uniform_int(fleet.sites - 1));
  if (dst_site >= src_site) ++dst_site;
  const auto dst = dst_site * n + static_cast<std::uint32_t>(rng.uniform_int(n));
  route[0] = fleet.host_up(src);
  route[1] = fleet.site_up(src_site);
  route[2] = fleet.site_down(dst_site);
  route[3] = fleet.host_down(dst);
  return 4;
}

}  // namespace

FlowChurnResult run_flow_churn(const FlowChurnConfig& config) {
  if (config.sites == 0 || config.hosts < 2 * config.sites || config.flows == 0)
    throw std::invalid_argument("run_flow_churn: needs >= 2 hosts per site and >= 1 flow");
  Fleet fleet{config.hosts / config.sites, config.sites};
  FlowModel model;
  for (std::uint32_t h = 0; h < fleet.hosts(); ++h) {
    model.add_link(1e9);
    model.add_link(1e9);
  }
  for (std::uint32_t s = 0; s < fleet.sites; ++s) {
    model.add_link(10e9);
    model.add_link(10e9);
  }
  sim::RandomStream rng(config.seed, 0, sim::purpose_id("flow-churn"));
  constexpr double kBytes = 1e15;  // large enough that no flow completes during the run
  std::array<LinkId, 4> route{};
  std::vector<FlowId> alive;
  alive.reserve(config.flows);
  sim::Time now = 0;
  for (std::uint32_t i = 0; i < config.flows; ++i) {
    const std::uint32_t len = draw_route(fleet, config.local, rng, route);
    alive.push_back(model.start(std::span<const LinkId>(route.data(), len), kBytes, now));
  }
  model.next_completion();
  // Warm-up: a few changes so that scratch vectors and route slots reach their working size.
  // One change = one flow finishing, then (at the next instant unless config.same_instant) one
  // flow starting; the lazy solve runs before each new instant, as when the transfer layer asks
  // for the next completion. Each change is two flow changes.
  const auto change = [&] {
    now += sim::kMicrosecond;
    const auto victim = static_cast<std::size_t>(rng.uniform_int(alive.size()));
    model.remove(alive[victim], now);
    if (!config.same_instant) {
      model.next_completion();
      now += sim::kMicrosecond;
    }
    const std::uint32_t len = draw_route(fleet, config.local, rng, route);
    alive[victim] = model.start(std::span<const LinkId>(route.data(), len), kBytes, now);
    model.next_completion();
  };
  for (std::uint32_t i = 0; i < 100; ++i) change();

  const FlowModel::Stats before = model.stats();
  const auto cpu_now = [] {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
  };
  const double c0 = cpu_now();
  const auto t0 = std::chrono::steady_clock::now();
  for (std::uint32_t i = 0; i < config.changes; ++i) change();
  const auto t1 = std::chrono::steady_clock::now();
  const double c1 = cpu_now();
  const FlowModel::Stats& after = model.stats();

  FlowChurnResult r;
  r.wall_s = std::chrono::duration<double>(t1 - t0).count();
  const double changes = config.changes;
  r.changes_per_s = r.wall_s > 0.0 ? changes / r.wall_s : 0.0;
  r.flow_changes_per_s = 2.0 * r.changes_per_s;
  r.solves = after.solves - before.solves;
  const double solves = r.solves > 0 ? static_cast<double>(r.solves) : 1.0;
  r.mean_component_flows = static_cast<double>(after.flows_rerated - before.flows_rerated) / solves;
  r.mean_component_links = static_cast<double>(after.links_solved - before.links_solved) / solves;
  r.rerated_per_change =
      changes > 0 ? static_cast<double>(after.flows_rerated - before.flows_rerated) / changes : 0;
  r.changed_per_change =
      changes > 0 ? static_cast<double>(after.rates_changed - before.rates_changed) / changes : 0;
  r.classes_rerated_per_change =
      changes > 0 ? static_cast<double>(after.classes_rerated - before.classes_rerated) / changes
                  : 0;
  r.classes_changed_per_change =
      changes > 0 ? static_cast<double>(after.classes_changed - before.classes_changed) / changes
                  : 0;
  r.cpu_s = c1 - c0;
  r.flow_changes_per_cpu_s = r.cpu_s > 0.0 ? 2.0 * changes / r.cpu_s : 0.0;
  r.classes = model.class_count();
  r.pruned_links = model.pruned_links();
  r.prunes = after.prunes - before.prunes;
  r.unprunes = after.unprunes - before.unprunes;
  r.retries = after.retries - before.retries;
  r.fills_per_change = changes > 0 ? static_cast<double>(after.fills - before.fills) / changes : 0;
  r.classes_filled_per_change =
      changes > 0 ? static_cast<double>(after.classes_filled - before.classes_filled) / changes : 0;
  return r;
}

}  // namespace edgetwin::network
