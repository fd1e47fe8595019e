// SPDX-License-Identifier: MIT
// Tests of `mpsim dot`: hand-checked lines per model, the --acc rules, and every malformed
// input (line number on stderr, exit 1) and usage error (accepted names, exit 2).
#include <catch2/catch.hpp>

#include "process.hpp"

using mpsim::test::ProcessResult;
using mpsim::test::run_mpsim;

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::string dot(const std::vector<std::string>& args, const std::string& input) {
  std::vector<std::string> all{"dot"};
  all.insert(all.end(), args.begin(), args.end());
  const ProcessResult r = run_mpsim(all, input);
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

void expect_failure(const std::vector<std::string>& args, const std::string& input, int status,
                    const std::string& message) {
  std::vector<std::string> all{"dot"};
  all.insert(all.end(), args.begin(), args.end());
  const ProcessResult r = run_mpsim(all, input);
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == status);
  CHECK(contains(r.err, message));
}

}  // namespace

TEST_CASE("dot prints one fixed-width upper-case result per line", "[cli][dot]") {
  // 1*1 + 2*3 + 0.5 = 7.5 = 0x40F00000 (fp32); k = 0 returns c; lower case and tabs are read.
  CHECK(dot({"--in", "fp16", "--model", "fp32-sequential"}, "3C00 4000 3C00 4200 3F000000\n3F800000\n") ==
        "40F00000\n3F800000\n");
  CHECK(dot({"--in", "fp16", "--model", "fp32-sequential"}, "3c00\t3c00   0\r\n") == "3F800000\n");
  CHECK(dot({"--in", "fp16", "--model", "fp16-accumulate"}, "3C00 3C00 0") == "3C00\n");  // no final newline
  CHECK(dot({"--in", "bf16", "--model", "fp32-sequential"}, "").empty());
}

TEST_CASE("dot shows where sm90 truncates and fp32-sequential rounds", "[cli][dot][sm90]") {
  // c = 1, product 1.5*2^-12 * 2^-12 = 3*2^-25: toward zero 1.0, to nearest 1 + 2^-23.
  const std::string line = "0E00 0C00 3F800000\n";
  CHECK(dot({"--in", "fp16", "--model", "sm90"}, line) == "3F800000\n");
  CHECK(dot({"--in", "fp16", "--model", "fp32-sequential"}, line) == "3F800001\n");
  CHECK(dot({"--in", "fp16", "--model", "sm90", "--flags"}, line) == "3F800000 01\n");
  // NaN is 0x7FFFFFFF on sm90, 0x7FFF on sm90-fp16; inf - inf is invalid (flag 10).
  CHECK(dot({"--in", "fp16", "--model", "sm90", "--flags"}, "7C00 7C00 3C00 BC00 0\n") == "7FFFFFFF 10\n");
  CHECK(dot({"--in", "fp16", "--model", "sm90-fp16"}, "7E00 3C00 0\n") == "7FFF\n");
}

TEST_CASE("dot --acc selects the accumulator", "[cli][dot]") {
  // sm90 with an fp16 accumulator is sm90-fp16: 0x7FFF NaN, 4-digit output.
  CHECK(dot({"--in", "fp16", "--acc", "fp16", "--model", "sm90"}, "7E00 3C00 0\n") == "7FFF\n");
  CHECK(dot({"--in", "fp16", "--acc", "fp32", "--model", "sm90-fp16"}, "7E00 3C00 0\n") == "7FFFFFFF\n");
  // fp32-sequential with a bf16 accumulator: 1 + 2^-8 (bf16 c = 0x3F80) ties to even 1.
  CHECK(dot({"--in", "bf16", "--acc", "bf16", "--model", "fp32-sequential"}, "3B80 3F80 3F80\n") == "3F80\n");
  CHECK(dot({"--in", "fp16", "--acc", "fp32", "--model", "kahan"}, "3C00 3C00 0\n") == "3F800000\n");
}

TEST_CASE("dot rejects malformed lines with their line number", "[cli][dot][errors]") {
  const std::vector<std::string> args{"--in", "fp16", "--model", "sm90"};
  expect_failure(args, "3C00 3C00 0\n3C00 3C00\n", 1, "line 2: expected 2k+1 hex words (k of a, k of b, then c), got 2");
  expect_failure(args, "\n", 1, "line 1: expected 2k+1 hex words");
  expect_failure(args, "3C00 3G00 0\n", 1, "line 1: word 2 '3G00' has the non-hex character 'G'");
  expect_failure(args, "13C00 3C00 0\n", 1, "line 1: word 1 '13C00' does not fit in the 16 bits of binary16");
  expect_failure(args, "3C00 3C00 100000000\n", 1, "word 3 '100000000' does not fit in the 32 bits of binary32");
  expect_failure(args, "3C00 3C00 11112222333344445\n", 1, "has more than 64 bits");
  // Lines before the bad one are printed.
  const ProcessResult r = run_mpsim({"dot", "--in", "fp16", "--model", "sm90"}, "3C00 3C00 0\nx\n");
  CHECK(r.out == "3F800000\n");
  CHECK(r.exit_code == 1);
}

TEST_CASE("dot rejects unknown names and unsuitable formats with exit status 2", "[cli][dot][errors]") {
  expect_failure({"--in", "fp17", "--model", "sm90"}, "", 2, "unknown format 'fp17'");
  expect_failure({"--in", "fp16", "--model", "sm100"}, "", 2,
                 "unknown accumulation model 'sm100'; accepted: fp32-sequential, fp16-accumulate, chunked, kahan, "
                 "sm90, sm90-fp16");
  expect_failure({"--in", "fp16", "--acc", "fp64x", "--model", "sm90"}, "", 2, "unknown format 'fp64x'");
  expect_failure({"--in", "fp16", "--acc", "bf16", "--model", "sm90"}, "", 2,
                 "the sm90 models accumulate in fp32 (sm90) or fp16 (sm90-fp16), not bfloat16");
  expect_failure({"--in", "e4m3", "--model", "sm90"}, "", 2, "defined for fp16 and bf16 inputs");
  expect_failure({"--in", "fp16"}, "", 2, "--model is required");
  expect_failure({"--model", "sm90"}, "", 2, "--in is required");
}
