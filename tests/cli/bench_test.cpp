// SPDX-License-Identifier: MIT
// `mpsim bench`: kernels are paired with the right same-run baseline, ratios are throughput
// ratios of medians, and a missing or failing benchmark binary is a clear error.
#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "bench_table.hpp"
#include "process.hpp"

using mpsim::cli::baseline_prefixes_of;
using Prefixes = std::vector<std::string>;
using mpsim::cli::bench_rows;
using mpsim::test::run_mpsim;

namespace {

// A run with repetitions: each benchmark has repetition rows and mean/median aggregates.
nlohmann::json report_with(std::initializer_list<std::tuple<const char*, double, double>> medians) {
  nlohmann::json j{{"context", {{"host_name", "testhost"}, {"num_cpus", 2}, {"mhz_per_cpu", 2300}}},
                   {"benchmarks", nlohmann::json::array()}};
  for (const auto& [name, time_ms, items] : medians) {
    for (const char* agg : {"mean", "median"}) {
      const double scale = std::string(agg) == "mean" ? 2.0 : 1.0;  // means differ: they must be ignored
      nlohmann::json b{{"name", std::string(name) + "_" + agg}, {"run_name", name}, {"run_type", "aggregate"},
                       {"aggregate_name", agg}, {"real_time", time_ms * scale}, {"time_unit", "ms"}};
      if (items > 0) b["items_per_second"] = items / scale;
      j["benchmarks"].push_back(b);
    }
  }
  return j;
}

}  // namespace

TEST_CASE("every kernel family is paired with the baseline of the same size or data", "[cli][bench]") {
  CHECK(baseline_prefixes_of("array/round_f32_binary16_nearest_even") == Prefixes{"array/memcpy_f32"});
  CHECK(baseline_prefixes_of("array/memcpy_f32").empty());
  CHECK(baseline_prefixes_of("matmul/sm90/binary16/512/threads:2") ==
        Prefixes{"matmul/eigen_f32_avx512/512", "matmul/eigen_f32/512"});
  CHECK(baseline_prefixes_of("matmul/eigen_f32/512").empty());
  CHECK(baseline_prefixes_of("matmul/eigen_f32_avx512/512").empty());
  CHECK(baseline_prefixes_of("mpsim/add/binary16/nearest_even/gradient") == Prefixes{"native/add/gradient"});
  CHECK(baseline_prefixes_of("Float/fma/bfloat16/stochastic/normal/count_on") == Prefixes{"native/fma/normal"});
  CHECK(baseline_prefixes_of("mpsim/from_float/e4m3/toward_zero/normal") == Prefixes{"native/float_to_double/normal"});
  CHECK(baseline_prefixes_of("native/add/normal").empty());
  CHECK(baseline_prefixes_of("train/mlp_epoch/amp-fp16/threads:2") == Prefixes{"train/mlp_epoch/fp32/threads:2"});
  CHECK(baseline_prefixes_of("train/mlp_epoch/fp32/threads:1").empty());
  CHECK(baseline_prefixes_of("something/else").empty());
}

TEST_CASE("matrix products are compared with the strongest Eigen GEMM of the run", "[cli][bench]") {
  const auto rows = bench_rows(report_with({{"matmul/eigen_f32/512", 16.0, 0},
                                            {"matmul/eigen_f32_avx512/512", 2.0, 0},
                                            {"matmul/fp32-sequential/binary16/512/threads:1", 4.0, 0}}));
  CHECK(rows[2].baseline == "matmul/eigen_f32_avx512/512");
  CHECK(*rows[2].ratio == Approx(0.5));
}

TEST_CASE("ratios are throughput ratios of the medians", "[cli][bench]") {
  const auto rows = bench_rows(report_with({{"matmul/eigen_f32/512", 10.0, 0},
                                            {"matmul/sm90/binary16/512/threads:1", 40.0, 0},
                                            {"array/memcpy_f32", 8.0, 2.0e9},
                                            {"array/round_f32_binary16_nearest_even", 10.0, 1.6e9}}));
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].baseline.empty());
  CHECK(rows[1].baseline == "matmul/eigen_f32/512");
  CHECK(*rows[1].ratio == Approx(0.25));          // 4x the time of the baseline
  CHECK(rows[3].baseline == "array/memcpy_f32");
  CHECK(*rows[3].ratio == Approx(0.8));           // items/s 1.6 G against 2.0 G
  CHECK(rows[1].real_time_ns == Approx(40.0e6));  // the median, in ns
}

TEST_CASE("non-finite numbers Google Benchmark writes are read as null", "[cli][bench]") {
  const auto j = mpsim::cli::parse_benchmark_json(
      R"({"benchmarks": [{"name": "x_cv", "uflow": NaN, "ovfl": -nan, "a": inf, "b": [1, -Infinity], "s": "NaN"}]})");
  const auto& b = j["benchmarks"][0];
  CHECK(b["uflow"].is_null());
  CHECK(b["ovfl"].is_null());
  CHECK(b["a"].is_null());
  CHECK(b["b"][1].is_null());
  CHECK(b["s"] == "NaN");  // strings are left alone
  CHECK_THROWS(mpsim::cli::parse_benchmark_json("{\"a\": nonsense}"));
}

TEST_CASE("a report without benchmarks is an error", "[cli][bench]") {
  CHECK_THROWS_WITH(bench_rows(nlohmann::json::object()), Catch::Contains("benchmarks"));
}

TEST_CASE("mpsim bench prints the table of a benchmark binary's JSON", "[cli][bench]") {
  const auto dir = std::filesystem::temp_directory_path() / "mpsim_bench_test";
  std::filesystem::create_directories(dir);
  const auto json_file = dir / "report.json";
  std::ofstream(json_file) << report_with({{"array/memcpy_f32", 8.0, 2.0e9},
                                           {"array/round_f32_bfloat16_nearest_even", 8.0, 1.9e9}})
                                  .dump();
  const auto fake = dir / "fake_bench.sh";
  std::ofstream(fake) << "#!/bin/sh\ncat '" << json_file.string() << "'\n";
  std::filesystem::permissions(fake, std::filesystem::perms::owner_all);

  const auto table = run_mpsim({"bench", "--binary", fake.string()});
  REQUIRE(table.exit_code == 0);
  CHECK_THAT(table.out, Catch::Contains("array/round_f32_bfloat16_nearest_even") && Catch::Contains("0.950x") &&
                            Catch::Contains("testhost"));

  const auto json = run_mpsim({"bench", "--binary", fake.string(), "--json"});
  REQUIRE(json.exit_code == 0);
  const auto rows = nlohmann::json::parse(json.out)["rows"];
  CHECK(rows[1]["ratio"].get<double>() == Approx(0.95));

  std::ofstream(fake) << "#!/bin/sh\necho broken\nexit 3\n";
  const auto failing = run_mpsim({"bench", "--binary", fake.string()});
  CHECK(failing.exit_code == 1);
  CHECK_THAT(failing.err, Catch::Contains("failed"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("mpsim bench without its benchmark binary says how to build it", "[cli][bench]") {
  const auto r = run_mpsim({"bench", "--binary", "/nonexistent/mpsim_bench"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("not found") && Catch::Contains("scripts/build.sh"));
}
