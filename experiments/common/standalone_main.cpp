// SPDX-License-Identifier: MIT
// The standalone binary of one experiment (build/bin/NAME, NAME given by MPSIM_EXPERIMENT_NAME
// at compile time): the options of `mpsim run NAME`, the same run.
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli_options.hpp"

int main(int argc, char** argv) {
  using namespace mpsim::experiments;
  const Experiment* experiment = find_experiment(MPSIM_EXPERIMENT_NAME);
  if (!experiment) {
    std::cerr << MPSIM_EXPERIMENT_NAME << ": not in the registry\n";
    return 2;
  }
  CLI::App app{std::string(experiment->question)};
  RunRequest request;
  add_run_options(app, request);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return run_experiment(*experiment, request, std::cout, std::cerr);
}
