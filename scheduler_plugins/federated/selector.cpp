#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "scheduler_plugins/federated/strategy.h"

namespace edgetwin::scheduler_plugins::federated {
namespace {

bool contains(std::span<const std::uint32_t> sorted, std::uint32_t id) {
  return std::binary_search(sorted.begin(), sorted.end(), id);
}

void check_count(std::uint32_t population, std::uint32_t count,
                 std::span<const std::uint32_t> busy) {
  if (std::uint64_t{count} + busy.size() > population) {
    throw std::invalid_argument("cannot select " + std::to_string(count) + " clients out of " +
                                std::to_string(population) + " (" + std::to_string(busy.size()) +
                                " busy)");
  }
}

// `count` distinct ranks of [0, n) by Floyd's algorithm (O(count) draws), mapped to client ids by
// skipping the busy ones; appended to `out`.
void uniform_pick(std::uint32_t population, std::uint32_t count,
                  std::span<const std::uint32_t> busy, sim::RandomStream& rng,
                  std::vector<std::uint32_t>& out) {
  const std::uint32_t n = population - static_cast<std::uint32_t>(busy.size());
  std::unordered_set<std::uint32_t> chosen;
  chosen.reserve(count * 2u);
  const std::size_t first = out.size();
  for (std::uint32_t j = n - count; j < n; ++j) {
    const auto t = static_cast<std::uint32_t>(rng.uniform_int(std::uint64_t{j} + 1));
    const std::uint32_t pick = chosen.insert(t).second ? t : j;
    if (pick == j) chosen.insert(j);
    out.push_back(pick);
  }
  for (std::size_t i = first; i < out.size(); ++i) {
    std::uint32_t c = out[i];
    for (std::uint32_t b : busy) {
      if (b <= c)
        ++c;
      else
        break;
    }
    out[i] = c;
  }
}

// Uniform without replacement, no per-client state (FedJAX's / TFF's uniform sampler).
class RandomSelector final : public ClientSelector {
 public:
  std::string_view name() const override { return "random"; }
  void select(std::uint32_t, std::uint32_t population, std::uint32_t count,
              std::span<const std::uint32_t> busy, sim::RandomStream& rng,
              std::vector<std::uint32_t>& out) override {
    check_count(population, count, busy);
    out.clear();
    uniform_pick(population, count, busy, rng, out);
    std::sort(out.begin(), out.end());
  }
};

// An Oort-like guided selector (Lai et al., OSDI 2021; FedScale's thirdparty/oort), described in
// docs/federated.md: a decaying share of each round explores clients never seen; the rest exploits
// the explored ones by utility = (min-max normalised |B| * loss_rms + sqrt(0.1 ln r / L)) *
// (T / t)^alpha when t > T, sampled in proportion to utility among those within cut_off of the
// k-th best.
class OortSelector final : public ClientSelector {
 public:
  std::string_view name() const override { return "oort"; }
  void configure(const SelectorParams& p) override {
    auto fraction = [](double v, const char* what) {
      if (!(v >= 0.0 && v <= 1.0)) {
        throw std::invalid_argument(std::string(what) + ": expected a fraction in [0, 1], got " +
                                    std::to_string(v));
      }
    };
    fraction(p.exploration, "exploration");
    fraction(p.exploration_decay, "exploration_decay");
    fraction(p.exploration_min, "exploration_min");
    fraction(p.cut_off, "cut_off");
    if (!(p.round_penalty >= 0.0) || !(p.preferred_duration_s >= 0.0)) {
      throw std::invalid_argument("round_penalty and preferred_duration_s must be >= 0");
    }
    params_ = p;
    exploration_ = p.exploration;
  }

  void select(std::uint32_t round, std::uint32_t population, std::uint32_t count,
              std::span<const std::uint32_t> busy, sim::RandomStream& rng,
              std::vector<std::uint32_t>& out) override {
    check_count(population, count, busy);
    out.clear();
    // Explored clients that are free, in id order (the map's order is not relied upon).
    candidates_.clear();
    for (const auto& [id, arm] : arms_) {
      if (!contains(busy, id)) candidates_.push_back({id, 0.0});
    }
    std::sort(candidates_.begin(), candidates_.end(),
              [](const Scored& a, const Scored& b) { return a.id < b.id; });
    std::uint64_t busy_explored = 0;
    for (std::uint32_t b : busy) busy_explored += arms_.count(b);
    const std::uint64_t unexplored = population - arms_.size() - (busy.size() - busy_explored);
    std::uint32_t explore = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(std::llround(exploration_ * count), unexplored));
    std::uint32_t exploit = count - explore;
    if (exploit > candidates_.size()) {
      exploit = static_cast<std::uint32_t>(candidates_.size());
      explore = count - exploit;
    }
    if (exploit > 0) pick_exploit(round, exploit, rng, out);
    if (explore > 0) pick_explore(population, explore, busy, rng, out);
    std::sort(out.begin(), out.end());
    exploration_ = std::max(params_.exploration_min, exploration_ * params_.exploration_decay);
  }

  void report(std::uint32_t client, std::uint32_t round, const ClientFeedback& f) override {
    arms_[client] = {double(f.samples) * f.loss_rms, f.duration_s, round};
  }

 private:
  struct Arm {
    double statistical = 0.0;  // |B| * sqrt(mean loss^2)
    double duration_s = 0.0;
    std::uint32_t last_round = 0;
  };
  struct Scored {
    std::uint32_t id;
    double utility;
  };

  void pick_exploit(std::uint32_t round, std::uint32_t k, sim::RandomStream& rng,
                    std::vector<std::uint32_t>& out) {
    double lo = INFINITY, hi = -INFINITY;
    durations_.clear();
    for (const Scored& c : candidates_) {
      const Arm& a = arms_.at(c.id);
      lo = std::min(lo, a.statistical);
      hi = std::max(hi, a.statistical);
      durations_.push_back(a.duration_s);
    }
    double preferred = params_.preferred_duration_s;
    if (preferred == 0.0) {
      auto mid = durations_.begin() + static_cast<std::ptrdiff_t>(durations_.size() / 2);
      std::nth_element(durations_.begin(), mid, durations_.end());
      preferred = *mid;
    }
    for (Scored& c : candidates_) {
      const Arm& a = arms_.at(c.id);
      double u = hi > lo ? (a.statistical - lo) / (hi - lo) : 1.0;
      u += std::sqrt(0.1 * std::log(double(round) + 1.0) / (double(a.last_round) + 1.0));
      if (a.duration_s > preferred && preferred > 0.0) {
        u *= std::pow(preferred / a.duration_s, params_.round_penalty);
      }
      c.utility = u;
    }
    std::sort(candidates_.begin(), candidates_.end(), [](const Scored& a, const Scored& b) {
      return a.utility != b.utility ? a.utility > b.utility : a.id < b.id;
    });
    const double cut = params_.cut_off * candidates_[k - 1].utility;
    std::size_t pool = k;
    while (pool < candidates_.size() && candidates_[pool].utility >= cut) ++pool;
    // k draws without replacement, each in proportion to utility among those left.
    for (std::uint32_t taken = 0; taken < k; ++taken) {
      double total = 0.0;
      for (std::size_t i = taken; i < pool; ++i) total += candidates_[i].utility;
      std::size_t at = taken;
      if (total > 0.0) {
        double x = rng.uniform01() * total;
        while (at + 1 < pool && x >= candidates_[at].utility) x -= candidates_[at++].utility;
      }
      std::swap(candidates_[taken], candidates_[at]);
      out.push_back(candidates_[taken].id);
    }
  }

  void pick_explore(std::uint32_t population, std::uint32_t k, std::span<const std::uint32_t> busy,
                    sim::RandomStream& rng, std::vector<std::uint32_t>& out) {
    auto free_unexplored = [&](std::uint32_t id) {
      return arms_.count(id) == 0 && !contains(busy, id);
    };
    const std::size_t first = out.size();
    if ((arms_.size() + busy.size()) * 2 <= population) {
      // At least half the population is eligible: rejection sampling, O(k) expected draws.
      std::unordered_set<std::uint32_t> chosen;
      while (out.size() - first < k) {
        const auto id = static_cast<std::uint32_t>(rng.uniform_int(population));
        if (free_unexplored(id) && chosen.insert(id).second) out.push_back(id);
      }
      return;
    }
    pool_.clear();
    for (std::uint32_t id = 0; id < population; ++id) {
      if (free_unexplored(id)) pool_.push_back(id);
    }
    for (std::uint32_t i = 0; i < k; ++i) {
      std::swap(pool_[i], pool_[i + rng.uniform_int(pool_.size() - i)]);
      out.push_back(pool_[i]);
    }
  }

  SelectorParams params_;
  double exploration_ = 0.9;
  std::unordered_map<std::uint32_t, Arm> arms_;  // explored clients only
  std::vector<Scored> candidates_;
  std::vector<double> durations_;
  std::vector<std::uint32_t> pool_;
};

}  // namespace

std::unique_ptr<ClientSelector> make_random_selector() {
  return std::make_unique<RandomSelector>();
}
std::unique_ptr<ClientSelector> make_oort_selector() { return std::make_unique<OortSelector>(); }

bool register_builtin_selectors(Registry<ClientSelector>& registry, std::string* error) {
  return registry.add({"random", "uniform without replacement", make_random_selector}, error) &&
         registry.add({"oort", "Oort-like: statistical x system utility with exploration",
                       make_oort_selector},
                      error);
}

Registry<ClientSelector>& selector_registry() {
  static Registry<ClientSelector> registry = [] {
    Registry<ClientSelector> r;
    std::string error;
    if (!register_builtin_selectors(r, &error)) throw std::logic_error(error);
    return r;
  }();
  return registry;
}

}  // namespace edgetwin::scheduler_plugins::federated
