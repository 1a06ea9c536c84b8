// Update compression on the uplink: top-k sparsification and 8-bit quantisation. encode() writes
// the exact bytes a client would send; decode() rebuilds the update the server aggregates, so the
// compression error is really in the model and the byte count is what the network is charged.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace edgetwin::scheduler_plugins::federated {

enum class CompressionKind : std::uint8_t { kNone, kTopK, kQuantize8 };

struct CompressionSpec {
  CompressionKind kind = CompressionKind::kNone;
  double topk_fraction = 0.01;  // top-k: k = ceil(fraction x n), at least 1
};

// "none", "topk" or "q8"; std::invalid_argument listing the valid names otherwise.
CompressionKind parse_compression_kind(const std::string& name);

// The bytes of an update of n parameters on the wire, exactly (the receiver knows n and the
// scheme from the configuration, so there is no other header):
//   none:  4 n                    (float32 values)
//   topk:  4 + 8 k                (uint32 k, then k x (uint32 index, float32 value))
//   q8:    8 + n                  (float32 minimum, float32 step, then one byte per value)
std::size_t wire_bytes(const CompressionSpec& spec, std::size_t n);
std::size_t topk_count(const CompressionSpec& spec, std::size_t n);

// Writes the wire form of `update` to `wire` (resized; reuse it to avoid allocating) for topk and
// q8 (none: `wire` is left empty; the update travels as float32 and is aggregated unrounded).
// top-k keeps the k largest |values| (ties: the lower index), in ascending index order.
// q8: q = round((v - min) / step) with step = (max - min) / 255, both rounded to float32 first;
// decoded v' = min + q step, so |v - v'| <= step / 2 (plus float32 rounding of min and step).
// Little-endian regardless of the host. Throws std::invalid_argument for a non-finite value.
void encode(const CompressionSpec& spec, std::span<const double> update,
            std::vector<std::uint8_t>& wire, std::vector<std::uint32_t>& scratch);
// Rebuilds the update from `wire` into `update` (size n). Throws std::invalid_argument when the
// bytes are not a valid encoding of n values.
void decode(const CompressionSpec& spec, std::span<const std::uint8_t> wire,
            std::span<double> update);

}  // namespace edgetwin::scheduler_plugins::federated
