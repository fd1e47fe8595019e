// SPDX-License-Identifier: MIT
// Shared by the testfloat tests: runs `mpsim testfloat args...` and returns its stdout.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "process.hpp"

namespace mpsim::test {

// Feeds `input` to `mpsim testfloat args...` and returns stdout; fails on a non-zero exit.
inline std::string testfloat(std::vector<std::string> args, const std::string& input) {
  args.insert(args.begin(), "testfloat");
  const auto r = run_mpsim(args, input);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

}  // namespace mpsim::test
