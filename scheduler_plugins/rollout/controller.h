// The rollout controller in simulated time: drives a strategy (strategy.h) against a simulated
// fleet. One update attempt = the artifact download over the network model (registry -> device,
// bytes per architecture, resumable or failing on outages), install, reboot and health check
// (times per device type), ending in an outcome drawn per (version, device type) from the
// stream (seed, device, "rollout-outcome" + attempt). Offline periods hold the device's access
// link down: a target started then waits queued and begins on reconnection (or times out); a
// download parks and resumes (or fails); an install, reboot or health check in progress resumes
// or rolls back on recovery (ControllerOptions::on_recovery). docs/rollouts.md, "The controller".
//
// The controller keeps each device's lifecycle state itself (models::DeviceState values online,
// updating, rebooting, offline, failed): the models do not yet expose a way to set it from
// outside. Metrics are plain values (RolloutMetrics) for the result writer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/fleet_config.h"
#include "network/network.h"
#include "scheduler_plugins/rollout/strategy.h"
#include "scheduler_plugins/rollout/update_model.h"
#include "sim/engine.h"

namespace edgetwin::scheduler_plugins::rollout {

// One device of the simulated fleet.
struct SimDevice {
  network::NodeId node = network::kNoNode;
  network::LinkId access_link = 0;    // device -> site; held down while the device is offline
  std::string type;                   // device type: update times and failure rules
  std::string arch;                   // artifact size
  std::uint32_t site = 0;             // index into ControllerOptions::utc_offset_minutes
  std::int64_t bandwidth_group = -1;  // the strategy's bandwidth group (-1: the site)
  std::vector<Label> labels;
  Versions installed;
};

// The device is offline (off, out of coverage) over [down, up); up = kTimeMax: never back.
struct OfflinePeriod {
  std::uint32_t device = 0;
  sim::Time down = 0;
  sim::Time up = sim::kTimeMax;
};

enum class OnRecovery : std::uint8_t {
  kResume,    // the phase interrupted by the outage (install, reboot, check) starts again
  kRollBack,  // the attempt fails; the device boots its previous A/B slot (one reboot)
};

struct ControllerOptions {
  std::uint64_t seed = 1;
  network::NodeId registry = 0;     // where artifacts are downloaded from
  sim::Time start = 0;              // the rollout begins
  bool resumable_downloads = true;  // false: an outage on the route fails the download
  sim::Time download_timeout = 0;   // resumable downloads give up after this (0: never)
  sim::Time offline_timeout = 0;  // a target queued (device offline) this long times out (0: never)
  OnRecovery on_recovery = OnRecovery::kResume;
  std::vector<std::int32_t> utc_offset_minutes = {0};  // per site
  std::vector<network::LinkId> watched_links;          // backhaul links: bytes and peak utilisation
};

// Everything a rollout is judged by. Times are from ControllerOptions::start; -1: never.
struct RolloutMetrics {
  std::uint32_t devices = 0, targets = 0;
  sim::Time time_to_50 = -1, time_to_90 = -1, time_to_99 = -1;  // of the targets succeeded
  sim::Time end = -1;  // the strategy completed (or the run ended)
  Verdict verdict = Verdict::kRunning;
  std::string reason;
  std::uint32_t succeeded = 0;             // attempts that succeeded
  std::uint32_t download_interrupted = 0;  // attempts ending in each failure
  std::uint32_t install_failed = 0;
  std::uint32_t boot_loops = 0;  // each rolled back to the previous A/B slot
  std::uint32_t bricked = 0;
  std::uint32_t repaired = 0;
  std::uint32_t timed_out = 0, canceled = 0;
  std::uint32_t rolled_back = 0;     // succeeded, then reverted by an abort with rollback
  std::uint32_t recovered = 0;       // attempts interrupted by an outage after the download
  std::uint32_t pending_at_end = 0;  // targets queued or pending when the run ended
  // Devices that received the new version's artifact (download complete) before the abort
  // (every one when the rollout was not aborted).
  std::uint32_t blast_radius = 0;
  sim::Time time_to_detect = -1;  // the first attempt that ended in failure
  sim::Time time_to_abort = -1;   // the abort verdict
  // Version mix and availability, one row whenever they changed (time from the start):
  // devices on the desired versions, on other versions, serving (online, not updating).
  struct Sample {
    sim::Time time;
    std::uint32_t on_new, on_old, serving;
    bool operator==(const Sample&) const = default;
  };
  std::vector<Sample> mix;
  double mean_availability = 0.0;  // time average of serving / devices from the start to the
                                   //   last change (the run's end with past_completion)
  double min_availability = 1.0;
  struct LinkUsage {
    network::LinkId link;
    double bytes;             // carried by the link over the run
    double peak_utilisation;  // highest load / capacity seen after any decision or transfer end
    bool operator==(const LinkUsage&) const = default;
  };
  std::vector<LinkUsage> links;
  // Per target (RolloutController::target_devices gives its device), from the start, -1 never:
  // when its latest attempt's artifact arrived, and when it last reached a terminal state.
  std::vector<sim::Time> downloaded, finished;
};

// A component of a simulation: one logical process, `lp`. The model is copied; the strategy and
// the network are the caller's and must outlive the controller: it starts and cancels transfers
// on the network and holds access links down while devices are offline. Throws
// std::invalid_argument on an inconsistent input (message names the device).
class RolloutController {
 public:
  RolloutController(const UpdateModel& model, std::vector<SimDevice> devices,
                    std::vector<OfflinePeriod> offline, ControllerOptions options,
                    RolloutStrategy& strategy, network::Network& net, sim::LpId lp);
  RolloutController(const RolloutController&) = delete;
  RolloutController& operator=(const RolloutController&) = delete;

  sim::LpId lp() const { return lp_; }
  void start(sim::Engine& engine);
  void handle(const sim::Event& event, sim::Engine& engine);
  // Closes the metrics at `now` (the run's end when the strategy did not complete).
  void finish(sim::Time now);

  const RolloutPlan& plan() const { return plan_; }
  const RolloutProgress& progress() const { return progress_; }
  // Target index -> device.
  const std::vector<std::uint32_t>& target_devices() const { return target_device_; }
  const Versions& installed(std::uint32_t device) const { return devices_[device].installed; }
  models::DeviceState device_state(std::uint32_t device) const;
  bool done() const { return done_; }
  const RolloutMetrics& metrics() const { return metrics_; }

 private:
  enum Kind : std::uint16_t {
    kDecide = 0x500,
    kDownloadEnded,
    kPhaseDone,
    kRepairDone,
    kDeviceDown,
    kDeviceUp,
    kQueueTimeout
  };
  // Where a target's current attempt stands on the device (finer than TargetState).
  enum class Phase : std::uint8_t {
    kIdle,
    kQueued,
    kDownload,
    kInstall,
    kReboot,
    kCheck,
    kFallback,
    kRevert
  };
  Phase phase(std::uint32_t t) const { return static_cast<Phase>(phase_[t]); }
  UpdateOutcome outcome(std::uint32_t t) const { return static_cast<UpdateOutcome>(outcome_[t]); }
  std::uint64_t cookie(std::uint32_t t) const;
  void set_phase(std::uint32_t t, Phase p);
  void refresh_device(std::uint32_t device);
  void set_on_new(std::uint32_t device, bool on_new);
  // Adds serving device-time up to now_ (before a device's serving state changes).
  void accumulate();
  void record(sim::Time now);
  sim::Time draw_seconds(const sim::Distribution& d, std::uint32_t t, std::uint32_t what) const;
  sim::Time duration(std::uint32_t t, Phase p) const;
  void set(std::uint32_t t, TargetState s, sim::Engine& engine);
  void request_decision(sim::Engine& engine);
  void decide(sim::Engine& engine);
  [[noreturn]] void violation(const char* what, std::uint32_t t, sim::Time now) const;
  void begin_attempt(std::uint32_t t, sim::Engine& engine);
  void begin_download(std::uint32_t t, sim::Engine& engine);
  void on_download_ended(const sim::Event& e, sim::Engine& engine);
  void delivered(std::uint32_t t, sim::Engine& engine);
  void enter(std::uint32_t t, Phase p, sim::Engine& engine);
  void on_phase_done(std::uint32_t t, sim::Engine& engine);
  void end_attempt(std::uint32_t t, TargetState s, sim::Engine& engine);
  void on_repaired(std::uint32_t device, sim::Engine& engine);
  void on_device(std::uint32_t device, bool down, sim::Engine& engine);
  void abort(bool rollback, sim::Engine& engine);
  void measure_links();

  UpdateModel model_;  // a copy: the caller's may be a temporary
  std::vector<SimDevice> devices_;
  std::vector<OfflinePeriod> offline_;
  ControllerOptions options_;
  RolloutStrategy& strategy_;
  network::Network& net_;
  sim::LpId lp_;
  DesiredState desired_;
  std::vector<std::uint32_t> target_device_;
  RolloutPlan plan_;
  RolloutProgress progress_;
  Decision decision_;
  // Per target (structure of arrays).
  std::vector<std::int64_t> bytes_;
  std::vector<std::uint8_t> phase_;    // Phase
  std::vector<std::uint8_t> outcome_;  // UpdateOutcome of the current attempt
  std::vector<std::uint32_t> epoch_;   // bumped when a scheduled phase end becomes stale
  std::vector<network::TransferKey> transfer_;
  std::vector<std::uint8_t> received_;  // the artifact reached the device (blast radius)
  std::vector<Versions> previous_;      // the versions an abort with rollback restores
  // Per device.
  std::vector<std::uint8_t> state_;         // models::DeviceState
  std::vector<std::uint16_t> offline_now_;  // overlapping offline periods
  std::vector<std::uint8_t> bricked_;
  std::vector<std::uint8_t> on_new_;
  std::vector<std::int64_t> target_of_;  // device -> target, -1
  std::uint32_t serving_ = 0, on_new_count_ = 0;
  sim::Time decide_at_ = -1;  // a decision is scheduled at this instant
  sim::Time wake_at_ = sim::kTimeMax;
  bool begun_ = false, aborted_ = false, rollback_ = false, done_ = false, changed_ = false;
  sim::Time now_ = 0;
  sim::Time last_sample_ = 0;      // serving_integral_ covers [start, last_sample_]
  double serving_integral_ = 0.0;  // device-ns serving
  RolloutMetrics metrics_;
};

// The network and the controller as one model (tests, benches, dry runs): LP 0 the network,
// LP 1 the controller.
class RolloutSim final : public sim::Model {
 public:
  RolloutSim(network::Topology topology, network::NetworkOptions net_options,
             const UpdateModel& model, std::vector<SimDevice> devices,
             std::vector<OfflinePeriod> offline, ControllerOptions options,
             RolloutStrategy& strategy);
  std::uint32_t lp_count() const { return 2; }
  void handle(const sim::Event& event, sim::Engine& engine) override;
  // Runs until the strategy completes or `until`; with `past_completion`, on to `until` (or until
  // nothing is left to happen: repairs, reverts, reconnections). Returns the metrics.
  const RolloutMetrics& run(sim::Time until = sim::kTimeMax, bool past_completion = false);
  const RolloutController& controller() const { return controller_; }
  const network::Network& net() const { return net_; }

 private:
  network::Network net_;
  RolloutController controller_;
};

}  // namespace edgetwin::scheduler_plugins::rollout
