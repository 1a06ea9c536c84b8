// Counter-based random streams.
//
// Every random draw of a run comes from a stream named by (seed, entity, purpose), never from a
// shared generator (DESIGN.md, contract 2). A stream is Philox4x32-10 (Salmon et al., SC'11,
// "Parallel random numbers: as easy as 1, 2, 3") keyed with the 64-bit seed; its 128-bit counter is
// (draw index: 64 bits, entity: 32 bits, purpose: 32 bits). Distinct (entity, purpose) pairs thus
// walk disjoint counter ranges of one bijection: streams never overlap, whatever the order in which
// they are used, so results do not depend on threads or on which other streams exist.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

namespace edgetwin::sim {

// A purpose as a compile-time constant from a readable name: purpose_id("service-time").
constexpr std::uint32_t purpose_id(std::string_view name) {
  std::uint32_t h = 2166136261u;  // FNV-1a
  for (char c : name) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 16777619u;
  }
  return h;
}

class RandomStream {
 public:
  RandomStream() = default;
  RandomStream(std::uint64_t seed, std::uint32_t entity, std::uint32_t purpose)
      : key_{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)},
        entity_(entity),
        purpose_(purpose) {}

  // 64 uniformly distributed bits.
  std::uint64_t next_u64() {
    if (used_ == 2) refill();
    return buffer_[used_++];
  }
  // Uniform on [0, 1), 53 bits.
  double uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Uniform on (0, 1]: safe to take the logarithm of.
  double uniform01_open_low() { return (static_cast<double>(next_u64() >> 11) + 1.0) * 0x1.0p-53; }
  double uniform(double low, double high) { return low + (high - low) * uniform01(); }
  // Uniform integer in [0, n), unbiased (Lemire's multiply-and-reject). REQUIRES n > 0.
  std::uint64_t uniform_int(std::uint64_t n);

  double exponential(double mean) { return -mean * std::log(uniform01_open_low()); }
  double normal(double mu, double sigma);  // Box-Muller; uses two draws, caches none
  double lognormal(double mu, double sigma) { return std::exp(normal(mu, sigma)); }
  // Weibull with shape k and scale lambda: lambda * (-ln U)^(1/k).
  double weibull(double shape, double scale) {
    return scale * std::pow(-std::log(uniform01_open_low()), 1.0 / shape);
  }

  // Draws taken so far (a block of Philox gives two).
  std::uint64_t blocks_used() const { return counter_; }

 private:
  void refill();

  std::uint32_t key_[2] = {0, 0};
  std::uint32_t entity_ = 0;
  std::uint32_t purpose_ = 0;
  std::uint64_t counter_ = 0;
  std::uint64_t buffer_[2] = {0, 0};
  int used_ = 2;
};

// One Philox4x32-10 block: exposed for the known-answer test.
void philox4x32_10(const std::uint32_t counter[4], const std::uint32_t key[2],
                   std::uint32_t out[4]);

// A discrete distribution over 0..n-1 with the given non-negative weights, sampled in O(1) by
// Walker's alias method (Vose's construction). REQUIRES: some weight > 0.
class DiscreteDistribution {
 public:
  DiscreteDistribution() = default;
  explicit DiscreteDistribution(const std::vector<double>& weights);
  std::size_t sample(RandomStream& rng) const;
  std::size_t size() const { return prob_.size(); }

 private:
  std::vector<double> prob_;
  std::vector<std::uint32_t> alias_;
};

// A continuous distribution as a value, as scenario files describe them. Parameters are in the
// caller's unit (seconds for durations).
struct Distribution {
  enum class Kind { kConstant, kExponential, kUniform, kNormal, kLognormal, kWeibull };
  Kind kind = Kind::kConstant;
  double a = 0.0;  // constant: value; exponential: mean; uniform: low; normal: mean;
                   // lognormal: mu (of the log); weibull: shape
  double b = 0.0;  // uniform: high; normal: stddev; lognormal: sigma; weibull: scale

  static Distribution constant(double v) { return {Kind::kConstant, v, 0.0}; }
  static Distribution exponential(double mean) { return {Kind::kExponential, mean, 0.0}; }
  static Distribution uniform(double low, double high) { return {Kind::kUniform, low, high}; }
  static Distribution normal(double mean, double stddev) { return {Kind::kNormal, mean, stddev}; }
  static Distribution lognormal(double mu, double sigma) { return {Kind::kLognormal, mu, sigma}; }
  static Distribution weibull(double shape, double scale) { return {Kind::kWeibull, shape, scale}; }
  // Lognormal with the given mean and coefficient of variation (stddev / mean).
  static Distribution lognormal_mean_cv(double mean, double cv);

  double sample(RandomStream& rng) const;
  double mean() const;
  double variance() const;
  const char* kind_name() const;
};

}  // namespace edgetwin::sim
