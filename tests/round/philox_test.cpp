// SPDX-License-Identifier: MIT
// Tests of round/stochastic.hpp: Philox4x32-10 against Random123's published known answers,
// and how stochastic_bits_for lays (seed, stream, index) into key and counter.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>

#include "mpsim/round/stochastic.hpp"

using namespace mpsim;
using Words4 = std::array<std::uint32_t, 4>;

// Random123 1.14, tests/kat_vectors, the three "philox4x32 10" lines: counter (4 words),
// key (2 words), expected output (4 words).
TEST_CASE("philox4x32_10 reproduces Random123's known-answer vectors", "[round][philox]") {
  CHECK(philox4x32_10({0x00000000, 0x00000000, 0x00000000, 0x00000000}, {0x00000000, 0x00000000}) ==
        Words4{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8});
  CHECK(philox4x32_10({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}) ==
        Words4{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd});
  // counter and key are the leading hex digits of pi
  CHECK(philox4x32_10({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}) ==
        Words4{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1});
}

TEST_CASE("philox4x32_10 is usable at compile time", "[round][philox]") {
  constexpr Words4 zero = philox4x32_10({0, 0, 0, 0}, {0, 0});
  STATIC_REQUIRE(zero[0] == 0x6627e8d5);
}

TEST_CASE("stochastic_bits_for is word index % 4 of Philox with counter (index / 4, stream) and key seed",
          "[round][philox]") {
  const std::uint64_t seed = 0x0123456789ABCDEFull, stream = 0xFEDCBA9876543210ull, index = 0x1122334455667789ull;
  // index / 4 = 0x04488CD115599DE2, index % 4 = 1
  const Words4 out = philox4x32_10({0x15599DE2, 0x04488CD1, 0x76543210, 0xFEDCBA98}, {0x89ABCDEF, 0x01234567});
  CHECK(stochastic_bits_for(seed, stream, index) == out[1]);
  // indices 0..3 are the four words of the all-zero known answer
  CHECK(stochastic_bits_for(0, 0, 0) == 0x6627e8d5);
  CHECK(stochastic_bits_for(0, 0, 1) == 0xe169c58d);
  CHECK(stochastic_bits_for(0, 0, 2) == 0xbc57ac4c);
  CHECK(stochastic_bits_for(0, 0, 3) == 0x9b00dbd8);
}

TEST_CASE("stochastic_bits_for gives different words for neighbouring seeds, streams and indices",
          "[round][philox]") {
  const std::uint32_t base = stochastic_bits_for(7, 3, 1000);
  CHECK(stochastic_bits_for(7, 3, 1000) == base);  // a pure function
  CHECK(stochastic_bits_for(8, 3, 1000) != base);
  CHECK(stochastic_bits_for(7, 4, 1000) != base);
  CHECK(stochastic_bits_for(7, 3, 1001) != base);
  // The high halves of the 64-bit arguments take part too.
  CHECK(stochastic_bits_for(7 + (1ull << 32), 3, 1000) != base);
  CHECK(stochastic_bits_for(7, 3 + (1ull << 32), 1000) != base);
  CHECK(stochastic_bits_for(7, 3, 1000 + (1ull << 32)) != base);
}
