// SPDX-License-Identifier: MIT
// `mpsim bench [--filter REGEX] [--repetitions N] [--json]`: runs the Google Benchmark binary
// mpsim_bench (built next to mpsim) and prints every kernel's throughput with its ratio to the
// baseline measured in the same run (bench_table.hpp says which baseline goes with which kernel).
#pragma once

#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

namespace mpsim::cli {

struct BenchOptions {
  std::string filter = "^(array|matmul)/";  // the fast tensor kernels; "." runs everything
  int repetitions = 3;
  double min_time = 0.2;                    // seconds per repetition
  bool json = false;
  std::string binary;                       // empty: mpsim_bench beside the mpsim executable
};

CLI::App* add_bench_command(CLI::App& app, BenchOptions& options);
// 0 success, 1 the benchmark binary failed or wrote no results, 2 it cannot be found.
int run_bench_command(const BenchOptions& options, std::ostream& out, std::ostream& err);

}  // namespace mpsim::cli
