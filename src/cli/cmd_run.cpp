// SPDX-License-Identifier: MIT
// `mpsim run` and `mpsim sweep` (cmd_run.hpp).
#include "cmd_run.hpp"

#include "common/cli_options.hpp"

namespace mpsim::cli {
namespace {

constexpr int usage_error = 2;

const experiments::Experiment* lookup(const std::string& name, std::ostream& err) {
  const experiments::Experiment* e = experiments::find_experiment(name);
  if (!e) err << "unknown experiment '" << name << "'; accepted: " << experiments::experiment_names() << "\n";
  return e;
}

}  // namespace

CLI::App* add_run_command(CLI::App& app, RunOptions& o) {
  o.command = app.add_subcommand("run", "Run an experiment: data, plots and a summary in a directory (docs/experiments.md)");
  o.command->add_option("experiment", o.name, "Experiment: " + experiments::experiment_names());
  o.command->add_flag("--list", o.list, "List the experiments and their questions");
  experiments::add_run_options(*o.command, o.request);
  return o.command;
}

CLI::App* add_sweep_command(CLI::App& app, SweepOptions& o) {
  o.command = app.add_subcommand("sweep", "Run an experiment over a grid of configs, cases in parallel");
  o.command->add_option("experiment", o.name, "Experiment: " + experiments::experiment_names())->required();
  o.command->add_option("--grid", o.request.grid_file, "JSON object: config key -> list of values (cases: their product)")
      ->required()
      ->check(CLI::ExistingFile);
  o.command->add_option("--jobs", o.request.jobs, "Cases run at once (default: every core)")->check(CLI::NonNegativeNumber);
  experiments::add_run_options(*o.command, o.request.base);
  return o.command;
}

int run_run_command(const RunOptions& o, std::ostream& out, std::ostream& err) {
  if (o.list || o.name.empty()) {
    for (const experiments::Experiment& e : experiments::experiments()) out << e.name << "\t" << e.question << "\n";
    if (!o.list) {
      err << "mpsim run: name an experiment (above)\n";
      return usage_error;
    }
    return 0;
  }
  const experiments::Experiment* e = lookup(o.name, err);
  if (!e) return usage_error;
  return experiments::run_experiment(*e, o.request, out, err);
}

int run_sweep_command(SweepOptions& o, const std::string& self, std::ostream& out, std::ostream& err) {
  const experiments::Experiment* e = lookup(o.name, err);
  if (!e) return usage_error;
  o.request.out = o.request.base.out;
  o.request.base.out.clear();
  o.request.runner = {self, "run"};
  return experiments::run_sweep(*e, o.request, out, err);
}

}  // namespace mpsim::cli
