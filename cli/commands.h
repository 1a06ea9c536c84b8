// The sub-commands of `edgetwin`. Each returns the process exit code: 0 success, 1 internal
// error, 2 bad input (DESIGN.md, contract 4).
#pragma once

#include <string>
#include <vector>

namespace edgetwin::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInternal = 1;
inline constexpr int kExitBadInput = 2;

int run_command(const std::vector<std::string>& args);
int validate_command(const std::vector<std::string>& args);
int bench_command(const std::vector<std::string>& args);
int sweep_command(const std::vector<std::string>& args);

// Thrown for bad command-line or scenario input: main prints the message and exits 2.
struct BadInput {
  std::string message;
};

const char* version();

}  // namespace edgetwin::cli
