// SPDX-License-Identifier: MIT
// Tests of the explain command's exact helpers: decimal strings rounded once into a format
// (checked against glibc's correctly rounded strtod/strtof in all four directed modes),
// exact decimal printing, neighbours and ulps.
#include <catch2/catch.hpp>

#include <bit>
#include <cfenv>
#include <cstdlib>
#include <random>

#include "decimal.hpp"
#include "dyadic.hpp"
#include "mpsim/format/named_formats.hpp"
#include "neighbours.hpp"
#include "value.hpp"

using namespace mpsim;
using namespace mpsim::cli;

namespace {

std::uint64_t store(const Format& f, const std::string& text, Rounding mode = Rounding::nearest_even) {
  std::string error;
  const auto v = parse_value(text, error);
  INFO(text << ": " << error);
  REQUIRE(v);
  Env env;
  env.rounding = mode;
  const auto r = store_value(f, env, *v, 0, error);
  REQUIRE(r);
  return r->bits;
}

// A random decimal string: 1-40 significant digits, the point somewhere, an exponent
// spread over [lo, hi].
std::string random_decimal(std::mt19937_64& rng, int lo, int hi) {
  std::string digits;
  const int n = 1 + static_cast<int>(rng() % 40);
  for (int i = 0; i < n; ++i) digits += static_cast<char>('0' + rng() % 10);
  const int point = static_cast<int>(rng() % (n + 1));
  const int exponent = lo + static_cast<int>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
  std::string s = (rng() & 1) ? "-" : "";
  s += digits.substr(0, point) + "." + digits.substr(point);
  return s + "e" + std::to_string(exponent);
}

struct Mode {
  Rounding mode;
  int fe;
};
constexpr Mode modes[] = {{Rounding::nearest_even, FE_TONEAREST},
                          {Rounding::toward_zero, FE_TOWARDZERO},
                          {Rounding::upward, FE_UPWARD},
                          {Rounding::downward, FE_DOWNWARD}};

}  // namespace

TEST_CASE("decimal strings round into binary64 exactly as glibc strtod does, in every mode", "[cli][value][fp64]") {
  std::mt19937_64 rng(7);
  for (const Mode& m : modes) {
    for (int i = 0; i < 4000; ++i) {
      // Exponents cover overflow, normal, subnormal and underflow-to-zero inputs.
      const std::string s = random_decimal(rng, -360, 330);
      std::fesetround(m.fe);
      const double expected = std::strtod(s.c_str(), nullptr);
      std::fesetround(FE_TONEAREST);
      INFO(s << " mode " << static_cast<int>(m.mode));
      REQUIRE(store(binary64, s, m.mode) == std::bit_cast<std::uint64_t>(expected));
    }
  }
}

TEST_CASE("decimal strings round into binary32 exactly as glibc strtof does, in every mode", "[cli][value][fp32]") {
  std::mt19937_64 rng(11);
  for (const Mode& m : modes) {
    for (int i = 0; i < 4000; ++i) {
      const std::string s = random_decimal(rng, -52, 45);
      std::fesetround(m.fe);
      const float expected = std::strtof(s.c_str(), nullptr);
      std::fesetround(FE_TONEAREST);
      INFO(s << " mode " << static_cast<int>(m.mode));
      REQUIRE(store(binary32, s, m.mode) == std::bit_cast<std::uint32_t>(expected));
    }
  }
}

TEST_CASE("decimal midpoints between binary64 neighbours tie to even, a hair off them does not", "[cli][value][fp64]") {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 500; ++i) {
    // The exact midpoint of x and next_up(x), printed in full, for random normal x.
    // A positive normal x whose fraction is not all ones, so x + 1 is finite.
    const std::uint64_t x = (1 + rng() % 0x7FE) << 52 | (rng() & 0x000FFFFFFFFFFFFEull);
    const Dyadic lo = dyadic_of(binary64, x), hi = dyadic_of(binary64, x + 1);
    const std::int64_t e = std::min(lo.e, hi.e);
    const Dyadic midpoint{(lo.m << static_cast<unsigned>(lo.e - e)) + (hi.m << static_cast<unsigned>(hi.e - e)), e - 1};
    const std::string text = to_string(to_decimal(midpoint), 100000);
    const std::uint64_t even = (x & 1) ? x + 1 : x;
    INFO(text);
    CHECK(store(binary64, text) == even);
    // The same digits and 10^-30 of the last one more: no longer a tie.
    const auto e_pos = std::min(text.find('e'), text.size());
    std::string mantissa = text.substr(0, e_pos);
    if (mantissa.find('.') == std::string::npos) mantissa += ".";
    const std::string above = mantissa + "000000000000000000000000000001" + text.substr(e_pos);
    CHECK(store(binary64, above) == x + 1);
  }
}

TEST_CASE("exact decimals print positionally between 1e-7 and 1e21, else in scientific form", "[cli][value]") {
  CHECK(to_string(decimal_from_binary(false, 1, -24)) == "5.9604644775390625e-8");
  CHECK(to_string(decimal_from_binary(false, 1, -23)) == "0.00000011920928955078125");
  CHECK(to_string(decimal_from_binary(true, 3, -1)) == "-1.5");
  CHECK(to_string(decimal_from_binary(false, 65504, 0)) == "65504");
  CHECK(to_string(decimal_from_binary(false, 1, 70)) == "1.180591620717411303424e21");  // 2^70 >= 1e21
  CHECK(to_string(decimal_from_binary(false, 1, 69)) == "590295810358705651712");
  CHECK(to_string(Decimal{false, 1, 400}) == "1e400");
  CHECK(to_string(Decimal{true, 0, 5}) == "-0");
  CHECK(to_string(Decimal{false, 1200, -4}) == "0.12");  // trailing zeros dropped
}

TEST_CASE("exact decimal subtraction is exact", "[cli][value]") {
  const Decimal a = decimal_from_binary(false, 1638, -14);  // fp16's 0.1
  const Decimal b{false, 1, -1};                            // 0.1
  CHECK(to_string(subtract(a, b)) == "-0.0000244140625");
  CHECK(to_string(subtract(b, a)) == "0.0000244140625");
  CHECK(to_string(subtract(Decimal{true, 5, 0}, Decimal{false, 5, 0})) == "-10");
  CHECK(ratio_to_string(subtract(a, b), b) == "-0.000244141");
  CHECK(ratio_to_string(Decimal{false, 1, -99999}, Decimal{false, 3, 0}) == "3.33333e-100000");
}

TEST_CASE("next_up, next_down and ulp step through the edges of a format", "[cli][value][fp16][e4m3]") {
  CHECK(next_up(binary16, 0x0000) == 0x0001);       // +0 -> min subnormal
  CHECK(next_up(binary16, 0x8000) == 0x0001);       // -0 too
  CHECK(next_up(binary16, 0x8001) == 0x8000);       // -min subnormal -> -0
  CHECK(next_down(binary16, 0x0000) == 0x8001);
  CHECK(next_up(binary16, 0x7BFF) == 0x7C00);       // max -> +inf
  CHECK(!next_up(binary16, 0x7C00));                // +inf has none
  CHECK(next_up(binary16, 0xFC00) == 0xFBFF);       // -inf -> -max
  CHECK(!next_up(binary16, 0x7E00));                // NaN has none
  CHECK(!next_up(fp8_e4m3, 0x7E));                  // 448: 0x7F is the NaN
  CHECK(next_down(fp8_e4m3, 0x7E) == 0x7D);
  CHECK(to_string(to_decimal(ulp(binary16, 0x3C00))) == "0.0009765625");  // 2^-10 at 1
  CHECK(to_string(to_decimal(ulp(binary16, 0x7BFF))) == "32");            // at max: the gap below
  CHECK(to_string(to_decimal(ulp(fp8_e4m3, 0x7E))) == "32");              // 448 - 416
  CHECK(to_string(to_decimal(ulp(binary16, 0x0000))) == "5.9604644775390625e-8");
}

TEST_CASE("VALUE parsing keeps hex floats and bit patterns apart", "[cli][value]") {
  std::string error;
  const auto hex = parse_value("0x3C00", error);
  REQUIRE(hex);
  CHECK(hex->kind == Value::Kind::number);
  const auto bits = parse_value("bits:0x3C00", error);
  REQUIRE(bits);
  CHECK(bits->kind == Value::Kind::bits);
  CHECK(bits->bits == 0x3C00);
  CHECK(store(binary16, "0x1.8p-3") == 0x3200);  // 0.1875
  CHECK(store(binary16, "0X1P+0") == 0x3C00);
  CHECK(store(binary16, "1.") == 0x3C00);
  CHECK(store(binary16, ".5") == 0x3800);
  CHECK(store(binary16, "+Infinity") == 0x7C00);
  CHECK(!parse_value("0x1p", error));
  CHECK(!parse_value("1e+", error));
  CHECK(!parse_value("--1", error));
  CHECK(!parse_value("bits:", error));
}
