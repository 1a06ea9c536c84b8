#include "scheduler_plugins/federated/process.h"

#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "models/fleet_model.h"
#include "models/lifecycle.h"
#include "models/network_activity.h"
#include "network/network.h"
#include "sim/engine.h"

namespace edgetwin::scheduler_plugins::federated {
namespace {

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument(what);
}

constexpr std::uint32_t kNoSlot = 0xFFFFFFFFu;
constexpr std::uint16_t kModelTag = 0xF1;   // transfer tags, for the network's records
constexpr std::uint16_t kUpdateTag = 0xF2;

enum class Phase : std::uint8_t { kIdle, kDownload, kTrain, kUpload };
enum class Drop : std::uint8_t { kFailure, kBattery, kStraggler, kSurplus };

// One participant in flight: the client, where it is, and its update (computed when it was
// dispatched, from the model it downloads; it only counts if the upload arrives).
struct Slot {
  std::uint32_t client = 0, device = 0, generation = 0, version = 0;
  Phase phase = Phase::kIdle;
  sim::Time start = 0, downloaded = 0, trained = 0;
  network::TransferKey transfer;
  LocalResult result;
  double work_samples = 0.0;  // samples x epochs processed (capped by max_steps)
  std::uint64_t bytes_up = 0;
  std::vector<double> delta;
};

struct Wire {
  std::vector<std::uint8_t> bytes;
  std::vector<std::uint32_t> indices;
};

// The twin (fleet, network, lifecycle: built as models::Twin builds them) plus the FL server.
class FederatedTwin final : public sim::Model {
 public:
  enum Kind : std::uint16_t { kRoundStart = 0x800, kDownloaded, kTrained, kUploaded, kDeadline,
                              kRefill };

  FederatedTwin(const FlSimConfig& c, const models::FleetConfig& fleet, const Dataset& train,
                const Partition& partition, const Dataset& test)
      : c_(c),
        fleet_(fleet),
        train_(train),
        partition_(partition),
        test_(test),
        model_({c.fl.model, train.dim, train.num_classes, c.fl.hidden}),
        p_(model_.num_parameters()),
        global_(p_) {
    net_ = std::make_unique<models::NetworkActivity>(fleet_.config(), fleet_.lp_count());
    fleet_.attach_network(&net_->net(), &net_->access_links(), net_->device_node(0));
    if (fleet_.config().lifecycle.any()) {
      life_ = std::make_unique<models::Lifecycle>(fleet_.config(), fleet_, net_.get(),
                                                  fleet_.lp_count() + net_->lp_count());
    }
    lp_ = fleet_.lp_count() + net_->lp_count() + (life_ ? life_->lp_count() : 0);
    std::string error;
    strategy_ = federated_registry().create(c.fl.strategy, &error);
    require(strategy_ != nullptr, "strategy: " + error);
    strategy_->configure(c.fl.strategy_params);
    selector_ = selector_registry().create(c.fl.selector, &error);
    require(selector_ != nullptr, "selector: " + error);
    selector_->configure(c.fl.selector_params);
    model_.init(global_, c.fl.seed);
    local_ = c.fl.local;
    local_.proximal_mu = strategy_->proximal_mu();
    model_bytes_ = 4 * p_;
    flops_ = device_flops(c, fleet_.config());
    const std::uint32_t n = partition.num_clients();
    for (std::uint32_t k = 0; k < n; ++k) {
      device_of_.push_back(c.client_devices.empty() ? k : c.client_devices[k]);
    }
    slot_of_device_.assign(fleet_.config().devices.size(), kNoSlot);
    const std::size_t types = fleet_.config().types.size();
    out_.train_energy_j.assign(types, 0.0);
    out_.train_seconds.assign(types, 0.0);
    out_.participation.assign(n, 0);
    out_.selections.assign(n, 0);
    const std::uint32_t k = c.fl.per_round;
    width_ = strategy_->asynchronous()
                 ? std::min(strategy_->max_concurrency(), n)
                 : std::min<std::uint32_t>(
                       n, static_cast<std::uint32_t>(std::ceil(k * (1.0 + c.over_selection) -
                                                               1e-9)));
    slots_.resize(width_);
    arrival_of_.assign(width_, 0);
  }

  std::uint32_t lp_count() const { return lp_ + 1; }

  void start(sim::Engine& engine) {
    fleet_.start(engine);
    net_->start(engine);
    if (life_) life_->start(engine);
    engine.schedule(lp_, lp_, 0, kRoundStart);
  }

  void handle(const sim::Event& e, sim::Engine& engine) override {
    if (e.target != lp_) {
      if (life_ && life_->owns(e.target)) {
        life_->handle(e, engine);
      } else if (net_->owns(e.target)) {
        net_->handle(e, engine);
      } else {
        fleet_.handle(e, engine);
      }
      return;
    }
    if (done_) return;
    sync_failures(engine);
    const auto s = static_cast<std::uint32_t>(e.payload & 0xFFFFFFFFu);
    const auto gen = static_cast<std::uint32_t>(e.payload >> 32);
    const bool live = s < width_ && slots_[s].generation == gen;
    switch (e.kind) {
      case kRoundStart:
        strategy_->asynchronous() ? start_async(engine) : start_round(engine);
        break;
      case kDeadline:
        if (!strategy_->asynchronous() && e.payload == round_ && round_open_) {
          close_round(engine, true);
        }
        break;
      case kDownloaded:
        if (live && slots_[s].phase == Phase::kDownload) on_downloaded(s, e.aux, engine);
        break;
      case kTrained:
        if (live && slots_[s].phase == Phase::kTrain) on_trained(s, engine);
        break;
      case kUploaded:
        if (live && slots_[s].phase == Phase::kUpload) on_uploaded(s, e.aux, engine);
        break;
      case kRefill:
        if (live && slots_[s].phase == Phase::kIdle) refill(s, engine);
        break;
      default:
        break;
    }
    if (done_) engine.request_stop();
  }

  FlSimMetrics finish(sim::Time end, std::uint64_t events) {
    if (life_) life_->finish(end);
    fleet_.finish(end);
    net_->finish(end);
    out_.params = global_;
    out_.final_test = model_.evaluate(global_, test_);
    out_.completed = done_;
    out_.events = events;
    return std::move(out_);
  }

 private:
  // ---- clients ----

  // Computes slot s's update from the current global model (real training).
  void train_slot(std::uint32_t s, std::uint32_t stream, Scratch& scratch) {
    Slot& slot = slots_[s];
    slot.delta.assign(global_.begin(), global_.end());
    sim::RandomStream rng(c_.fl.seed, slot.client, sim::purpose_id("fl-local") + stream);
    LocalConfig local = local_;
    local.learning_rate *= std::pow(c_.fl.lr_decay, double(version_));
    slot.result = local_sgd(model_, slot.delta, global_, train_, partition_.client(slot.client),
                            local, rng, scratch);
    for (std::size_t j = 0; j < p_; ++j) slot.delta[j] -= global_[j];
    if (c_.fl.compression.kind != CompressionKind::kNone) {
      Wire& w = wires_.local();
      encode(c_.fl.compression, slot.delta, w.bytes, w.indices);
      decode(c_.fl.compression, w.bytes, slot.delta);
    }
    slot.bytes_up = wire_bytes(c_.fl.compression, p_);
    double work = double(slot.result.samples) * local.epochs;
    if (local.max_steps > 0) work = std::min(work, double(local.max_steps) * local.batch_size);
    slot.work_samples = work;
  }

  // Gives slot s to `client` and starts its model download now.
  void assign(std::uint32_t s, std::uint32_t client) {
    Slot& slot = slots_[s];
    slot.client = client;
    slot.device = device_of_[client];
    slot.version = version_;
    ++slot.generation;
    out_.selections[client] += 1;
    rec_.selected += 1;
  }

  void dispatch(std::uint32_t s, sim::Engine& engine) {
    Slot& slot = slots_[s];
    slot.phase = Phase::kDownload;
    slot.start = engine.now();
    slot_of_device_[slot.device] = s;
    ++in_flight_;
    slot.transfer = transfer(net_->site_node(c_.server_site), net_->device_node(slot.device),
                             model_bytes_, kModelTag, kDownloaded, s, engine);
  }

  network::TransferKey transfer(network::NodeId from, network::NodeId to, std::uint64_t bytes,
                                std::uint16_t tag, std::uint16_t kind, std::uint32_t s,
                                sim::Engine& engine) {
    network::TransferRequest r;
    r.from = from;
    r.to = to;
    r.bytes = static_cast<std::int64_t>(bytes);
    r.on_break = network::OnBreak::kFail;
    r.tag = tag;
    r.notify_lp = lp_;
    r.notify_kind = kind;
    r.cookie = s | (std::uint64_t{slots_[s].generation} << 32);
    const network::TransferId id = net_->net().start(r, engine);
    return net_->net().key(id);
  }

  void on_downloaded(std::uint32_t s, std::uint16_t outcome, sim::Engine& engine) {
    Slot& slot = slots_[s];
    if (outcome != static_cast<std::uint16_t>(network::Outcome::kDelivered)) {
      return drop(s, Drop::kFailure, engine);
    }
    rec_.bytes_down += model_bytes_;
    slot.phase = Phase::kTrain;
    slot.downloaded = engine.now();
    const std::uint32_t type = fleet_.config().devices[slot.device].type;
    const double seconds = slot.work_samples * model_.training_flops_per_sample() / flops_[type];
    set_training(slot.device, true, engine);
    engine.schedule(lp_, lp_, engine.now() + sim::from_seconds(seconds), kTrained,
                    s | (std::uint64_t{slot.generation} << 32));
  }

  void on_trained(std::uint32_t s, sim::Engine& engine) {
    Slot& slot = slots_[s];
    stop_training(slot, engine.now(), engine);
    slot.phase = Phase::kUpload;
    slot.trained = engine.now();
    slot.transfer = transfer(net_->device_node(slot.device), net_->site_node(c_.server_site),
                             slot.bytes_up, kUpdateTag, kUploaded, s, engine);
  }

  void on_uploaded(std::uint32_t s, std::uint16_t outcome, sim::Engine& engine) {
    if (outcome != static_cast<std::uint16_t>(network::Outcome::kDelivered)) {
      return drop(s, Drop::kFailure, engine);
    }
    Slot& slot = slots_[s];
    rec_.bytes_up += slot.bytes_up;
    arrival_of_[s] = engine.now();
    release(s);
    const double now = sim::to_seconds(engine.now());
    selector_->report(slot.client, version_,
                      {slot.result.samples, slot.result.loss_rms, now - sim::to_seconds(slot.start)});
    if (strategy_->asynchronous()) {
      arrived_async(s, engine);
    } else {
      accepted_.push_back(s);
      if (accepted_.size() == c_.fl.per_round || in_flight_ == 0) close_round(engine, false);
    }
  }

  // Takes slot s out of flight; its phase becomes idle.
  void release(std::uint32_t s) {
    Slot& slot = slots_[s];
    slot.phase = Phase::kIdle;
    slot_of_device_[slot.device] = kNoSlot;
    --in_flight_;
  }

  // Ends slot s's participation without an update: cancels its transfer or training.
  // A device that went down stopped training at `down` (<= now).
  void drop(std::uint32_t s, Drop why, sim::Engine& engine, sim::Time down = sim::kTimeMax) {
    Slot& slot = slots_[s];
    if (slot.phase == Phase::kTrain) {
      stop_training(slot, std::max(slot.downloaded, std::min(down, engine.now())), engine);
    }
    if (slot.phase == Phase::kDownload || slot.phase == Phase::kUpload) {
      net_->net().cancel(slot.transfer, engine);
    }
    release(s);
    switch (why) {
      case Drop::kFailure: rec_.dropped_failure += 1; break;
      case Drop::kBattery: rec_.dropped_battery += 1; break;
      case Drop::kStraggler: rec_.stragglers += 1; break;
      case Drop::kSurplus: rec_.surplus += 1; break;
    }
    if (why == Drop::kStraggler || why == Drop::kSurplus) return;  // the round is closing
    if (strategy_->asynchronous()) {
      ++slot.generation;
      engine.schedule(lp_, lp_, engine.now() + c_.retry_delay, kRefill,
                      s | (std::uint64_t{slot.generation} << 32));
    } else if (round_open_ && in_flight_ == 0) {
      close_round(engine, false);
    }
  }

  // The device computes with all its cores (and accelerators when type_flops counts them).
  void set_training(std::uint32_t device, bool on, sim::Engine& engine) {
    const std::uint32_t type = fleet_.config().devices[device].type;
    const models::DeviceType& t = fleet_.config().types[type];
    const std::uint32_t cores = on ? static_cast<std::uint32_t>(t.cores) : 0;
    const std::uint32_t accels =
        on && uses_accelerators(type) ? static_cast<std::uint32_t>(t.accelerators) : 0;
    fleet_.energy().load_changed(device, cores, accels, engine.now(), &engine);
  }
  bool uses_accelerators(std::uint32_t type) const {
    return fleet_.config().types[type].accelerators > 0 && type < c_.type_flops.size() &&
           c_.type_flops[type] > 0.0;
  }

  // Training energy: busy power x the time it trained, until `end`.
  void stop_training(const Slot& slot, sim::Time end, sim::Engine& engine) {
    set_training(slot.device, false, engine);
    const std::uint32_t type = fleet_.config().devices[slot.device].type;
    const models::DeviceType& t = fleet_.config().types[type];
    const double seconds = sim::to_seconds(end - slot.downloaded);
    const double busy_w =
        t.max_power_w + (uses_accelerators(type) ? t.accelerator_power_w * t.accelerators : 0.0);
    out_.train_seconds[type] += seconds;
    out_.train_energy_j[type] += busy_w * seconds;
  }

  // Drops the participants whose device went down (a new row in the lifecycle's failure
  // records) since the last FL event: their update never arrives.
  void sync_failures(sim::Engine& engine) {
    if (!life_) return;
    const models::FailureRecords& f = life_->failures();
    for (; failure_cursor_ < f.size(); ++failure_cursor_) {
      const std::uint32_t s = slot_of_device_[f.device[failure_cursor_]];
      if (s == kNoSlot) continue;
      const bool battery = f.cause[failure_cursor_] ==
                           static_cast<std::uint8_t>(models::FailureCause::kBattery);
      drop(s, battery ? Drop::kBattery : Drop::kFailure, engine, f.down_ns[failure_cursor_]);
    }
  }

  // ---- synchronous rounds ----

  void start_round(sim::Engine& engine) {
    const std::uint32_t n = partition_.num_clients();
    sim::RandomStream pick(c_.fl.seed, round_, sim::purpose_id("fl-select"));
    selector_->select(round_, n, width_, {}, pick, chosen_);
    rec_ = FlRoundMetrics{};
    rec_.start_s = sim::to_seconds(engine.now());
    for (std::uint32_t i = 0; i < width_; ++i) assign(i, chosen_[i]);
    tbb::parallel_for(std::uint32_t{0}, width_,
                      [&](std::uint32_t i) { train_slot(i, round_, scratch_.local()); });
    accepted_.clear();
    round_open_ = true;
    for (std::uint32_t i = 0; i < width_; ++i) dispatch(i, engine);
    if (c_.round_deadline > 0) {
      engine.schedule(lp_, lp_, engine.now() + c_.round_deadline, kDeadline, round_);
    }
  }

  void close_round(sim::Engine& engine, bool deadline) {
    round_open_ = false;
    for (std::uint32_t s = 0; s < width_; ++s) {
      if (slots_[s].phase != Phase::kIdle) {
        drop(s, deadline ? Drop::kStraggler : Drop::kSurplus, engine);
      }
    }
    // Aggregated in ascending client order, whatever the arrival order.
    std::sort(accepted_.begin(), accepted_.end(),
              [&](std::uint32_t a, std::uint32_t b) { return slots_[a].client < slots_[b].client; });
    updates_.clear();
    for (std::uint32_t s : accepted_) {
      updates_.push_back({slots_[s].client, double(slots_[s].result.samples), 0, slots_[s].delta});
      account(s);
    }
    if (!updates_.empty()) strategy_->aggregate(global_, updates_);
    publish(engine, last_arrival_);
    ++round_;
    if (!done_) engine.schedule(lp_, lp_, engine.now(), kRoundStart);
  }

  // Folds slot s's phases and loss into the round's record.
  void account(std::uint32_t s) {
    const Slot& slot = slots_[s];
    const double down = sim::to_seconds(slot.downloaded - slot.start);
    const double train = sim::to_seconds(slot.trained - slot.downloaded);
    const double up = sim::to_seconds(arrival_of_[s] - slot.trained);
    rec_.updates += 1;
    rec_.mean_download_s += down;
    rec_.mean_train_s += train;
    rec_.mean_upload_s += up;
    rec_.train_loss += slot.result.mean_loss * slot.result.samples;
    weight_ += slot.result.samples;
    out_.participation[slot.client] += 1;
    if (arrival_of_[s] >= last_arrival_time_) {
      last_arrival_time_ = arrival_of_[s];
      last_arrival_ = s;
    }
  }

  // Closes the record of the model version just made: breakdown, evaluation.
  void publish(sim::Engine& engine, std::uint32_t last) {
    rec_.end_s = sim::to_seconds(engine.now());
    if (rec_.updates > 0) {
      const Slot& l = slots_[last];
      rec_.download_s = sim::to_seconds(l.downloaded - l.start);
      rec_.train_s = sim::to_seconds(l.trained - l.downloaded);
      rec_.upload_s = sim::to_seconds(arrival_of_[last] - l.trained);
      rec_.waiting_s = std::max(
          0.0, rec_.end_s - rec_.start_s - rec_.download_s - rec_.train_s - rec_.upload_s);
      rec_.mean_download_s /= rec_.updates;
      rec_.mean_train_s /= rec_.updates;
      rec_.mean_upload_s /= rec_.updates;
      rec_.train_loss = weight_ > 0.0 ? rec_.train_loss / weight_ : 0.0;
    } else {
      rec_.waiting_s = rec_.end_s - rec_.start_s;
    }
    rec_.round = static_cast<std::uint32_t>(out_.rounds.size()) + 1;
    ++version_;
    const bool last_round = version_ == c_.fl.rounds;
    if (last_round || rec_.round % c_.fl.eval_every == 0) {
      rec_.evaluated = true;
      rec_.test = model_.evaluate(global_, test_);
    }
    out_.bytes_up += rec_.bytes_up;
    out_.bytes_down += rec_.bytes_down;
    out_.dropped_failure += rec_.dropped_failure;
    out_.dropped_battery += rec_.dropped_battery;
    out_.stragglers += rec_.stragglers;
    out_.surplus += rec_.surplus;
    out_.rounds.push_back(rec_);
    rec_ = FlRoundMetrics{};
    rec_.start_s = sim::to_seconds(engine.now());
    weight_ = 0.0;
    last_arrival_time_ = 0;
    if (last_round) {
      done_ = true;
      out_.end_s = sim::to_seconds(engine.now());
    }
  }

  // ---- FedBuff ----

  void start_async(sim::Engine& engine) {
    const std::uint32_t n = partition_.num_clients();
    sim::RandomStream first(c_.fl.seed, 0, sim::purpose_id("fl-select"));
    selector_->select(0, n, width_, {}, first, chosen_);
    rec_ = FlRoundMetrics{};
    for (std::uint32_t i = 0; i < width_; ++i) assign(i, chosen_[i]);
    tbb::parallel_for(std::uint32_t{0}, width_,
                      [&](std::uint32_t i) { train_slot(i, i, scratch_.local()); });
    dispatch_seq_ = width_;
    for (std::uint32_t i = 0; i < width_; ++i) dispatch(i, engine);
  }

  // Slot s takes a new client (not one in flight) that starts from the current model.
  void refill(std::uint32_t s, sim::Engine& engine) {
    busy_.clear();
    for (std::uint32_t i = 0; i < width_; ++i) {
      if (i != s && slots_[i].phase != Phase::kIdle) busy_.push_back(slots_[i].client);
    }
    std::sort(busy_.begin(), busy_.end());
    const auto seq = static_cast<std::uint32_t>(dispatch_seq_++);
    sim::RandomStream pick(c_.fl.seed, seq, sim::purpose_id("fl-select"));
    selector_->select(seq, partition_.num_clients(), 1, busy_, pick, chosen_);
    assign(s, chosen_[0]);
    train_slot(s, seq, scratch_.local());
    dispatch(s, engine);
  }

  void arrived_async(std::uint32_t s, sim::Engine& engine) {
    Slot& slot = slots_[s];
    const ClientUpdate u{slot.client, double(slot.result.samples), version_ - slot.version,
                         slot.delta};
    rec_.max_staleness = std::max(rec_.max_staleness, u.staleness);
    account(s);
    if (strategy_->aggregate(global_, std::span<const ClientUpdate>(&u, 1))) {
      publish(engine, s);
    }
    if (!done_) refill(s, engine);
  }

  const FlSimConfig& c_;
  models::FleetModel fleet_;
  std::unique_ptr<models::NetworkActivity> net_;
  std::unique_ptr<models::Lifecycle> life_;
  sim::LpId lp_ = 0;
  const Dataset& train_;
  const Partition& partition_;
  const Dataset& test_;
  federated::Model model_;
  std::size_t p_;
  std::vector<double> global_;
  std::unique_ptr<Strategy> strategy_;
  std::unique_ptr<ClientSelector> selector_;
  LocalConfig local_;
  std::uint64_t model_bytes_ = 0;
  std::vector<double> flops_;                  // by device type
  std::vector<std::uint32_t> device_of_;       // by client
  std::vector<std::uint32_t> slot_of_device_;  // by device: its slot in flight, or kNoSlot
  std::uint32_t width_ = 0;                    // slots: clients picked per round, or FedBuff's cap
  std::vector<Slot> slots_;
  std::uint32_t in_flight_ = 0;
  std::size_t failure_cursor_ = 0;
  std::uint32_t round_ = 0, version_ = 0;
  bool round_open_ = false, done_ = false;
  std::uint64_t dispatch_seq_ = 0;
  std::vector<std::uint32_t> chosen_, busy_, accepted_;
  std::vector<ClientUpdate> updates_;
  FlRoundMetrics rec_;
  double weight_ = 0.0;
  std::vector<sim::Time> arrival_of_;  // by slot: when its update arrived
  sim::Time last_arrival_time_ = 0;
  std::uint32_t last_arrival_ = 0;
  tbb::enumerable_thread_specific<Scratch> scratch_;
  tbb::enumerable_thread_specific<Wire> wires_;
  FlSimMetrics out_;
};

}  // namespace

std::vector<double> device_flops(const FlSimConfig& c, const models::FleetConfig& fleet) {
  std::vector<double> f(fleet.types.size());
  for (std::size_t t = 0; t < f.size(); ++t) {
    f[t] = t < c.type_flops.size() && c.type_flops[t] > 0.0
               ? c.type_flops[t]
               : c.reference_core_flops * fleet.types[t].core_speed * fleet.types[t].cores;
  }
  return f;
}

void validate(const FlSimConfig& c, const models::FleetConfig& fleet,
              const Partition& partition) {
  validate(c.fl, partition);
  require(fleet.network.enabled, "network: the FL process needs a fleet with a network section");
  require(c.over_selection >= 0.0 && std::isfinite(c.over_selection),
          "over_selection: expected >= 0, got " + std::to_string(c.over_selection));
  require(c.round_deadline >= 0,
          "round_deadline: expected >= 0, got " + std::to_string(c.round_deadline) + " ns");
  require(!fleet.sites.empty() && c.server_site < fleet.sites.size(),
          "server_site: site " + std::to_string(c.server_site) + " out of 0.." +
              std::to_string(fleet.sites.size() - 1));
  require(c.reference_core_flops > 0.0 && std::isfinite(c.reference_core_flops),
          "reference_core_flops: expected a positive number");
  require(c.retry_delay > 0, "retry_delay: expected a positive duration");
  require(c.max_time > 0, "max_time: expected a positive duration");
  for (std::size_t t = 0; t < c.type_flops.size(); ++t) {
    require(c.type_flops[t] >= 0.0 && std::isfinite(c.type_flops[t]),
            "type_flops/" + std::to_string(t) + ": expected >= 0 FLOP/s");
  }
  const std::uint32_t n = partition.num_clients();
  const std::size_t devices = fleet.devices.size();
  if (c.client_devices.empty()) {
    require(n <= devices, "client_devices: " + std::to_string(n) + " clients but only " +
                              std::to_string(devices) + " devices");
  } else {
    require(c.client_devices.size() == n,
            "client_devices: " + std::to_string(c.client_devices.size()) + " devices for " +
                std::to_string(n) + " clients");
    std::vector<std::uint8_t> used(devices, 0);
    for (std::size_t k = 0; k < n; ++k) {
      const std::uint32_t d = c.client_devices[k];
      require(d < devices, "client_devices/" + std::to_string(k) + ": device " +
                               std::to_string(d) + " out of 0.." + std::to_string(devices - 1));
      require(!used[d], "client_devices/" + std::to_string(k) + ": device " + std::to_string(d) +
                            " already hosts a client");
      used[d] = 1;
    }
  }
  const std::vector<double> f = device_flops(c, fleet);
  for (std::size_t t = 0; t < f.size(); ++t) {
    require(f[t] > 0.0, "type_flops/" + std::to_string(t) + ": device type '" +
                            fleet.types[t].name + "' has no speed (core_speed x cores is 0)");
  }
}

FlSimMetrics simulate_federated(const FlSimConfig& config, const models::FleetConfig& fleet,
                                const Dataset& train, const Partition& partition,
                                const Dataset& test) {
  validate(config, fleet, partition);
  require(train.dim == test.dim && train.num_classes == test.num_classes,
          "the training and test sets differ in dimension or classes");
  require(partition.indices.size() <= train.size(), "the partition does not fit the data set");
  FederatedTwin twin(config, fleet, train, partition, test);
  sim::Engine engine(twin.lp_count());
  twin.start(engine);
  const sim::RunStats stats = engine.run(twin, config.max_time);
  return twin.finish(engine.now(), stats.events);
}

}  // namespace edgetwin::scheduler_plugins::federated
