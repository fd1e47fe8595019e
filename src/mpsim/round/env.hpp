// SPDX-License-Identifier: MIT
// The floating-point environment, passed explicitly to every operation: rounding mode,
// subnormal handling, tininess rule, NaN policy and overflow behaviour. No hidden globals.
#pragma once

#include <cstdint>

namespace mpsim {

enum class Rounding : std::uint8_t {
  nearest_even,  // IEEE roundTiesToEven (the default)
  toward_zero,   // roundTowardZero (truncation)
  upward,        // roundTowardPositive
  downward,      // roundTowardNegative
  nearest_away,  // roundTiesToAway
  to_odd,        // truncate, then set the last bit if anything was dropped
  stochastic,    // up with probability proportional to the distance (Env::stochastic_bits)
};

// When a nonzero result counts as tiny (IEEE 754-2019 7.5): its exact value is below
// 2^emin (before), or it would be after rounding to p bits with an unbounded exponent (after).
enum class Tininess : std::uint8_t { after_rounding, before_rounding };

enum class NanPolicy : std::uint8_t {
  propagate,  // IEEE / x86: the first NaN operand, quieted; invalid operations give the
              // default NaN: sign set, quiet bit set (binary16 0xFE00, binary32 0xFFC00000)
  canonical,  // NVIDIA: every NaN result is sign clear, all other bits set (0x7FFF, 0x7FFFFFFF)
};

enum class Overflow : std::uint8_t {
  format_default,  // whatever Format::saturating says
  infinity,        // IEEE: inf under round-to-nearest, largest finite under truncation;
                   // a format without inf gives NaN instead (OCP non-saturating mode)
  saturate,        // always the largest finite value of the right sign
};

struct Env {
  Rounding rounding = Rounding::nearest_even;
  bool flush_to_zero = false;       // FTZ: tiny results become zero of the same sign
  bool denormals_are_zero = false;  // DAZ: subnormal operands are read as zero of the same sign
  Tininess tininess = Tininess::after_rounding;
  NanPolicy nan = NanPolicy::propagate;
  Overflow overflow = Overflow::format_default;
  int stochastic_bits = 32;  // random bits compared with the dropped part, 1..32
};

// The environment of x86 SSE/AVX with default MXCSR, and of an NVIDIA GPU's fp16/bf16 units
// (FACTS.md 1: gradual underflow, canonical NaN 0x7FFF / 0x7FFFFFFF).
inline constexpr Env ieee_env{};
inline constexpr Env nvidia_env{.nan = NanPolicy::canonical};

}  // namespace mpsim
