// SPDX-License-Identifier: MIT
// classify_mismatch, the one judgement every validation kernel makes, checked on the host.
#include <catch2/catch.hpp>

#include "mpsim/cuda/mismatch.hpp"
#include "mpsim/format/named_formats.hpp"

using mpsim::binary16;
using mpsim::binary32;
using mpsim::fp8_e4m3;
using mpsim::cuda::classify_mismatch;
using mpsim::cuda::MismatchClass;

TEST_CASE("equal bit patterns are no mismatch, NaN included", "[cuda][mismatch]") {
  CHECK(classify_mismatch(binary16, 0x3C00, 0x3C00) == MismatchClass::none);
  CHECK(classify_mismatch(binary16, 0x7FFF, 0x7FFF) == MismatchClass::none);
  CHECK(classify_mismatch(binary32, 0x7FFFFFFF, 0x7FFFFFFF) == MismatchClass::none);
}

TEST_CASE("two different NaNs are a NaN-pattern mismatch", "[cuda][mismatch]") {
  CHECK(classify_mismatch(binary16, 0x7E00, 0x7FFF) == MismatchClass::nan_pattern);
  CHECK(classify_mismatch(binary16, 0xFE00, 0x7C01) == MismatchClass::nan_pattern);  // quiet vs signaling
  CHECK(classify_mismatch(binary32, 0x7FFFFFFF, 0x7FA00000) == MismatchClass::nan_pattern);
  CHECK(classify_mismatch(fp8_e4m3, 0x7F, 0xFF) == MismatchClass::nan_pattern);  // E4M3's two NaNs
}

TEST_CASE("+0 against -0 is a sign-of-zero mismatch", "[cuda][mismatch]") {
  CHECK(classify_mismatch(binary16, 0x0000, 0x8000) == MismatchClass::sign_of_zero);
  CHECK(classify_mismatch(binary32, 0x80000000, 0x00000000) == MismatchClass::sign_of_zero);
}

TEST_CASE("anything else is a value mismatch", "[cuda][mismatch]") {
  CHECK(classify_mismatch(binary16, 0x3C00, 0x3C01) == MismatchClass::value);
  CHECK(classify_mismatch(binary16, 0x7C00, 0x7FFF) == MismatchClass::value);  // inf vs NaN
  CHECK(classify_mismatch(binary16, 0x0000, 0x0001) == MismatchClass::value);  // zero vs subnormal
  CHECK(classify_mismatch(binary16, 0x8000, 0x7FFF) == MismatchClass::value);  // zero vs NaN
  CHECK(classify_mismatch(fp8_e4m3, 0x7E, 0x7F) == MismatchClass::value);      // 448 vs NaN
}
