// SPDX-License-Identifier: MIT
// The exact reference for every operation of src/mpsim/ops/: operands decoded into exact
// rationals (Boost.Multiprecision cpp_int), results rounded by a separate, deliberately plain
// routine. Shares no code with the core beyond the Format fields and the Env/flag constants.
#pragma once

#include <boost/multiprecision/cpp_int.hpp>
#include <cstdint>
#include <string>
#include <utility>

#include "mpsim/format/format.hpp"
#include "mpsim/round/env.hpp"
#include "mpsim/round/status.hpp"

// Where IEEE 754-2019 and the OCP FP8 spec leave the result open, the oracle takes these
// conventions (the core's contract, see round/env.hpp and ops/):
//  - an exactly infinite result (infinite operand, x / 0) in a saturating format is the largest
//    finite value with overflow|inexact and event overflowed (x / 0: divide-by-zero only); in a
//    format without inf that does not saturate it is the NaN, with invalid (x / 0: divide-by-zero)
//    and event nan_created;
//  - stochastic rounding overflows like round-to-nearest (to inf), and its tininess-after-
//    rounding test rounds with the same random word;
//  - fma(0, inf, c) is invalid and gives the default NaN even for a quiet NaN c (SoftFloat's
//    8086 rule; x86 FMA3 hardware returns c instead, both are allowed by 7.2);
//  - a format without subnormals flushes tiny results like FTZ and reads exponent field 0 as 0.
namespace mpsim::oracle {

using boost::multiprecision::cpp_int;
using boost::multiprecision::cpp_rational;

// --- decoding ----------------------------------------------------------------------------

// The three fields of a bit pattern:  S | E (w bits) | F (t bits).
struct Fields {
  bool sign = false;
  std::uint64_t exponent = 0;
  std::uint64_t fraction = 0;
};
Fields fields_of(const Format& f, std::uint64_t bits);
std::uint64_t bits_of(const Format& f, const Fields& x);

enum class Kind : std::uint8_t { zero, finite, infinity, quiet_nan, signaling_nan };

// A decoded bit pattern. Finite nonzero: |v| = sig * 2^exp exactly (sig > 0, not normalised).
// NaN: `payload` is the fraction field, `payload_bits` its width.
struct Value {
  Kind kind = Kind::zero;
  bool sign = false;
  bool subnormal = false;  // finite, stored with exponent field 0
  cpp_int sig = 0;
  int exp = 0;
  std::uint64_t payload = 0;
  int payload_bits = 0;
};

// Reads `bits` of format f. E4M3-like formats (no inf, NaN only at all ones) read every other
// top-binade pattern as finite; formats without subnormals read exponent field 0 as zero.
Value decode(const Format& f, std::uint64_t bits);
bool is_nan(const Value& v);
// The exact value of a zero or finite Value.
cpp_rational to_rational(const Value& v);

// The largest finite pattern, derived here from the fields: the pattern just below the first
// non-finite one (or all ones when the format has neither inf nor NaN).
std::uint64_t largest_finite_bits(const Format& f);

// --- rounding ----------------------------------------------------------------------------

// A positive real known through its scaled floors: a quotient num / den * 2^exp, or the
// square root of num * 2^exp (den unused).
struct Magnitude {
  enum class Shape : std::uint8_t { quotient, square_root };
  Shape shape = Shape::quotient;
  cpp_int num = 1;
  cpp_int den = 1;
  int exp = 0;

  // floor(|v| * 2^s), and whether |v| * 2^s is exactly that integer.
  std::pair<cpp_int, bool> floor_scaled(int s) const;
  // e with 2^e <= |v| < 2^(e+1), found by comparisons.
  int exponent() const;
};

// |v| rounded to an integer multiple n * 2^qe under env's rounding mode (stochastic: k =
// env.stochastic_bits and the dropped fraction r round up iff floor(r * 2^k) + (random mod 2^k)
// >= 2^k). `negative` is the sign of v, for the directed modes.
struct Rounded {
  cpp_int n;
  bool inexact = false;
};
Rounded round_to_quantum(const Magnitude& m, int qe, bool negative, const Env& env, std::uint32_t random);

// The nonzero real (-1)^sign * m rounded into format f: tininess, FTZ, overflow, flags, events.
Result round(const Format& f, const Env& env, bool sign, const Magnitude& m, std::uint32_t random);

// --- NaN and infinite results ----------------------------------------------------------

std::uint64_t default_nan(const Format& f, const Env& env);  // what an invalid operation returns
// A NaN operand carried into format f: quieted, payload aligned at the fraction's top.
std::uint64_t propagated_nan(const Format& f, const Env& env, const Value& nan);

// --- operations (same contracts as src/mpsim/ops/) ------------------------------------

Result add(const Format& f, std::uint64_t a, std::uint64_t b, const Env& env, std::uint32_t random = 0);
Result sub(const Format& f, std::uint64_t a, std::uint64_t b, const Env& env, std::uint32_t random = 0);
Result mul(const Format& f, std::uint64_t a, std::uint64_t b, const Env& env, std::uint32_t random = 0);
Result div(const Format& f, std::uint64_t a, std::uint64_t b, const Env& env, std::uint32_t random = 0);
Result sqrt(const Format& f, std::uint64_t a, const Env& env, std::uint32_t random = 0);
Result fma(const Format& f, std::uint64_t a, std::uint64_t b, std::uint64_t c, const Env& env,
           std::uint32_t random = 0);
Result convert(const Format& to, const Format& from, std::uint64_t bits, const Env& env, std::uint32_t random = 0);
Result from_int(const Format& f, std::int64_t x, const Env& env, std::uint32_t random = 0);

struct IntOutcome {
  std::int64_t value = 0;
  std::uint8_t flags = 0;
  std::uint8_t events = 0;
};
IntOutcome to_int(const Format& f, std::uint64_t bits, int width, const Env& env, bool exact, std::uint32_t random = 0);

enum class Order : std::uint8_t { less, equal, greater, unordered };
struct CompareOutcome {
  Order order = Order::unordered;
  std::uint8_t flags = 0;
  std::uint8_t events = 0;
};
CompareOutcome compare(const Format& f, std::uint64_t a, std::uint64_t b, bool signaling, const Env& env);

// IEEE 754-2019 9.6: minimum/maximum propagate NaN, the *Number forms prefer the number.
Result minimum(const Format& f, std::uint64_t a, std::uint64_t b, const Env& env);
Result maximum(const Format& f, std::uint64_t a, std::uint64_t b, const Env& env);
Result minimum_number(const Format& f, std::uint64_t a, std::uint64_t b, const Env& env);
Result maximum_number(const Format& f, std::uint64_t a, std::uint64_t b, const Env& env);

std::uint64_t neg(const Format& f, std::uint64_t a);
std::uint64_t abs(const Format& f, std::uint64_t a);
std::uint64_t copysign(const Format& f, std::uint64_t magnitude, std::uint64_t sign);

// IEEE 754-2019 5.7.2 classes, in the order of mpsim::Class.
enum class Class : std::uint8_t {
  signaling_nan,
  quiet_nan,
  negative_infinity,
  negative_normal,
  negative_subnormal,
  negative_zero,
  positive_zero,
  positive_subnormal,
  positive_normal,
  positive_infinity,
};
Class classify(const Format& f, std::uint64_t a);

// --- diagnostics -------------------------------------------------------------------------

std::string hex(std::uint64_t bits, int storage_bits);
// "0x3C00 (+1)", "0x0001 (+1*2^-24)", "0x7E01 (qNaN payload 0x201)"
std::string describe(const Format& f, std::uint64_t bits);
std::string describe(const Env& env, std::uint32_t random);
std::string describe(const Format& f, const Result& r);

}  // namespace mpsim::oracle
