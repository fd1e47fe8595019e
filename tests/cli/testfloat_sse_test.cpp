// SPDX-License-Identifier: MIT
// `mpsim testfloat` lines for binary32/binary64 operations checked against this machine's
// x86 SSE instructions and the flags they raise, in all four rounding modes.
#include <catch2/catch.hpp>

#include <immintrin.h>

#include <bit>
#include <cfenv>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <random>

#include "run_testfloat.hpp"

using mpsim::test::lines_of;
using mpsim::test::testfloat;

namespace {


std::uint8_t native_flags() {
  const int e = std::fetestexcept(FE_ALL_EXCEPT);
  return static_cast<std::uint8_t>(((e & FE_INEXACT) ? 0x01 : 0) | ((e & FE_UNDERFLOW) ? 0x02 : 0) |
                                   ((e & FE_OVERFLOW) ? 0x04 : 0) | ((e & FE_DIVBYZERO) ? 0x08 : 0) |
                                   ((e & FE_INVALID) ? 0x10 : 0));
}

// Operand bit patterns rich in special cases: zeros, subnormals, extremes, NaNs, ties.
std::uint64_t interesting_operand(std::mt19937_64& rng, int exponent_bits, int fraction_bits) {
  const std::uint64_t emax_field = (std::uint64_t{1} << exponent_bits) - 1;
  const std::uint64_t bias = emax_field >> 1;
  const std::uint64_t frac_mask = (std::uint64_t{1} << fraction_bits) - 1;
  const int total = 1 + exponent_bits + fraction_bits;
  if (rng() % 4 == 0) return rng() & (total == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << total) - 1);
  const std::uint64_t exponents[] = {0, 1, 2, bias - 1, bias, bias + 1, emax_field - 1, emax_field,
                                     rng() % emax_field, rng() % emax_field, bias - fraction_bits - 1};
  const std::uint64_t fractions[] = {0, 1, frac_mask, frac_mask >> 1, std::uint64_t{1} << (fraction_bits - 1),
                                     rng() & frac_mask, rng() & frac_mask};
  const std::uint64_t sign = rng() & 1;
  const std::uint64_t e = exponents[rng() % std::size(exponents)];
  const std::uint64_t f = fractions[rng() % std::size(fractions)];
  return sign << (total - 1) | e << fraction_bits | f;
}

struct NativeCase {
  std::string function;
  int operands;
  int operand_digits;
  int result_digits;
  bool float_operands_are_32;  // else 64-bit floats (or integers, see int_operand)
  bool int_operand;            // the operand is a 32/64-bit integer
  std::function<std::pair<std::uint64_t, std::uint8_t>(std::uint64_t, std::uint64_t)> compute;
};

// SSE arithmetic with the operand order pinned: the compiler may swap the operands of a
// commutative C++ + or *, which changes which NaN an x86 unit returns.
float sse_add(float a, float b) { asm volatile("addss %1, %0" : "+x"(a) : "x"(b)); return a; }
float sse_sub(float a, float b) { asm volatile("subss %1, %0" : "+x"(a) : "x"(b)); return a; }
float sse_mul(float a, float b) { asm volatile("mulss %1, %0" : "+x"(a) : "x"(b)); return a; }
float sse_div(float a, float b) { asm volatile("divss %1, %0" : "+x"(a) : "x"(b)); return a; }
double sse_add(double a, double b) { asm volatile("addsd %1, %0" : "+x"(a) : "x"(b)); return a; }
double sse_mul(double a, double b) { asm volatile("mulsd %1, %0" : "+x"(a) : "x"(b)); return a; }
double sse_div(double a, double b) { asm volatile("divsd %1, %0" : "+x"(a) : "x"(b)); return a; }

template <class F>
float as_f32(F bits) { return std::bit_cast<float>(static_cast<std::uint32_t>(bits)); }
template <class F>
double as_f64(F bits) { return std::bit_cast<double>(static_cast<std::uint64_t>(bits)); }

// Each computation runs with its inputs and output in volatiles so the compiler can neither
// fold it nor move it across the flag reads.
template <class Op>
std::pair<std::uint64_t, std::uint8_t> f32_op(Op op, std::uint64_t a, std::uint64_t b) {
  volatile float x = as_f32(a), y = as_f32(b);
  std::feclearexcept(FE_ALL_EXCEPT);
  volatile float r = op(x, y);
  const std::uint8_t flags = native_flags();
  return {std::bit_cast<std::uint32_t>(static_cast<float>(r)), flags};
}
template <class Op>
std::pair<std::uint64_t, std::uint8_t> f64_op(Op op, std::uint64_t a, std::uint64_t b) {
  volatile double x = as_f64(a), y = as_f64(b);
  std::feclearexcept(FE_ALL_EXCEPT);
  volatile double r = op(x, y);
  const std::uint8_t flags = native_flags();
  return {std::bit_cast<std::uint64_t>(static_cast<double>(r)), flags};
}

std::vector<NativeCase> native_cases() {
  using P = std::pair<std::uint64_t, std::uint8_t>;
  auto predicate = [](bool v, std::uint8_t flags) { return P{v ? 1u : 0u, flags}; };
  return {
      {"f32_add", 2, 8, 8, true, false, [](auto a, auto b) { return f32_op([](float x, float y) { return sse_add(x, y); }, a, b); }},
      {"f32_sub", 2, 8, 8, true, false, [](auto a, auto b) { return f32_op([](float x, float y) { return sse_sub(x, y); }, a, b); }},
      {"f32_mul", 2, 8, 8, true, false, [](auto a, auto b) { return f32_op([](float x, float y) { return sse_mul(x, y); }, a, b); }},
      {"f32_div", 2, 8, 8, true, false, [](auto a, auto b) { return f32_op([](float x, float y) { return sse_div(x, y); }, a, b); }},
      {"f32_sqrt", 1, 8, 8, true, false, [](auto a, auto) {
         return f32_op([](float x, float) { return _mm_cvtss_f32(_mm_sqrt_ss(_mm_set_ss(x))); }, a, 0);
       }},
      {"f64_add", 2, 16, 16, false, false, [](auto a, auto b) { return f64_op([](double x, double y) { return sse_add(x, y); }, a, b); }},
      {"f64_mul", 2, 16, 16, false, false, [](auto a, auto b) { return f64_op([](double x, double y) { return sse_mul(x, y); }, a, b); }},
      {"f64_div", 2, 16, 16, false, false, [](auto a, auto b) { return f64_op([](double x, double y) { return sse_div(x, y); }, a, b); }},
      {"f64_sqrt", 1, 16, 16, false, false, [](auto a, auto) {
         return f64_op([](double x, double) { return _mm_cvtsd_f64(_mm_sqrt_sd(_mm_set_sd(x), _mm_set_sd(x))); }, a, 0);
       }},
      {"f32_to_f64", 1, 8, 16, true, false, [](auto a, auto) {
         volatile float x = as_f32(a);
         std::feclearexcept(FE_ALL_EXCEPT);
         volatile double r = x;
         const std::uint8_t flags = native_flags();
         return P{std::bit_cast<std::uint64_t>(static_cast<double>(r)), flags};
       }},
      {"f64_to_f32", 1, 16, 8, false, false, [](auto a, auto) {
         volatile double x = as_f64(a);
         std::feclearexcept(FE_ALL_EXCEPT);
         volatile float r = static_cast<float>(x);
         const std::uint8_t flags = native_flags();
         return P{std::bit_cast<std::uint32_t>(static_cast<float>(r)), flags};
       }},
      {"f32_to_i32", 1, 8, 8, true, false, [](auto a, auto) {
         volatile float x = as_f32(a);
         std::feclearexcept(FE_ALL_EXCEPT);
         volatile int r = _mm_cvtss_si32(_mm_set_ss(x));  // MXCSR rounding, x86 integer indefinite
         const std::uint8_t flags = native_flags();
         return P{static_cast<std::uint32_t>(r), flags};
       }},
      {"f64_to_i64", 1, 16, 16, false, false, [](auto a, auto) {
         volatile double x = as_f64(a);
         std::feclearexcept(FE_ALL_EXCEPT);
         volatile long long r = _mm_cvtsd_si64(_mm_set_sd(x));
         const std::uint8_t flags = native_flags();
         return P{static_cast<std::uint64_t>(r), flags};
       }},
      {"i32_to_f32", 1, 8, 8, true, true, [](auto a, auto) {
         volatile int x = static_cast<std::int32_t>(static_cast<std::uint32_t>(a));
         std::feclearexcept(FE_ALL_EXCEPT);
         volatile float r = static_cast<float>(x);
         const std::uint8_t flags = native_flags();
         return P{std::bit_cast<std::uint32_t>(static_cast<float>(r)), flags};
       }},
      {"i64_to_f64", 1, 16, 16, false, true, [](auto a, auto) {
         volatile long long x = static_cast<long long>(a);
         std::feclearexcept(FE_ALL_EXCEPT);
         volatile double r = static_cast<double>(x);
         const std::uint8_t flags = native_flags();
         return P{std::bit_cast<std::uint64_t>(static_cast<double>(r)), flags};
       }},
      {"f32_lt", 2, 8, 1, true, false, [predicate](auto a, auto b) {
         volatile float x = as_f32(a), y = as_f32(b);
         std::feclearexcept(FE_ALL_EXCEPT);
         volatile bool r = x < y;  // comiss: signals on any NaN
         return predicate(r, native_flags());
       }},
      {"f32_le_quiet", 2, 8, 1, true, false, [predicate](auto a, auto b) {
         volatile float x = as_f32(a), y = as_f32(b);
         std::feclearexcept(FE_ALL_EXCEPT);
         volatile bool r = __builtin_islessequal(x, y);  // ucomiss: signals on sNaN only
         return predicate(r, native_flags());
       }},
      {"f32_eq", 2, 8, 1, true, false, [predicate](auto a, auto b) {
         volatile float x = as_f32(a), y = as_f32(b);
         std::feclearexcept(FE_ALL_EXCEPT);
         volatile bool r = x == y;
         return predicate(r, native_flags());
       }},
  };
}

std::string hex(std::uint64_t x, int digits) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%0*llX", digits, static_cast<unsigned long long>(x));
  return buf;
}

}  // namespace

TEST_CASE("testfloat binary32/binary64 lines match the x86 SSE unit in all four rounding modes",
          "[cli][testfloat][fp32][fp64]") {
  struct Mode {
    const char* option;
    int fe;
  };
  const Mode modes[] = {{"-rnear_even", FE_TONEAREST}, {"-rminMag", FE_TOWARDZERO}, {"-rmin", FE_DOWNWARD},
                        {"-rmax", FE_UPWARD}};
  std::mt19937_64 rng(20240611);
  for (const NativeCase& c : native_cases()) {
    for (const Mode& mode : modes) {
      std::string input, expected;
      const int exponent_bits = c.float_operands_are_32 ? 8 : 11;
      const int fraction_bits = c.float_operands_are_32 ? 23 : 52;
      std::fesetround(mode.fe);
      for (int i = 0; i < 3000; ++i) {
        std::uint64_t x[2];
        for (std::uint64_t& v : x) {
          v = c.int_operand ? rng() >> (rng() % 64) : interesting_operand(rng, exponent_bits, fraction_bits);
          if (c.int_operand && rng() % 2) v = ~v;  // negative integers
          if (c.operand_digits == 8) v &= 0xFFFFFFFFu;
        }
        std::string operands;
        for (int k = 0; k < c.operands; ++k) operands += hex(x[k], c.operand_digits) + " ";
        const auto [result, flags] = c.compute(x[0], x[1]);
        input += operands + "\n";
        expected += operands + hex(result, c.result_digits) + " " + hex(flags, 2) + "\n";
      }
      std::fesetround(FE_TONEAREST);
      const auto got = lines_of(testfloat({c.function, mode.option, "-exact"}, input));
      const auto want = lines_of(expected);
      REQUIRE(got.size() == want.size());
      std::size_t mismatches = 0;
      for (std::size_t i = 0; i < got.size(); ++i) {
        if (got[i] == want[i]) continue;
        if (++mismatches <= 3) {
          INFO(c.function << " " << mode.option << ": mpsim '" << got[i] << "', SSE '" << want[i] << "'");
          CHECK(got[i] == want[i]);
        }
      }
      INFO(c.function << " " << mode.option);
      CHECK(mismatches == 0);
    }
  }
}
