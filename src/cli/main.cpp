// SPDX-License-Identifier: MIT
// The mpsim command line: one subcommand per cmd_*.{hpp,cpp} (formats, explain, testfloat, dot,
// scaler, bench, validate, train, run, sweep). Exit status: 0 success, 1 a failure the command describes (malformed
// testfloat/dot input, a scaler raising at its minimum, a failing benchmark binary), 2 usage error
// (unknown name, bad VALUE, missing argument), 3 `validate` without a GPU.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cmd_bench.hpp"
#include "cmd_dot.hpp"
#include "cmd_explain.hpp"
#include "cmd_formats.hpp"
#include "cmd_run.hpp"
#include "cmd_scaler.hpp"
#include "cmd_testfloat.hpp"
#include "cmd_train.hpp"
#include "cmd_validate.hpp"

namespace {

constexpr int usage_error = 2;

// CLI11 reports every parse error with its own code (105, 106, ...); mpsim uses 2 for all.
int report(const CLI::App& app, const CLI::Error& e) {
  const int code = app.exit(e);
  return code == 0 ? 0 : usage_error;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace mpsim::cli;
  CLI::App app{"mpsim: bit-exact emulation of low-precision floating-point arithmetic"};
  app.require_subcommand(1);
  app.footer("Exit status: 0 success, 1 a failure the command reports (malformed testfloat/dot input line, a loss\n"
             "scaler raising at its minimum, a failing benchmark binary), 2 usage error (unknown name, bad VALUE,\n"
             "missing argument), 3 validate without a GPU. 'mpsim COMMAND --help' describes each command;\n"
             "docs/cli.md has examples.");
  FormatsOptions formats;
  ExplainOptions explain;
  TestfloatOptions testfloat;
  DotOptions dot;
  ValidateOptions validate;
  BenchOptions bench;
  ScalerOptions scaler;
  TrainOptions train;
  RunOptions run;
  SweepOptions sweep;
  CLI::App* formats_cmd = add_formats_command(app, formats);
  CLI::App* explain_cmd = add_explain_command(app, explain);
  CLI::App* testfloat_cmd = add_testfloat_command(app, testfloat);
  CLI::App* dot_cmd = add_dot_command(app, dot);
  CLI::App* validate_cmd = add_validate_command(app, validate);
  CLI::App* bench_cmd = add_bench_command(app, bench);
  CLI::App* scaler_cmd = add_scaler_command(app, scaler);
  CLI::App* train_cmd = add_train_command(app, train);
  CLI::App* run_cmd = add_run_command(app, run);
  CLI::App* sweep_cmd = add_sweep_command(app, sweep);

  std::vector<std::string> args(argv, argv + argc);
  std::string accepted;
  bool known = false;
  for (const CLI::App* cmd : app.get_subcommands([](CLI::App*) { return true; })) {
    accepted += (accepted.empty() ? "" : ", ") + cmd->get_name();
    known = known || (args.size() > 1 && args[1] == cmd->get_name());
  }
  if (args.size() > 1 && !args[1].starts_with("-") && !known) {
    std::cerr << "unknown command '" << args[1] << "'; accepted: " << accepted << "\n"
              << "Run with --help for more information.\n";
    return usage_error;
  }
  if (args.size() > 1 && args[1] == "testfloat") args = translate_testfloat_options(args);
  if (args.size() > 1 && args[1] == "explain") args = translate_explain_arguments(args);
  std::vector<char*> translated;
  for (std::string& a : args) translated.push_back(a.data());
  try {
    app.parse(static_cast<int>(translated.size()), translated.data());
    if (formats_cmd->parsed()) return run_formats_command(formats, std::cout);
    if (explain_cmd->parsed()) return run_explain_command(explain, std::cout, std::cerr);
    if (testfloat_cmd->parsed()) return run_testfloat_command(testfloat, stdin, stdout, std::cerr);
    if (dot_cmd->parsed()) return run_dot_command(dot, stdin, stdout, std::cerr);
    if (validate_cmd->parsed()) return run_validate_command(validate, std::cout, std::cerr);
    if (bench_cmd->parsed()) return run_bench_command(bench, std::cout, std::cerr);
    if (scaler_cmd->parsed()) return run_scaler_command(scaler, std::cout, std::cerr);
    if (train_cmd->parsed()) return run_train_command(train, std::cout, std::cerr);
    if (run_cmd->parsed()) return run_run_command(run, std::cout, std::cerr);
    if (sweep_cmd->parsed()) {
      std::error_code ec;
      const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
      return run_sweep_command(sweep, ec ? args[0] : self.string(), std::cout, std::cerr);
    }
  } catch (const CLI::Error& e) {
    return report(app, e);
  }
  return usage_error;
}
