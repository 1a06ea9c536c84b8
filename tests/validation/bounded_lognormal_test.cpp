// Bounded lognormal execution times: the sampler against the truncated lognormal's closed-form
// mean, and the built-in faas-sim fits against the mean execution times published beside them
// (shared/reference/peer-faas-sim.md §4.2).
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "models/function_catalog.h"

namespace edgetwin::models {
namespace {

// X = loc + scale e^(sZ) given xmin <= X <= xmax, Z ~ N(0, 1), with a = ln((xmin - loc)/scale)/s
// and b likewise:
//   E[X] = loc + scale e^(s^2/2) (Phi(b - s) - Phi(a - s)) / (Phi(b) - Phi(a))
// (complete the square: e^(sz) phi(z) = e^(s^2/2) phi(z - s)). Checked here against the
// integral of x over the truncated density by Simpson's rule in z (20,000 steps), to 1e-9.
double integrated_mean(const BoundedLognormal& d) {
  const double a = d.xmin > d.loc ? std::log((d.xmin - d.loc) / d.scale) / d.s : -12.0;
  const double b = std::log((d.xmax - d.loc) / d.scale) / d.s;
  const int n = 20000;
  const double h = (b - a) / n;
  double num = 0, den = 0;
  for (int i = 0; i <= n; ++i) {
    const double z = a + i * h;
    const double w = (i == 0 || i == n) ? 1 : (i % 2 ? 4 : 2);
    const double pdf = std::exp(-z * z / 2) / std::sqrt(2 * std::numbers::pi);
    num += w * (d.loc + d.scale * std::exp(d.s * z)) * pdf;
    den += w * pdf;
  }
  return num / den;
}

TEST(BoundedLognormal, ClosedFormMeanEqualsTheIntegralOverTheTruncatedDensity) {
  for (const auto* d : {builtin_execution_time("resnet-inference-cpu", "rpi4"),
                        builtin_execution_time("resnet-training-gpu", "jetson-nano"),
                        builtin_execution_time("fio", "jetson-xavier-nx"),
                        builtin_start_time("pi")}) {
    ASSERT_NE(d, nullptr);
    EXPECT_NEAR(d->mean(), integrated_mean(*d), 1e-9 * d->mean());
  }
}

TEST(BoundedLognormal, SamplesStayWithinTheBoundsAndAverageToTheClosedFormMean) {
  // 200,000 draws each; the sample mean lies within 4 standard errors (s / sqrt(n), s the
  // sample standard deviation) of the closed form, a 6e-5 chance per case if the sampler is right.
  // The cases: a mild fit, a heavy tail cut by its bounds (nano training, s = 1.36, 1 - 2.5 % of
  // draws rejected) and the widest start-time fit.
  for (const auto* d : {builtin_execution_time("resnet-inference-cpu", "rpi4"),
                        builtin_execution_time("resnet-training-gpu", "jetson-nano"),
                        builtin_start_time("pi")}) {
    sim::RandomStream rng(42, 0, sim::purpose_id("bounded-lognormal-test"));
    const int n = 200000;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; ++i) {
      const double x = d->sample(rng);
      ASSERT_GE(x, d->xmin);
      ASSERT_LE(x, d->xmax);
      sum += x;
      sum2 += x * x;
    }
    const double mean = sum / n;
    const double sd = std::sqrt(sum2 / n - mean * mean);
    EXPECT_NEAR(mean, d->mean(), 4 * sd / std::sqrt(double(n)));
  }
}

// faas-sim's ai_mean_execution_times (§4.2), seconds, for the pairs whose fit's truncated mean
// we compare: every listed fit of the CPU inference, preprocessing, GPU and TPU images. Measured
// agreement: within 2 % for all but the four pairs with a wider tolerance below; python-pi is
// left out (its means table disagrees with its fits by up to 13x: §4.2 calls it an artefact).
struct Published {
  const char* function;
  const char* type;
  double mean_s;
  double tolerance;  // relative
};
constexpr Published kPublished[] = {
    {"resnet-inference-cpu", "cloud-vm", 0.170, 0.02},
    {"resnet-inference-cpu", "nuc", 0.157, 0.02},
    {"resnet-inference-cpu", "jetson-xavier-nx", 0.509, 0.02},
    {"resnet-inference-cpu", "jetson-tx2", 0.745, 0.02},
    {"resnet-inference-cpu", "jetson-nano", 0.928, 0.02},
    {"resnet-inference-cpu", "coral", 2.185, 0.02},
    {"resnet-inference-cpu", "rockpi", 1.378, 0.02},
    {"resnet-inference-cpu", "rpi4", 2.908, 0.02},
    {"resnet-inference-cpu", "rpi3", 5.095, 0.02},
    {"resnet-inference-gpu", "cloud-vm-gpu", 0.128, 0.02},
    {"resnet-inference-gpu", "jetson-xavier-nx", 0.388, 0.02},
    {"resnet-inference-gpu", "jetson-tx2", 0.395, 0.02},
    {"resnet-inference-gpu", "jetson-nano", 0.729, 0.02},
    {"mobilenet-inference-tflite", "cloud-vm", 0.283, 0.02},
    {"mobilenet-inference-tflite", "jetson-tx2", 0.328, 0.02},
    {"mobilenet-inference-tflite", "rpi3", 2.073, 0.02},
    {"mobilenet-inference-tpu", "coral", 0.548, 0.02},
    {"speech-inference-tflite", "rpi3", 16.559, 0.02},
    {"speech-inference-tflite", "coral", 7.214, 0.02},
    {"speech-inference-gpu", "jetson-nano", 4.544, 0.02},
    {"resnet-preprocessing", "rpi4", 19.503, 0.02},
    {"resnet-preprocessing", "nuc", 2.526, 0.02},
    {"resnet-training-gpu", "jetson-tx2", 228.1, 0.02},
    {"resnet-training-cpu", "nuc", 197.4, 0.02},
    {"tf-gpu", "jetson-tx2", 1.888, 0.02},
    {"fio", "rpi4", 27.81, 0.02},
    // Wider: the published mean sits further from the fit (measured 5.3 %, 4.7 %, 9.4 %).
    {"fio", "rpi3", 28.66, 0.06},
    {"tf-gpu", "jetson-nano", 0.621, 0.05},
    {"resnet-training-gpu", "jetson-nano", 847.2, 0.10},
};

TEST(BoundedLognormal, BuiltInFitsMatchThePublishedMeanExecutionTimes) {
  for (const Published& p : kPublished) {
    const BoundedLognormal* fit = builtin_execution_time(p.function, p.type);
    ASSERT_NE(fit, nullptr) << p.function << " on " << p.type;
    EXPECT_NEAR(fit->mean(), p.mean_s, p.tolerance * p.mean_s) << p.function << " on " << p.type;
    EXPECT_GE(fit->acceptance(), BoundedLognormal::kMinAcceptance);
  }
  // faas-sim lists no fit for these: they cannot run there.
  EXPECT_EQ(builtin_execution_time("resnet-inference-gpu", "rpi4"), nullptr);
  EXPECT_EQ(builtin_execution_time("mobilenet-inference-tpu", "jetson-nano"), nullptr);
  EXPECT_EQ(builtin_execution_time("fio", "coral"), nullptr);
  EXPECT_EQ(builtin_execution_time("resnet-inference-cpu", "server"), nullptr);
  EXPECT_TRUE(is_measured_profile("jetson-nano"));
  EXPECT_FALSE(is_measured_profile("server"));
}

TEST(Artifacts, BuiltInImageSizesArePerArchitecture) {
  // peer-faas-sim.md §4.4: resnet-inference-cpu 2000 MB (x86) / 700 (arm32) / 840 (aarch64);
  // mobilenet-inference-tpu exists for aarch64 only.
  const Artifact* resnet = find_builtin_artifact("resnet-inference-cpu");
  ASSERT_NE(resnet, nullptr);
  EXPECT_EQ(resnet->size_for("x86_64"), 2000'000'000);
  EXPECT_EQ(resnet->size_for("armv7"), 700'000'000);
  EXPECT_EQ(resnet->size_for("aarch64"), 840'000'000);
  EXPECT_EQ(find_builtin_artifact("mobilenet-inference-tpu")->size_for("x86_64"), -1);
  EXPECT_EQ(find_builtin_artifact("resnet50-model")->size_for("armv7"), 103'000'000);
}

}  // namespace
}  // namespace edgetwin::models
