// SPDX-License-Identifier: MIT
// gradient_histogram's quick version: the histograms count every activation gradient of the
// probed steps, the scale table agrees with the histogram and is monotone, fp16's markers are at
// 2^-24, 2^-14 and 65504, and the plots are images.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>

#include "experiment_run.hpp"

using mpsim::test::read_csv;

TEST_CASE("gradient_histogram: quick run writes complete, consistent tables and plots", "[experiments]") {
  const auto run = mpsim::test::run_quick("gradient_histogram");
  INFO(run.err);
  REQUIRE(run.status == 0);
  const auto& dir = run.dir;

  // Quick: MLP 784-64-32-10, 512 samples in batches of 128 (4 steps), steps 0 and 2 probed.
  const std::int64_t batch = 128, probed = 2;
  const std::map<std::string, std::int64_t> widths{{"fc1", 64}, {"relu1", 64}, {"fc2", 32}, {"relu2", 32}, {"fc3", 10}};
  std::map<std::pair<std::string, std::string>, std::int64_t> sums;
  for (const auto& row : read_csv(dir / "histogram.csv")) {
    REQUIRE(row.at("model") == "mlp");
    sums[{row.at("layer"), row.at("role")}] += std::stoll(row.at("count"));
    CHECK(std::stoll(row.at("count")) == std::stoll(row.at("positive")) + std::stoll(row.at("negative")));
  }
  std::int64_t all = 0;
  for (const auto& [layer, width] : widths) {
    CHECK(sums[{layer, "grad_output"}] == probed * batch * width);  // the bins sum to the tensor sizes
    CHECK(sums[{layer, "activation"}] == probed * batch * width);
    all += probed * batch * width;
  }
  CHECK(sums[{"all", "grad_output"}] == all);
  CHECK(sums[{"fc1", "weight_gradient"}] == probed * 64 * 784);

  // scales.csv: s = 0 .. 24; what is lost shrinks and what overflows grows with the scale.
  const auto scales = read_csv(dir / "scales.csv");
  REQUIRE(scales.size() == 25);
  for (std::size_t s = 0; s < scales.size(); ++s) {
    CHECK(std::stoll(scales[s].at("scale_log2")) == static_cast<std::int64_t>(s));
    CHECK(std::stoll(scales[s].at("values")) == all);
    if (s) {
      CHECK(std::stoll(scales[s].at("lost_to_zero")) <= std::stoll(scales[s - 1].at("lost_to_zero")));
      CHECK(std::stoll(scales[s].at("overflow")) >= std::stoll(scales[s - 1].at("overflow")));
    }
  }
  // Unscaled, fp16 loses exactly the nonzero values with |x| <= 2^-25: all of the binades below
  // 2^-25, and from [2^-25, 2^-24) at most the value 2^-25 itself (a tie to even).
  std::int64_t below = 0, in_half_binade = 0, zeros = 0;
  for (const auto& row : read_csv(dir / "histogram.csv")) {
    if (row.at("layer") != "all" || row.at("role") != "grad_output") continue;
    if (row.at("bin") == "zero") zeros = std::stoll(row.at("count"));
    if (row.at("exponent").empty()) continue;
    const int k = std::stoi(row.at("exponent"));
    if (k < -25) below += std::stoll(row.at("count"));
    if (k == -25) in_half_binade = std::stoll(row.at("count"));
  }
  const std::int64_t lost0 = std::stoll(scales[0].at("lost_to_zero"));
  CHECK(std::stoll(scales[0].at("nonzero")) == all - zeros);
  CHECK(lost0 >= below);
  CHECK(lost0 <= below + in_half_binade);
  CHECK(below > 0);  // the quick MLP does have activation gradients below fp16's range

  // fp16's markers at 2^-24, 2^-14, 65504 and the flush threshold 2^-25.
  std::map<std::string, double> fp16;
  for (const auto& row : read_csv(dir / "markers.csv")) {
    if (row.at("format") == "binary16") fp16[row.at("marker")] = std::stod(row.at("value"));
  }
  CHECK(fp16["min_subnormal"] == std::ldexp(1.0, -24));
  CHECK(fp16["min_normal"] == std::ldexp(1.0, -14));
  CHECK(fp16["max_finite"] == 65504.0);
  CHECK(fp16["flush_threshold"] == std::ldexp(1.0, -25));

  for (const char* plot : {"histogram_mlp", "lost_vs_scale"}) {
    CHECK(mpsim::test::is_png(dir / (std::string(plot) + ".png")));
    CHECK(mpsim::test::is_svg(dir / (std::string(plot) + ".svg")));
  }
  const auto summary = mpsim::test::read_json(dir / "summary.json");
  CHECK(summary["mlp"]["values"] == all);
  CHECK(summary["mlp"]["lost_fraction_unscaled"].get<double>() ==
        Approx(static_cast<double>(lost0) / static_cast<double>(all - zeros)));
  CHECK(mpsim::test::read_json(dir / "config.json")["models"] == nlohmann::json{"mlp"});
  CHECK(run.out.find("histogram_mlp.png") != std::string::npos);
}

TEST_CASE("gradient_histogram: bad config values are refused before training", "[experiments]") {
  CHECK(mpsim::test::run_quick("gradient_histogram", {"max_scale_log2=-1"}).status == 2);
  CHECK(mpsim::test::run_quick("gradient_histogram", {"probe_every=0"}).status == 2);
  const auto bad_model = mpsim::test::run_quick("gradient_histogram", {"models=[\"rnn\"]"});
  CHECK(bad_model.status == 2);
  CHECK(bad_model.err.find("rnn") != std::string::npos);
  CHECK(!std::filesystem::exists(bad_model.dir));
  CHECK(!std::filesystem::exists(bad_model.dir.string() + ".partial"));
}
