// Runs the edgetwin CLI from an end-to-end test: the command line, its exit code and its stdout
// (stderr goes to the test log unless the arguments redirect it). EDGETWIN_CLI and
// EDGETWIN_WORK_DIR come from tests/end_to_end/CMakeLists.txt.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace edgetwin {

struct Command {
  int exit_code;
  std::string out;
};

inline Command cli(const std::string& args) {
  const std::string command = std::string(EDGETWIN_CLI) + " " + args;
  FILE* pipe = popen(command.c_str(), "r");
  EXPECT_NE(pipe, nullptr) << command;
  std::string out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// A path in the tests' scratch directory.
inline std::string work(const std::string& name) {
  return std::string(EDGETWIN_WORK_DIR) + "/" + name;
}

}  // namespace edgetwin
