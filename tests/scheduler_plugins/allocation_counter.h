// Counts operator new calls in this test binary while counting is on (allocation_counter.cpp
// replaces the global operator new and delete).
#pragma once

namespace edgetwin::test {
void start_counting_allocations();
// The allocations since start_counting_allocations(); stops counting.
long stop_counting_allocations();
}  // namespace edgetwin::test
