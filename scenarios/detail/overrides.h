// --set overrides: "PATH=VALUE" applied to the parsed document before validation.
#pragma once

#include <string>

#include "scenarios/detail/validate.h"

namespace edgetwin::scenarios::detail {

// Sets doc at the override's path ("workloads.0.name" or the JSON pointer "/workloads/0/name");
// VALUE is JSON, else a string. Objects the format declares (output, device_types and its
// entries, labels) are created when missing; any other missing parent is an error naming the
// override. The last key may be new: validation then judges it like any other key.
void apply_override(Json& doc, const std::string& text, Diagnostics& diag);

}  // namespace edgetwin::scenarios::detail
