// SPDX-License-Identifier: MIT
// The table `mpsim bench` prints: Google Benchmark JSON results, each kernel paired with the
// baseline measured in the same run (memcpy for array rounding, Eigen float32 GEMM for matrix
// products, native float32 arithmetic for scalar operations) and the ratio between them.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace mpsim::cli {

// One benchmark of a run: its median when the run has repetitions, else its only measurement.
struct BenchRow {
  std::string name;
  double real_time_ns = 0;
  std::optional<double> items_per_second;
  std::string baseline;          // empty: the row is a baseline itself, or has none
  std::optional<double> ratio;   // throughput of the row / throughput of its baseline
};

// The baselines a benchmark is compared with, as name prefixes, preferred first (the first
// one present in the run is used):
//   array/...              -> array/memcpy_f32
//   matmul/MODEL/.../N/... -> matmul/eigen_f32_avx512/N (Eigen compiled for AVX-512, the
//                             strongest native float GEMM), else matmul/eigen_f32/N
//   mpsim/OP/F/mode/data   -> native/OP/data (from_float, round_trip -> native/float_to_double/data)
//   Float/OP/F/mode/data   -> native/OP/data
// Empty for baselines and for names outside these families.
std::vector<std::string> baseline_prefixes_of(std::string_view name);

// Parses Google Benchmark's JSON output. Google Benchmark writes non-finite numbers as bare
// NaN / inf (e.g. the coefficient of variation of a counter that is always 0), which is not JSON:
// such values are read as null. Throws nlohmann::json::parse_error for anything else malformed.
nlohmann::json parse_benchmark_json(const std::string& text);

// Reads Google Benchmark's JSON (`--benchmark_format=json`) and pairs every row with its
// baseline. Throws std::runtime_error when the JSON has no "benchmarks" array.
std::vector<BenchRow> bench_rows(const nlohmann::json& report);

// The plain-text table, with a header naming the machine from the report's context.
void print_bench_table(std::ostream& out, const nlohmann::json& report, const std::vector<BenchRow>& rows);
// The same as JSON: {"context": ..., "rows": [{"name", "real_time_ns", "items_per_second", "baseline", "ratio"}]}.
nlohmann::json bench_json(const nlohmann::json& report, const std::vector<BenchRow>& rows);

}  // namespace mpsim::cli
