// SPDX-License-Identifier: MIT
// Decoding a bit pattern into its class, sign, exponent and significand (no rounding here:
// every finite value of every supported format is represented exactly).
#pragma once

#include <bit>
#include <cstdint>

#include "mpsim/format/format.hpp"
#include "mpsim/format/portable.hpp"

namespace mpsim {

enum class Kind : std::uint8_t { zero, subnormal, normal, infinity, quiet_nan, signaling_nan };

constexpr bool is_nan(Kind k) { return k == Kind::quiet_nan || k == Kind::signaling_nan; }
constexpr bool is_finite_nonzero(Kind k) { return k == Kind::subnormal || k == Kind::normal; }

// Normalised position of the significand's leading bit in Unpacked::sig.
inline constexpr int unpacked_lead_bit = 52;

// A decoded value. Finite nonzero: value = (-1)^sign * sig * 2^exp with sig in
// [2^52, 2^53) for every format (subnormals are normalised too, so exp may lie below emin).
// NaN: sig holds the fraction left-aligned to bit 51 (quiet bit at bit 51), the payload
// in a format-independent position. Zero and infinity: sig = 0.
struct Unpacked {
  Kind kind = Kind::zero;
  bool sign = false;
  int exp = 0;
  std::uint64_t sig = 0;
};

MPSIM_HD constexpr Unpacked unpack(const Format& f, std::uint64_t bits) {
  Unpacked u;
  const int t = f.fraction_bits;
  u.sign = (bits & f.sign_mask()) != 0;
  const int biased = static_cast<int>((bits & f.exponent_mask()) >> t);
  const std::uint64_t frac = bits & f.fraction_mask();
  const bool top = biased == f.exponent_field_max();
  if (top && f.top_binade_reserved()) {
    if (frac == 0 && f.infinities) {
      u.kind = Kind::infinity;
    } else {
      u.kind = (f.quiet_bit() == 0 || (frac & f.quiet_bit())) ? Kind::quiet_nan : Kind::signaling_nan;
      u.sig = frac << (unpacked_lead_bit - t);
    }
    return u;
  }
  if (top && f.nan == NanEncoding::all_ones && frac == f.fraction_mask()) {
    u.kind = Kind::quiet_nan;  // the single NaN of an E4M3-like format
    u.sig = frac << (unpacked_lead_bit - t);
    return u;
  }
  if (biased == 0) {
    if (frac == 0 || !f.subnormals) {
      u.kind = Kind::zero;  // without subnormals, exponent field 0 reads as zero
      return u;
    }
    // 0.F * 2^emin = F * 2^(emin - t); shift F's leading bit up to bit 52.
    const int shift = unpacked_lead_bit - (63 - count_leading_zeros(frac));
    u.kind = Kind::subnormal;
    u.sig = frac << shift;
    u.exp = f.emin() - t - shift;
    return u;
  }
  u.kind = Kind::normal;
  u.sig = ((std::uint64_t{1} << t) | frac) << (unpacked_lead_bit - t);
  u.exp = biased - f.bias - unpacked_lead_bit;
  return u;
}

}  // namespace mpsim
