// SPDX-License-Identifier: MIT
// The mpsim command line: subcommands formats, explain and testfloat.
// Exit status: 0 success, 1 malformed testfloat input, 2 usage error (unknown name, bad VALUE,
// missing argument).
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cmd_bench.hpp"
#include "cmd_explain.hpp"
#include "cmd_formats.hpp"
#include "cmd_testfloat.hpp"

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
  app.footer("Exit status: 0 success, 1 malformed testfloat input line, 2 usage error (unknown name, bad VALUE,\n"
             "missing argument). 'mpsim COMMAND --help' describes each command; docs/cli.md has examples.");
  FormatsOptions formats;
  ExplainOptions explain;
  TestfloatOptions testfloat;
  BenchOptions bench;
  CLI::App* formats_cmd = add_formats_command(app, formats);
  CLI::App* explain_cmd = add_explain_command(app, explain);
  CLI::App* testfloat_cmd = add_testfloat_command(app, testfloat);
  CLI::App* bench_cmd = add_bench_command(app, bench);

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
    if (bench_cmd->parsed()) return run_bench_command(bench, std::cout, std::cerr);
  } catch (const CLI::Error& e) {
    return report(app, e);
  }
  return usage_error;
}
