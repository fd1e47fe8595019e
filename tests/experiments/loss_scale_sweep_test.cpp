// SPDX-License-Identifier: MIT
// loss_scale_sweep's quick version: one row per scale, the underflow share falls as the scale
// grows, the largest scales overflow and skip steps, and the plot is an image.
#include <catch2/catch.hpp>

#include "experiment_run.hpp"

using mpsim::test::read_csv;

TEST_CASE("loss_scale_sweep: underflow at small scales, skipped steps at large ones", "[experiments]") {
  const auto run = mpsim::test::run_quick("loss_scale_sweep");
  INFO(run.err);
  REQUIRE(run.status == 0);
  const auto rows = read_csv(run.dir / "sweep.csv");
  REQUIRE(rows.size() == 25);
  for (std::size_t s = 0; s < rows.size(); ++s) {
    CHECK(std::stoi(rows[s].at("scale_log2")) == static_cast<int>(s));
    CHECK(std::stod(rows[s].at("scale")) == std::ldexp(1.0, static_cast<int>(s)));
    CHECK(std::stoi(rows[s].at("steps")) == 4);
    const double accuracy = std::stod(rows[s].at("test_accuracy"));
    CHECK(accuracy >= 0.0);
    CHECK(accuracy <= 1.0);
  }
  const double underflow_unscaled = std::stod(rows.front().at("activation_underflow_fraction"));
  CHECK(underflow_unscaled > 0.0);  // scale 1 loses activation gradients
  CHECK(std::stod(rows[12].at("activation_underflow_fraction")) < underflow_unscaled);
  CHECK(std::stoi(rows.front().at("skipped_steps")) == 0);
  CHECK(std::stoi(rows.back().at("skipped_steps")) > 0);  // 2^24 overflows fp16 gradients
  CHECK(std::stoll(rows.back().at("overflow_events")) > 0);
  CHECK(std::stoll(rows.front().at("overflow_events")) == 0);
  CHECK(mpsim::test::is_png(run.dir / "sweep.png"));
  CHECK(mpsim::test::is_svg(run.dir / "sweep.svg"));
}

TEST_CASE("loss_scale_sweep: an inverted scale range is a config error", "[experiments]") {
  CHECK(mpsim::test::run_quick("loss_scale_sweep", {"min_scale_log2=5", "max_scale_log2=4"}).status == 2);
}
