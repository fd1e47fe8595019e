// SPDX-License-Identifier: MIT
// Runs the built `mpsim` binary as a subprocess with given arguments and stdin, capturing
// its stdout, stderr and exit status.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mpsim::test {

struct ProcessResult {
  int exit_code = -1;  // the exit status, or 128 + signal number when killed by a signal
  std::string out;
  std::string err;
};

// Runs `mpsim args...` (the path CMake compiled in) with `input` on stdin.
ProcessResult run_mpsim(const std::vector<std::string>& args, std::string_view input = {});

// The lines of a text, without their newlines.
std::vector<std::string> lines_of(const std::string& text);

}  // namespace mpsim::test
