#include "network/network.h"

#include <algorithm>
#include <cmath>

namespace edgetwin::network {
namespace {

constexpr TransferId kNoTransfer = 0xFFFFFFFFu;
constexpr std::uint32_t kNoSlot = 0xFFFFFFFFu;
// Below this, a flow's remaining bytes are floating-point residue: it has sent everything.
constexpr double kDoneBytes = 1e-3;
constexpr std::uint32_t kJitterPurpose = sim::purpose_id("link-jitter");

}  // namespace

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::kDelivered: return "delivered";
    case Outcome::kFailed: return "failed";
    case Outcome::kTimedOut: return "timed_out";
    case Outcome::kUnreachable: return "unreachable";
    case Outcome::kDropped: return "dropped";
    case Outcome::kCancelled: return "cancelled";
  }
  return "?";
}

Network::Network(Topology topology, NetworkOptions options, sim::LpId lp)
    : topology_(std::move(topology)), options_(options), lp_(lp), router_(topology_) {
  const std::size_t links = topology_.link_count();
  nominal_capacity_.reserve(links);
  jitter_.reserve(links);
  for (LinkId l = 0; l < links; ++l) {
    flows_.add_link(topology_.capacity_bps(l));
    nominal_capacity_.push_back(topology_.capacity_bps(l));
    jitter_.emplace_back(options_.seed, l, kJitterPurpose);
  }
  holds_.assign((links + 1) / 2, 0);
  link_bytes_.assign(links, 0.0);
  const std::size_t nodes = topology_.node_count();
  queue_head_.assign(nodes, kNoSlot);
  queue_tail_.assign(nodes, kNoSlot);
  queue_length_.assign(nodes, 0);
  last_delivery_.assign(nodes, 0);
  next_seq_.assign(nodes, 0);
  next_handover_.assign(nodes, 0);
  held_head_.assign(nodes, kNoSlot);
}

sim::Time Network::draw_latency(const std::vector<LinkId>& route) {
  sim::Time total = 0;
  for (LinkId l : route) {
    total += topology_.latency(l);
    if (topology_.has_jitter(l)) {
      total += std::max<sim::Time>(0, sim::from_seconds(topology_.jitter_s(l).sample(jitter_[l])));
    }
  }
  return total;
}

TransferId Network::start(const TransferRequest& request, sim::Engine& engine) {
  return begin(request, false, engine.now(), engine);
}

TransferId Network::begin(const TransferRequest& request, bool message, sim::Time sent,
                          sim::Engine& engine) {
  const TransferId id = transfers_.acquire();
  if (generation_.size() <= id) generation_.resize(id + 1, 0);
  ++generation_[id];  // also bumped at the end: a key taken after start() names this one only
  Transfer& t = transfers_[id];
  t.request = request;
  t.message = message;
  t.sent = sent;
  t.start = engine.now();
  if (message) t.seq = next_seq_[request.from]++;  // transmitted in the order sent
  if (request.timeout > 0 && request.on_break == OnBreak::kResume) {
    engine.schedule(lp_, lp_, sim::add_saturating(t.start, request.timeout), kTimeout,
                    std::uint64_t{generation_[id]} << 32 | id);
  }
  launch(id, static_cast<double>(request.bytes), engine.now(), engine);
  schedule_check(engine);
  return id;
}

void Network::launch(TransferId id, double bytes, sim::Time now, sim::Engine& engine) {
  Transfer& t = transfers_[id];
  const TransferRequest& r = t.request;
  if (!router_.route(r.from, r.to, route_)) {
    if (r.on_break == OnBreak::kFail) {
      finish(id, Outcome::kUnreachable, now, bytes, engine);
    } else {
      t.state = State::kParked;
      t.remaining = bytes;
      parked_.push_back(id);
    }
    return;
  }
  t.latency = draw_latency(route_);
  if (route_.empty()) {  // to itself
    finish(id, Outcome::kDelivered, now, 0.0, engine);
    return;
  }
  if (t.reroutes == 0 && r.bytes <= options_.message_threshold_bytes) {
    // Fast path: no sharing, the narrowest link of the route sets the serialisation time.
    double narrowest = kUnlimited;
    for (LinkId l : route_) {
      narrowest = std::min(narrowest, nominal_capacity_[l]);
      link_bytes_[l] += bytes;
    }
    const auto serialise = static_cast<sim::Time>(std::ceil(bytes * 8.0 / narrowest * 1e9));
    finish(id, Outcome::kDelivered, now + t.latency + serialise, 0.0, engine);
    return;
  }
  const FlowId f = flows_.start(route_, bytes, now);
  if (flow_owner_.size() <= f) {
    flow_owner_.resize(f + 1, kNoTransfer);
    flow_bytes_.resize(f + 1, 0.0);
  }
  flow_owner_[f] = id;
  flow_bytes_[f] = bytes;
  t.flow = f;
  t.state = State::kFlowing;
  // The caller schedules the completion check once all its changes are in: one solve.
}

void Network::finish(TransferId id, Outcome outcome, sim::Time end, double bytes_left,
                     sim::Engine& engine) {
  Transfer& t = transfers_[id];
  const TransferRequest& r = t.request;
  if (t.message) {
    reorder_point({r.from, r.to, r.bytes, t.sent, t.start, end, outcome, r.notify_lp,
                   r.notify_kind, r.cookie, t.seq, kNoSlot},
                  engine);
  } else {
    records_.from.push_back(r.from);
    records_.to.push_back(r.to);
    records_.bytes.push_back(r.bytes);
    records_.bytes_delivered.push_back(
        std::clamp<std::int64_t>(r.bytes - std::llround(bytes_left), 0, r.bytes));
    records_.start_ns.push_back(t.start);
    records_.end_ns.push_back(end);
    records_.outcome.push_back(static_cast<std::uint16_t>(outcome));
    records_.tag.push_back(r.tag);
    records_.reroutes.push_back(t.reroutes);
    if (outcome != Outcome::kCancelled) {
      engine.schedule(lp_, r.notify_lp, end, r.notify_kind, r.cookie,
                      static_cast<std::uint16_t>(outcome));
    }
  }
  t.state = State::kDone;
  ++generation_[id];
  transfers_.release(id);
}

void Network::reorder_point(const Held& message, sim::Engine& engine) {
  const NodeId from = message.from;
  if (message.seq != next_handover_[from]) {  // an earlier message is still on its way: hold it
    const std::uint32_t slot = held_.acquire();
    held_[slot] = message;
    std::uint32_t* link = &held_head_[from];
    while (*link != kNoSlot && held_[*link].seq < message.seq) link = &held_[*link].next;
    held_[slot].next = *link;
    *link = slot;
    return;
  }
  hand_over(message, engine);
  ++next_handover_[from];
  while (held_head_[from] != kNoSlot && held_[held_head_[from]].seq == next_handover_[from]) {
    const std::uint32_t slot = held_head_[from];
    const Held next = held_[slot];
    held_head_[from] = next.next;
    held_.release(slot);
    hand_over(next, engine);
    ++next_handover_[from];
  }
}

// A delivered message arrives no earlier than the one handed over before it.
void Network::hand_over(const Held& m, sim::Engine& engine) {
  sim::Time end = m.end;
  if (m.outcome == Outcome::kDelivered) {
    end = std::max(end, last_delivery_[m.from]);
    last_delivery_[m.from] = end;
  }
  messages_.from.push_back(m.from);
  messages_.to.push_back(m.to);
  messages_.bytes.push_back(m.bytes);
  messages_.sent_ns.push_back(m.sent);
  messages_.transmit_ns.push_back(m.transmit);
  messages_.delivered_ns.push_back(end);
  messages_.outcome.push_back(static_cast<std::uint16_t>(m.outcome));
  engine.schedule(lp_, m.notify_lp, end, m.notify_kind, m.cookie,
                  static_cast<std::uint16_t>(m.outcome));
}

void Network::account_active_flows(sim::Time now) {
  for (FlowId f = 0; f < flow_owner_.size(); ++f) {
    if (flow_owner_[f] == kNoTransfer) continue;
    const double left = flows_.remaining_bytes(f, now);
    const double sent = std::max(0.0, flow_bytes_[f] - left);
    for (LinkId l : flows_.route(f)) link_bytes_[l] += sent;
    flow_bytes_[f] -= sent;  // what retire_flow() still has to credit
  }
}

void Network::retire_flow(FlowId f, double bytes_left, sim::Time now) {
  const double sent = std::max(0.0, flow_bytes_[f] - bytes_left);
  for (LinkId l : flows_.route(f)) link_bytes_[l] += sent;
  flows_.remove(f, now);
  flow_owner_[f] = kNoTransfer;
}

void Network::schedule_check(sim::Engine& engine) {
  const sim::Time at = flows_.next_completion().first;
  // An earlier pending check re-schedules itself when it fires, so one is enough.
  if (at < check_at_) {
    engine.schedule(lp_, lp_, at, kCheckCompletions);
    check_at_ = at;
  }
}

void Network::check_completions(sim::Engine& engine) {
  const sim::Time now = engine.now();
  for (;;) {
    const auto [at, f] = flows_.next_completion();
    if (at > now) break;
    const TransferId id = flow_owner_[f];
    retire_flow(f, 0.0, now);
    finish(id, Outcome::kDelivered, now + transfers_[id].latency, 0.0, engine);
  }
  schedule_check(engine);
}

void Network::cancel(TransferKey key, sim::Engine& engine) {
  if (key.id >= generation_.size() || generation_[key.id] != key.generation) return;  // ended
  Transfer& t = transfers_[key.id];
  if (t.state == State::kDone || t.message) return;
  const sim::Time now = engine.now();
  double left = t.remaining;
  if (t.state == State::kFlowing) {
    left = flows_.remaining_bytes(t.flow, now);
    retire_flow(t.flow, left, now);
    t.flow = kNoFlow;
  } else {
    parked_.erase(std::find(parked_.begin(), parked_.end(), key.id));
  }
  finish(key.id, Outcome::kCancelled, now, left, engine);
  schedule_check(engine);
}

void Network::set_link_up(LinkId link, bool up, sim::Engine& engine) {
  if (topology_.is_up(link) == up) return;
  const LinkId one[] = {link};
  apply_link_changes(one, up, engine);
}

void Network::hold_down(std::span<const LinkId> links, sim::Engine& engine) {
  std::vector<LinkId>& changed = scratch_links_;
  changed.clear();
  for (LinkId l : links) {
    if (holds_[l / 2]++ == 0 && topology_.is_up(l)) changed.push_back(l);
  }
  if (!changed.empty()) apply_link_changes(changed, false, engine);
}

void Network::release(std::span<const LinkId> links, sim::Engine& engine) {
  std::vector<LinkId>& changed = scratch_links_;
  changed.clear();
  for (LinkId l : links) {
    if (holds_[l / 2] > 0 && --holds_[l / 2] == 0 && !topology_.is_up(l)) changed.push_back(l);
  }
  if (!changed.empty()) apply_link_changes(changed, true, engine);
}

void Network::apply_link_changes(std::span<const LinkId> links, bool up, sim::Engine& engine) {
  const sim::Time now = engine.now();
  for (LinkId link : links) {
    topology_.set_up(link, up);
    for (LinkId l : {link, Topology::reverse(link)}) {
      flows_.set_capacity(l, up ? nominal_capacity_[l] : 0.0, now);
    }
    router_.link_changed(link);
  }
  if (!up) {
    // Transfers whose route crosses a link that broke now, in FlowId order (deterministic). A
    // flow never crosses a link that was down before: it was moved off it when that link broke.
    std::vector<FlowId>& broken = scratch_flows_;
    broken.clear();
    for (LinkId link : links) {
      flows_.flows_on(link, broken);
      flows_.flows_on(Topology::reverse(link), broken);
    }
    std::sort(broken.begin(), broken.end());
    broken.erase(std::unique(broken.begin(), broken.end()), broken.end());
    std::vector<TransferId>& hit = scratch_;
    hit.clear();
    for (FlowId f : broken) {
      if (flow_owner_[f] != kNoTransfer) hit.push_back(flow_owner_[f]);
    }
    // Read every broken flow's remaining bytes before changing any flow: one solve, not one per
    // flow.
    std::vector<double>& left = scratch_bytes_;
    left.clear();
    for (TransferId id : hit) left.push_back(flows_.remaining_bytes(transfers_[id].flow, now));
    for (std::size_t k = 0; k < hit.size(); ++k) {
      const TransferId id = hit[k];
      Transfer& t = transfers_[id];
      retire_flow(t.flow, left[k], now);
      t.flow = kNoFlow;
      if (left[k] <= kDoneBytes) {  // it had sent everything: the break came too late
        finish(id, Outcome::kDelivered, now + t.latency, 0.0, engine);
      } else if (t.request.on_break == OnBreak::kFail) {
        finish(id, Outcome::kFailed, now, left[k], engine);
      } else {
        ++t.reroutes;
        launch(id, left[k], now, engine);
      }
    }
  } else {
    if (!parked_.empty()) {
      std::vector<TransferId>& waiting = scratch_;
      waiting.clear();
      waiting.swap(parked_);  // launch() re-parks what still has no route
      for (TransferId id : waiting) {
        ++transfers_[id].reroutes;
        launch(id, transfers_[id].remaining, now, engine);
      }
      waiting.clear();
    }
    // Devices that were cut off send what they queued, in order.
    std::size_t kept = 0;
    for (NodeId node : waiting_nodes_) {
      flush_queue(node, engine);
      if (queue_length_[node] > 0) waiting_nodes_[kept++] = node;
    }
    waiting_nodes_.resize(kept);
  }
  schedule_check(engine);
}

void Network::send_message(NodeId from, NodeId to, std::int64_t bytes, sim::LpId notify_lp,
                           std::uint16_t notify_kind, std::uint64_t cookie, sim::Engine& engine) {
  const Queued q{to, bytes, engine.now(), notify_lp, notify_kind, cookie, kNoSlot};
  if (queue_length_[from] == 0 && router_.route(from, to, route_)) {
    begin({from, to, bytes, OnBreak::kResume, 0, 0, notify_lp, notify_kind, cookie}, true,
          q.sent, engine);
    return;
  }
  enqueue(from, q, engine);
}

void Network::enqueue(NodeId from, const Queued& q, sim::Engine& engine) {
  if (queue_length_[from] >= options_.queue_capacity) {
    if (options_.drop == DropPolicy::kDropNewest || queue_length_[from] == 0) {
      drop(from, q, engine);
      return;
    }
    const std::uint32_t head = queue_head_[from];  // drop the oldest
    const Queued oldest = queued_[head];
    queue_head_[from] = oldest.next;
    if (queue_head_[from] == kNoSlot) queue_tail_[from] = kNoSlot;
    queued_.release(head);
    --queue_length_[from];
    --queued_total_;
    drop(from, oldest, engine);
  }
  const std::uint32_t slot = queued_.acquire();
  queued_[slot] = q;
  queued_[slot].next = kNoSlot;
  if (queue_tail_[from] == kNoSlot) {
    queue_head_[from] = slot;
  } else {
    queued_[queue_tail_[from]].next = slot;
  }
  queue_tail_[from] = slot;
  if (queue_length_[from]++ == 0) waiting_nodes_.push_back(from);
  ++queued_total_;
}

void Network::drop(NodeId from, const Queued& q, sim::Engine& engine) {
  const sim::Time now = engine.now();
  messages_.from.push_back(from);
  messages_.to.push_back(q.to);
  messages_.bytes.push_back(q.bytes);
  messages_.sent_ns.push_back(q.sent);
  messages_.transmit_ns.push_back(now);
  messages_.delivered_ns.push_back(now);
  messages_.outcome.push_back(static_cast<std::uint16_t>(Outcome::kDropped));
  engine.schedule(lp_, q.notify_lp, now, q.notify_kind, q.cookie,
                  static_cast<std::uint16_t>(Outcome::kDropped));
}

void Network::flush_queue(NodeId from, sim::Engine& engine) {
  while (queue_length_[from] > 0) {
    const std::uint32_t head = queue_head_[from];
    const Queued q = queued_[head];
    if (!router_.route(from, q.to, route_)) break;  // the rest waits behind it, in order
    queue_head_[from] = q.next;
    if (q.next == kNoSlot) queue_tail_[from] = kNoSlot;
    queued_.release(head);
    --queue_length_[from];
    --queued_total_;
    begin({from, q.to, q.bytes, OnBreak::kResume, 0, 0, q.notify_lp, q.notify_kind, q.cookie},
          true, q.sent, engine);
  }
}

void Network::handle(const sim::Event& event, sim::Engine& engine) {
  switch (event.kind) {
    case kCheckCompletions:
      if (event.time == check_at_) check_at_ = sim::kTimeMax;
      check_completions(engine);
      break;
    case kTimeout: {
      const auto id = static_cast<TransferId>(event.payload & 0xFFFFFFFFu);
      const auto generation = static_cast<std::uint32_t>(event.payload >> 32);
      if (id >= generation_.size() || generation_[id] != generation) break;  // already ended
      Transfer& t = transfers_[id];
      const sim::Time now = engine.now();
      double left = t.remaining;
      if (t.state == State::kFlowing) {
        left = flows_.remaining_bytes(t.flow, now);
        retire_flow(t.flow, left, now);
      } else {
        parked_.erase(std::find(parked_.begin(), parked_.end(), id));
      }
      if (left <= kDoneBytes) {  // finished sending at this very instant: not a timeout
        finish(id, Outcome::kDelivered, now + t.latency, 0.0, engine);
      } else {
        finish(id, Outcome::kTimedOut, now, left, engine);
      }
      schedule_check(engine);
      break;
    }
    default:
      break;
  }
}

}  // namespace edgetwin::network
