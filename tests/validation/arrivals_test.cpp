// Validation of the arrival processes against their closed forms. Each test states the expected
// counts, their derivation and the tolerance right above the assertion (STYLE.md habit 11). The
// streams are seeded, so each test is deterministic; the tolerances say how unlikely a failure
// of a correct sampler would be for a fresh seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>
#include <vector>

#include "models/arrivals.h"

namespace edgetwin::models {
namespace {

// Arrivals of `p` in [0, horizon), counted per bin of `bin` seconds.
std::vector<double> counts(const ArrivalProcess& p, double rate, double horizon_s, double bin_s,
                           std::uint32_t entity = 0) {
  std::vector<double> out(static_cast<std::size_t>(horizon_s / bin_s), 0.0);
  ArrivalStream s(p, rate, 2026, entity, 0);
  const sim::Time end = sim::from_seconds(horizon_s);
  for (sim::Time t = s.next(p, 0); t < end; t = s.next(p, t)) {
    out[static_cast<std::size_t>(sim::to_seconds(t) / bin_s)] += 1.0;
  }
  return out;
}

// Per hour of the day, the counts summed over all days.
std::vector<double> per_hour_of_day(const std::vector<double>& hourly) {
  std::vector<double> out(24, 0.0);
  for (std::size_t i = 0; i < hourly.size(); ++i) out[i % 24] += hourly[i];
  return out;
}

// Pearson's statistic sum (n - mu)^2 / mu over bins with mu > 0.
double chi_square(const std::vector<double>& n, const std::vector<double>& mu) {
  double x = 0.0;
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (mu[i] > 0) x += (n[i] - mu[i]) * (n[i] - mu[i]) / mu[i];
  }
  return x;
}

// The 99.9% quantile of chi-square with 24 degrees of freedom (tables: 51.18).
constexpr double kChi2_24_999 = 51.18;

TEST(DiurnalArrivals, SinusoidCountsPerHourOfDayMatchTheIntegralOfTheRate) {
  ArrivalProcess p;
  p.kind = ArrivalProcess::Kind::kDiurnal;
  p.amplitude = 0.8;
  p.peak = 15 * sim::kHour;
  const double mean = 2.0, days = 30;
  const auto n = per_hour_of_day(counts(p, mean, days * 86400, 3600));
  // rate(t) = m (1 + a sin(w (t - peak + P/4))), w = 2 pi / P, so over hour h of one day
  //   integral = m * 3600 - (m a / w) [cos(w (t1 - peak + P/4)) - cos(w (t0 - peak + P/4))],
  // t0 = 3600 h, t1 = t0 + 3600. Summed over `days` days the count of hour h is Poisson with
  // mean mu_h = days * integral (a non-homogeneous Poisson process has independent Poisson counts
  // over disjoint sets). Tolerance: each hour within 5 sqrt(mu_h) (two-sided 5.7e-7 per hour),
  // and Pearson's chi-square over the 24 hours (24 degrees of freedom: nothing is fitted) below
  // its 99.9% quantile.
  const double P = 86400, w = 2 * std::numbers::pi / P, peak = 15 * 3600.0;
  std::vector<double> mu(24);
  for (int h = 0; h < 24; ++h) {
    const double t0 = 3600.0 * h, t1 = t0 + 3600;
    const double integral = mean * 3600 - mean * p.amplitude / w *
                                              (std::cos(w * (t1 - peak + P / 4)) -
                                               std::cos(w * (t0 - peak + P / 4)));
    mu[h] = days * integral;
    EXPECT_NEAR(n[h], mu[h], 5 * std::sqrt(mu[h])) << "hour " << h;
  }
  EXPECT_LT(chi_square(n, mu), kChi2_24_999);
  // The shape, plainly: the busiest hour is the one around the peak (14:30-15:30 straddles it, so
  // hours 14 and 15 hold the same mean), the quietest is 12 hours away.
  const auto busiest = std::max_element(n.begin(), n.end()) - n.begin();
  const auto quietest = std::min_element(n.begin(), n.end()) - n.begin();
  EXPECT_TRUE(busiest == 14 || busiest == 15) << busiest;
  EXPECT_TRUE(quietest == 2 || quietest == 3) << quietest;
}

TEST(DiurnalArrivals, APeriodOtherThanADayShiftsThePeakWithIt) {
  // Period 6 h, peak at 1 h: over each 6-hour cycle, hour k holds the integral of the sinusoid
  // as above with P = 6 h. 40 days = 160 cycles at mean 1/s; same tolerance as above (6 bins:
  // chi-square 99.9% quantile with 6 degrees of freedom is 22.46).
  ArrivalProcess p;
  p.kind = ArrivalProcess::Kind::kDiurnal;
  p.amplitude = 0.5;
  p.period = 6 * sim::kHour;
  p.peak = 1 * sim::kHour;
  const double mean = 1.0, cycles = 160;
  const auto hourly = counts(p, mean, cycles * 6 * 3600, 3600);
  std::vector<double> n(6, 0.0), mu(6);
  for (std::size_t i = 0; i < hourly.size(); ++i) n[i % 6] += hourly[i];
  const double P = 6 * 3600.0, w = 2 * std::numbers::pi / P, peak = 3600;
  for (int h = 0; h < 6; ++h) {
    const double t0 = 3600.0 * h, t1 = t0 + 3600;
    mu[h] = cycles * (mean * 3600 - mean * p.amplitude / w *
                                        (std::cos(w * (t1 - peak + P / 4)) -
                                         std::cos(w * (t0 - peak + P / 4))));
    EXPECT_NEAR(n[h], mu[h], 5 * std::sqrt(mu[h])) << "hour " << h;
  }
  EXPECT_LT(chi_square(n, mu), 22.46);
}

TEST(DiurnalArrivals, ProfileCountsPerHourMatchTheHourlyRates) {
  // A workday shape with silent night hours. Hour h of each day is a Poisson count of mean
  // 3600 r_h, so over `days` days mu_h = days * 3600 * r_h. Silent hours must hold exactly 0;
  // the others within 5 sqrt(mu_h) each, and chi-square over the 18 non-zero hours below the
  // 99.9% quantile with 18 degrees of freedom (42.31).
  ArrivalProcess p;
  p.kind = ArrivalProcess::Kind::kDiurnal;
  p.hourly_per_s = {0,   0,   0,   0,   0,   0,   0.2, 0.6, 1.5, 2.0, 2.2, 2.4,
                    2.8, 2.5, 2.1, 2.0, 1.8, 1.9, 2.6, 3.0, 2.2, 1.2, 0.6, 0.3};
  const double days = 40;
  const auto n = per_hour_of_day(counts(p, p.mean_rate_per_s(0), days * 86400, 3600));
  std::vector<double> mu(24);
  for (int h = 0; h < 24; ++h) {
    mu[h] = days * 3600 * p.hourly_per_s[h];
    if (mu[h] == 0) {
      EXPECT_EQ(n[h], 0) << "hour " << h;
    } else {
      EXPECT_NEAR(n[h], mu[h], 5 * std::sqrt(mu[h])) << "hour " << h;
    }
  }
  EXPECT_LT(chi_square(n, mu), 42.31);
}

TEST(DiurnalArrivals, ASparseProfileSkipsWholeDaysAndKeepsItsCount) {
  // One hour a day at 0.001/s: 3.6 expected arrivals a day, so most Exp(1) draws span days (the
  // whole-day skip of the inversion). Over 3000 days all arrivals fall in hour 13 and their count
  // is Poisson of mean 3000 * 3.6 = 10800: within 5 sqrt(10800) = 520.
  ArrivalProcess p;
  p.kind = ArrivalProcess::Kind::kDiurnal;
  p.hourly_per_s.assign(24, 0.0);
  p.hourly_per_s[13] = 0.001;
  const auto n = per_hour_of_day(counts(p, p.mean_rate_per_s(0), 3000 * 86400.0, 3600));
  for (int h = 0; h < 24; ++h) {
    if (h != 13) {
      EXPECT_EQ(n[h], 0) << "hour " << h;
    }
  }
  EXPECT_NEAR(n[13], 10800, 5 * std::sqrt(10800.0));
}

// Mean and variance of counts in windows of w seconds, and the standard error of the mean rate
// from batch means (100 batches of consecutive windows).
struct WindowStats {
  double rate, rate_se, index_of_dispersion;
};
WindowStats window_stats(const std::vector<double>& c, double w) {
  double sum = 0, sq = 0;
  for (double x : c) sum += x;
  const double m = sum / static_cast<double>(c.size());
  for (double x : c) sq += (x - m) * (x - m);
  const double var = sq / static_cast<double>(c.size() - 1);
  const std::size_t batches = 100, per = c.size() / batches;
  std::vector<double> b(batches, 0.0);
  for (std::size_t i = 0; i < batches * per; ++i) b[i / per] += c[i] / (static_cast<double>(per) * w);
  double bm = 0, bs = 0;
  for (double x : b) bm += x / batches;
  for (double x : b) bs += (x - bm) * (x - bm);
  return {m / w, std::sqrt(bs / (batches - 1) / batches), var / m};
}

TEST(MmppArrivals, TwoStateLongRunRateAndBurstinessMatchTheClosedForms) {
  // States: rate 2/s for a mean 60 s, rate 40/s for a mean 10 s. Leaving rates r1 = 1/60,
  // r2 = 1/10; pi = (r2, r1) / (r1 + r2) = (6/7, 1/7), so the long-run rate is
  // sum pi_i lambda_i = (12 + 40) / 7 = 7.4286/s.
  // A Cox process has Var N(w) = E N(w) + Var(integral of lambda over w). The rate's covariance
  // here is pi1 pi2 (l1 - l2)^2 exp(-s tau), s = r1 + r2, so the index of dispersion of counts
  // in windows of w is
  //   I(w) = 1 + 2 pi1 pi2 (l1 - l2)^2 / (lbar s) * (1 - (1 - exp(-s w)) / (s w)),
  // about 374 for w = 100 s (burstiness: a Poisson process has I = 1).
  // Tolerances: the rate within 4 standard errors of batch means (100 batches of 1e4 s); the
  // index within 15% (its relative sampling error with 1e4 nearly independent windows is about
  // sqrt(2 / 1e4) = 1.4%, inflated by the long-tailed window counts).
  ArrivalProcess p;
  p.kind = ArrivalProcess::Kind::kMmpp;
  p.states = {{2.0, 60.0}, {40.0, 10.0}};
  const double l1 = 2, l2 = 40, r1 = 1.0 / 60, r2 = 1.0 / 10, s = r1 + r2;
  const double pi1 = r2 / s, pi2 = r1 / s, lbar = pi1 * l1 + pi2 * l2;
  ASSERT_NEAR(p.mean_rate_per_s(0), lbar, 1e-12);
  const double w = 100;
  const WindowStats st = window_stats(counts(p, 0, 1e6, w), w);
  EXPECT_NEAR(st.rate, lbar, 4 * st.rate_se) << "se " << st.rate_se;
  EXPECT_LT(st.rate_se / lbar, 0.02);  // the batch means resolve the rate to 2%
  const double index =
      1 + 2 * pi1 * pi2 * (l1 - l2) * (l1 - l2) / (lbar * s) * (1 - (1 - std::exp(-s * w)) / (s * w));
  EXPECT_NEAR(st.index_of_dispersion, index, 0.15 * index);

  // A Poisson process of the same mean rate, counted the same way: I(w) = 1 exactly; with 1e4
  // windows the estimate's standard error is sqrt(2 / 1e4) = 0.014, so within 0.07 (5 se).
  const WindowStats poisson = window_stats(counts(ArrivalProcess{}, lbar, 1e6, w), w);
  EXPECT_NEAR(poisson.index_of_dispersion, 1.0, 0.07);
  EXPECT_NEAR(poisson.rate, lbar, 4 * poisson.rate_se);
}

TEST(MmppArrivals, ThreeStateLongRunRateIsTheStationaryMean) {
  // Three states, the next one uniform over the others: the jump chain is doubly stochastic, so
  // it visits each state equally often and pi_i = m_i / sum m_j = (30, 20, 5) / 55; the rate is
  // (1 * 30 + 10 * 20 + 50 * 5) / 55 = 8.7273/s. A silent-free but very unequal mix. Tolerance:
  // 4 standard errors of 100 batch means over 2e6 s.
  ArrivalProcess p;
  p.kind = ArrivalProcess::Kind::kMmpp;
  p.states = {{1.0, 30.0}, {10.0, 20.0}, {50.0, 5.0}};
  const double lbar = (30.0 + 200.0 + 250.0) / 55.0;
  ASSERT_NEAR(p.mean_rate_per_s(0), lbar, 1e-12);
  const WindowStats st = window_stats(counts(p, 0, 2e6, 100), 100);
  EXPECT_NEAR(st.rate, lbar, 4 * st.rate_se) << "se " << st.rate_se;
  EXPECT_LT(st.rate_se / lbar, 0.02);
  EXPECT_GT(st.index_of_dispersion, 10.0);
}

TEST(MmppArrivals, AnOnOffProcessIsSilentInItsOffState) {
  // On-off (an interrupted Poisson process): rate 20/s for a mean 5 s, then 0 for a mean 15 s.
  // pi_on = 5 / 20, so the long-run rate is 5/s; tolerance 4 standard errors of batch means.
  ArrivalProcess p;
  p.kind = ArrivalProcess::Kind::kMmpp;
  p.states = {{20.0, 5.0}, {0.0, 15.0}};
  const WindowStats st = window_stats(counts(p, 0, 1e6, 100), 100);
  EXPECT_NEAR(st.rate, 5.0, 4 * st.rate_se);
  // With 1 s windows, about 3/4 of them lie wholly in off periods and hold no arrival: more than
  // half of the windows are empty (a Poisson process at 5/s leaves exp(-5) = 0.7% empty).
  const auto c = counts(p, 0, 1e5, 1);
  const auto empty = std::count(c.begin(), c.end(), 0.0);
  EXPECT_GT(static_cast<double>(empty) / static_cast<double>(c.size()), 0.5);
}

// ---- Azure trace replay ----------------------------------------------------------------------

// One trace row holding `per_minute` invocations in every minute of the day.
ArrivalProcess flat_trace(std::uint32_t per_minute) {
  auto counts = std::make_shared<MinuteCounts>();
  for (std::uint16_t m = 0; m < 1440; ++m) {
    counts->minute.push_back(m);
    counts->count.push_back(per_minute);
  }
  counts->row_begin.push_back(1440);
  counts->file_row.push_back(0);
  counts->total = 1440ull * per_minute;
  ArrivalProcess p;
  p.kind = ArrivalProcess::Kind::kAzureTrace;
  p.minute_counts = counts;
  p.repeat = false;
  return p;
}

// Each arrival's position in its minute, as a fraction, in arrival order.
std::vector<double> positions_in_minute(const ArrivalProcess& p, std::uint64_t seed = 2026) {
  ArrivalStream s(p, 1.0, seed, 0, 0);
  std::vector<double> out;
  for (sim::Time t = s.next(p, 0); t != sim::kTimeMax; t = s.next(p, t)) {
    out.push_back(static_cast<double>(t % sim::kMinute) / static_cast<double>(sim::kMinute));
  }
  return out;
}

// Kolmogorov-Smirnov distance between the sample and the uniform distribution on [0, 1).
double ks_uniform(std::vector<double> x) {
  std::sort(x.begin(), x.end());
  const double n = static_cast<double>(x.size());
  double d = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    d = std::max({d, static_cast<double>(i + 1) / n - x[i], x[i] - static_cast<double>(i) / n});
  }
  return d;
}

TEST(AzureTraceArrivals, RequestsAreSpreadUniformlyWithinTheirMinute) {
  // 50 invocations in each of 1440 minutes: the positions in the minute, pooled (n = 72000),
  // are uniform on [0, 1) when each minute's 50 are sorted uniforms. Tolerance: the KS distance
  // below its 0.1% critical value 1.95 / sqrt(n) = 0.00727.
  const ArrivalProcess p = flat_trace(50);
  const auto x = positions_in_minute(p);
  ASSERT_EQ(x.size(), 72000u);
  EXPECT_LT(ks_uniform(x), 1.95 / std::sqrt(72000.0));
  // Each minute's first position is the minimum of 50 uniforms, Beta(1, 50): mean 1/51, standard
  // deviation sqrt(50 / (51^2 * 52)) = 0.01923. The mean over 1440 minutes has standard error
  // 0.01923 / sqrt(1440) = 0.000507; tolerance 5 of those. The k-th of 50 likewise has mean
  // k / 51: the 25th (Beta(25, 26), sd 0.0693, se 0.00183) is checked too.
  double first = 0.0, middle = 0.0;
  for (std::size_t m = 0; m < 1440; ++m) {
    first += x[m * 50];
    middle += x[m * 50 + 24];
  }
  EXPECT_NEAR(first / 1440.0, 1.0 / 51.0, 5 * 0.000507);
  EXPECT_NEAR(middle / 1440.0, 25.0 / 51.0, 5 * 0.00183);
}

TEST(AzureTraceArrivals, ASingleInvocationFallsUniformlyInItsMinute) {
  // One per minute: the position is 1 - V, uniform; 1440 samples, KS below 1.95 / sqrt(1440).
  EXPECT_LT(ks_uniform(positions_in_minute(flat_trace(1))), 1.95 / std::sqrt(1440.0));
}

TEST(AzureTraceArrivals, AFractionalScaleGivesScaleTimesTheCountsOnAverage) {
  // Each minute holds floor(s) c + Binomial(c, s - floor(s)), independently, so the day's total
  // over N = 1440 * 40 = 57600 invocations is floor(s) N + Binomial(N, f), f = s - floor(s):
  // mean s N, standard deviation sqrt(N f (1 - f)). Tolerance 5 standard deviations, for a
  // thinning below 1/2, one above (the sampler counts the rarer outcome) and a scale above 1.
  for (const double scale : {0.3, 0.8, 2.4}) {
    ArrivalProcess p = flat_trace(40);
    p.scale = scale;
    const double n = 57600.0, f = scale - std::floor(scale);
    const auto got = static_cast<double>(positions_in_minute(p).size());
    EXPECT_NEAR(got, scale * n, 5 * std::sqrt(n * f * (1 - f))) << "scale " << scale;
  }
}

}  // namespace
}  // namespace edgetwin::models
