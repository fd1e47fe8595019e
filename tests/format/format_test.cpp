// SPDX-License-Identifier: MIT
// Tests of format/: the named-format table, derived limits and name lookup.
#include <catch2/catch.hpp>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/ops/convert.hpp"

using namespace mpsim;

TEST_CASE("binary16 limits derive from its fields", "[format][fp16]") {
  CHECK(binary16.storage_bits() == 16);
  CHECK(binary16.emax() == 15);
  CHECK(binary16.emin() == -14);
  CHECK(binary16.max_finite_bits() == 0x7BFF);  // 65504
  CHECK(to_double(binary16, binary16.max_finite_bits()) == 65504.0);
  CHECK(binary16.infinity_bits() == 0x7C00);  // +inf
}

TEST_CASE("e4m3 has no infinity and its largest finite value is 448", "[format][e4m3]") {
  CHECK(fp8_e4m3.emax() == 8);
  CHECK(fp8_e4m3.max_finite_bits() == 0x7E);  // S.1111.110 = 448
  CHECK(to_double(fp8_e4m3, 0x7E) == 448.0);
  CHECK(to_double(fp8_e4m3, 0x01) == 0x1p-9);  // smallest subnormal
}

TEST_CASE("find_format knows aliases and eXmY names and rejects unknown ones", "[format]") {
  CHECK(find_format("fp16") == binary16);
  CHECK(find_format("bf16") == bfloat16);
  CHECK(find_format("e5m10") == binary16);
  CHECK(find_format("e4m3-noinf").has_value());
  CHECK_FALSE(find_format("fp17").has_value());
  CHECK_FALSE(find_format("e1m3").has_value());
  CHECK_FALSE(find_format("e5m60").has_value());
  CHECK(format_name(*find_format("e6m9-sat")) == "e6m9-sat");
}

TEST_CASE("validate rejects formats the core cannot emulate and names the problem", "[format]") {
  CHECK(validate(binary16).empty());
  CHECK(validate(fp8_e4m3).empty());
  CHECK_FALSE(validate(Format{.exponent_bits = 12, .fraction_bits = 10, .bias = 2047}).empty());  // wider than binary64
  CHECK_FALSE(validate(Format{.exponent_bits = 5, .fraction_bits = 53, .bias = 15}).empty());     // p = 54 > 53
  CHECK_FALSE(validate(Format{.exponent_bits = 5, .fraction_bits = 0, .bias = 15}).empty());      // IEEE NaN needs F
  // All-ones NaN with no fraction bit: the NaN would be the largest "finite" value.
  CHECK(validate(Format{.exponent_bits = 3, .fraction_bits = 0, .bias = 3, .infinities = false,
                        .nan = NanEncoding::all_ones})
            .find("fraction bit") != std::string::npos);
  CHECK_FALSE(find_format("e3m0-noinf").has_value());
}
