// SPDX-License-Identifier: MIT
// bfloat16 add, sub, mul, div under round-to-nearest-even: all 2^32 operand pairs against the
// binary64 reference, results and flags; plus quick subsets in every mode against the x87
// and binary64 references.
#include "pairs.hpp"

using namespace exhaustive;
using reference::Op;

// clang-format off
TEST_CASE("every bfloat16 pair adds like the reference rounding to nearest even", "[.][exhaustive][add][bfloat16]") { check_all_pairs<Op::add, bf16, nearest_even>(); }
TEST_CASE("every bfloat16 pair subtracts like the reference rounding to nearest even", "[.][exhaustive][sub][bfloat16]") { check_all_pairs<Op::sub, bf16, nearest_even>(); }
TEST_CASE("every bfloat16 pair multiplies like the reference rounding to nearest even", "[.][exhaustive][mul][bfloat16]") { check_all_pairs<Op::mul, bf16, nearest_even>(); }
TEST_CASE("every bfloat16 pair divides like the reference rounding to nearest even", "[.][exhaustive][div][bfloat16]") { check_all_pairs<Op::div, bf16, nearest_even>(); }

TEST_CASE("bfloat16 add matches the reference on boundary and spread pairs in every mode", "[add][bfloat16]") { check_some_pairs_in_every_mode<Op::add, bf16>(); }
TEST_CASE("bfloat16 sub matches the reference on boundary and spread pairs in every mode", "[sub][bfloat16]") { check_some_pairs_in_every_mode<Op::sub, bf16>(); }
TEST_CASE("bfloat16 mul matches the reference on boundary and spread pairs in every mode", "[mul][bfloat16]") { check_some_pairs_in_every_mode<Op::mul, bf16>(); }
TEST_CASE("bfloat16 div matches the reference on boundary and spread pairs in every mode", "[div][bfloat16]") { check_some_pairs_in_every_mode<Op::div, bf16>(); }
// clang-format on
