// SPDX-License-Identifier: MIT
// Tests of every bad-input path of the command line: each gives a clear message and a
// non-zero exit status (2 for usage errors, 1 for malformed testfloat lines), never a crash.
#include <catch2/catch.hpp>

#include "process.hpp"

using mpsim::test::ProcessResult;
using mpsim::test::run_mpsim;

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// Runs mpsim expecting failure with `status` and a stderr naming `message`.
void expect_failure(const std::vector<std::string>& args, int status, const std::string& message,
                    const std::string& input = {}) {
  const ProcessResult r = run_mpsim(args, input);
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == status);
  CHECK(contains(r.err, message));
}

}  // namespace

TEST_CASE("an unknown format name is rejected with the list of accepted names", "[cli][errors]") {
  expect_failure({"explain", "0.1", "--format", "fp17"}, 2, "unknown format 'fp17'");
  expect_failure({"explain", "0.1", "--format", "fp17"}, 2, "binary16|fp16, bfloat16|bf16");
  expect_failure({"explain", "0.1", "-f", "e1m3"}, 2, "eXmY");
  expect_failure({"formats", "float17"}, 2, "unknown format 'float17'");
}

TEST_CASE("an unknown rounding mode is rejected with the list of accepted modes", "[cli][errors]") {
  expect_failure({"explain", "0.1", "-f", "fp16", "--round", "sideways"}, 2, "unknown rounding mode 'sideways'");
  expect_failure({"explain", "0.1", "-f", "fp16", "--round", "sideways"}, 2, "nearest_even");
  expect_failure({"testfloat", "-rsideways", "f16_add"}, 2, "unknown rounding mode 'sideways'");
  expect_failure({"testfloat", "-rstochastic", "f16_add"}, 2, "near_even");
  expect_failure({"explain", "0.1", "-f", "fp16", "--tininess", "during"}, 2, "during");
}

TEST_CASE("an unparsable VALUE is rejected saying what is wrong", "[cli][errors]") {
  expect_failure({"explain", "0.1x", "-f", "fp16"}, 2, "cannot read '0.1x' as a number: unexpected character 'x'");
  expect_failure({"explain", "1e", "-f", "fp16"}, 2, "missing exponent digits");
  expect_failure({"explain", ".", "-f", "fp16"}, 2, "no digits");
  expect_failure({"explain", "0x", "-f", "fp16"}, 2, "no digits");
  expect_failure({"explain", "0x1.8q3", "-f", "fp16"}, 2, "unexpected character 'q'");
  expect_failure({"explain", "", "-f", "fp16"}, 2, "VALUE is empty");
  expect_failure({"explain", "1e100001", "-f", "fp16"}, 2, "exponent out of range");
  expect_failure({"explain", "infinite", "-f", "fp16"}, 2, "cannot read 'infinite'");
  expect_failure({"explain", "bits:0x3G00", "-f", "fp16"}, 2, "unexpected character 'G' in the bit pattern");
  expect_failure({"explain", "bits:3C00", "-f", "fp16"}, 2, "bits:0x<hex digits>");
  expect_failure({"explain", "bits:0x10000", "-f", "fp16"}, 2, "does not fit in the 16 bits of binary16");
  expect_failure({"explain", "bits:0x1FFFFFFFFFFFFFFFF", "-f", "fp64"}, 2, "more than 64 bits");
  expect_failure({"explain", "snan", "-f", "e4m3"}, 2, "e4m3 has no signaling NaN");
}

TEST_CASE("missing arguments are reported", "[cli][errors]") {
  expect_failure({}, 2, "A subcommand is required");
  expect_failure({"explain", "-f", "fp16"}, 2, "VALUE is required");
  expect_failure({"explain", "0.1"}, 2, "--format is required");
  expect_failure({"testfloat"}, 2, "FUNCTION is required");
  expect_failure({"frobnicate"}, 2, "frobnicate");
  expect_failure({"explain", "0.1", "-f", "fp16", "--bogus"}, 2, "--bogus");
}

TEST_CASE("an unknown testfloat function is rejected with what is accepted", "[cli][errors][testfloat]") {
  expect_failure({"testfloat", "f16_frob"}, 2, "unknown function 'f16_frob'");
  expect_failure({"testfloat", "f16_frob"}, 2, "f16 bf16 f32 f64 e4m3 e5m2");
  expect_failure({"testfloat", "f16_frob"}, 2, "mulAdd");
  expect_failure({"testfloat", "f16_to_f16"}, 2, "unknown function 'f16_to_f16'");
  expect_failure({"testfloat", "f128_add"}, 2, "unknown function 'f128_add'");
  expect_failure({"testfloat", "i32_to_f17"}, 2, "unknown function 'i32_to_f17'");
}

TEST_CASE("a malformed testfloat line stops the run naming its line number", "[cli][errors][testfloat]") {
  const ProcessResult r = run_mpsim({"testfloat", "f16_add"}, "3C00 3C00\n3C00 3C00 4000 00\n3C00\n3C00 3C00\n");
  CHECK(r.exit_code == 1);
  CHECK(contains(r.err, "line 3: expected 2 operand fields"));
  CHECK(contains(r.err, "got 1"));
  CHECK(r.out == "3C00 3C00 4000 00\n3C00 3C00 4000 00\n");  // the good lines before it were written
  expect_failure({"testfloat", "f16_add"}, 1, "line 1: expected 2 operand fields", "3C00 3C00 4000\n");
  expect_failure({"testfloat", "f16_add"}, 1, "line 2: expected 2 operand fields", "3C00 3C00\n\n");
  expect_failure({"testfloat", "f16_mulAdd"}, 1, "got 6", "0000 AC08 83D7 83D7 00 00\n");
}

TEST_CASE("a testfloat operand of the wrong width or with a non-hex digit is reported", "[cli][errors][testfloat]") {
  expect_failure({"testfloat", "f16_add"}, 1, "line 1: operand 2 '3C0' has 3 hex digits, expected 4", "3C00 3C0\n");
  expect_failure({"testfloat", "f32_to_f16"}, 1, "operand 1 '3C00' has 4 hex digits, expected 8", "3C00\n");
  expect_failure({"testfloat", "e4m3_add"}, 1, "operand 1 '038' has 3 hex digits, expected 2", "038 38\n");
  expect_failure({"testfloat", "i64_to_f16"}, 1, "expected 16", "FFFFFFFF\n");
  expect_failure({"testfloat", "f16_add"}, 1, "line 2: operand 1 '3X00' has the non-hex character 'X'",
                 "3C00 3C00\n3X00 3C00\n");
  expect_failure({"testfloat", "f16_add"}, 1, "non-hex character '-'", "-C00 3C00\n");
}
