// SPDX-License-Identifier: MIT
// Tests of round_significand: dropping the low bits of an integer significand in every
// rounding mode, with hand-computed expectations. Literals are written [kept bits'dropped bits].
#include <catch2/catch.hpp>

#include <cstdint>

#include "mpsim/round/round.hpp"

using namespace mpsim;

namespace {

constexpr bool positive = false, negative = true;

// Kept significand of round_significand under `mode`, failing the test if `inexact` is wrong.
u128 kept(u128 sig, int shift, bool sign, Rounding mode, bool expect_inexact = true) {
  const Kept k = round_significand(sig, shift, sign, mode, 32, 0);
  CHECK(k.inexact == expect_inexact);
  return k.sig;
}

// Stochastic rounding of `sig` with `bits` random bits and random word `random`.
Kept stochastic(u128 sig, int shift, int bits, std::uint32_t random) {
  return round_significand(sig, shift, positive, Rounding::stochastic, bits, random);
}

}  // namespace

TEST_CASE("an exact significand is kept unchanged and exact in every mode", "[round][significand]") {
  for (Rounding mode : {Rounding::nearest_even, Rounding::nearest_away, Rounding::toward_zero, Rounding::upward,
                        Rounding::downward, Rounding::to_odd}) {
    CHECK(kept(0b1010'0000, 4, positive, mode, false) == 0b1010);  // even, stays even under to_odd
    CHECK(kept(0b1010'0000, 4, negative, mode, false) == 0b1010);
  }
  for (std::uint32_t random : {0x00000000u, 0xFFFFFFFFu}) {
    const Kept k = stochastic(0b1010'0000, 4, 32, random);
    CHECK(k.sig == 0b1010);
    CHECK_FALSE(k.inexact);
  }
}

TEST_CASE("nearest modes on an exact tie: even keeps an even last bit, away always rounds up",
          "[round][significand]") {
  // kept 1010 (even) + exactly half
  CHECK(kept(0b1010'1000, 4, positive, Rounding::nearest_even) == 0b1010);
  CHECK(kept(0b1010'1000, 4, positive, Rounding::nearest_away) == 0b1011);
  CHECK(kept(0b1010'1000, 4, negative, Rounding::nearest_even) == 0b1010);
  CHECK(kept(0b1010'1000, 4, negative, Rounding::nearest_away) == 0b1011);
  // kept 1011 (odd) + exactly half
  CHECK(kept(0b1011'1000, 4, positive, Rounding::nearest_even) == 0b1100);
  CHECK(kept(0b1011'1000, 4, positive, Rounding::nearest_away) == 0b1100);
  // the tie with a one-bit shift: 101|1 -> 110 (odd kept), 100|1 -> 100 (even kept)
  CHECK(kept(0b101'1, 1, positive, Rounding::nearest_even) == 0b110);
  CHECK(kept(0b100'1, 1, positive, Rounding::nearest_even) == 0b100);
}

TEST_CASE("nearest modes just above and just below a tie", "[round][significand]") {
  // 1010 + half + 1/16 rounds up, 1010 + half - 1/16 rounds down, in both nearest modes
  CHECK(kept(0b1010'1001, 4, positive, Rounding::nearest_even) == 0b1011);
  CHECK(kept(0b1010'1001, 4, positive, Rounding::nearest_away) == 0b1011);
  CHECK(kept(0b1010'0111, 4, positive, Rounding::nearest_even) == 0b1010);
  CHECK(kept(0b1010'0111, 4, positive, Rounding::nearest_away) == 0b1010);
  // far below the round bit: half plus one unit 100 bits down
  const u128 above = (u128{0b1010'1} << 100) | 1, below = (u128{0b1010'1} << 100) - 1;
  CHECK(kept(above, 101, positive, Rounding::nearest_even) == 0b1011);
  CHECK(kept(below, 101, positive, Rounding::nearest_even) == 0b1010);
  CHECK(kept(below, 101, positive, Rounding::nearest_away) == 0b1010);
}

TEST_CASE("toward zero truncates the magnitude whatever the sign", "[round][significand]") {
  CHECK(kept(0b1010'1111, 4, positive, Rounding::toward_zero) == 0b1010);
  CHECK(kept(0b1010'1111, 4, negative, Rounding::toward_zero) == 0b1010);
  CHECK(kept(0b1010'0001, 4, negative, Rounding::toward_zero) == 0b1010);
}

TEST_CASE("directed modes round the magnitude up only toward their infinity", "[round][significand]") {
  // +1010.0001: up goes to 1011, down stays
  CHECK(kept(0b1010'0001, 4, positive, Rounding::upward) == 0b1011);
  CHECK(kept(0b1010'0001, 4, positive, Rounding::downward) == 0b1010);
  // -1010.0001: toward +inf shrinks the magnitude, toward -inf grows it
  CHECK(kept(0b1010'0001, 4, negative, Rounding::upward) == 0b1010);
  CHECK(kept(0b1010'0001, 4, negative, Rounding::downward) == 0b1011);
  // on a tie too
  CHECK(kept(0b1010'1000, 4, negative, Rounding::upward) == 0b1010);
  CHECK(kept(0b1010'1000, 4, negative, Rounding::downward) == 0b1011);
}

TEST_CASE("round to odd truncates and sets the last bit when anything was dropped", "[round][significand]") {
  CHECK(kept(0b1010'0001, 4, positive, Rounding::to_odd) == 0b1011);
  CHECK(kept(0b1010'1111, 4, negative, Rounding::to_odd) == 0b1011);
  CHECK(kept(0b1011'1111, 4, positive, Rounding::to_odd) == 0b1011);  // already odd: no carry
}

TEST_CASE("rounding up all-ones kept bits carries one bit wider", "[round][significand]") {
  CHECK(kept(0b1111'1000, 4, positive, Rounding::nearest_even) == 0b10000);
  CHECK(kept(0b1111'1000, 4, positive, Rounding::nearest_away) == 0b10000);
  CHECK(kept(0b1111'0001, 4, positive, Rounding::upward) == 0b10000);
  CHECK(kept(0b1111'0001, 4, negative, Rounding::downward) == 0b10000);
  CHECK(kept(0b1111'0111, 4, positive, Rounding::nearest_even) == 0b1111);
}

TEST_CASE("a shift of 128 or more drops everything", "[round][significand]") {
  const u128 sig = u128{1} << 126;  // below half of 2^128
  CHECK(kept(sig, 128, positive, Rounding::nearest_even) == 0);
  CHECK(kept(sig, 128, positive, Rounding::nearest_away) == 0);
  CHECK(kept(sig, 200, positive, Rounding::upward) == 1);
  CHECK(kept(sig, 200, negative, Rounding::upward) == 0);
  CHECK(kept(sig, 128, positive, Rounding::to_odd) == 1);
}

TEST_CASE("stochastic rounding with 32 bits rounds up exactly when D + R >= 2^32", "[round][significand][stochastic]") {
  // dropped 1000 = one half: D = 0x80000000
  CHECK(stochastic(0b1010'1000, 4, 32, 0x00000000).sig == 0b1010);
  CHECK(stochastic(0b1010'1000, 4, 32, 0x7FFFFFFF).sig == 0b1010);  // D + R = 2^32 - 1
  CHECK(stochastic(0b1010'1000, 4, 32, 0x80000000).sig == 0b1011);  // D + R = 2^32
  CHECK(stochastic(0b1010'1000, 4, 32, 0xFFFFFFFF).sig == 0b1011);
  // dropped 0011 = 3/16: D = 0x30000000, threshold R = 0xD0000000
  CHECK(stochastic(0b1010'0011, 4, 32, 0xCFFFFFFF).sig == 0b1010);
  CHECK(stochastic(0b1010'0011, 4, 32, 0xD0000000).sig == 0b1011);
  CHECK(stochastic(0b1010'0011, 4, 32, 0xD0000000).inexact);
  // the smallest dropped fraction 32 bits can see, 2^-32: only R = 0xFFFFFFFF rounds up
  const u128 tiny = (u128{0b1010} << 40) | (u128{1} << 8);  // dropped bits: 2^-32 of the last kept bit
  CHECK(stochastic(tiny, 40, 32, 0xFFFFFFFE).sig == 0b1010);
  CHECK(stochastic(tiny, 40, 32, 0xFFFFFFFF).sig == 0b1011);
  // all-ones kept bits carry one bit wider
  CHECK(stochastic(0b1111'1000, 4, 32, 0xFFFFFFFF).sig == 0b10000);
}

TEST_CASE("stochastic rounding ignores dropped bits below the first stochastic_bits", "[round][significand][stochastic]") {
  // 2^-33 of the last kept bit lies below what 32 random bits see: never rounds up, still inexact
  const u128 below = (u128{0b1010} << 40) | (u128{1} << 7);
  const Kept k = stochastic(below, 40, 32, 0xFFFFFFFF);
  CHECK(k.sig == 0b1010);
  CHECK(k.inexact);
}

TEST_CASE("stochastic rounding with 1 random bit looks only at the round bit", "[round][significand][stochastic]") {
  // dropped 1000: D = 1, rounds up when the random word's bit 0 is set
  CHECK(stochastic(0b1010'1000, 4, 1, 0x00000000).sig == 0b1010);
  CHECK(stochastic(0b1010'1000, 4, 1, 0x00000001).sig == 0b1011);
  CHECK(stochastic(0b1010'1000, 4, 1, 0xFFFFFFFE).sig == 0b1010);  // only bit 0 counts
  CHECK(stochastic(0b1010'1111, 4, 1, 0xFFFFFFFF).sig == 0b1011);
  // dropped 0111 (just below half): D = 0, never rounds up, but inexact
  const Kept k = stochastic(0b1010'0111, 4, 1, 0xFFFFFFFF);
  CHECK(k.sig == 0b1010);
  CHECK(k.inexact);
}

TEST_CASE("stochastic rounding with 8 random bits compares the top 8 dropped bits", "[round][significand][stochastic]") {
  // shift 12, dropped 0xA5F: D = 0xA5 = 165, rounds up when (R mod 256) >= 256 - 165 = 91 = 0x5B
  const u128 sig = (u128{0b1010} << 12) | 0xA5F;
  CHECK(stochastic(sig, 12, 8, 0x0000005A).sig == 0b1010);
  CHECK(stochastic(sig, 12, 8, 0x0000005B).sig == 0b1011);
  CHECK(stochastic(sig, 12, 8, 0xFFFFFF5A).sig == 0b1010);  // bits above the low 8 are ignored
  CHECK(stochastic(sig, 12, 8, 0xFFFFFF5B).sig == 0b1011);
  CHECK(stochastic(sig, 12, 8, 0x000000FF).sig == 0b1011);
  CHECK(stochastic(sig, 12, 8, 0x00000000).sig == 0b1010);
  // fewer dropped bits than random bits: dropped 11 of shift 2 is D = 0b1100'0000 = 192
  CHECK(stochastic(0b1010'11, 2, 8, 0x3F).sig == 0b1010);  // 192 + 63 = 255
  CHECK(stochastic(0b1010'11, 2, 8, 0x40).sig == 0b1011);  // 192 + 64 = 256
}
