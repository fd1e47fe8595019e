// SPDX-License-Identifier: MIT
// `mpsim testfloat FUNCTION`: the program-under-test side of Berkeley TestFloat. Reads
// testfloat_gen lines from stdin and writes them back with mpsim's result and flags, in the
// format testfloat_ver checks.
#pragma once

#include <cstdio>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "mpsim/round/env.hpp"
#include "testfloat_functions.hpp"

namespace mpsim::cli {

struct TestfloatOptions {
  std::string function;
  std::string rounding = "near_even";
  std::string tininess = "after";
  bool exact = false;
  bool list = false;
};

CLI::App* add_testfloat_command(CLI::App& app, TestfloatOptions& options);

// TestFloat spells its options -exact, -notexact, -tininessbefore, -tininessafter (and
// -r<mode>, which CLI11 already reads as -r <mode>); rewrites them as long options.
std::vector<std::string> translate_testfloat_options(const std::vector<std::string>& args);

int run_testfloat_command(const TestfloatOptions& options, std::FILE* in, std::FILE* out, std::ostream& err);

// The line loop, exposed for the command and its tests: returns 0, or 1 after reporting the
// first malformed line on `err`.
int run_testfloat(const TestfloatFunction& fn, const Env& env, bool exact, std::FILE* in, std::FILE* out,
                  std::ostream& err);

}  // namespace mpsim::cli
