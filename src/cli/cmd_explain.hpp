// SPDX-License-Identifier: MIT
// `mpsim explain VALUE --format F`: how one number is stored in a format, exactly.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace mpsim::cli {

struct ExplainOptions {
  std::string value;
  std::string format;
  std::string rounding = "nearest_even";
  std::string tininess = "after";
  bool ftz = false;
  bool daz = false;
  std::uint64_t seed = 0;
};

CLI::App* add_explain_command(CLI::App& app, ExplainOptions& options);

// CLI11 would read "-inf" or "-nan" as short options: moves such a VALUE behind "--".
std::vector<std::string> translate_explain_arguments(const std::vector<std::string>& args);
// Writes the explanation to `out`; an unusable VALUE is reported on `err` with status 2.
int run_explain_command(const ExplainOptions& options, std::ostream& out, std::ostream& err);

}  // namespace mpsim::cli
