// A pool of payloads addressed by 32-bit slots, so that events carry an index, not a pointer,
// and nothing is allocated per event: released slots are reused (LIFO), and the storage only grows
// when more payloads are alive at once than ever before.
#pragma once

#include <cstdint>
#include <vector>

namespace edgetwin::sim {

template <class T>
class PayloadPool {
 public:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

  void reserve(std::size_t n) {
    items_.reserve(n);
    free_.reserve(n);
  }
  // A slot holding a default-constructed T.
  std::uint32_t acquire() {
    if (!free_.empty()) {
      std::uint32_t slot = free_.back();
      free_.pop_back();
      items_[slot] = T{};
      return slot;
    }
    items_.emplace_back();
    return static_cast<std::uint32_t>(items_.size() - 1);
  }
  // REQUIRES: slot was acquired and not released since.
  void release(std::uint32_t slot) { free_.push_back(slot); }

  T& operator[](std::uint32_t slot) { return items_[slot]; }
  const T& operator[](std::uint32_t slot) const { return items_[slot]; }
  std::size_t live() const { return items_.size() - free_.size(); }
  std::size_t capacity() const { return items_.size(); }

 private:
  std::vector<T> items_;
  std::vector<std::uint32_t> free_;
};

}  // namespace edgetwin::sim
