// SPDX-License-Identifier: MIT
// Runs mpsim_bench as a child process with JSON output, then prints the ratio table.
#include "cmd_bench.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench_table.hpp"

namespace mpsim::cli {
namespace {

namespace fs = std::filesystem;

// Every kernel's baseline runs too, whatever the filter selects.
constexpr const char* baseline_filter = "^array/memcpy|^matmul/eigen_f32|^native/";

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

fs::path default_binary() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path("mpsim_bench") : self.parent_path() / "mpsim_bench";
}

}  // namespace

CLI::App* add_bench_command(CLI::App& app, BenchOptions& options) {
  CLI::App* cmd = app.add_subcommand(
      "bench", "Run the benchmark binary mpsim_bench and print throughput with ratios to same-run baselines");
  cmd->add_option("--filter", options.filter,
                  "Regular expression of benchmark names (default: the array and matmul kernels; '.' runs all). "
                  "The baselines (memcpy, Eigen float GEMM, native float32) always run")
      ->capture_default_str();
  cmd->add_option("--repetitions", options.repetitions, "Repetitions of each benchmark; the table shows medians")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  cmd->add_option("--min-time", options.min_time, "Minimum seconds per repetition")
      ->check(CLI::Range(0.001, 60.0))
      ->capture_default_str();
  cmd->add_flag("--json", options.json, "Write JSON (context and rows with ratios) instead of a table");
  cmd->add_option("--binary", options.binary, "Path of mpsim_bench (default: next to this executable)");
  return cmd;
}

int run_bench_command(const BenchOptions& options, std::ostream& out, std::ostream& err) {
  const fs::path binary = options.binary.empty() ? default_binary() : fs::path(options.binary);
  if (!fs::exists(binary)) {
    err << "mpsim bench: benchmark binary " << binary << " not found; build it with "
        << "'bash scripts/build.sh mpsim_bench' or pass --binary PATH\n";
    return 2;
  }
  const std::vector<std::string> args{
      binary.string(),
      "--benchmark_format=json",
      "--benchmark_filter=(" + options.filter + ")|" + baseline_filter,
      "--benchmark_repetitions=" + std::to_string(options.repetitions),
      "--benchmark_min_time=" + std::to_string(options.min_time),
      "--benchmark_report_aggregates_only=" + std::string(options.repetitions > 1 ? "true" : "false"),
  };
  std::string command;
  for (const std::string& a : args) command += shell_quote(a) + " ";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) {
    err << "mpsim bench: cannot start " << binary << "\n";
    return 1;
  }
  std::string text;
  char buffer[65536];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) text.append(buffer, n);
  const int status = ::pclose(pipe);
  if (status != 0) {
    err << "mpsim bench: " << binary << " failed (status " << (WIFEXITED(status) ? WEXITSTATUS(status) : status)
        << ")\n";
    return 1;
  }
  try {
    const nlohmann::json report = parse_benchmark_json(text);
    const std::vector<BenchRow> rows = bench_rows(report);
    if (rows.empty()) {
      err << "mpsim bench: no benchmark matched --filter '" << options.filter << "'\n";
      return 1;
    }
    if (options.json)
      out << bench_json(report, rows).dump(2) << "\n";
    else
      print_bench_table(out, report, rows);
  } catch (const std::exception& e) {
    err << "mpsim bench: cannot read the output of " << binary << ": " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace mpsim::cli
