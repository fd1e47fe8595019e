// SPDX-License-Identifier: MIT
// `mpsim train`: trains the MLP or the CNN through the emulated arithmetic under a precision
// policy, loss scaler and optimizer, with a progress bar, and leaves a run directory
// (src/mpsim/train/run.hpp). `mpsim train --resume DIR` continues a run bit-exactly.
#pragma once

#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "mpsim/train/training_config.hpp"

namespace mpsim::cli {

struct TrainOptions {
  train::TrainingConfig config;
  std::string hidden = "256,128,100";
  std::string optimizer = "sgd";
  std::string config_file;  // .json (config.json's shape) or .toml (same keys); flags override it
  std::string out;
  std::string resume;
  bool no_count = false;
  bool quiet = false;        // no progress bar
  CLI::App* command = nullptr;
};

CLI::App* add_train_command(CLI::App& app, TrainOptions& options);
// 0 success; 1 the run failed (data, I/O, a scaler raising at its minimum); 2 bad arguments.
int run_train_command(TrainOptions& options, std::ostream& out, std::ostream& err);

// A TrainingConfig from a .json or .toml file (std::runtime_error naming file, key, problem).
train::TrainingConfig load_training_config_file(const std::string& path);

}  // namespace mpsim::cli
