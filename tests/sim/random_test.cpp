#include "sim/random.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace edgetwin::sim {
namespace {

// Known-answer vectors of Philox4x32-10 from Random123's kat_vectors.
TEST(Random, PhiloxMatchesTheRandom123KnownAnswers) {
  struct Case {
    std::uint32_t ctr[4], key[2], out[4];
  };
  const Case cases[] = {
      {{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
      {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
       {0xffffffff, 0xffffffff},
       {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
      {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
       {0xa4093822, 0x299f31d0},
       {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}},
  };
  for (const Case& c : cases) {
    std::uint32_t out[4];
    philox4x32_10(c.ctr, c.key, out);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(out[i], c.out[i]) << "word " << i;
  }
}

TEST(Random, SameSeedEntityAndPurposeReproduceTheStream) {
  RandomStream a(42, 7, purpose_id("x")), b(42, 7, purpose_id("x"));
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.next_u64(), b.next_u64());
}

TEST(Random, StreamsOfOtherEntitiesPurposesOrSeedsDiffer) {
  RandomStream base(42, 7, 1);
  RandomStream other_entity(42, 8, 1), other_purpose(42, 7, 2), other_seed(43, 7, 1);
  int same_e = 0, same_p = 0, same_s = 0;
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t x = base.next_u64();
    same_e += x == other_entity.next_u64();
    same_p += x == other_purpose.next_u64();
    same_s += x == other_seed.next_u64();
  }
  EXPECT_EQ(same_e + same_p + same_s, 0);
}

// Independence: the sample correlation of uniforms from two neighbouring streams is ~N(0, 1/n);
// with n = 10^5, |r| < 5/sqrt(n) = 0.016 fails with probability < 1e-6.
TEST(Random, NeighbouringStreamsAreUncorrelated) {
  const int n = 100000;
  RandomStream a(1, 100, 5), b(1, 101, 5);
  double sa = 0, sb = 0, sab = 0, saa = 0, sbb = 0;
  for (int i = 0; i < n; ++i) {
    const double x = a.uniform01(), y = b.uniform01();
    sa += x, sb += y, sab += x * y, saa += x * x, sbb += y * y;
  }
  const double cov = sab / n - (sa / n) * (sb / n);
  const double r = cov / std::sqrt((saa / n - sa * sa / n / n) * (sbb / n - sb * sb / n / n));
  EXPECT_LT(std::fabs(r), 5.0 / std::sqrt(double(n)));
}

// Each distribution's sample mean and variance against the closed form: with n = 4*10^5 draws the
// standard error of the mean is sqrt(var/n); we allow 5 standard errors, and 5 % on the variance.
TEST(Random, DistributionsHaveTheirClosedFormMoments) {
  const Distribution cases[] = {
      Distribution::exponential(2.0),      Distribution::uniform(1.0, 3.0),
      Distribution::normal(5.0, 2.0),      Distribution::lognormal_mean_cv(0.3, 0.5),
      Distribution::weibull(1.5, 2.0),     Distribution::constant(4.0),
  };
  RandomStream rng(9, 0, 0);
  const int n = 400000;
  for (const Distribution& d : cases) {
    double s = 0, ss = 0;
    for (int i = 0; i < n; ++i) {
      const double x = d.sample(rng);
      s += x;
      ss += x * x;
    }
    const double mean = s / n, var = ss / n - mean * mean;
    EXPECT_NEAR(mean, d.mean(), 5.0 * std::sqrt(d.variance() / n) + 1e-12) << d.kind_name();
    EXPECT_NEAR(var, d.variance(), 0.05 * d.variance() + 1e-12) << d.kind_name();
  }
  EXPECT_NEAR(Distribution::lognormal_mean_cv(0.3, 0.5).mean(), 0.3, 1e-12);
}

TEST(Random, UniformIntegersCoverTheirRangeEvenly) {
  RandomStream rng(5, 0, 0);
  std::vector<int> counts(7, 0);
  const int n = 70000;
  for (int i = 0; i < n; ++i) ++counts[rng.uniform_int(7)];
  // Each count ~ Binomial(n, 1/7): mean 10000, sd 90.6; allow 5 sd.
  for (int c : counts) EXPECT_NEAR(c, 10000, 453);
}

TEST(Random, DiscreteAliasSamplingFollowsTheWeights) {
  DiscreteDistribution d({1.0, 0.0, 3.0, 6.0});
  RandomStream rng(5, 1, 0);
  std::vector<int> counts(4, 0);
  const int n = 100000;
  for (int i = 0; i < n; ++i) ++counts[d.sample(rng)];
  EXPECT_EQ(counts[1], 0);
  // Binomial sd for p = 0.1, 0.3, 0.6 at n = 1e5: 95, 145, 155; allow 5 sd.
  EXPECT_NEAR(counts[0], 10000, 475);
  EXPECT_NEAR(counts[2], 30000, 725);
  EXPECT_NEAR(counts[3], 60000, 775);
  EXPECT_THROW(DiscreteDistribution({0.0, 0.0}), std::invalid_argument);
}

}  // namespace
}  // namespace edgetwin::sim
