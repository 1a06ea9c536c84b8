// The bundled default scenario, compiled in from scenarios/examples/default.json at build time
// (scenarios/embed.cmake writes the definition).
#pragma once

#include <string_view>

namespace edgetwin::scenarios::detail {
std::string_view embedded_default_scenario();
}  // namespace edgetwin::scenarios::detail
