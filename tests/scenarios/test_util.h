// Helpers shared by the scenario tests.
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace edgetwin::scenarios::testing {

inline std::string source_dir() {
  const char* env = std::getenv("EDGETWIN_SOURCE_DIR");
  return env && *env ? env : EDGETWIN_SOURCE_DIR_DEFAULT;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace edgetwin::scenarios::testing
