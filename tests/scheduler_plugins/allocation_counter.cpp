// Kept in its own file so that no container code is inlined next to the replaced operators.
#include "allocation_counter.h"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<bool> counting{false};
std::atomic<long> allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace edgetwin::test {
void start_counting_allocations() {
  allocations = 0;
  counting = true;
}
long stop_counting_allocations() {
  counting = false;
  return allocations.load();
}
}  // namespace edgetwin::test
