// SPDX-License-Identifier: MIT
// Element-wise arithmetic on short arrays of values of one format (the optimizer-state or the
// parameter format), in three implementations that give the same bits, flags and counts:
//   CoreArithmetic   ops/ element by element: the specification
//   NativeArithmetic the processor's binary32 + - * / sqrt, where that is the core (binary32, default Env)
//   FastArithmetic   the binary32 result rounded by round_array where that is provably one correct
//                    rounding, the core for the other elements (see fast_arithmetic.cpp)
// Stochastic rounding draws one word per element per operation from ctx.stochastic, elements
// in order within each operation.
#pragma once

#include <bit>
#include <cmath>
#include <cstddef>
#include <span>

#include "mpsim/scalar/context.hpp"

namespace mpsim::train::detail {

enum class BinaryOp : std::uint8_t { add, sub, mul, div };

// The largest chunk any implementation is called with.
inline constexpr std::size_t chunk = 512;

// Where the processor's binary32 arithmetic is the core's: results and operands binary32, round
// to nearest even, gradual underflow (no FTZ/DAZ), overflow to inf. x86 SSE then gives IEEE 754's
// correctly rounded + - * / sqrt and propagates NaN operands as the core's NanPolicy::propagate
// does; under NanPolicy::canonical every NaN result is replaced by 0x7FFFFFFF afterwards.
// The tininess rule only affects flags, which this path does not produce.
bool native_binary32_env(const Env& env);

struct NativeArithmetic {
  bool canonical_nan = false;

  // A float64 constant rounded to nearest even into binary32 (what from_double gives).
  float constant(double c) const { return static_cast<float>(c); }
  void in_state(std::span<const float> x, std::span<float> out) const {
    for (std::size_t i = 0; i < x.size(); ++i) out[i] = x[i];
  }
  void binary(BinaryOp op, std::span<const float> a, std::span<const float> b, std::span<float> out) const {
    const std::size_t n = out.size();
    switch (op) {
      case BinaryOp::add: for (std::size_t i = 0; i < n; ++i) out[i] = a[i] + b[i]; break;
      case BinaryOp::sub: for (std::size_t i = 0; i < n; ++i) out[i] = a[i] - b[i]; break;
      case BinaryOp::mul: for (std::size_t i = 0; i < n; ++i) out[i] = a[i] * b[i]; break;
      case BinaryOp::div: for (std::size_t i = 0; i < n; ++i) out[i] = a[i] / b[i]; break;
    }
    canonicalize(out);
  }
  void sqrt(std::span<const float> a, std::span<float> out) const {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = std::sqrt(a[i]);
    canonicalize(out);
  }
  void canonicalize(std::span<float> out) const {
    if (!canonical_nan) return;
    for (float& x : out)
      if (std::isnan(x)) x = std::bit_cast<float>(0x7FFFFFFFu);
  }
};

// One element through the core: a (format fa) op b (format fb), or sqrt(a), rounded once into
// `out` under env, with operands read in their own formats (DAZ included).
Result core_binary(BinaryOp op, const Format& out, const Format& fa, float a, const Format& fb, float b, const Env& env,
                   std::uint32_t random);
Result core_sqrt(const Format& out, const Format& fa, float a, const Env& env, std::uint32_t random);

// Results in format `out`; operands a of format fa, b of format fb (values held as floats).
struct CoreArithmetic {
  const Format& out_format;
  const Format& fa;
  const Format& fb;
  Env env;
  Context& ctx;

  float constant(double c) const;
  void in_state(std::span<const float> x, std::span<float> out) const;
  void binary(BinaryOp op, std::span<const float> a, std::span<const float> b, std::span<float> out) const;
  void sqrt(std::span<const float> a, std::span<float> out) const;
};

struct FastArithmetic {
  const Format& out_format;
  const Format& fa;
  const Format& fb;
  Env env;
  Context& ctx;

  // Where FastArithmetic may be used at all: the Env reads operands as they are (no DAZ).
  static bool applies(const Env& env) { return !env.denormals_are_zero; }

  float constant(double c) const;
  void in_state(std::span<const float> x, std::span<float> out) const;
  void binary(BinaryOp op, std::span<const float> a, std::span<const float> b, std::span<float> out) const;
  void sqrt(std::span<const float> a, std::span<float> out) const;
};

}  // namespace mpsim::train::detail
