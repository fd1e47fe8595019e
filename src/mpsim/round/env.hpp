// SPDX-License-Identifier: MIT
// The floating-point environment, passed explicitly to every operation: rounding mode,
// subnormal handling, tininess rule, NaN policy and overflow behaviour, and three NaN details
// in which NVIDIA's intrinsics depart from IEEE 754. No hidden globals.
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

// What neg and abs (the Env overloads in ops/sign.hpp) return for a NaN operand. Non-NaN
// operands are the sign-bit operation under both (no rounding, no flush, no flag).
enum class SignOpNan : std::uint8_t {
  ieee_bit_operation,  // IEEE 754-2019 5.5.1: only the sign bit changes; the payload and the
                       // quiet bit are kept, no flag (a signaling NaN stays signaling)
  arithmetic,          // as an addition of the operand with its new sign would settle it
                       // (NVIDIA: __hneg/__habs compile to HADD2 -x + -0 / |x| + -0): invalid
                       // for a signaling NaN; the result by Env::nan (canonical: 0x7FFF;
                       // propagate: the operand with its new sign, quieted)
};

// What a conversion from bfloat16 to binary32 does with a NaN. bfloat16 is binary32's upper
// half, and NVIDIA's __bfloat162float is a 16-bit shift (IMAD.U32 x, 0x10000), not a cvt.
// Only this one conversion reads the option: the GPU's other widening conversions (fp16 ->
// binary32, E4M3/E5M2 -> fp16) are cvt instructions that return the canonical NaN, which
// NanPolicy::canonical already models.
enum class WideningNan : std::uint8_t {
  quiet_ieee,  // IEEE 754-2019 5.4.2 / 6.2: like every conversion: invalid for a signaling
               // NaN, the result by Env::nan (propagate: the payload, quieted)
  keep_bits,   // the 16 bits followed by 16 zero bits: sign and payload kept, a signaling NaN
               // stays signaling, no flag (not an IEEE conversion: a bit copy)
};

// The sign of the NaN made when a format without infinities (E4M3) does not saturate and a
// result overflows or is infinite (OCP OFP8 non-saturating mode: the NaN, either sign).
enum class OverflowNanSign : std::uint8_t {
  by_nan_policy,  // the NaN Env::nan gives: propagate keeps the value's sign (-1e6 -> E4M3 0xFF),
                  // canonical makes it positive (0x7F)
  of_value,       // the value's sign under either policy: canonical -1e6 -> 0xFF (NVIDIA
                  // __NV_NOSAT: the canonical NaN with the input's sign ORed in); NaN
                  // operands are not affected (canonical: 0x7F)
};

struct Env {
  Rounding rounding = Rounding::nearest_even;
  bool flush_to_zero = false;       // FTZ: tiny results become zero of the same sign
  bool denormals_are_zero = false;  // DAZ: subnormal operands are read as zero of the same sign
  Tininess tininess = Tininess::after_rounding;
  NanPolicy nan = NanPolicy::propagate;
  Overflow overflow = Overflow::format_default;
  int stochastic_bits = 32;  // random bits compared with the dropped part, 1..32
  SignOpNan sign_op_nan = SignOpNan::ieee_bit_operation;
  WideningNan bfloat16_to_binary32_nan = WideningNan::quiet_ieee;
  OverflowNanSign overflow_nan_sign = OverflowNanSign::by_nan_policy;
};

// The environment of x86 SSE/AVX with default MXCSR, and of an NVIDIA GPU's fp16/bf16
// arithmetic units (FACTS.md 1: gradual underflow, canonical NaN 0x7FFF / 0x7FFFFFFF).
inline constexpr Env ieee_env{};
inline constexpr Env nvidia_env{.nan = NanPolicy::canonical};

// An sm_90 GPU (H100/H200, CUDA 13.0) as its intrinsics behave, NaN details included:
// nvidia_env plus __hneg/__habs as additions, __bfloat162float as a shift and __NV_NOSAT's
// signed NaN on overflow (docs/validation.md, "Where the hardware differs"). `mpsim validate`
// compares the hardware with the emulator under this environment (FP8 suites: with the
// saturation mode as Env::overflow; other rounding modes: with Env::rounding changed).
inline constexpr Env nvidia_sm90_env{.nan = NanPolicy::canonical,
                                     .sign_op_nan = SignOpNan::arithmetic,
                                     .bfloat16_to_binary32_nan = WideningNan::keep_bits,
                                     .overflow_nan_sign = OverflowNanSign::of_value};

}  // namespace mpsim
