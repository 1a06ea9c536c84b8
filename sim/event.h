// The event: a small value that the engine orders and dispatches.
#pragma once

#include <cstdint>

#include "sim/units.h"

namespace edgetwin::sim {

using LpId = std::uint32_t;  // a logical process

// Ordering key. Events are ordered by (time, key), and no two events of a run share a key, so the
// order is total and does not depend on how events were stored, on threads or on ranks.
//
//   key = source LP id << kSeqBits | the source's own sequence number
//
// The sequence number counts the events that the source LP has scheduled so far. Two events at the
// same time are therefore run in the order (source LP, order of scheduling at that source), which
// is a property of the model, not of the engine. Limits: 2^24 LPs and 2^40 events per source LP.
inline constexpr int kSeqBits = 40;
inline constexpr std::uint64_t kMaxLps = std::uint64_t{1} << (64 - kSeqBits);
inline constexpr std::uint64_t kMaxSeq = std::uint64_t{1} << kSeqBits;

constexpr std::uint64_t make_key(LpId source, std::uint64_t seq) {
  return (std::uint64_t{source} << kSeqBits) | seq;
}

struct Event {
  Time time = 0;
  std::uint64_t key = 0;      // tie-break, see make_key
  LpId target = 0;            // the logical process that handles it
  std::uint16_t kind = 0;     // model-defined handler kind
  std::uint16_t aux = 0;      // small model-defined value
  std::uint64_t payload = 0;  // a slot in the owner's payload pool, or an inline value
};
static_assert(sizeof(Event) == 32, "events are small values: keep them at 32 bytes");

// True iff a runs before b.
constexpr bool before(const Event& a, const Event& b) {
  return a.time < b.time || (a.time == b.time && a.key < b.key);
}

}  // namespace edgetwin::sim
