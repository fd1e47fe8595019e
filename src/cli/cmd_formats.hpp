// SPDX-License-Identifier: MIT
// `mpsim formats [FORMAT...] [--json]`: the table of named formats and their limits.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace mpsim::cli {

struct FormatsOptions {
  std::vector<std::string> names;  // empty: every format of named_formats
  bool json = false;
};

CLI::App* add_formats_command(CLI::App& app, FormatsOptions& options);
int run_formats_command(const FormatsOptions& options, std::ostream& out);

}  // namespace mpsim::cli
