// SPDX-License-Identifier: MIT
// The mpsim command line: subcommands for formats, explain and testfloat.
#include <CLI/CLI.hpp>

int main(int argc, char** argv) {
  CLI::App app{"mpsim: bit-exact emulation of low-precision floating-point arithmetic"};
  app.require_subcommand(1);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
