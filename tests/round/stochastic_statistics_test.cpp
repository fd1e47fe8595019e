// SPDX-License-Identifier: MIT
// Statistics of stochastic rounding with Philox words: the mean of many roundings converges to
// the exact value, P(round up) = floor(D * 2^k) / 2^k, and representable values never move.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/ops/convert.hpp"
#include "mpsim/round/round.hpp"
#include "mpsim/round/stochastic.hpp"

using namespace mpsim;

namespace {

// Hoeffding's inequality for N independent draws in an interval of width w:
//   P(|mean - E[mean]| >= t * w) <= 2 exp(-2 N t^2).
// With N = 2^20 and t = 0.0035 the bound is 2 exp(-25.7) < 1.5e-11 per check; the file makes
// fewer than 60 such checks, so a correct implementation fails with probability below 1e-9
// (treating the Philox words as independent uniform draws).
constexpr int draws = 1 << 20;
constexpr double tolerance = 0.0035;  // in units of the gap between the two neighbours

struct Tally {
  double mean = 0;       // mean of the rounded values
  double up_fraction = 0;  // fraction of draws that gave the upper neighbour
  bool only_neighbours = true;
};

// Rounds x N times with random words stochastic_bits_for(seed, stream, i), i = 0 .. N-1.
Tally tally(const Format& f, const Exact& x, int stochastic_bits, std::uint64_t lower, std::uint64_t upper,
            std::uint64_t stream) {
  const Env env{.rounding = Rounding::stochastic, .stochastic_bits = stochastic_bits};
  double sum = 0;  // exact: every value is a small multiple of the format's ulp
  std::uint64_t ups = 0;
  Tally t;
  for (int i = 0; i < draws; ++i) {
    const std::uint64_t bits = round_to_format(f, env, x, stochastic_bits_for(20240601, stream, i)).bits;
    ups += bits == upper;
    t.only_neighbours &= bits == upper || bits == lower;
    sum += to_double(f, bits);
  }
  t.mean = sum / draws;
  t.up_fraction = static_cast<double>(ups) / draws;
  return t;
}

double value(const Exact& x) { return (x.sign ? -1.0 : 1.0) * std::ldexp(static_cast<double>(x.sig), x.exp); }

// The mean converges to x, and P(up) is the fraction D of the gap the exact value covers.
void check_unbiased(const Format& f, const Exact& x, std::uint64_t lower, std::uint64_t upper, double fraction) {
  const double gap = std::abs(to_double(f, upper) - to_double(f, lower));
  const Tally t = tally(f, x, 32, lower, upper, 1);
  CHECK(t.only_neighbours);
  CHECK(std::abs(t.mean - value(x)) <= tolerance * gap);
  CHECK(std::abs(t.up_fraction - fraction) <= tolerance);
}

}  // namespace

TEST_CASE("stochastic rounding of 1 + 2^-12 + 2^-14 to fp16 is unbiased", "[round][stochastic][statistics][fp16]") {
  // 0x4005 * 2^-14 lies 5/16 of the way from 1.0 (0x3C00) to 1 + 2^-10 (0x3C01)
  check_unbiased(binary16, {false, -14, 0x4005}, 0x3C00, 0x3C01, 5.0 / 16);
}

TEST_CASE("stochastic rounding of a negative bf16 value is unbiased", "[round][stochastic][statistics][bf16]") {
  // -(2 + (11/16) 2^-6) = -0x8B * 2^-6: between -2 (0xC000) and -(2 + 2^-6) (0xC001)
  check_unbiased(bfloat16, {true, -10, 0x80B}, 0xC000, 0xC001, 11.0 / 16);
}

TEST_CASE("stochastic rounding of an fp16 subnormal is unbiased", "[round][stochastic][statistics][fp16]") {
  // (5 + 3/8) 2^-24 = 43 * 2^-27: between 0x0005 and 0x0006
  check_unbiased(binary16, {false, -27, 43}, 0x0005, 0x0006, 3.0 / 8);
  // 2^-26 + 2^-28 = (5/16) 2^-24, below the smallest subnormal: between +0 and 0x0001
  check_unbiased(binary16, {false, -28, 5}, 0x0000, 0x0001, 5.0 / 16);
}

TEST_CASE("stochastic rounding of an e4m3 value is unbiased", "[round][stochastic][statistics][e4m3]") {
  // 300 lies 12/32 of the way from 288 (0x79) to 320 (0x7A); 440 lies 3/4 from 416 (0x7D) to 448 (0x7E)
  check_unbiased(fp8_e4m3, {false, 0, 300}, 0x79, 0x7A, 12.0 / 32);
  check_unbiased(fp8_e4m3, {false, 0, 440}, 0x7D, 0x7E, 3.0 / 4);
}

TEST_CASE("with k random bits stochastic rounding rounds up with probability floor(D 2^k) / 2^k",
          "[round][stochastic][statistics][bf16]") {
  // -(2 + (11/16 + 2^-45) 2^-6) in bf16: D = 11/16 + 2^-45, which k <= 32 bits truncate.
  const Exact x{true, -51, (u128{0x80B} << 41) | 1};
  struct Expected {
    int k;
    double up;
  };
  for (const Expected e : {Expected{1, 0.5}, Expected{2, 0.5}, Expected{3, 5.0 / 8}, Expected{4, 11.0 / 16},
                           Expected{8, 11.0 / 16}, Expected{32, 11.0 / 16}}) {
    INFO("stochastic_bits = " << e.k);
    const Tally t = tally(bfloat16, x, e.k, 0xC000, 0xC001, 2);
    CHECK(t.only_neighbours);
    CHECK(std::abs(t.up_fraction - e.up) <= tolerance);
  }
}

TEST_CASE("stochastic rounding never moves a representable value", "[round][stochastic][statistics]") {
  const Env env{.rounding = Rounding::stochastic};
  for (int i = 0; i < 4096; ++i) {
    const std::uint32_t random = i == 0 ? 0xFFFFFFFFu : stochastic_bits_for(7, 7, i);
    // 1 + 2^-10, a subnormal, the largest finite value, in fp16, bf16 and e4m3
    REQUIRE(round_to_format(binary16, env, {false, -10, 0x401}, random) == Result{0x3C01, 0, 0});
    REQUIRE(round_to_format(binary16, env, {true, -24, 0x3FF}, random) == Result{0x83FF, 0, event::subnormal_result});
    REQUIRE(round_to_format(binary16, env, {false, 5, 0x7FF}, random) == Result{0x7BFF, 0, 0});
    REQUIRE(round_to_format(bfloat16, env, {true, -7, 0xFF}, random) == Result{0xBFFF, 0, 0});
    REQUIRE(round_to_format(fp8_e4m3, env, {false, 0, 448}, random) == Result{0x7E, 0, 0});
  }
}
