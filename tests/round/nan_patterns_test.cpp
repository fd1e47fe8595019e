// SPDX-License-Identifier: MIT
// Tests of the NaN patterns round/ packs: the default NaN of an invalid operation and a NaN
// operand carried into a result, under the propagate (x86) and canonical (NVIDIA) policies.
#include <catch2/catch.hpp>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/format/unpacked.hpp"
#include "mpsim/round/round.hpp"

using namespace mpsim;

TEST_CASE("the default NaN is sign-and-quiet-bit under propagate and all-but-sign when canonical",
          "[round][nan]") {
  CHECK(default_nan(binary16, ieee_env) == 0xFE00);      // - 11111 1000000000
  CHECK(default_nan(binary16, nvidia_env) == 0x7FFF);    // + 11111 1111111111
  CHECK(default_nan(binary32, ieee_env) == 0xFFC00000);  // x86 "real indefinite"
  CHECK(default_nan(binary32, nvidia_env) == 0x7FFFFFFF);
  CHECK(default_nan(bfloat16, ieee_env) == 0xFFC0);
  CHECK(default_nan(bfloat16, nvidia_env) == 0x7FFF);
  CHECK(default_nan(binary64, ieee_env) == 0xFFF8000000000000);
  CHECK(default_nan(fp8_e4m3, ieee_env) == 0xFF);    // E4M3 has only S.1111.111
  CHECK(default_nan(fp8_e4m3, nvidia_env) == 0x7F);
  CHECK(default_nan(fp8_e5m2, ieee_env) == 0xFE);    // - 11111 10
  CHECK(default_nan(fp8_e5m2, nvidia_env) == 0x7F);
}

TEST_CASE("a NaN operand keeps its sign and payload, quieted, unless the policy is canonical", "[round][nan]") {
  const Unpacked snan = unpack(binary16, 0xFC01);  // -sNaN, payload 1
  REQUIRE(snan.kind == Kind::signaling_nan);
  CHECK(quiet_nan_from(binary16, ieee_env, snan.sign, snan.sig) == 0xFE01);  // quiet bit set
  CHECK(quiet_nan_from(binary16, nvidia_env, snan.sign, snan.sig) == 0x7FFF);
  // Widening keeps the payload at the top of the fraction: fp16 0x7D55 -> fp32 0x7FEAA000
  const Unpacked wide = unpack(binary16, 0x7D55);
  CHECK(quiet_nan_from(binary32, ieee_env, wide.sign, wide.sig) == 0x7FEAA000);
  CHECK(quiet_nan_from(binary32, nvidia_env, wide.sign, wide.sig) == 0x7FFFFFFF);
  // Narrowing keeps the top of the payload: fp32 0x7FC12345 -> fp16 0x7E09
  const Unpacked narrow = unpack(binary32, 0x7FC12345);
  CHECK(quiet_nan_from(binary16, ieee_env, narrow.sign, narrow.sig) == 0x7E09);
}

TEST_CASE("an infinite result is inf, NaN in e4m3, or the largest finite value when saturating",
          "[round][nan][overflow]") {
  CHECK(pack_infinity(binary16, ieee_env, true) == Result{0xFC00, 0, 0});  // -inf, exact: no flags
  CHECK(pack_infinity(fp8_e4m3, ieee_env, false).bits == 0x7F);           // NaN: E4M3 has no inf
  const Env saturate{.overflow = Overflow::saturate};
  CHECK(pack_infinity(binary16, saturate, false).bits == 0x7BFF);  // 65504
  CHECK(pack_infinity(fp8_e4m3, saturate, true).bits == 0xFE);     // -448
}
