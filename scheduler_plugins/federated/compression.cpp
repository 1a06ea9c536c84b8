#include "scheduler_plugins/federated/compression.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>

namespace edgetwin::scheduler_plugins::federated {
namespace {

void put32(std::uint8_t* at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) at[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint32_t get32(const std::uint8_t* at) {
  return std::uint32_t{at[0]} | (std::uint32_t{at[1]} << 8) | (std::uint32_t{at[2]} << 16) |
         (std::uint32_t{at[3]} << 24);
}
void put_float(std::uint8_t* at, float v) { put32(at, std::bit_cast<std::uint32_t>(v)); }
float get_float(const std::uint8_t* at) { return std::bit_cast<float>(get32(at)); }

}  // namespace

CompressionKind parse_compression_kind(const std::string& name) {
  if (name == "none") return CompressionKind::kNone;
  if (name == "topk") return CompressionKind::kTopK;
  if (name == "q8") return CompressionKind::kQuantize8;
  throw std::invalid_argument("unknown compression '" + name + "'; valid: none, q8, topk");
}

std::size_t topk_count(const CompressionSpec& spec, std::size_t n) {
  const double k = std::ceil(spec.topk_fraction * double(n));
  return std::clamp<std::size_t>(static_cast<std::size_t>(k), n == 0 ? 0 : 1, n);
}

std::size_t wire_bytes(const CompressionSpec& spec, std::size_t n) {
  switch (spec.kind) {
    case CompressionKind::kNone:
      return 4 * n;
    case CompressionKind::kTopK:
      return 4 + 8 * topk_count(spec, n);
    case CompressionKind::kQuantize8:
      return 8 + n;
  }
  return 0;
}

void encode(const CompressionSpec& spec, std::span<const double> update,
            std::vector<std::uint8_t>& wire, std::vector<std::uint32_t>& scratch) {
  for (double v : update) {
    if (!std::isfinite(v)) throw std::invalid_argument("compression: the update is not finite");
  }
  const std::size_t n = update.size();
  wire.resize(spec.kind == CompressionKind::kNone ? 0 : wire_bytes(spec, n));
  if (spec.kind == CompressionKind::kTopK) {
    const std::size_t k = topk_count(spec, n);
    scratch.resize(n);
    for (std::size_t i = 0; i < n; ++i) scratch[i] = static_cast<std::uint32_t>(i);
    auto larger = [&](std::uint32_t a, std::uint32_t b) {
      const double x = std::abs(update[a]), y = std::abs(update[b]);
      return x != y ? x > y : a < b;
    };
    std::nth_element(scratch.begin(), scratch.begin() + static_cast<std::ptrdiff_t>(k) - 1,
                     scratch.end(), larger);
    std::sort(scratch.begin(), scratch.begin() + static_cast<std::ptrdiff_t>(k));
    put32(wire.data(), static_cast<std::uint32_t>(k));
    for (std::size_t i = 0; i < k; ++i) {
      put32(wire.data() + 4 + 8 * i, scratch[i]);
      put_float(wire.data() + 8 + 8 * i, static_cast<float>(update[scratch[i]]));
    }
  } else if (spec.kind == CompressionKind::kQuantize8) {
    double lo = 0.0, hi = 0.0;
    if (n > 0) {
      const auto [a, b] = std::minmax_element(update.begin(), update.end());
      lo = *a;
      hi = *b;
    }
    const float min = static_cast<float>(lo);
    const float step = static_cast<float>((hi - double(min)) / 255.0);
    put_float(wire.data(), min);
    put_float(wire.data() + 4, step);
    for (std::size_t i = 0; i < n; ++i) {
      const double q = step > 0.0f ? std::round((update[i] - double(min)) / double(step)) : 0.0;
      wire[8 + i] = static_cast<std::uint8_t>(std::clamp(q, 0.0, 255.0));
    }
  }
}

void decode(const CompressionSpec& spec, std::span<const std::uint8_t> wire,
            std::span<double> update) {
  const std::size_t n = update.size();
  if (spec.kind == CompressionKind::kNone) return;
  if (spec.kind == CompressionKind::kTopK) {
    if (wire.size() < 4) throw std::invalid_argument("top-k update: shorter than its header");
    const std::size_t k = get32(wire.data());
    if (wire.size() != 4 + 8 * k || k > n) {
      throw std::invalid_argument("top-k update: " + std::to_string(wire.size()) +
                                  " bytes do not hold " + std::to_string(k) + " of " +
                                  std::to_string(n) + " values");
    }
    std::fill(update.begin(), update.end(), 0.0);
    for (std::size_t i = 0; i < k; ++i) {
      const std::uint32_t index = get32(wire.data() + 4 + 8 * i);
      if (index >= n) throw std::invalid_argument("top-k update: index out of range");
      update[index] = get_float(wire.data() + 8 + 8 * i);
    }
    return;
  }
  if (wire.size() != 8 + n) {
    throw std::invalid_argument("q8 update: " + std::to_string(wire.size()) + " bytes for " +
                                std::to_string(n) + " values");
  }
  const double min = get_float(wire.data()), step = get_float(wire.data() + 4);
  for (std::size_t i = 0; i < n; ++i) update[i] = min + double(wire[8 + i]) * step;
}

}  // namespace edgetwin::scheduler_plugins::federated
