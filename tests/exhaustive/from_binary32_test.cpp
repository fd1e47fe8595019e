// SPDX-License-Identifier: MIT
// binary32 -> binary16, bfloat16, E4M3, E5M2 in the six deterministic modes: all 2^32 inputs
// against the binary64 reference (and F16C for binary16), results and flags; plus quick
// subsets in every mode against the x87 and binary64 references.
#include "from_binary32.hpp"

using namespace exhaustive;

// clang-format off
TEST_CASE("every binary32 converts to binary16 like the reference rounding to nearest even", "[.][exhaustive][convert][binary16]") { check_every_binary32<fp16, nearest_even>(); }
TEST_CASE("every binary32 converts to binary16 like the reference rounding toward zero", "[.][exhaustive][convert][binary16]") { check_every_binary32<fp16, toward_zero>(); }
TEST_CASE("every binary32 converts to binary16 like the reference rounding upward", "[.][exhaustive][convert][binary16]") { check_every_binary32<fp16, upward>(); }
TEST_CASE("every binary32 converts to binary16 like the reference rounding downward", "[.][exhaustive][convert][binary16]") { check_every_binary32<fp16, downward>(); }
TEST_CASE("every binary32 converts to binary16 like the reference rounding to nearest away", "[.][exhaustive][convert][binary16]") { check_every_binary32<fp16, nearest_away>(); }
TEST_CASE("every binary32 converts to binary16 like the reference rounding to odd", "[.][exhaustive][convert][binary16]") { check_every_binary32<fp16, to_odd>(); }

TEST_CASE("every binary32 converts to bfloat16 like the reference rounding to nearest even", "[.][exhaustive][convert][bfloat16]") { check_every_binary32<bf16, nearest_even>(); }
TEST_CASE("every binary32 converts to bfloat16 like the reference rounding toward zero", "[.][exhaustive][convert][bfloat16]") { check_every_binary32<bf16, toward_zero>(); }
TEST_CASE("every binary32 converts to bfloat16 like the reference rounding upward", "[.][exhaustive][convert][bfloat16]") { check_every_binary32<bf16, upward>(); }
TEST_CASE("every binary32 converts to bfloat16 like the reference rounding downward", "[.][exhaustive][convert][bfloat16]") { check_every_binary32<bf16, downward>(); }
TEST_CASE("every binary32 converts to bfloat16 like the reference rounding to nearest away", "[.][exhaustive][convert][bfloat16]") { check_every_binary32<bf16, nearest_away>(); }
TEST_CASE("every binary32 converts to bfloat16 like the reference rounding to odd", "[.][exhaustive][convert][bfloat16]") { check_every_binary32<bf16, to_odd>(); }

TEST_CASE("every binary32 converts to e4m3 like the reference rounding to nearest even", "[.][exhaustive][convert][e4m3]") { check_every_binary32<e4m3, nearest_even>(); }
TEST_CASE("every binary32 converts to e4m3 like the reference rounding toward zero", "[.][exhaustive][convert][e4m3]") { check_every_binary32<e4m3, toward_zero>(); }
TEST_CASE("every binary32 converts to e4m3 like the reference rounding upward", "[.][exhaustive][convert][e4m3]") { check_every_binary32<e4m3, upward>(); }
TEST_CASE("every binary32 converts to e4m3 like the reference rounding downward", "[.][exhaustive][convert][e4m3]") { check_every_binary32<e4m3, downward>(); }
TEST_CASE("every binary32 converts to e4m3 like the reference rounding to nearest away", "[.][exhaustive][convert][e4m3]") { check_every_binary32<e4m3, nearest_away>(); }
TEST_CASE("every binary32 converts to e4m3 like the reference rounding to odd", "[.][exhaustive][convert][e4m3]") { check_every_binary32<e4m3, to_odd>(); }

TEST_CASE("every binary32 converts to e5m2 like the reference rounding to nearest even", "[.][exhaustive][convert][e5m2]") { check_every_binary32<e5m2, nearest_even>(); }
TEST_CASE("every binary32 converts to e5m2 like the reference rounding toward zero", "[.][exhaustive][convert][e5m2]") { check_every_binary32<e5m2, toward_zero>(); }
TEST_CASE("every binary32 converts to e5m2 like the reference rounding upward", "[.][exhaustive][convert][e5m2]") { check_every_binary32<e5m2, upward>(); }
TEST_CASE("every binary32 converts to e5m2 like the reference rounding downward", "[.][exhaustive][convert][e5m2]") { check_every_binary32<e5m2, downward>(); }
TEST_CASE("every binary32 converts to e5m2 like the reference rounding to nearest away", "[.][exhaustive][convert][e5m2]") { check_every_binary32<e5m2, nearest_away>(); }
TEST_CASE("every binary32 converts to e5m2 like the reference rounding to odd", "[.][exhaustive][convert][e5m2]") { check_every_binary32<e5m2, to_odd>(); }
// clang-format on

TEST_CASE("binary32 to binary16 matches the reference near its limits and on spread inputs", "[convert][binary16]") {
  check_some_binary32_in_every_mode<fp16>();
}
TEST_CASE("binary32 to bfloat16 matches the reference near its limits and on spread inputs", "[convert][bfloat16]") {
  check_some_binary32_in_every_mode<bf16>();
}
TEST_CASE("binary32 to e4m3 matches the reference near its limits and on spread inputs", "[convert][e4m3]") {
  check_some_binary32_in_every_mode<e4m3>();
}
TEST_CASE("binary32 to e5m2 matches the reference near its limits and on spread inputs", "[convert][e5m2]") {
  check_some_binary32_in_every_mode<e5m2>();
}
