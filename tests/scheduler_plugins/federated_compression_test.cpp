#include <gtest/gtest.h>

#include <cmath>

#include "scheduler_plugins/federated/compression.h"
#include "sim/random.h"

namespace edgetwin::scheduler_plugins::federated {
namespace {

std::vector<double> round_trip(const CompressionSpec& spec, const std::vector<double>& u,
                               std::size_t* bytes) {
  std::vector<std::uint8_t> wire;
  std::vector<std::uint32_t> scratch;
  encode(spec, u, wire, scratch);
  *bytes = wire.size();
  std::vector<double> out(u.size());
  decode(spec, wire, out);
  return out;
}

TEST(FederatedCompression, WireBytesAreExact) {
  // n = 7,850 (softmax on Fashion-MNIST). none: 4 n = 31,400. top-k 1 %: k = ceil(78.5) = 79,
  // 4 + 8 x 79 = 636. q8: 8 + n = 7,858.
  EXPECT_EQ(wire_bytes({CompressionKind::kNone, 0.01}, 7850), 31400u);
  EXPECT_EQ(topk_count({CompressionKind::kTopK, 0.01}, 7850), 79u);
  EXPECT_EQ(wire_bytes({CompressionKind::kTopK, 0.01}, 7850), 636u);
  EXPECT_EQ(wire_bytes({CompressionKind::kQuantize8, 0.01}, 7850), 7858u);
  // The encoder writes exactly that many bytes.
  std::vector<double> u(7850);
  sim::RandomStream rng(3, 0, 0);
  for (double& x : u) x = rng.normal(0.0, 1.0);
  std::size_t bytes = 0;
  round_trip({CompressionKind::kTopK, 0.01}, u, &bytes);
  EXPECT_EQ(bytes, 636u);
  round_trip({CompressionKind::kQuantize8, 0.01}, u, &bytes);
  EXPECT_EQ(bytes, 7858u);
}

TEST(FederatedCompression, TopKKeepsTheLargestMagnitudesLowerIndexOnTies) {
  // k = ceil(6 / 3) = 2: |-5| first, then 3 (index 2) and -3 (index 4) tie: index 2 wins. The
  // values are sent as float32: 3 and -5 are exact.
  const std::vector<double> u = {0.1, -5, 3, 0.2, -3, 1};
  std::size_t bytes = 0;
  const auto out = round_trip({CompressionKind::kTopK, 1.0 / 3.0}, u, &bytes);
  EXPECT_EQ(bytes, 4u + 8u * 2u);
  EXPECT_EQ(out, (std::vector<double>{0, -5, 3, 0, 0, 0}));
}

TEST(FederatedCompression, EightBitQuantisationErrorIsAtMostHalfAStep) {
  // Values in [-2, 6] (min and max included): step = 8 / 255 = 0.0314; every decoded value is
  // within step / 2 = 0.0157 of the original (plus float32 rounding of min and step: q x step
  // carries at most 255 x 2^-24 x step relative error, far below 1e-6).
  std::vector<double> u = {-2.0, 6.0};
  sim::RandomStream rng(4, 0, 0);
  for (int i = 0; i < 1000; ++i) u.push_back(rng.uniform(-2.0, 6.0));
  std::size_t bytes = 0;
  const auto out = round_trip({CompressionKind::kQuantize8, 0.01}, u, &bytes);
  const double half_step = 8.0 / 255.0 / 2.0;
  double worst = 0.0;
  for (std::size_t i = 0; i < u.size(); ++i) worst = std::max(worst, std::abs(out[i] - u[i]));
  EXPECT_LE(worst, half_step + 1e-6);
  EXPECT_GT(worst, 0.5 * half_step);  // it is a real quantiser, not a copy
  EXPECT_EQ(out[0], -2.0);
  EXPECT_NEAR(out[1], 6.0, 1e-6);
  // A constant update has step 0 and comes back exactly.
  const auto flat = round_trip({CompressionKind::kQuantize8, 0.01}, {0.5, 0.5, 0.5}, &bytes);
  EXPECT_EQ(flat, (std::vector<double>{0.5, 0.5, 0.5}));
}

TEST(FederatedCompression, MalformedWireAndNonFiniteUpdatesAreRefused) {
  std::vector<double> out(4);
  const std::vector<std::uint8_t> short_topk = {2, 0, 0, 0, 1, 0, 0, 0};  // k = 2, one entry
  EXPECT_THROW(decode({CompressionKind::kTopK, 0.5}, short_topk, out), std::invalid_argument);
  const std::vector<std::uint8_t> short_q8(11);  // needs 8 + 4
  EXPECT_THROW(decode({CompressionKind::kQuantize8, 0.5}, short_q8, out), std::invalid_argument);
  std::vector<std::uint8_t> wire;
  std::vector<std::uint32_t> scratch;
  const std::vector<double> not_finite = {1.0, NAN};
  EXPECT_THROW(encode({CompressionKind::kQuantize8, 0.5}, not_finite, wire, scratch),
               std::invalid_argument);
  EXPECT_THROW(parse_compression_kind("zip"), std::invalid_argument);
}

}  // namespace
}  // namespace edgetwin::scheduler_plugins::federated
