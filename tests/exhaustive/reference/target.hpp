// SPDX-License-Identifier: MIT
// The reference's own description of the narrow formats, their rounding modes and flags, and
// an exact decoder (bits -> extended value). Written from FACTS.md 2, shares no code with mpsim.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "reference/x87.hpp"

namespace reference {

struct Target {
  const char* name;
  int width;                      // storage bits
  int fraction_bits;              // t
  int bias;
  int emax;                       // binade of the largest finite value
  std::uint32_t max_significand;  // largest finite = max_significand * 2^(emax - t)
  bool infinities;                // false: OCP E4M3, whose only NaN is S.1111.111
  constexpr int emin() const { return 1 - bias; }
  constexpr int exponent_field_bits() const { return width - 1 - fraction_bits; }
  constexpr std::uint64_t sign_bit() const { return std::uint64_t{1} << (width - 1); }
  constexpr std::uint64_t exponent_ones() const {
    return ((std::uint64_t{1} << exponent_field_bits()) - 1) << fraction_bits;
  }
  constexpr std::uint64_t max_finite() const {
    return (static_cast<std::uint64_t>(emax + bias) << fraction_bits) |
           (max_significand - (std::uint64_t{1} << fraction_bits));
  }
};

inline constexpr Target ref_binary16{"binary16", 16, 10, 15, 15, 2047, true};  // max 65504
inline constexpr Target ref_bfloat16{"bfloat16", 16, 7, 127, 127, 255, true};
inline constexpr Target ref_e4m3{"e4m3", 8, 3, 7, 8, 14, false};  // max 1.75 * 2^8 = 448
inline constexpr Target ref_e5m2{"e5m2", 8, 2, 15, 15, 7, true};  // max 1.75 * 2^15 = 57344
inline constexpr Target ref_tf32{"tf32", 19, 10, 127, 127, 2047, true};

enum class Mode { nearest_even, toward_zero, upward, downward, nearest_away, to_odd, stochastic };

// The x87 direction the reference computes in for each mode (see narrow.hpp).
constexpr Direction direction_for(Mode m) {
  switch (m) {
    case Mode::nearest_even:
    case Mode::nearest_away: return Direction::nearest;
    case Mode::upward: return Direction::up;
    case Mode::downward: return Direction::down;
    default: return Direction::toward_zero;  // toward_zero, to_odd, stochastic
  }
}

// TestFloat's flag bits.
namespace flags {
inline constexpr std::uint8_t inexact = 0x01;
inline constexpr std::uint8_t underflow = 0x02;
inline constexpr std::uint8_t overflow = 0x04;
inline constexpr std::uint8_t infinite = 0x08;  // division by zero
inline constexpr std::uint8_t invalid = 0x10;
}  // namespace flags

struct Rounded {
  std::uint64_t bits = 0;
  std::uint8_t flags = 0;
};

// A decoded operand. NaN: `payload` is the fraction left-aligned at bit 63 (quiet bit at 63),
// and `value` an extended NaN with the same sign and payload.
struct Decoded {
  long double value = 0;
  double binary64 = 0;  // the same value (exact: every narrow value is a binary64 number)
  std::uint64_t payload = 0;
  bool sign = false;
  bool nan = false;
  bool signaling = false;
};

inline Decoded decode(const Target& f, std::uint64_t bits) {
  Decoded d;
  const int t = f.fraction_bits;
  d.sign = (bits & f.sign_bit()) != 0;
  const std::uint64_t field = (bits & f.exponent_ones()) >> t;
  const std::uint64_t fraction = bits & ((std::uint64_t{1} << t) - 1);
  const std::uint64_t field_ones = (std::uint64_t{1} << f.exponent_field_bits()) - 1;
  const bool nan = f.infinities ? field == field_ones && fraction != 0
                                : field == field_ones && fraction == (std::uint64_t{1} << t) - 1;
  if (nan) {
    d.nan = true;
    d.payload = fraction << (64 - t);
    d.signaling = f.infinities && (fraction >> (t - 1)) == 0;
    d.value = make_nan(d.sign, d.payload);
    return d;
  }
  long double magnitude;
  if (f.infinities && field == field_ones) {
    magnitude = INFINITY;
  } else if (field == 0) {
    magnitude = std::ldexp(static_cast<long double>(fraction), f.emin() - t);
  } else {
    const auto significand = static_cast<long double>(fraction + (std::uint64_t{1} << t));
    magnitude = std::ldexp(significand, static_cast<int>(field) - f.bias - t);
  }
  d.value = d.sign ? -magnitude : magnitude;
  d.binary64 = static_cast<double>(d.value);
  return d;
}

// Every pattern of a format of at most 16 bits, decoded.
inline std::vector<Decoded> decode_all(const Target& f) {
  std::vector<Decoded> all(std::size_t{1} << f.width);
  for (std::uint64_t b = 0; b < all.size(); ++b) all[b] = decode(f, b);
  return all;
}

// The NaN an operation on NaN operands returns (x86 SSE rule): the operand's sign and
// payload, quieted; E4M3 has a single NaN per sign.
inline std::uint64_t quiet_nan(const Target& f, bool sign, std::uint64_t payload) {
  const std::uint64_t s = sign ? f.sign_bit() : 0;
  if (!f.infinities) return s | (f.sign_bit() - 1);
  const int t = f.fraction_bits;
  return s | f.exponent_ones() | (std::uint64_t{1} << (t - 1)) | (payload >> (64 - t));
}

// The x86 default NaN of an invalid operation: sign set, quiet bit set, payload zero
// (0xFE00 binary16, 0xFFC0 bfloat16); E4M3: 0xFF.
inline std::uint64_t default_nan(const Target& f) {
  if (!f.infinities) return (f.sign_bit() << 1) - 1;
  return f.sign_bit() | f.exponent_ones() | (std::uint64_t{1} << (f.fraction_bits - 1));
}

}  // namespace reference
