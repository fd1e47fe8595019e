// SPDX-License-Identifier: MIT
// Running one experiment from the command line (`mpsim run NAME`, build/bin/NAME) and a sweep
// (`mpsim sweep NAME --grid FILE`): config assembly, the output directory, the printed summary
// and the exit status (0 done, 1 the run failed, 2 bad arguments or config).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "experiment.hpp"

namespace mpsim::experiments {

enum class Size { short_run, full, quick };

struct RunRequest {
  Size size = Size::short_run;
  std::string config_file;          // .json or .toml: keys of the experiment's config
  std::vector<std::string> sets;    // key=value, applied last
  std::string out;                  // default runs/NAME
};

// The experiment's config for a request (ConfigError on a bad file or assignment).
Config assemble_config(const Experiment& experiment, const RunRequest& request);

// Runs the experiment: prints the summary lines and the output directory to `out`, errors to `err`.
int run_experiment(const Experiment& experiment, const RunRequest& request, std::ostream& out, std::ostream& err);

struct SweepRequest {
  RunRequest base;            // size, config file and assignments shared by every case
  std::string grid_file;      // JSON object: key -> list of values; the cases are their product
  int jobs = 0;               // concurrent cases; 0: every core
  std::string out;            // default runs/NAME-sweep
  std::vector<std::string> runner;  // the command that runs one case, e.g. {"/path/mpsim", "run"}
};

// Runs every case of the grid as a child process `runner... NAME --out DIR/case-NNN --set ...`,
// `jobs` at a time, then writes DIR/sweep.csv (case, the grid's keys, status, the summary's
// numbers). Returns 0 when every case succeeded, 1 otherwise, 2 for a bad grid.
int run_sweep(const Experiment& experiment, const SweepRequest& request, std::ostream& out, std::ostream& err);

}  // namespace mpsim::experiments
