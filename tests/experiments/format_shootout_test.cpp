// SPDX-License-Identifier: MIT
// format_shootout's quick version: one accuracy per epoch and one row per step for every policy,
// the per-step event counts add up to the policy table, fp8 underflows more than fp32, and the
// output does not depend on how many runs go in parallel.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>

#include "experiment_run.hpp"

using mpsim::test::read_csv;

TEST_CASE("format_shootout: quick run has every policy's curves and its events add up", "[experiments]") {
  const auto run = mpsim::test::run_quick("format_shootout", {"threads=2"});
  INFO(run.err);
  REQUIRE(run.status == 0);
  const auto& dir = run.dir;
  const std::vector<std::string> policies{"fp32", "amp-fp16", "amp-bf16", "pure-fp16", "pure-bf16", "pure-bf16-sr", "fp8"};

  // Quick: 512 samples in batches of 128, 2 epochs: 8 steps, one row each (loss_every 1).
  std::map<std::string, std::map<std::string, std::uint64_t>> sums;
  std::map<std::string, int> step_rows;
  for (const auto& row : read_csv(dir / "steps.csv")) {
    const std::string policy = row.at("policy");
    CHECK(std::stoi(row.at("step")) == step_rows[policy]++);
    for (const char* c : {"underflow_to_zero", "subnormal_results", "overflowed", "nans_created", "operations"}) {
      sums[policy][c] += std::stoull(row.at(c));
    }
    if (policy != "pure-fp16") CHECK(std::stod(row.at("mean_loss")) > 0.0);
  }
  std::map<std::string, int> epochs;
  std::map<std::string, double> last_accuracy;
  for (const auto& row : read_csv(dir / "curves.csv")) {
    CHECK(std::stoi(row.at("epoch")) == ++epochs[row.at("policy")]);
    last_accuracy[row.at("policy")] = std::stod(row.at("test_accuracy"));
  }
  const auto table = read_csv(dir / "policies.csv");
  REQUIRE(table.size() == policies.size());
  const auto summary = mpsim::test::read_json(dir / "summary.json");
  std::map<std::string, std::uint64_t> underflows;
  for (std::size_t i = 0; i < policies.size(); ++i) {
    const auto& row = table[i];
    const std::string& policy = policies[i];
    INFO(policy);
    CHECK(row.at("policy") == policy);  // in the configured order, whatever finished first
    CHECK(step_rows[policy] == 8);
    CHECK(epochs[policy] == 2);
    const double accuracy = std::stod(row.at("test_accuracy"));
    CHECK(accuracy == last_accuracy[policy]);
    if (policy == "pure-fp16") {
      // Adam in fp16 state: eps 1e-8 rounds to 0 and 0 / (sqrt(0) + 0) is NaN (FACTS.md 6).
      CHECK(sums[policy]["nans_created"] > 0);
    } else {
      CHECK(accuracy > 0.2);  // 10 classes: the others learn something in 8 steps
    }
    CHECK(summary["policies"][policy]["test_accuracy"].get<double>() == Approx(accuracy));
    for (const char* c : {"underflow_to_zero", "subnormal_results", "overflowed", "nans_created", "operations"}) {
      CHECK(std::stoull(row.at(c)) == sums[policy][c]);
    }
    CHECK(sums[policy]["operations"] > 0);
    underflows[policy] = sums[policy]["underflow_to_zero"];
  }
  CHECK(underflows["fp8"] > underflows["fp32"]);
  CHECK(underflows["pure-fp16"] > underflows["fp32"]);
  for (const char* plot : {"curves", "events"}) {
    CHECK(mpsim::test::is_png(dir / (std::string(plot) + ".png")));
    CHECK(mpsim::test::is_svg(dir / (std::string(plot) + ".svg")));
  }

  // One run at a time gives the same bytes.
  const auto serial = mpsim::test::run_quick("format_shootout", {"threads=1", "policies=[\"fp8\"]"});
  REQUIRE(serial.status == 0);
  const auto serial_table = read_csv(serial.dir / "policies.csv");
  REQUIRE(serial_table.size() == 1);
  for (const auto& row : serial_table) {
    const std::size_t i = 6;  // fp8, alone
    for (const char* c : {"test_accuracy", "final_loss", "underflow_to_zero", "overflowed", "operations"}) {
      CHECK(row.at(c) == table[i].at(c));
    }
  }
}

TEST_CASE("format_shootout: bad config values are refused", "[experiments]") {
  CHECK(mpsim::test::run_quick("format_shootout", {"loss_every=0"}).status == 2);
  const auto bad = mpsim::test::run_quick("format_shootout", {"policies=[\"fp13\"]"});
  CHECK(bad.status == 2);
  CHECK(bad.err.find("fp13") != std::string::npos);
}

TEST_CASE("format_shootout: a run whose loss stays NaN is stopped where it diverged", "[experiments]") {
  const auto run = mpsim::test::run_quick("format_shootout", {"policies=[\"pure-fp16\"]", "stop_after_nonfinite=2"});
  INFO(run.err);
  REQUIRE(run.status == 0);
  const auto table = read_csv(run.dir / "policies.csv");
  REQUIRE(table.size() == 1);
  const int diverged = std::stoi(table[0].at("diverged_at_step"));
  REQUIRE(diverged >= 0);
  const auto steps = read_csv(run.dir / "steps.csv");
  CHECK(steps.size() == static_cast<std::size_t>(diverged + 2));  // two non-finite steps, then stopped
  CHECK(steps.size() < 8);
  for (std::size_t s = static_cast<std::size_t>(diverged); s < steps.size(); ++s) {
    CHECK(std::isnan(std::stod(steps[s].at("mean_loss"))));
  }
  CHECK(run.out.find("diverged: loss not finite from step " + std::to_string(diverged)) != std::string::npos);
}
