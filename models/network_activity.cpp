#include "models/network_activity.h"

#include <algorithm>
#include <cmath>

namespace edgetwin::models {
namespace {

constexpr std::uint32_t kOutagePurpose = sim::purpose_id("outage");
constexpr std::uint32_t kTransferPurpose = sim::purpose_id("transfers");
constexpr std::uint32_t kPhasePurpose = sim::purpose_id("message-phase");

}  // namespace

NetworkActivity::NetworkActivity(const FleetConfig& config, sim::LpId first_lp)
    : config_(config), first_lp_(first_lp) {
  const NetworkConfig& nc = config.network;
  network::Topology topology;
  for (const SiteConfig& site : config.sites) topology.add_node(site.name);
  for (const DeviceConfig& device : config.devices) topology.add_node(device.name);
  for (std::uint32_t d = 0; d < config.devices.size(); ++d) {
    const AccessConfig& a = nc.access.at(d);
    access_link_.push_back(topology
                               .add_link(device_node(d), site_node(config.devices[d].site),
                                         a.up_bps, a.down_bps, a.latency, a.jitter_s)
                               .first);
  }
  for (const SiteLinkConfig& l : nc.links) {
    site_link_.push_back(
        topology.add_link(site_node(l.a), site_node(l.b), l.ab_bps, l.ba_bps, l.latency, l.jitter_s)
            .first);
  }
  network::NetworkOptions options;
  options.seed = config.seed;
  options.message_threshold_bytes = nc.message_threshold_bytes;
  options.queue_capacity = nc.queue_capacity;
  options.drop = nc.drop;
  net_ = std::make_unique<network::Network>(std::move(topology), options, first_lp_);

  for (std::uint32_t i = 0; i < config.outages.size(); ++i) {
    std::vector<network::LinkId> links;
    for (const OutageElement& e : config.outages[i].elements) {
      switch (e.kind) {
        case OutageElement::Kind::kSiteLink: links.push_back(site_link_.at(e.index)); break;
        case OutageElement::Kind::kAccessLink: links.push_back(access_link_.at(e.index)); break;
        case OutageElement::Kind::kSite:  // its site links and its devices' access links
          for (std::uint32_t k = 0; k < nc.links.size(); ++k) {
            if (nc.links[k].a == e.index || nc.links[k].b == e.index) links.push_back(site_link_[k]);
          }
          for (std::uint32_t d = 0; d < config.devices.size(); ++d) {
            if (config.devices[d].site == e.index) links.push_back(access_link_[d]);
          }
          break;
      }
    }
    std::sort(links.begin(), links.end());
    links.erase(std::unique(links.begin(), links.end()), links.end());
    outage_links_.push_back(std::move(links));
    outage_rng_.emplace_back(config.seed, i, kOutagePurpose);
  }
  open_episode_.assign(config.outages.size(), -1);
  for (std::uint32_t w = 0; w < config.transfers.size(); ++w) {
    transfer_rng_.emplace_back(config.seed, w, kTransferPurpose);
  }
  for (std::uint32_t m = 0; m < config.messages.size(); ++m) {
    phase_rng_.emplace_back(config.seed, m, kPhasePurpose);
  }
  series_ = {{"queued_messages", "messages", {}, {}}, {"active_transfers", "transfers", {}, {}}};
  link_load_.resize(2 * site_link_.size());
}

std::uint32_t NetworkActivity::lp_count() const {
  return static_cast<std::uint32_t>(3 + config_.transfers.size() + config_.messages.size());
}

void NetworkActivity::start(sim::Engine& engine) {
  schedule_outages(engine);
  const sim::LpId first_transfer = first_lp_ + 3;
  for (std::uint32_t w = 0; w < config_.transfers.size(); ++w) {
    const TransferWorkloadConfig& t = config_.transfers[w];
    if (t.devices.empty() || t.rate_per_s <= 0) continue;
    // The superposition of the devices' Poisson processes: rate n * r, device drawn uniformly.
    const double mean = 1.0 / (t.rate_per_s * static_cast<double>(t.devices.size()));
    const sim::Time at = sim::from_seconds(transfer_rng_[w].exponential(mean));
    if (at <= config_.duration) engine.schedule(first_transfer + w, first_transfer + w, at, kTransferArrival, w);
  }
  const sim::LpId first_message = first_transfer + static_cast<sim::LpId>(config_.transfers.size());
  for (std::uint32_t m = 0; m < config_.messages.size(); ++m) {
    const MessageWorkloadConfig& mw = config_.messages[m];
    for (std::uint32_t k = 0; k < mw.devices.size(); ++k) {
      const sim::Time phase =
          sim::from_seconds(phase_rng_[m].uniform(0.0, sim::to_seconds(mw.interval)));
      if (phase <= config_.duration) {
        engine.schedule(first_message + m, first_message + m, phase, kMessageSend,
                        std::uint64_t{m} << 32 | k);
      }
    }
  }
  if (config_.sample_interval > 0) engine.schedule(first_lp_ + 2, first_lp_ + 2, 0, kSample);
}

void NetworkActivity::schedule_outages(sim::Engine& engine) {
  const sim::LpId lp = first_lp_ + 1;
  for (std::uint32_t i = 0; i < config_.outages.size(); ++i) {
    const OutageConfig& o = config_.outages[i];
    for (const auto& [down, up] : o.windows) {
      if (down > config_.duration) continue;
      engine.schedule(lp, lp, down, kOutageDown, i);
      if (up <= config_.duration) engine.schedule(lp, lp, up, kOutageUp, i);
    }
    if (o.random) {
      const sim::Time first = sim::from_seconds(std::max(0.0, o.mtbf_s.sample(outage_rng_[i])));
      if (first <= config_.duration) engine.schedule(lp, lp, first, kOutageDown, i);
    }
  }
}

void NetworkActivity::on_outage(const sim::Event& event, bool down, sim::Engine& engine) {
  const auto i = static_cast<std::uint32_t>(event.payload);
  const OutageConfig& o = config_.outages[i];
  const sim::Time now = event.time;
  if (down) {
    net_->hold_down(outage_links_[i], engine);
    open_episode_[i] = static_cast<std::int64_t>(outage_records_.size());
    outage_records_.outage.push_back(i);
    outage_records_.down_ns.push_back(now);
    outage_records_.up_ns.push_back(-1);
    if (o.random) {
      const sim::Time up = sim::add_saturating(
          now, sim::from_seconds(std::max(0.0, o.mttr_s.sample(outage_rng_[i]))));
      if (up <= config_.duration) engine.schedule(event.target, event.target, up, kOutageUp, i);
    }
    return;
  }
  net_->release(outage_links_[i], engine);
  if (open_episode_[i] >= 0) {
    outage_records_.up_ns[static_cast<std::size_t>(open_episode_[i])] = now;
    open_episode_[i] = -1;
  }
  if (o.random) {
    const sim::Time next = sim::add_saturating(
        now, sim::from_seconds(std::max(0.0, o.mtbf_s.sample(outage_rng_[i]))));
    if (next <= config_.duration) engine.schedule(event.target, event.target, next, kOutageDown, i);
  }
}

void NetworkActivity::hold_device(std::uint32_t device, bool down, sim::Engine& engine) {
  const network::LinkId link[] = {access_link_[device]};
  if (down) {
    net_->hold_down(link, engine);
  } else {
    net_->release(link, engine);
  }
}

void NetworkActivity::on_transfer_arrival(std::uint32_t w, sim::Engine& engine) {
  const TransferWorkloadConfig& t = config_.transfers[w];
  sim::RandomStream& rng = transfer_rng_[w];
  const auto k = static_cast<std::uint32_t>(rng.uniform_int(t.devices.size()));
  const network::NodeId device = device_node(t.devices[k]);
  const network::NodeId peer = site_node(t.peer_site);
  const auto bytes = std::max<std::int64_t>(1, std::llround(t.size_bytes.sample(rng)));
  const sim::LpId lp = first_lp_ + 3 + w;
  network::TransferRequest request;
  request.from = t.upload ? device : peer;
  request.to = t.upload ? peer : device;
  request.bytes = bytes;
  request.on_break = t.on_break;
  request.timeout = t.timeout;
  request.tag = static_cast<std::uint16_t>(w);
  request.notify_lp = lp;
  request.notify_kind = kTransferEnded;
  request.cookie = k;
  net_->start(request, engine);
  const double mean = 1.0 / (t.rate_per_s * static_cast<double>(t.devices.size()));
  const sim::Time next = sim::add_saturating(engine.now(), sim::from_seconds(rng.exponential(mean)));
  if (next <= config_.duration) engine.schedule(lp, lp, next, kTransferArrival, w);
}

void NetworkActivity::on_message(std::uint64_t payload, sim::Engine& engine) {
  const auto m = static_cast<std::uint32_t>(payload >> 32);
  const auto k = static_cast<std::uint32_t>(payload & 0xFFFFFFFFu);
  const MessageWorkloadConfig& mw = config_.messages[m];
  const sim::LpId lp = first_lp_ + 3 + static_cast<sim::LpId>(config_.transfers.size()) + m;
  net_->send_message(device_node(mw.devices[k]), site_node(mw.peer_site), mw.bytes, lp,
                     kMessageEnded, k, engine);
  const sim::Time next = sim::add_saturating(engine.now(), mw.interval);
  if (next <= config_.duration) engine.schedule(lp, lp, next, kMessageSend, payload);
}

void NetworkActivity::on_sample(sim::Engine& engine) {
  const sim::Time now = engine.now();
  sample_times_.push_back(now);
  const double values[] = {static_cast<double>(net_->queued_messages()),
                           static_cast<double>(net_->active_transfers())};
  for (std::size_t i = 0; i < series_.size(); ++i) {
    series_[i].time_ns.push_back(now);
    series_[i].value.push_back(values[i]);
  }
  for (std::size_t k = 0; k < site_link_.size(); ++k) {
    for (network::LinkId l : {site_link_[k], network::Topology::reverse(site_link_[k])}) {
      const double capacity = net_->topology().capacity_bps(l);
      const double load = net_->topology().is_up(l) ? net_->flows().load_bps(l) : 0.0;
      link_load_[2 * k + (l & 1u)].push_back(capacity > 0 ? load / capacity : 0.0);
    }
  }
  const sim::Time next = sim::add_saturating(now, config_.sample_interval);
  if (next <= config_.duration) engine.schedule(first_lp_ + 2, first_lp_ + 2, next, kSample);
}

void NetworkActivity::handle(const sim::Event& event, sim::Engine& engine) {
  if (event.target == first_lp_) return net_->handle(event, engine);
  switch (event.kind) {
    case kOutageDown: on_outage(event, true, engine); break;
    case kOutageUp: on_outage(event, false, engine); break;
    case kSample: on_sample(engine); break;
    case kTransferArrival: on_transfer_arrival(static_cast<std::uint32_t>(event.payload), engine); break;
    case kMessageSend: on_message(event.payload, engine); break;
    case kTransferEnded:
    case kMessageEnded: break;  // the network keeps the records
    default: break;
  }
}

void NetworkActivity::finish(sim::Time end) {
  net_->account_active_flows(end);  // /links counts what unfinished transfers sent so far
  for (std::int64_t& row : open_episode_) {
    if (row >= 0) outage_records_.up_ns[static_cast<std::size_t>(row)] = end;
    row = -1;
  }
}

Twin::Twin(FleetConfig config) : fleet_(std::move(config)) {
  if (fleet_.config().network.enabled) {
    network_ = std::make_unique<NetworkActivity>(fleet_.config(), fleet_.lp_count());
    fleet_.attach_network(&network_->net(), &network_->access_links(),
                          network_->device_node(0));
  }
  if (fleet_.config().lifecycle.any()) {
    const sim::LpId first = fleet_.lp_count() + (network_ ? network_->lp_count() : 0);
    lifecycle_ = std::make_unique<Lifecycle>(fleet_.config(), fleet_, network_.get(), first);
  }
}

std::uint32_t Twin::lp_count() const {
  return fleet_.lp_count() + (network_ ? network_->lp_count() : 0) +
         (lifecycle_ ? lifecycle_->lp_count() : 0);
}

void Twin::start(sim::Engine& engine) {
  fleet_.start(engine);
  if (network_) network_->start(engine);
  if (lifecycle_) lifecycle_->start(engine);
}

void Twin::handle(const sim::Event& event, sim::Engine& engine) {
  if (lifecycle_ && lifecycle_->owns(event.target)) {
    lifecycle_->handle(event, engine);
  } else if (network_ && network_->owns(event.target)) {
    network_->handle(event, engine);
  } else {
    fleet_.handle(event, engine);
  }
}

void Twin::finish(sim::Time end) {
  if (lifecycle_) lifecycle_->finish(end);
  fleet_.finish(end);
  if (network_) network_->finish(end);
}

}  // namespace edgetwin::models
