// SPDX-License-Identifier: MIT
// Tests of `mpsim testfloat`: TestFloat lines reproduced exactly (FACTS.md 11 and the
// testfloat_ver documentation), hand-checked bf16/FP8 lines and the effect of each option.
#include <catch2/catch.hpp>

#include <algorithm>

#include "run_testfloat.hpp"

using mpsim::test::lines_of;
using mpsim::test::testfloat;

namespace {


// The line mpsim writes for the operands of `expected` (its first `operands` fields).
std::string line_for(const std::vector<std::string>& args, const std::string& expected, int operands) {
  std::string input;
  std::size_t pos = 0;
  for (int i = 0; i < operands; ++i) pos = expected.find(' ', pos) + 1;
  input = expected.substr(0, pos - 1) + "\n";
  const std::string out = testfloat(args, input);
  REQUIRE(!out.empty());
  return out.substr(0, out.size() - 1);
}

}  // namespace

TEST_CASE("testfloat reproduces the TestFloat lines of FACTS.md section 11", "[cli][testfloat]") {
  CHECK(line_for({"f16_add"}, "87FF E850 E850 01", 2) == "87FF E850 E850 01");
  CHECK(line_for({"f16_mulAdd"}, "0000 AC08 83D7 83D7 00", 3) == "0000 AC08 83D7 83D7 00");
  CHECK(line_for({"f32_to_f16"}, "9EDE38F7 8000 03", 1) == "9EDE38F7 8000 03");
  CHECK(line_for({"f16_to_i32"}, "74FB 00004FB0 00", 1) == "74FB 00004FB0 00");
  CHECK(line_for({"f16_lt"}, "978F AC08 0 00", 2) == "978F AC08 0 00");
}

TEST_CASE("testfloat reproduces the f64_add lines of testfloat_ver's documentation", "[cli][testfloat][fp64]") {
  const std::string lines =
      "3F90EB5825D6851E C3E0080080000000 C3E0080080000000 01\n"
      "41E3C00000000000 C182024F8AE474A8 41E377F6C1D46E2D 01\n"
      "7FD80FFFFFFFFFFF 7FEFFFFFFFFFFF80 7FF0000000000000 05\n"
      "3FFFED6A25C534BE 3CA1000000020000 3FFFED6A25C534BF 01\n";
  CHECK(testfloat({"f64_add"}, lines) == lines);
}

TEST_CASE("testfloat replaces a wrong expected result and flags with its own", "[cli][testfloat]") {
  CHECK(testfloat({"f16_add"}, "3C00 3C00 FFFF 1F\n3C00 3C00\n") == "3C00 3C00 4000 00\n3C00 3C00 4000 00\n");
  CHECK(testfloat({"f16_add"}, "3c00\t3c00 x y\r\n") == "3C00 3C00 4000 00\n");  // tabs, CRLF, lower case
  CHECK(testfloat({"f16_add"}, "").empty());
  CHECK(testfloat({"f16_add"}, "3C00 3C00") == "3C00 3C00 4000 00\n");  // no final newline
}

TEST_CASE("testfloat bf16 lines, hand-checked", "[cli][testfloat][bf16]") {
  CHECK(testfloat({"bf16_add"}, "3F80 3F80\n") == "3F80 3F80 4000 00\n");  // 1 + 1 = 2
  CHECK(testfloat({"bf16_add"}, "3F80 3B80\n") == "3F80 3B80 3F80 01\n");  // 1 + 2^-8 ties to even 1
  CHECK(testfloat({"bf16_add"}, "3F81 3B80\n") == "3F81 3B80 3F82 01\n");  // (1+2^-7) + 2^-8 ties up
  CHECK(testfloat({"bf16_mul"}, "4040 4040\n") == "4040 4040 4110 00\n");  // 3 * 3 = 9
  CHECK(testfloat({"f32_to_bf16"}, "3F808000\n") == "3F808000 3F80 01\n");  // 1 + 2^-8: tie, even
  CHECK(testfloat({"f32_to_bf16"}, "3F818000\n") == "3F818000 3F82 01\n");  // tie, rounds up to even
  CHECK(testfloat({"f32_to_bf16"}, "7F7FFFFF\n") == "7F7FFFFF 7F80 05\n");  // max float overflows
  CHECK(testfloat({"bf16_to_f32"}, "3F81\n") == "3F81 3F810000 00\n");      // exact
  CHECK(testfloat({"bf16_sqrt"}, "4080\n") == "4080 4000 00\n");            // sqrt(4) = 2
  CHECK(testfloat({"bf16_sqrt"}, "BF80\n") == "BF80 FFC0 10\n");            // sqrt(-1): default NaN
}

TEST_CASE("testfloat e4m3 and e5m2 lines, hand-checked", "[cli][testfloat][e4m3][e5m2]") {
  CHECK(testfloat({"e4m3_add"}, "38 38\n") == "38 38 40 00\n");           // 1 + 1 = 2
  CHECK(testfloat({"e4m3_sqrt"}, "48\n") == "48 40 00\n");                // sqrt(4) = 2
  CHECK(testfloat({"e4m3_mul"}, "7E 40\n") == "7E 40 7F 05\n");           // 448 * 2: no inf, NaN
  CHECK(testfloat({"e4m3_to_f32"}, "7E\n") == "7E 43E00000 00\n");        // 448
  CHECK(testfloat({"f32_to_e4m3"}, "3F880000\n") == "3F880000 38 01\n");  // 1.0625: tie to even 1
  CHECK(testfloat({"f32_to_e4m3"}, "3A800000\n") == "3A800000 00 03\n");  // 2^-10 ties to 0
  CHECK(testfloat({"e4m3_lt"}, "38 40\n") == "38 40 1 00\n");
  CHECK(testfloat({"e4m3_eq"}, "7F 7F\n") == "7F 7F 0 00\n");     // NaN is unordered, quiet
  CHECK(testfloat({"e4m3_lt"}, "7F 38\n") == "7F 38 0 10\n");     // lt signals on NaN
  CHECK(testfloat({"e5m2_to_f16"}, "3C\n") == "3C 3C00 00\n");    // e5m2 is fp16's top byte
  CHECK(testfloat({"f16_to_e5m2"}, "3C80\n") == "3C80 3C 01\n");  // 1.125: tie to even 1
  CHECK(testfloat({"f16_to_e5m2"}, "3D80\n") == "3D80 3E 01\n");  // 1.375: tie up to 1.5
  CHECK(testfloat({"e5m2_add"}, "7B 7B\n") == "7B 7B 7C 05\n");   // 57344 + 57344 = inf
  CHECK(testfloat({"i32_to_e4m3"}, "FFFFFFFE\n") == "FFFFFFFE C0 00\n");  // -2
}

TEST_CASE("testfloat integer conversions follow TestFloat's -exact semantics", "[cli][testfloat][fp16]") {
  CHECK(testfloat({"f16_to_i32"}, "3E00\n") == "3E00 00000002 00\n");  // 1.5 -> 2, no inexact
  CHECK(testfloat({"f16_to_i32", "-exact"}, "3E00\n") == "3E00 00000002 01\n");
  CHECK(testfloat({"f16_to_i32", "-rminMag", "-exact"}, "3E00\n") == "3E00 00000001 01\n");
  CHECK(testfloat({"f16_to_i32"}, "4100\n") == "4100 00000002 00\n");       // 2.5 ties to 2
  CHECK(testfloat({"f16_to_i32"}, "7C00\n") == "7C00 80000000 10\n");       // inf: invalid
  CHECK(testfloat({"f16_to_i64"}, "BC00\n") == "BC00 FFFFFFFFFFFFFFFF 00\n");  // -1
  CHECK(testfloat({"i32_to_f16"}, "0000FFE0\n") == "0000FFE0 7BFF 00\n");   // 65504
  CHECK(testfloat({"i32_to_f16"}, "0000FFF0\n") == "0000FFF0 7C00 05\n");   // 65520 overflows
  CHECK(testfloat({"i64_to_f16"}, "FFFFFFFFFFFFFFFF\n") == "FFFFFFFFFFFFFFFF BC00 00\n");
}

TEST_CASE("testfloat rounding and tininess options change results as TestFloat's do", "[cli][testfloat][fp16]") {
  // 1 + 2^-24: far below half an ulp of 1.
  CHECK(testfloat({"f16_add", "-rmax"}, "3C00 0001\n") == "3C00 0001 3C01 01\n");
  CHECK(testfloat({"f16_add", "-rmin"}, "3C00 0001\n") == "3C00 0001 3C00 01\n");
  CHECK(testfloat({"f16_add", "-rodd"}, "3C00 0001\n") == "3C00 0001 3C01 01\n");
  CHECK(testfloat({"f16_add", "-rminMag"}, "BC00 8001\n") == "BC00 8001 BC00 01\n");
  // 1 + 2^-11: exactly half an ulp.
  CHECK(testfloat({"f16_add"}, "3C00 1000\n") == "3C00 1000 3C00 01\n");
  CHECK(testfloat({"f16_add", "-rnear_maxMag"}, "3C00 1000\n") == "3C00 1000 3C01 01\n");
  // (1 - 2^-12) * 2^-14 rounds up to 2^-14: tiny before rounding only.
  CHECK(testfloat({"f32_to_f16"}, "387FF000\n") == "387FF000 0400 01\n");
  CHECK(testfloat({"f32_to_f16", "-tininessbefore"}, "387FF000\n") == "387FF000 0400 03\n");
  CHECK(testfloat({"f32_to_f16", "-tininessafter"}, "387FF000\n") == "387FF000 0400 01\n");
}

TEST_CASE("testfloat --list names every accepted function", "[cli][testfloat]") {
  const auto names = lines_of(testfloat({"--list"}, ""));
  CHECK(names.size() == 6 * 14 + 6 * 5 + 2 * 6);
  for (const char* name :
       {"f16_add", "bf16_mulAdd", "e4m3_lt_quiet", "f32_to_bf16", "e5m2_to_f16", "i64_to_e5m2", "f64_to_i64"})
    CHECK(std::find(names.begin(), names.end(), name) != names.end());
}
