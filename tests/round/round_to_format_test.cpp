// SPDX-License-Identifier: MIT
// Tests of round_to_format on hand-computed binary16 values: every rounding mode on ties and
// near ties, carries into the next binade, and the flags and events each case raises.
#include <catch2/catch.hpp>

#include <cstdint>
#include <sstream>
#include <string>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/round/round.hpp"

using namespace mpsim;

// Failure messages show {bits, flags, events} in hex.
template <>
struct Catch::StringMaker<Result> {
  static std::string convert(const Result& r) {
    std::ostringstream out;
    out << std::hex << "{0x" << r.bits << ", flags 0x" << int{r.flags} << ", events 0x" << int{r.events} << '}';
    return out.str();
  }
};

namespace {

constexpr std::uint8_t inexact = flag::inexact;

// round_to_format of (-1)^sign * sig * 2^exp into binary16 under `mode`.
Result fp16(Rounding mode, bool sign, int exp, u128 sig) {
  return round_to_format(binary16, Env{.rounding = mode}, Exact{sign, exp, sig});
}

}  // namespace

TEST_CASE("fp16 rounding of 1 + 2^-11, the tie between 1 and its successor, in every mode",
          "[round][fp16]") {
  const u128 tie = 0x801;  // (2^11 + 1) * 2^-11
  CHECK(fp16(Rounding::nearest_even, false, -11, tie) == Result{0x3C00, inexact, 0});  // 1.0
  CHECK(fp16(Rounding::nearest_away, false, -11, tie) == Result{0x3C01, inexact, 0});  // 1 + 2^-10
  CHECK(fp16(Rounding::toward_zero, false, -11, tie) == Result{0x3C00, inexact, 0});
  CHECK(fp16(Rounding::upward, false, -11, tie) == Result{0x3C01, inexact, 0});
  CHECK(fp16(Rounding::downward, false, -11, tie) == Result{0x3C00, inexact, 0});
  CHECK(fp16(Rounding::to_odd, false, -11, tie) == Result{0x3C01, inexact, 0});
}

TEST_CASE("fp16 ties to even round up from an odd last bit", "[round][fp16]") {
  // 1 + 3 * 2^-11 lies halfway between 0x3C01 (odd) and 0x3C02
  CHECK(fp16(Rounding::nearest_even, false, -11, 0x803).bits == 0x3C02);
  CHECK(fp16(Rounding::nearest_away, false, -11, 0x803).bits == 0x3C02);
  CHECK(fp16(Rounding::toward_zero, false, -11, 0x803).bits == 0x3C01);
  CHECK(fp16(Rounding::to_odd, false, -11, 0x803).bits == 0x3C01);
}

TEST_CASE("fp16 rounding of -(1 + 2^-11) in the directed modes", "[round][fp16]") {
  CHECK(fp16(Rounding::upward, true, -11, 0x801) == Result{0xBC00, inexact, 0});    // -1.0
  CHECK(fp16(Rounding::downward, true, -11, 0x801) == Result{0xBC01, inexact, 0});  // -(1 + 2^-10)
  CHECK(fp16(Rounding::toward_zero, true, -11, 0x801) == Result{0xBC00, inexact, 0});
  CHECK(fp16(Rounding::nearest_even, true, -11, 0x801) == Result{0xBC00, inexact, 0});
  CHECK(fp16(Rounding::nearest_away, true, -11, 0x801) == Result{0xBC01, inexact, 0});
  CHECK(fp16(Rounding::to_odd, true, -11, 0x801) == Result{0xBC01, inexact, 0});
}

TEST_CASE("fp16 nearest rounding just above and just below the tie 1 + 2^-11", "[round][fp16]") {
  // (1 + 2^-11) +- 2^-71: the difference lies 60 bits below the round bit
  const u128 above = (u128{0x801} << 60) + 1, below = (u128{0x801} << 60) - 1;
  CHECK(fp16(Rounding::nearest_even, false, -71, above).bits == 0x3C01);
  CHECK(fp16(Rounding::nearest_even, false, -71, below).bits == 0x3C00);
  CHECK(fp16(Rounding::nearest_away, false, -71, above).bits == 0x3C01);
  CHECK(fp16(Rounding::nearest_away, false, -71, below).bits == 0x3C00);
  CHECK(fp16(Rounding::nearest_even, true, -71, above).bits == 0xBC01);
  CHECK(fp16(Rounding::nearest_even, true, -71, below).bits == 0xBC00);
}

TEST_CASE("fp16 rounding 2 - 2^-11 up carries into the next binade", "[round][fp16]") {
  // 0xFFF * 2^-11 lies halfway between 0x3FFF (2 - 2^-10, odd) and 0x4000 (2.0)
  CHECK(fp16(Rounding::nearest_even, false, -11, 0xFFF) == Result{0x4000, inexact, 0});
  CHECK(fp16(Rounding::nearest_away, false, -11, 0xFFF) == Result{0x4000, inexact, 0});
  CHECK(fp16(Rounding::upward, false, -11, 0xFFF) == Result{0x4000, inexact, 0});
  CHECK(fp16(Rounding::downward, true, -11, 0xFFF) == Result{0xC000, inexact, 0});  // -2.0
  CHECK(fp16(Rounding::toward_zero, false, -11, 0xFFF) == Result{0x3FFF, inexact, 0});
  CHECK(fp16(Rounding::to_odd, false, -11, 0xFFF) == Result{0x3FFF, inexact, 0});
}

TEST_CASE("fp16 exact values keep their bits and raise nothing", "[round][fp16]") {
  for (Rounding mode : {Rounding::nearest_even, Rounding::toward_zero, Rounding::upward, Rounding::downward,
                        Rounding::nearest_away, Rounding::to_odd, Rounding::stochastic}) {
    CHECK(fp16(mode, false, -10, 0x401) == Result{0x3C01, 0, 0});  // 1 + 2^-10
    CHECK(fp16(mode, true, 0, 65504) == Result{0xFBFF, 0, 0});     // -65504, the largest finite
    CHECK(fp16(mode, false, -24, 1) == Result{0x0001, 0, event::subnormal_result});  // 2^-24, exact tiny: no underflow
    CHECK(fp16(mode, false, -14, 1) == Result{0x0400, 0, 0});                      // 2^-14, smallest normal
  }
}

TEST_CASE("fp16 results below 2^-24 / 2 underflow to zero, exactly 2^-25 ties to zero", "[round][fp16]") {
  constexpr std::uint8_t uf = flag::underflow | flag::inexact;
  CHECK(fp16(Rounding::nearest_even, false, -25, 1) == Result{0x0000, uf, event::underflow_to_zero});
  CHECK(fp16(Rounding::nearest_even, false, -85, (u128{1} << 60) + 1) ==
        Result{0x0001, uf, event::subnormal_result});  // 2^-25 + 2^-85
  CHECK(fp16(Rounding::nearest_away, false, -25, 1) == Result{0x0001, uf, event::subnormal_result});
  CHECK(fp16(Rounding::upward, false, -40, 1) == Result{0x0001, uf, event::subnormal_result});
  CHECK(fp16(Rounding::downward, true, -40, 1) == Result{0x8001, uf, event::subnormal_result});
  CHECK(fp16(Rounding::toward_zero, true, -26, 1) == Result{0x8000, uf, event::underflow_to_zero});  // -0
  CHECK(fp16(Rounding::upward, true, -40, 1) == Result{0x8000, uf, event::underflow_to_zero});       // -0
}

TEST_CASE("fp16 largest subnormal plus half an ulp rounds up to the smallest normal, and is tiny",
          "[round][fp16][tininess]") {
  // 2047 * 2^-25: exactly representable with 11 bits and an unbounded exponent, so tiny under
  // both rules; rounding at the subnormal ulp 2^-24 ties up from 0x03FF (odd) to 2^-14.
  constexpr std::uint8_t uf = flag::underflow | flag::inexact;
  for (Tininess rule : {Tininess::after_rounding, Tininess::before_rounding}) {
    const Env env{.tininess = rule};
    CHECK(round_to_format(binary16, env, {false, -25, 2047}) == Result{0x0400, uf, 0});
  }
  CHECK(fp16(Rounding::toward_zero, false, -25, 2047) == Result{0x03FF, uf, event::subnormal_result});
}

TEST_CASE("fp16 (2^-14)(1 - 2^-12) is tiny before rounding but not after", "[round][fp16][tininess]") {
  // 0xFFF * 2^-26 = 2^-14 - 2^-26: rounded to 11 bits with an unbounded exponent it becomes
  // 2^-14, so it is not tiny after rounding; its exact value lies below 2^emin = 2^-14.
  const Exact x{false, -26, 0xFFF};
  const Result after = round_to_format(binary16, Env{.tininess = Tininess::after_rounding}, x);
  const Result before = round_to_format(binary16, Env{.tininess = Tininess::before_rounding}, x);
  CHECK(after == Result{0x0400, flag::inexact, 0});  // 2^-14, no underflow flag
  CHECK(before == Result{0x0400, flag::underflow | flag::inexact, 0});
  // Truncated to 11 bits it stays below 2^-14: tiny under both rules.
  const Env tz_after{.rounding = Rounding::toward_zero, .tininess = Tininess::after_rounding};
  CHECK(round_to_format(binary16, tz_after, x) ==
        Result{0x03FF, flag::underflow | flag::inexact, event::subnormal_result});
}

TEST_CASE("fp16 flush to zero flushes tiny results, including exact ones", "[round][fp16][ftz]") {
  constexpr std::uint8_t uf = flag::underflow | flag::inexact;
  const Env ftz{.flush_to_zero = true};
  CHECK(round_to_format(binary16, ftz, {false, -20, 1}) == Result{0x0000, uf, event::underflow_to_zero});  // 2^-20
  CHECK(round_to_format(binary16, ftz, {true, -20, 1}) == Result{0x8000, uf, event::underflow_to_zero});   // -0
  CHECK(round_to_format(binary16, ftz, {false, -14, 1}) == Result{0x0400, 0, 0});  // 2^-14 is not tiny
  // 2^-14 - 2^-26 rounds up to 2^-14: not tiny after rounding, so FTZ keeps it ...
  const Env ftz_after{.flush_to_zero = true, .tininess = Tininess::after_rounding};
  CHECK(round_to_format(binary16, ftz_after, {false, -26, 0xFFF}) == Result{0x0400, flag::inexact, 0});
  // ... but tininess before rounding flushes it.
  const Env ftz_before{.flush_to_zero = true, .tininess = Tininess::before_rounding};
  CHECK(round_to_format(binary16, ftz_before, {false, -26, 0xFFF}) == Result{0x0000, uf, event::underflow_to_zero});
}

TEST_CASE("a format without subnormals flushes tiny results like FTZ", "[round][ftz]") {
  Format no_subnormals = binary16;
  no_subnormals.subnormals = false;
  CHECK(round_to_format(no_subnormals, {}, {false, -20, 1}) ==
        Result{0x0000, flag::underflow | flag::inexact, event::underflow_to_zero});
}

TEST_CASE("fp16 overflow: inf under nearest, largest finite toward zero or when saturating",
          "[round][fp16][overflow]") {
  constexpr std::uint8_t of = flag::overflow | flag::inexact;
  // 65520 = 4095 * 2^4 lies halfway between 65504 (0x7BFF, odd) and 2^16
  CHECK(fp16(Rounding::nearest_even, false, 4, 4095) == Result{0x7C00, of, event::overflowed});  // +inf
  CHECK(fp16(Rounding::nearest_even, false, 0, 65519) == Result{0x7BFF, inexact, 0});            // no overflow
  // truncating 65520 gives 65504 without overflow; 2^16 overflows to the largest finite value
  CHECK(fp16(Rounding::toward_zero, false, 4, 4095) == Result{0x7BFF, inexact, 0});
  CHECK(fp16(Rounding::toward_zero, false, 16, 1) == Result{0x7BFF, of, event::overflowed});
  CHECK(fp16(Rounding::to_odd, false, 16, 1) == Result{0x7BFF, of, event::overflowed});
  CHECK(fp16(Rounding::upward, false, 0, 65505) == Result{0x7C00, of, event::overflowed});  // +inf
  CHECK(fp16(Rounding::upward, true, 16, 1) == Result{0xFBFF, of, event::overflowed});      // -65504
  CHECK(fp16(Rounding::downward, true, 0, 65505) == Result{0xFC00, of, event::overflowed});  // -inf
  CHECK(fp16(Rounding::downward, false, 16, 1) == Result{0x7BFF, of, event::overflowed});
  CHECK(fp16(Rounding::nearest_even, true, 100, 1) == Result{0xFC00, of, event::overflowed});
  const Env saturate{.overflow = Overflow::saturate};
  CHECK(round_to_format(binary16, saturate, {false, 4, 4095}) == Result{0x7BFF, of, event::overflowed});
  CHECK(round_to_format(binary16, saturate, {true, 100, 1}) == Result{0xFBFF, of, event::overflowed});
}

TEST_CASE("e4m3 overflow gives NaN 0x7F / 0xFF, or 448 when saturating", "[round][e4m3][overflow]") {
  constexpr std::uint8_t of = flag::overflow | flag::inexact;
  // 464 lies halfway between 448 (0x7E, significand 1110, even) and 480, whose encoding is NaN
  CHECK(round_to_format(fp8_e4m3, {}, {false, 0, 464}) == Result{0x7E, inexact, 0});
  CHECK(round_to_format(fp8_e4m3, {}, {false, 0, 465}) ==
        Result{0x7F, of, event::overflowed | event::nan_created});  // +NaN S.1111.111
  CHECK(round_to_format(fp8_e4m3, {}, {true, 0, 465}) ==
        Result{0xFF, of, event::overflowed | event::nan_created});  // -NaN
  CHECK(round_to_format(fp8_e4m3, nvidia_env, {true, 0, 465}).bits == 0x7F);  // canonical NaN has no sign
  const Env saturate{.overflow = Overflow::saturate};
  CHECK(round_to_format(fp8_e4m3, saturate, {false, 0, 465}) == Result{0x7E, of, event::overflowed});   // 448
  CHECK(round_to_format(fp8_e4m3, saturate, {true, 20, 1}) == Result{0xFE, of, event::overflowed});     // -448
  const Env truncate{.rounding = Rounding::toward_zero};
  CHECK(round_to_format(fp8_e4m3, truncate, {false, 0, 500}) == Result{0x7E, of, event::overflowed});
}

TEST_CASE("stochastic round_to_format of 1 + 2^-12 + 2^-14 in fp16 rounds up when D + R >= 2^k",
          "[round][fp16][stochastic]") {
  // 0x4005 * 2^-14 = 1 + 2^-12 + 2^-14 lies 5/16 of an ulp above 1.0 (0x3C00)
  const Exact x{false, -14, 0x4005};
  auto sr = [&](int bits, std::uint32_t random) {
    return round_to_format(binary16, Env{.rounding = Rounding::stochastic, .stochastic_bits = bits}, x, random).bits;
  };
  // 32 bits: D = 5/16 * 2^32 = 0x50000000, up iff R >= 0xB0000000
  CHECK(sr(32, 0x00000000) == 0x3C00);
  CHECK(sr(32, 0xAFFFFFFF) == 0x3C00);
  CHECK(sr(32, 0xB0000000) == 0x3C01);
  CHECK(sr(32, 0xFFFFFFFF) == 0x3C01);
  // 8 bits: D = 80, up iff (R mod 256) >= 176 = 0xB0
  CHECK(sr(8, 0xFFFFFFAF) == 0x3C00);
  CHECK(sr(8, 0x000000B0) == 0x3C01);
  // 1 bit: D = 0 (5/16 < 1/2), never up
  CHECK(sr(1, 0xFFFFFFFF) == 0x3C00);
  CHECK(round_to_format(binary16, Env{.rounding = Rounding::stochastic}, x, 0).flags == flag::inexact);
}
