// Parts of the result file writer shared by `run` (write_results.cpp) and `sweep` (sweep.cpp).
// Private to analysis/.
#pragma once

#include <hdf5.h>

#include <functional>
#include <string>

#include "analysis/detail/h5.h"
#include "analysis/results.h"

namespace edgetwin::analysis::detail {

// Creates (truncating) an HDF5 file with reproducible settings: no object timestamps, format
// bounds pinned to 1.8.
Handle create_file(const std::string& file_path);
// Dataset `scenario` under `parent`: the resolved scenario as one fixed-length string.
void write_scenario_text(hid_t parent, const std::string& json);
// Group `summary` under `parent`: one double attribute per summary key, in order.
void write_summary(hid_t parent, const Summary& summary);
// Calls write(temp_path(path)), flushes the file to disk and renames it to `path`. On failure
// removes the temporary file and throws std::runtime_error "cannot write results to PATH: why";
// any previous PATH is untouched.
void write_atomically(const std::string& path,
                      const std::function<void(const std::string&)>& write);

}  // namespace edgetwin::analysis::detail
