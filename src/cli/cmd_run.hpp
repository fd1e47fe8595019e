// SPDX-License-Identifier: MIT
// `mpsim run EXPERIMENT` runs one experiment of experiments/ (writing its data, plots and
// summary to a directory) and `mpsim sweep EXPERIMENT --grid FILE` runs a grid of its configs
// as parallel child processes (experiments/common/runner.hpp).
#pragma once

#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "common/runner.hpp"

namespace mpsim::cli {

struct RunOptions {
  std::string name;
  bool list = false;
  experiments::RunRequest request;
  CLI::App* command = nullptr;
};

struct SweepOptions {
  std::string name;
  experiments::SweepRequest request;
  CLI::App* command = nullptr;
};

CLI::App* add_run_command(CLI::App& app, RunOptions& options);
CLI::App* add_sweep_command(CLI::App& app, SweepOptions& options);
// 0 done, 1 the run failed, 2 unknown experiment or bad config.
int run_run_command(const RunOptions& options, std::ostream& out, std::ostream& err);
// `self` is this executable's path (children run `self run NAME ...`).
int run_sweep_command(SweepOptions& options, const std::string& self, std::ostream& out, std::ostream& err);

}  // namespace mpsim::cli
