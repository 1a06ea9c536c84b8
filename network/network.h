// Transfers over the network: each one routed, then carried as a max-min fair flow (or, below
// the message threshold, on the fast path), delivered one route latency after its last byte left,
// and failed, paused or re-routed when links break.
//
// The network is one logical process. The model that owns it forwards every event addressed to
// lp() to handle(); the network tells the requester of a transfer that it ended by an event of
// the requester's choosing (notify_lp, notify_kind, cookie) whose aux field is the Outcome.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "network/flow_model.h"
#include "network/routing.h"
#include "network/topology.h"
#include "sim/engine.h"
#include "sim/payload_pool.h"

namespace edgetwin::network {

using TransferId = std::uint32_t;

// What happens to a transfer when a link of its route goes down.
enum class OnBreak : std::uint8_t {
  kFail,    // it fails at once
  kResume,  // it continues on another route, or waits (rate 0) until one returns; resumable
            // downloads keep the bytes already sent
};

enum class Outcome : std::uint16_t {
  kDelivered = 0,
  kFailed = 1,
  kTimedOut = 2,
  kUnreachable = 3,
  kDropped = 4,  // a store-and-forward queue was full
  kCancelled = 5,  // its requester gave it up (Network::cancel); no notification is sent
};

// Which message a full store-and-forward queue gives up.
enum class DropPolicy : std::uint8_t { kDropOldest, kDropNewest };
const char* outcome_name(Outcome o);

// A transfer's id with its generation: it names that transfer only, never a later one that
// reuses its pool slot. Take it right after start() (Network::key).
struct TransferKey {
  TransferId id = 0xFFFFFFFFu;
  std::uint32_t generation = 0;
};

struct TransferRequest {
  NodeId from = kNoNode;
  NodeId to = kNoNode;
  std::int64_t bytes = 0;
  OnBreak on_break = OnBreak::kFail;
  sim::Time timeout = 0;  // give up this long after the start (0: never); resumable transfers only
  std::uint16_t tag = 0;  // what it carries (image, model, data, ...), for the records
  sim::LpId notify_lp = 0;
  std::uint16_t notify_kind = 0;
  std::uint64_t cookie = 0;
};

// One row per ended store-and-forward message (structure of arrays). sent_ns is when the device
// sent it, transmit_ns when it left the device's queue (equal when the device was connected),
// delivered_ns when it reached the peer (for dropped messages: when they were dropped).
struct MessageRecords {
  std::vector<NodeId> from, to;
  std::vector<std::int64_t> bytes;
  std::vector<sim::Time> sent_ns, transmit_ns, delivered_ns;
  std::vector<std::uint16_t> outcome;
  std::size_t size() const { return from.size(); }
};

// One row per ended transfer (structure of arrays).
struct TransferRecords {
  std::vector<NodeId> from, to;
  std::vector<std::int64_t> bytes, bytes_delivered;
  std::vector<sim::Time> start_ns, end_ns;
  std::vector<std::uint16_t> outcome, tag;
  std::vector<std::uint32_t> reroutes;
  std::size_t size() const { return from.size(); }
};

struct NetworkOptions {
  std::uint64_t seed = 1;
  // Transfers of at most this many bytes take the fast path: latency + bytes / (narrowest link),
  // with no bandwidth sharing. 0 sends everything as a flow.
  std::int64_t message_threshold_bytes = 0;
  // Store-and-forward: messages a node holds while it cannot reach their destination.
  std::uint32_t queue_capacity = 1000;
  DropPolicy drop = DropPolicy::kDropOldest;
};

class Network {
 public:
  // Event kinds on the network's own LP.
  enum Kind : std::uint16_t { kCheckCompletions = 0x7F01, kTimeout = 0x7F02 };

  Network(Topology topology, NetworkOptions options, sim::LpId lp);
  Network(const Network&) = delete;  // the router refers to topology_
  Network& operator=(const Network&) = delete;

  sim::LpId lp() const { return lp_; }
  // Starts a transfer at engine.now(); its end is announced to the requester.
  TransferId start(const TransferRequest& request, sim::Engine& engine);
  // The key of transfer `id`, taken right after start() returned it (a transfer that ended within
  // start(), e.g. unreachable or on the fast path, gets a key that cancel() ignores).
  TransferKey key(TransferId id) const { return {id, generation_[id]}; }
  // Ends the transfer `key` names at engine.now(), if it is still live: its flow leaves the flow
  // model (the flows left share the capacity again) or, parked, it stops waiting; its links are
  // credited with the bytes it sent; it is recorded with Outcome::kCancelled; its requester gets
  // no notification. A no-op if it already ended (even at this instant, or within start(): a
  // fast-path transfer ends at its start) or its slot now holds a later transfer.
  void cancel(TransferKey key, sim::Engine& engine);
  // Sends a message through `from`'s store-and-forward queue: at once if `from` reaches `to`, else
  // when it does again. Messages from one node are handed over in the order sent, whatever their
  // size (a reorder point holds a message that arrives before an earlier one of its sender). The
  // queue holds only what waits on the device: a message in flight has left it. A full queue
  // drops the oldest or the newest waiting message (NetworkOptions::drop). Its end is announced
  // like a transfer's.
  void send_message(NodeId from, NodeId to, std::int64_t bytes, sim::LpId notify_lp,
                    std::uint16_t notify_kind, std::uint64_t cookie, sim::Engine& engine);
  std::size_t queued_messages() const { return queued_total_; }

  // Outages hold links down: a bidirectional link is down while at least one hold is on it. All
  // links change at engine.now(), then the transfers they break fail or re-route once.
  void hold_down(std::span<const LinkId> links, sim::Engine& engine);
  void release(std::span<const LinkId> links, sim::Engine& engine);
  // One link up or down, regardless of holds (tests and simple drivers).
  void set_link_up(LinkId link, bool up, sim::Engine& engine);
  void handle(const sim::Event& event, sim::Engine& engine);

  const Topology& topology() const { return topology_; }
  Router& router() { return router_; }
  FlowModel& flows() { return flows_; }  // non-const: queries solve lazily
  const TransferRecords& records() const { return records_; }
  const MessageRecords& messages() const { return messages_; }
  // Bytes each directed link has carried so far (flows count what they sent before ending or
  // breaking, and active flows what they had sent at the last account_active_flows(); fast-path
  // messages count whole at their start).
  const std::vector<double>& link_bytes() const { return link_bytes_; }
  // Credits every link with the bytes its active flows have sent up to `now` (the run's end), so
  // that link_bytes() covers transfers still under way. Idempotent at one instant; the flows go on.
  void account_active_flows(sim::Time now);
  std::size_t active_transfers() const { return transfers_.live(); }

 private:
  enum class State : std::uint8_t { kFlowing, kParked, kDone };
  struct Transfer {
    TransferRequest request;
    bool message = false;  // a store-and-forward message: delivered in order per sender
    sim::Time sent = 0;    // messages: when the sender sent it (before any queueing)
    sim::Time start = 0;
    sim::Time latency = 0;    // of the current route, jitter included
    double remaining = 0.0;   // bytes, while parked
    FlowId flow = kNoFlow;
    State state = State::kDone;
    std::uint32_t reroutes = 0;
    std::uint64_t seq = 0;  // messages: the sender's sequence number
  };

  // A message that reached its peer before an earlier one of its sender: held at the reorder
  // point until every earlier message has been handed over (intrusive list per sender, by seq).
  struct Held {
    NodeId from, to;
    std::int64_t bytes;
    sim::Time sent, transmit, end;
    Outcome outcome;
    sim::LpId notify_lp;
    std::uint16_t notify_kind;
    std::uint64_t cookie;
    std::uint64_t seq;
    std::uint32_t next;
  };

  struct Queued {  // a message waiting in its sender's queue
    NodeId to;
    std::int64_t bytes;
    sim::Time sent;
    sim::LpId notify_lp;
    std::uint16_t notify_kind;
    std::uint64_t cookie;
    std::uint32_t next;
  };

  TransferId begin(const TransferRequest& request, bool message, sim::Time sent,
                   sim::Engine& engine);
  void enqueue(NodeId from, const Queued& q, sim::Engine& engine);
  void drop(NodeId from, const Queued& q, sim::Engine& engine);
  // Sends the queued messages of `from` while their destinations are reachable, in order.
  void flush_queue(NodeId from, sim::Engine& engine);
  // Applies up/down to links (both directions), then fails, re-routes or un-parks transfers.
  void apply_link_changes(std::span<const LinkId> links, bool up, sim::Engine& engine);
  // Routes and starts (or parks) transfer `id` with `bytes` left at `now`.
  void launch(TransferId id, double bytes, sim::Time now, sim::Engine& engine);
  void finish(TransferId id, Outcome outcome, sim::Time end, double bytes_left,
              sim::Engine& engine);
  // Hands a message that ended over in its sender's order, then any held ones it unblocks.
  void reorder_point(const Held& message, sim::Engine& engine);
  void hand_over(const Held& message, sim::Engine& engine);
  void check_completions(sim::Engine& engine);
  // Removes flow f, crediting its links with the bytes it sent.
  void retire_flow(FlowId f, double bytes_left, sim::Time now);
  void schedule_check(sim::Engine& engine);
  sim::Time draw_latency(const std::vector<LinkId>& route);

  Topology topology_;
  NetworkOptions options_;
  sim::LpId lp_;
  Router router_;
  FlowModel flows_;
  std::vector<sim::RandomStream> jitter_;  // one per directed link
  sim::PayloadPool<Transfer> transfers_;
  std::vector<std::uint32_t> generation_;  // by transfer slot: bumped when a transfer ends
  std::vector<TransferId> flow_owner_;     // by FlowId
  std::vector<double> flow_bytes_;         // by FlowId: bytes left when last credited to links
  std::vector<double> link_bytes_;
  std::vector<TransferId> parked_;         // resumable transfers without a route, in order
  std::vector<LinkId> route_;              // scratch
  std::vector<TransferId> scratch_;
  std::vector<double> scratch_bytes_;
  std::vector<FlowId> scratch_flows_;
  std::vector<LinkId> scratch_links_;  // hold_down / release
  std::vector<double> nominal_capacity_;
  sim::Time check_at_ = sim::kTimeMax;  // the earliest pending completion check
  TransferRecords records_;
  MessageRecords messages_;
  std::vector<std::uint32_t> holds_;  // by bidirectional link (LinkId / 2)
  // Store-and-forward queues: intrusive FIFO lists per node over a pool of messages.
  sim::PayloadPool<Queued> queued_;
  std::vector<std::uint32_t> queue_head_, queue_tail_, queue_length_;
  std::vector<NodeId> waiting_nodes_;  // nodes with a non-empty queue, in order of first wait
  std::vector<sim::Time> last_delivery_;  // by node: messages arrive in order
  // Reorder point, by sender: the next sequence number to transmit, the next to hand over, and
  // the held messages (head of a list sorted by seq, over held_).
  std::vector<std::uint64_t> next_seq_, next_handover_;
  std::vector<std::uint32_t> held_head_;
  sim::PayloadPool<Held> held_;
  std::size_t queued_total_ = 0;
};

}  // namespace edgetwin::network
