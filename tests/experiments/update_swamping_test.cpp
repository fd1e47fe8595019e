// SPDX-License-Identifier: MIT
// update_swamping's quick version: round to nearest loses no update below |w/u| = 2^(p-1) and
// every one from 2^(p+2), monotonically, with the share in between what uniform weights predict;
// repeated updates lose everything to nearest there while stochastic rounding stays unbiased and
// Kahan and fp32 master copies stay close; in training, master weights lose fewer updates than
// pure bf16, and the per-step rows add up to the table.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>

#include "experiment_run.hpp"

using mpsim::test::read_csv;

namespace {

double number(const std::map<std::string, std::string>& row, const std::string& column) { return std::stod(row.at(column)); }

}  // namespace

TEST_CASE("update_swamping: lost updates follow the formats' precision, and the remedies recover them", "[experiments]") {
  const auto run = mpsim::test::run_quick("update_swamping");
  INFO(run.err);
  REQUIRE(run.status == 0);
  const auto& dir = run.dir;

  // Part 1: lost_fraction.csv, r = 0 .. 16 in steps of 0.25 for three formats.
  const std::map<std::string, int> precision{{"binary16", 11}, {"bfloat16", 8}, {"binary32", 24}};
  std::map<std::string, double> previous;
  std::map<std::string, int> rows_per_format;
  for (const auto& row : read_csv(dir / "lost_fraction.csv")) {
    const std::string f = row.at("format");
    const double r = number(row, "ratio_log2"), fraction = number(row, "lost_fraction");
    const int p = precision.at(f);
    ++rows_per_format[f];
    INFO(f << " r = " << r);
    REQUIRE(number(row, "nonzero_updates") == 4000);  // quick: 4000 weights, none of the updates is 0
    CHECK(fraction == Approx(number(row, "lost_updates") / number(row, "nonzero_updates")));
    if (r <= p - 1) CHECK(fraction == 0.0);  // u >= ulp(w): always changes w
    if (r >= p + 2) CHECK(fraction == 1.0);  // u < ulp(w) / 2: never does
    // In [p, p+1): w + u == w iff u < 2^-p, i.e. log2 w < r - p: a share 2^(r-p) - 1 of uniform weights.
    if (r == p + 0.5) CHECK(fraction == Approx(std::sqrt(2.0) - 1.0).margin(0.03));
    if (previous.contains(f)) CHECK(fraction >= previous[f]);  // smaller updates are lost at least as often
    previous[f] = fraction;
  }
  CHECK(rows_per_format == std::map<std::string, int>{{"binary16", 65}, {"bfloat16", 65}, {"binary32", 65}});

  // Part 2: repeated.csv.
  int checked = 0;
  for (const auto& row : read_csv(dir / "repeated.csv")) {
    const std::string f = row.at("format"), method = row.at("method");
    const double r = number(row, "ratio_log2");
    const int p = precision.at(f);
    INFO(f << " " << method << " r = " << r);
    CHECK(number(row, "mean_abs_relative_error") >= std::abs(number(row, "mean_relative_error")));
    CHECK(number(row, "max_abs_relative_error") >= number(row, "mean_abs_relative_error"));
    if (r != p + 2) continue;
    ++checked;
    if (method == "nearest") CHECK(number(row, "mean_relative_error") == -1.0);  // every update lost
    if (method == "stochastic") CHECK(std::abs(number(row, "mean_relative_error")) < 0.2);  // unbiased
    if (method == "kahan") CHECK(number(row, "mean_abs_relative_error") < 0.1);
    if (method == "fp32_master") {
      CHECK(number(row, "mean_abs_relative_error") < 1e-3);
      CHECK(number(row, "working_copy_mean_abs_relative_error") > 0.0);  // the f copy is still rounded
    }
  }
  CHECK(checked == 8);  // fp16 and bf16 at r = p + 2, four methods each (fp32's p + 2 is beyond r_max)

  // Part 3: training, pure-bf16 / pure-bf16-kahan / amp-bf16, MLP 784-64-32-10 (52650 weights).
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> sums;  // nonzero, lost
  for (const auto& row : read_csv(dir / "training_steps.csv")) {
    CHECK(std::stoull(row.at("elements")) == 52650);
    CHECK(std::stoull(row.at("nonzero_updates")) <= 52650);
    CHECK(std::stoull(row.at("lost_updates")) <= std::stoull(row.at("nonzero_updates")));
    sums[row.at("policy")].first += std::stoull(row.at("nonzero_updates"));
    sums[row.at("policy")].second += std::stoull(row.at("lost_updates"));
  }
  std::map<std::string, double> lost;
  for (const auto& row : read_csv(dir / "training.csv")) {
    const std::string policy = row.at("policy");
    CHECK(std::stoull(row.at("probed_nonzero_updates")) == sums[policy].first);
    CHECK(std::stoull(row.at("probed_lost_updates")) == sums[policy].second);
    CHECK(row.at("master_weights") == (policy == "amp-bf16" ? "true" : "false"));
    lost[policy] = number(row, "lost_fraction");
  }
  REQUIRE(lost.size() == 3);
  CHECK(lost["pure-bf16"] > 0.05);                  // SGD lr 0.01: bf16 weights swallow many updates
  CHECK(lost["amp-bf16"] < lost["pure-bf16"] / 10);  // the fp32 master copy keeps them

  for (const char* plot : {"lost_fraction", "repeated_updates", "lost_vs_step"}) {
    CHECK(mpsim::test::is_png(dir / (std::string(plot) + ".png")));
    CHECK(mpsim::test::is_svg(dir / (std::string(plot) + ".svg")));
  }
  const auto summary = mpsim::test::read_json(dir / "summary.json");
  CHECK(summary["synthetic"]["fp16"]["all_lost_ratio_log2"].get<double>() <= 13.0);
  CHECK(summary["synthetic"]["bf16"]["first_lost_ratio_log2"].get<double>() >= 7.0);
  CHECK(summary["synthetic"]["fp32"]["first_lost_ratio_log2"].get<double>() == -1.0);  // none up to 2^16
}

TEST_CASE("update_swamping: bad config values are refused", "[experiments]") {
  CHECK(mpsim::test::run_quick("update_swamping", {"r_max=40"}).status == 2);
  CHECK(mpsim::test::run_quick("update_swamping", {"r_step=0"}).status == 2);
  const auto bad = mpsim::test::run_quick("update_swamping", {"formats=[\"fp17\"]"});
  CHECK(bad.status == 2);
  CHECK(bad.err.find("fp17") != std::string::npos);
}
