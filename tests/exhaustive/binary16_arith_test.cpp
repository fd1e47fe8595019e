// SPDX-License-Identifier: MIT
// binary16 add, sub, mul, div under round-to-nearest-even: all 2^32 operand pairs against the
// binary64 reference and AVX512-FP16 (where present), results and flags; plus quick subsets
// in every mode against the x87 and binary64 references.
#include "pairs.hpp"

using namespace exhaustive;
using reference::Op;

// clang-format off
TEST_CASE("every binary16 pair adds like the reference rounding to nearest even", "[.][exhaustive][add][binary16]") { check_all_pairs<Op::add, fp16, nearest_even>(); }
TEST_CASE("every binary16 pair subtracts like the reference rounding to nearest even", "[.][exhaustive][sub][binary16]") { check_all_pairs<Op::sub, fp16, nearest_even>(); }
TEST_CASE("every binary16 pair multiplies like the reference rounding to nearest even", "[.][exhaustive][mul][binary16]") { check_all_pairs<Op::mul, fp16, nearest_even>(); }
TEST_CASE("every binary16 pair divides like the reference rounding to nearest even", "[.][exhaustive][div][binary16]") { check_all_pairs<Op::div, fp16, nearest_even>(); }

TEST_CASE("binary16 add matches the reference on boundary and spread pairs in every mode", "[add][binary16]") { check_some_pairs_in_every_mode<Op::add, fp16>(); }
TEST_CASE("binary16 sub matches the reference on boundary and spread pairs in every mode", "[sub][binary16]") { check_some_pairs_in_every_mode<Op::sub, fp16>(); }
TEST_CASE("binary16 mul matches the reference on boundary and spread pairs in every mode", "[mul][binary16]") { check_some_pairs_in_every_mode<Op::mul, fp16>(); }
TEST_CASE("binary16 div matches the reference on boundary and spread pairs in every mode", "[div][binary16]") { check_some_pairs_in_every_mode<Op::div, fp16>(); }
// clang-format on
