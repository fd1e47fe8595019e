// SPDX-License-Identifier: MIT
// The command-line options of an experiment run, shared by `mpsim run NAME` and the standalone
// binaries: --config FILE, --out DIR, --full | --quick, --set key=value (repeatable).
#pragma once

#include <CLI/CLI.hpp>

#include "runner.hpp"

namespace mpsim::experiments {

inline void add_run_options(CLI::App& app, RunRequest& request) {
  app.add_option("--config", request.config_file, "A .json or .toml file of the experiment's config keys")
      ->check(CLI::ExistingFile);
  app.add_option("--out", request.out, "Output directory (default runs/NAME); replaced only when the run completes");
  auto* full = app.add_flag_callback("--full", [&request] { request.size = Size::full; },
                                     "The full-length version (the published setting; longer)");
  auto* quick = app.add_flag_callback("--quick", [&request] { request.size = Size::quick; },
                                      "A seconds-long version (tests, notebooks)");
  full->excludes(quick);
  app.add_option("--set", request.sets, "key=value: overrides one config key (repeatable; value in JSON)")
      ->take_all();
}

}  // namespace mpsim::experiments
