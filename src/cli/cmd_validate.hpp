// SPDX-License-Identifier: MIT
// `mpsim validate [--suite NAME...] [--json FILE] [--max-mismatches N] [--list]`: runs the
// emulator next to the native CUDA instructions on the GPU and reports the mismatches.
// `mpsim validate train_step ...`: one training step instead (cmd_validate_train_step.hpp).
// Exit status: 0 every case matched, 1 mismatches found, 2 usage error, 3 no usable GPU
// (or a build without CUDA).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cmd_validate_train_step.hpp"

namespace mpsim::cli {

inline constexpr int validate_mismatch_exit = 1;
inline constexpr int validate_no_device_exit = 3;

struct ValidateOptions {
  std::vector<std::string> suites;  // names or dotted prefixes; empty: every suite
  std::string json;                 // write the report as JSON to this file as well
  int max_mismatches = 8;           // mismatch records kept per suite (0..64)
  bool list = false;                // print the suite table and exit
  TrainStepValidateOptions train_step;  // `mpsim validate train_step ...`
};

CLI::App* add_validate_command(CLI::App& app, ValidateOptions& options);
int run_validate_command(const ValidateOptions& options, std::ostream& out, std::ostream& err);

}  // namespace mpsim::cli
