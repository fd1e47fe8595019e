// SPDX-License-Identifier: MIT
// `mpsim scaler`: one line per step with overflow, skipped, the scale and its float32 bits;
// DeepSpeed's error at the minimum exits 1 after the lines so far; bad arguments exit 2.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "cmd_scaler.hpp"
#include "process.hpp"

using mpsim::cli::parse_step_list;
using mpsim::test::lines_of;
using mpsim::test::ProcessResult;
using mpsim::test::run_mpsim;

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// The step lines (after the summary and the column header).
std::vector<std::string> step_lines(const ProcessResult& r) {
  std::vector<std::string> lines = lines_of(r.out);
  REQUIRE(lines.size() >= 2);
  CHECK(lines[0].starts_with("# scaler "));
  CHECK(lines[1] == "step overflow skipped scale bits32");
  return {lines.begin() + 2, lines.end()};
}

void expect_usage_error(const std::vector<std::string>& args, const std::string& message) {
  const ProcessResult r = run_mpsim(args);
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, message));
  CHECK(r.out.empty());
}

}  // namespace

TEST_CASE("a step list takes steps and inclusive ranges", "[cli][scaler]") {
  CHECK(parse_step_list("3,10-12", 20) == std::set<std::int64_t>{3, 10, 11, 12});
  CHECK(parse_step_list("5-5,1", 5) == std::set<std::int64_t>{1, 5});
  CHECK(parse_step_list("", 5).empty());
  CHECK_THROWS_WITH(parse_step_list("3,,4", 5), Catch::Contains("empty item"));
  CHECK_THROWS_WITH(parse_step_list("3,", 5), Catch::Contains("empty item"));
  CHECK_THROWS_WITH(parse_step_list("0", 5), Catch::Contains("numbered from 1"));
  CHECK_THROWS_WITH(parse_step_list("4-2", 5), Catch::Contains("ends before it starts"));
  CHECK_THROWS_WITH(parse_step_list("3x", 5), Catch::Contains("cannot read '3x'"));
  CHECK_THROWS_WITH(parse_step_list("2-9", 5), Catch::Contains("step 9 is beyond --steps 5"));
}

TEST_CASE("the pytorch scaler halves on overflow and grows after the interval", "[cli][scaler]") {
  const ProcessResult r =
      run_mpsim({"scaler", "--preset", "pytorch", "--interval", "3", "--steps", "7", "--overflow-at", "2"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(step_lines(r) == std::vector<std::string>{
                             "1 no no 65536 0x47800000",
                             "2 yes yes 32768 0x47000000",  // halved, step skipped
                             "3 no no 32768 0x47000000",
                             "4 no no 32768 0x47000000",
                             "5 no no 65536 0x47800000",  // third finite step since the overflow
                             "6 no no 65536 0x47800000",
                             "7 no no 65536 0x47800000",
                         });
}

TEST_CASE("overrides change the preset's parameters", "[cli][scaler]") {
  const ProcessResult r = run_mpsim({"scaler", "--preset", "apex", "--init", "3", "--backoff", "0.25", "--growth",
                                     "4", "--interval", "1", "--max", "40", "--steps", "3", "--overflow-at", "1"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // 3 * 0.25 = 0.75; * 4 = 3; * 4 = 12 (float64 scale; 0.75 = 0x3F400000).
  CHECK(step_lines(r) == std::vector<std::string>{"1 yes yes 0.75 0x3F400000", "2 no no 3 0x40400000",
                                                  "3 no no 12 0x41400000"});
  const ProcessResult m = run_mpsim({"scaler", "--preset", "megatron", "--hysteresis", "1", "--min", "0.5",
                                     "--init", "1", "--steps", "3", "--overflow-at", "1-3"});
  REQUIRE(m.exit_code == 0);
  CHECK(step_lines(m) == std::vector<std::string>{"1 yes yes 0.5 0x3F000000", "2 yes yes 0.5 0x3F000000",
                                                  "3 yes yes 0.5 0x3F000000"});
}

TEST_CASE("flax's scale is clamped at the largest float32", "[cli][scaler]") {
  const ProcessResult r =
      run_mpsim({"scaler", "--preset", "flax", "--init", "1.7014118346046923e38", "--interval", "1", "--steps", "4"});
  REQUIRE(r.exit_code == 0);
  CHECK(step_lines(r) == std::vector<std::string>{"1 no no 1.7014118e+38 0x7F000000", "2 no no 3.4028235e+38 0x7F7FFFFF",
                                                  "3 no no 3.4028235e+38 0x7F7FFFFF", "4 no no 3.4028235e+38 0x7F7FFFFF"});
}

TEST_CASE("deepspeed at its minimum prints the lines so far and exits 1", "[cli][scaler]") {
  const ProcessResult r = run_mpsim({"scaler", "--preset", "deepspeed", "--init", "4", "--steps", "6", "--overflow-at", "1-6"});
  CHECK(r.exit_code == 1);
  // 1 uses the hysteresis; 2, 3 halve 4 -> 2 -> 1; 4 would go below 1: DeepSpeed raises.
  CHECK(step_lines(r) == std::vector<std::string>{"1 yes yes 4 0x40800000", "2 yes yes 2 0x40000000",
                                                  "3 yes yes 1 0x3F800000"});
  CHECK(contains(r.err, "mpsim scaler: step 4: loss scale already at its minimum 1"));
}

TEST_CASE("none never skips; static skips the overflow steps", "[cli][scaler]") {
  const ProcessResult none = run_mpsim({"scaler", "--preset", "none", "--steps", "2", "--overflow-at", "2"});
  CHECK(step_lines(none) == std::vector<std::string>{"1 no no 1 0x3F800000", "2 yes no 1 0x3F800000"});
  const ProcessResult fixed = run_mpsim({"scaler", "--preset", "static", "--init", "128", "--steps", "2", "--overflow-at", "2"});
  CHECK(step_lines(fixed) == std::vector<std::string>{"1 no no 128 0x43000000", "2 yes yes 128 0x43000000"});
}

TEST_CASE("bad scaler arguments exit 2 with a clear message", "[cli][scaler]") {
  expect_usage_error({"scaler", "--preset", "jax", "--steps", "3"}, "unknown loss-scaler preset 'jax'; accepted: pytorch");
  expect_usage_error({"scaler", "--steps", "3"}, "--preset is required");
  expect_usage_error({"scaler", "--preset", "pytorch"}, "--steps is required");
  expect_usage_error({"scaler", "--preset", "pytorch", "--steps", "0"}, "--steps");
  expect_usage_error({"scaler", "--preset", "pytorch", "--steps", "3", "--overflow-at", "4"}, "step 4 is beyond --steps 3");
  expect_usage_error({"scaler", "--preset", "pytorch", "--steps", "3", "--init", "big"}, "--init: cannot read 'big'");
  expect_usage_error({"scaler", "--preset", "pytorch", "--steps", "3", "--growth", "0.5"}, "growth factor must be finite and > 1");
  expect_usage_error({"scaler", "--preset", "pytorch", "--steps", "3", "--interval", "0"}, "growth interval must be at least 1");
  expect_usage_error({"scaler", "--preset", "pytorch", "--steps", "3", "--interval", "2.5"}, "--interval: cannot read '2.5'");
  expect_usage_error({"scaler", "--preset", "static", "--steps", "3", "--growth", "2"}, "--growth applies to dynamic presets only");
  expect_usage_error({"scaler", "--preset", "none", "--steps", "3", "--init", "2"}, "--init does not apply to preset 'none'");
  expect_usage_error({"scaler", "--preset", "pytorch", "--steps", "3", "--min", "8", "--max", "4"}, "exceeds the maximum");
}
