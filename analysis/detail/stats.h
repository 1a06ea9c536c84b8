// Order statistics used by the summary. Private to analysis/ (and its tests).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sim/units.h"

namespace edgetwin::analysis::detail {

// The nearest-rank percentile: the smallest value v of `values` such that at least `percent`% of
// the values are <= v, i.e. the element of rank ceil(percent/100 * n) (1-based) in sorted order.
// The rank is computed in integers, so it is exact. Reorders `values` (nth_element). Returns 0 for
// an empty vector. REQUIRES: 0 < percent <= 100.
inline sim::Time nearest_rank(std::vector<sim::Time>& values, int percent) {
  if (values.empty()) return 0;
  const std::uint64_t n = values.size();
  const std::uint64_t rank = (static_cast<std::uint64_t>(percent) * n + 99) / 100;  // ceil
  const auto nth =
      values.begin() + static_cast<std::ptrdiff_t>(std::max<std::uint64_t>(rank, 1) - 1);
  std::nth_element(values.begin(), nth, values.end());
  return *nth;
}

}  // namespace edgetwin::analysis::detail
