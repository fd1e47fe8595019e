// SPDX-License-Identifier: MIT
// memory_and_speed's quick version: bytes counted per category equal elements x the storage
// bytes of each policy's formats (weights, gradients, Adam's two moments, one batch of
// activations), totals add up, fp32 is the speed reference, and without a GPU the GEMM part says
// "not measured" instead of a number.
#include <catch2/catch.hpp>

#include <map>

#include "experiment_run.hpp"

using mpsim::test::read_csv;

TEST_CASE("memory_and_speed: bytes are counted from the tensors' formats", "[experiments]") {
  const auto run = mpsim::test::run_quick("memory_and_speed");
  INFO(run.err);
  REQUIRE(run.status == 0);
  const auto& dir = run.dir;

  // Quick: MLP 784-64-32-10 (52650 parameters), batch 128; activations of fc1, relu1, fc2, relu2,
  // fc3 in the policy's activation format, and the flattened input batch (784 wide) in binary32.
  const std::uint64_t parameters = 52650, activations = 128 * (64 + 64 + 32 + 32 + 10), input = 128 * 784 * 4;
  struct Expected {
    std::uint64_t weight, gradient, state, activation;  // bytes per element
  };
  const std::map<std::string, Expected> expected{
      {"fp32", {4, 4, 4, 4}}, {"amp-fp16", {4, 2, 4, 2}}, {"pure-bf16", {2, 2, 2, 2}}, {"fp8", {4, 2, 4, 2}}};
  const auto totals = read_csv(dir / "memory_totals.csv");
  REQUIRE(totals.size() == expected.size());
  std::map<std::string, std::uint64_t> total;
  for (const auto& row : totals) {
    const std::string policy = row.at("policy");
    INFO(policy);
    const Expected& e = expected.at(policy);
    CHECK(std::stoull(row.at("weights")) == parameters * e.weight);
    CHECK(std::stoull(row.at("weight_gradients")) == parameters * e.gradient);
    CHECK(std::stoull(row.at("optimizer_state")) == 2 * parameters * e.state);  // Adam: exp_avg, exp_avg_sq
    CHECK(std::stoull(row.at("activations")) == activations * e.activation + input);
    CHECK((policy == "fp8") == (std::stoull(row.at("scaling_state")) > 0));  // amax histories
    total[policy] = std::stoull(row.at("total"));
    CHECK(total[policy] == std::stoull(row.at("weights")) + std::stoull(row.at("weight_gradients")) +
                               std::stoull(row.at("optimizer_state")) + std::stoull(row.at("activations")) +
                               std::stoull(row.at("scaling_state")));
    CHECK(std::stod(row.at("ratio_vs_fp32")) == Approx(static_cast<double>(total[policy]) / static_cast<double>(total["fp32"])));
  }
  // memory.csv breaks the same bytes down by format.
  std::map<std::string, std::uint64_t> by_format;
  for (const auto& row : read_csv(dir / "memory.csv")) {
    const std::uint64_t bytes_per = row.at("format") == "binary32" ? 4 : row.at("format") == "binary16" || row.at("format") == "bfloat16" ? 2 : 1;
    CHECK(std::stoull(row.at("bytes")) == std::stoull(row.at("elements")) * bytes_per);
    by_format[row.at("policy")] += std::stoull(row.at("bytes"));
  }
  CHECK(by_format == total);

  const auto speed = read_csv(dir / "speed.csv");
  REQUIRE(speed.size() == expected.size());
  for (const auto& row : speed) {
    CHECK(std::stod(row.at("cpu_seconds_per_step")) > 0.0);
    if (row.at("policy") == "fp32") CHECK(std::stod(row.at("cpu_ratio_vs_fp32")) == 1.0);
  }
  for (const char* plot : {"memory", "speed"}) {
    CHECK(mpsim::test::is_png(dir / (std::string(plot) + ".png")));
    CHECK(mpsim::test::is_svg(dir / (std::string(plot) + ".svg")));
  }
  const auto summary = mpsim::test::read_json(dir / "summary.json");
  if (!summary["gpu"]["measured"].get<bool>()) {  // this build or machine has no CUDA device
    CHECK(!summary["gpu"]["why"].get<std::string>().empty());
    CHECK(run.out.find("not measured: ") != std::string::npos);
    CHECK(!std::filesystem::exists(dir / "gemm.csv"));
  } else {
    CHECK(summary["gpu"]["seconds_fp16"].get<double>() > 0.0);
    CHECK(read_csv(dir / "gemm.csv").size() == 3);
  }
}

TEST_CASE("memory_and_speed: gpu = false is reported, bad values are refused", "[experiments]") {
  const auto off = mpsim::test::run_quick("memory_and_speed", {"gpu=false", "policies=[\"fp32\"]"});
  REQUIRE(off.status == 0);
  CHECK(off.out.find("not measured: gpu = false") != std::string::npos);
  CHECK(mpsim::test::run_quick("memory_and_speed", {"timed_steps=0"}).status == 2);
  CHECK(mpsim::test::run_quick("memory_and_speed", {"timed_steps=100"}).status == 2);  // the quick run has 4 steps
}
