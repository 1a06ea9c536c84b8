#include "sim/engine.h"

#include <chrono>
#include <stdexcept>
#include <string>

namespace edgetwin::sim {

Engine::Engine(std::uint32_t lp_count, EventListKind list) : list_kind_(list), seq_(lp_count, 0) {
  if (lp_count > kMaxLps) {
    throw std::invalid_argument("engine: " + std::to_string(lp_count) +
                                " logical processes exceed the limit of " +
                                std::to_string(kMaxLps));
  }
}

void Engine::throw_in_the_past(LpId source, LpId target, Time at, std::uint16_t kind) const {
  throw std::logic_error("engine: LP " + std::to_string(source) + " scheduled an event of kind " +
                         std::to_string(kind) + " for LP " + std::to_string(target) + " at " +
                         std::to_string(at) + " ns, before the current time " +
                         std::to_string(now_) + " ns (event " + std::to_string(events_) + ")");
}

void Engine::set_progress(std::function<void(const Progress&)> sink, std::uint64_t every_events) {
  progress_ = std::move(sink);
  std::uint64_t p = 1;
  while (p < every_events) p <<= 1;
  progress_mask_ = p - 1;
}

RunStats Engine::run(Model& model, Time until) { return run_events(model, ~std::uint64_t{0}, until); }

RunStats Engine::run_events(Model& model, std::uint64_t max_events, Time until) {
  stop_ = false;
  return list_kind_ == EventListKind::kHeap ? loop(heap_, model, max_events, until)
                                            : loop(ladder_, model, max_events, until);
}

template <class List>
RunStats Engine::loop(List& list, Model& model, std::uint64_t max_events, Time until) {
  using Clock = std::chrono::steady_clock;
  const auto wall_start = Clock::now();
  const std::uint64_t first = events_;
  const std::uint64_t last = max_events > ~std::uint64_t{0} - first ? ~std::uint64_t{0}
                                                                    : first + max_events;
  while (!list.empty() && events_ < last) {
    const Event& next = list.top();
    if (next.time > until) break;
    const Event e = next;
    list.pop();
    now_ = e.time;
    if (fingerprint_on_) {
      for (std::uint64_t word : {static_cast<std::uint64_t>(e.time), e.key,
                                 std::uint64_t{e.target} << 16 | e.kind}) {
        fingerprint_ = (fingerprint_ ^ word) * 1099511628211ull;
      }
    }
    model.handle(e, *this);
    ++events_;
    if (stop_) break;
    if (progress_ && (events_ & progress_mask_) == 0) {
      progress_({now_, until, events_, std::chrono::duration<double>(Clock::now() - wall_start).count()});
    }
  }
  if (!stop_ && events_ < last && until != kTimeMax && now_ < until) now_ = until;
  RunStats stats;
  stats.events = events_ - first;
  stats.end_time = now_;
  stats.wall_seconds = std::chrono::duration<double>(Clock::now() - wall_start).count();
  stats.stopped = stop_;
  return stats;
}

}  // namespace edgetwin::sim
