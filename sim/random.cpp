#include "sim/random.h"

#include <numbers>
#include <stdexcept>

namespace edgetwin::sim {

__extension__ typedef unsigned __int128 u128;  // GCC and Clang extension: exact 64x64 products

void philox4x32_10(const std::uint32_t counter[4], const std::uint32_t key[2],
                   std::uint32_t out[4]) {
  constexpr std::uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;
  constexpr std::uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;
  std::uint32_t c0 = counter[0], c1 = counter[1], c2 = counter[2], c3 = counter[3];
  std::uint32_t k0 = key[0], k1 = key[1];
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 += kW0;
      k1 += kW1;
    }
    const std::uint64_t p0 = std::uint64_t{kM0} * c0;
    const std::uint64_t p1 = std::uint64_t{kM1} * c2;
    const auto hi0 = static_cast<std::uint32_t>(p0 >> 32), lo0 = static_cast<std::uint32_t>(p0);
    const auto hi1 = static_cast<std::uint32_t>(p1 >> 32), lo1 = static_cast<std::uint32_t>(p1);
    c0 = hi1 ^ c1 ^ k0;
    c1 = lo1;
    c2 = hi0 ^ c3 ^ k1;
    c3 = lo0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

void RandomStream::refill() {
  const std::uint32_t counter[4] = {static_cast<std::uint32_t>(counter_),
                                    static_cast<std::uint32_t>(counter_ >> 32), entity_, purpose_};
  std::uint32_t out[4];
  philox4x32_10(counter, key_, out);
  buffer_[0] = std::uint64_t{out[0]} | (std::uint64_t{out[1]} << 32);
  buffer_[1] = std::uint64_t{out[2]} | (std::uint64_t{out[3]} << 32);
  ++counter_;
  used_ = 0;
}

std::uint64_t RandomStream::uniform_int(std::uint64_t n) {
  std::uint64_t x = next_u64();
  u128 m = static_cast<u128>(x) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      x = next_u64();
      m = static_cast<u128>(x) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

double RandomStream::normal(double mu, double sigma) {
  const double r = std::sqrt(-2.0 * std::log(uniform01_open_low()));
  return mu + sigma * r * std::cos(2.0 * std::numbers::pi * uniform01());
}

DiscreteDistribution::DiscreteDistribution(const std::vector<double>& weights) {
  const std::size_t n = weights.size();
  double total = 0.0;
  for (double w : weights) {
    if (!(w >= 0.0)) throw std::invalid_argument("discrete distribution: negative weight");
    total += w;
  }
  if (n == 0 || !(total > 0.0)) {
    throw std::invalid_argument("discrete distribution: needs a positive total weight");
  }
  prob_.assign(n, 0.0);
  alias_.assign(n, 0);
  std::vector<double> scaled(n);
  std::vector<std::uint32_t> small, large;
  for (std::size_t i = 0; i < n; ++i) {
    scaled[i] = weights[i] * static_cast<double>(n) / total;
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
  }
  while (!small.empty() && !large.empty()) {
    const std::uint32_t s = small.back(), l = large.back();
    small.pop_back();
    prob_[s] = scaled[s];
    alias_[s] = l;
    scaled[l] = (scaled[l] + scaled[s]) - 1.0;
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  for (std::uint32_t i : large) prob_[i] = 1.0;
  for (std::uint32_t i : small) prob_[i] = 1.0;  // rounding leftovers
}

std::size_t DiscreteDistribution::sample(RandomStream& rng) const {
  const std::size_t column = rng.uniform_int(prob_.size());
  return rng.uniform01() < prob_[column] ? column : alias_[column];
}

Distribution Distribution::lognormal_mean_cv(double mean, double cv) {
  const double sigma2 = std::log1p(cv * cv);
  return lognormal(std::log(mean) - sigma2 / 2.0, std::sqrt(sigma2));
}

double Distribution::sample(RandomStream& rng) const {
  switch (kind) {
    case Kind::kConstant: return a;
    case Kind::kExponential: return rng.exponential(a);
    case Kind::kUniform: return rng.uniform(a, b);
    case Kind::kNormal: return rng.normal(a, b);
    case Kind::kLognormal: return rng.lognormal(a, b);
    case Kind::kWeibull: return rng.weibull(a, b);
  }
  return a;
}

double Distribution::mean() const {
  switch (kind) {
    case Kind::kConstant: return a;
    case Kind::kExponential: return a;
    case Kind::kUniform: return (a + b) / 2.0;
    case Kind::kNormal: return a;
    case Kind::kLognormal: return std::exp(a + b * b / 2.0);
    case Kind::kWeibull: return b * std::tgamma(1.0 + 1.0 / a);
  }
  return a;
}

double Distribution::variance() const {
  switch (kind) {
    case Kind::kConstant: return 0.0;
    case Kind::kExponential: return a * a;
    case Kind::kUniform: return (b - a) * (b - a) / 12.0;
    case Kind::kNormal: return b * b;
    case Kind::kLognormal: return std::expm1(b * b) * std::exp(2.0 * a + b * b);
    case Kind::kWeibull: {
      const double g1 = std::tgamma(1.0 + 1.0 / a);
      return b * b * (std::tgamma(1.0 + 2.0 / a) - g1 * g1);
    }
  }
  return 0.0;
}

const char* Distribution::kind_name() const {
  switch (kind) {
    case Kind::kConstant: return "constant";
    case Kind::kExponential: return "exponential";
    case Kind::kUniform: return "uniform";
    case Kind::kNormal: return "normal";
    case Kind::kLognormal: return "lognormal";
    case Kind::kWeibull: return "weibull";
  }
  return "?";
}

}  // namespace edgetwin::sim
