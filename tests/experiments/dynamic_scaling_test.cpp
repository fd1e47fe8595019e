// SPDX-License-Identifier: MIT
// dynamic_scaling's quick version: the trajectories replay each preset's state machine (a backoff
// halves the scale exactly on the steps that found an inf), the table agrees with them.
#include <catch2/catch.hpp>

#include <map>

#include "experiment_run.hpp"

using mpsim::test::read_csv;

TEST_CASE("dynamic_scaling: each trajectory halves its scale after every overflow step", "[experiments]") {
  const auto run = mpsim::test::run_quick("dynamic_scaling");
  INFO(run.err);
  REQUIRE(run.status == 0);
  std::map<std::string, std::vector<std::map<std::string, std::string>>> by_scaler;
  for (auto& row : read_csv(run.dir / "trajectory.csv")) by_scaler[row.at("scaler")].push_back(row);
  REQUIRE(by_scaler.size() == 2);
  REQUIRE(by_scaler["pytorch"].size() == 8);  // 2 epochs of 4 steps
  CHECK(std::stod(by_scaler["pytorch"].front().at("scale")) == 65536.0);
  CHECK(std::stod(by_scaler["megatron"].front().at("scale")) == std::ldexp(1.0, 32));
  for (const auto& [scaler, steps] : by_scaler) {
    std::int64_t skipped = 0;
    for (std::size_t i = 0; i + 1 < steps.size(); ++i) {
      const double now = std::stod(steps[i].at("scale")), next = std::stod(steps[i + 1].at("scale"));
      skipped += steps[i].at("skipped") == "1";
      if (scaler == "pytorch") {  // no hysteresis: every overflow halves, no growth within 8 steps
        CHECK(next == (steps[i].at("found_inf") == "1" ? now / 2 : now));
      } else {
        CHECK(next <= now);
      }
    }
    skipped += steps.back().at("skipped") == "1";
    for (const auto& row : read_csv(run.dir / "scalers.csv")) {
      if (row.at("scaler") == scaler) CHECK(std::stoll(row.at("skipped")) == skipped);
    }
  }
  // Megatron starts at 2^32: fp16 gradients overflow at once, the first step is skipped.
  CHECK(by_scaler["megatron"].front().at("found_inf") == "1");
  CHECK(by_scaler["megatron"].front().at("skipped") == "1");
  CHECK(mpsim::test::is_png(run.dir / "trajectory.png"));
}

TEST_CASE("dynamic_scaling: an unknown scaler preset is a config error naming it", "[experiments]") {
  const auto run = mpsim::test::run_quick("dynamic_scaling", {"scalers=[\"pytorch\",\"mxnet\"]"});
  CHECK(run.status == 2);
  CHECK(run.err.find("mxnet") != std::string::npos);
}
