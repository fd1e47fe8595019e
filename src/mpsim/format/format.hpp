// SPDX-License-Identifier: MIT
// A binary floating-point format described by named fields (CPFloat-style); every mask
// and limit used anywhere in mpsim derives from these fields.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mpsim {

// How NaN is encoded.
enum class NanEncoding : std::uint8_t {
  ieee,      // exponent field all ones and fraction != 0; fraction MSB set means quiet
  all_ones,  // only S.11..1.11..1 is NaN (OCP E4M3 "FN"): the top binade is otherwise finite
  none,      // the format has no NaN
};

// Layout of a format with w exponent bits and t fraction bits (t = p - 1):
//
//    S EEEE...E FFFF...F        binary16: S EEEEE FFFFFFFFFF   (bit 15, 14-10, 9-0)
//    ^ ^-- w --^ ^-- t --^
//
// biased exponent 0           : zero (F == 0) or subnormal  (-1)^S * 0.F * 2^emin
// biased exponent 1 .. top-1  : normal                      (-1)^S * 1.F * 2^(E - bias)
// biased exponent all ones    : inf (F == 0) / NaN (F != 0) when the top binade is reserved,
//                               otherwise normal (E4M3: all but S.1111.111 are finite)
struct Format {
  std::string_view name;
  int exponent_bits = 0;  // w
  int fraction_bits = 0;  // t: stored fraction bits, without the hidden bit
  int bias = 0;
  bool subnormals = true;  // false: biased exponent 0 encodes only zero, tiny results flush
  bool infinities = true;
  NanEncoding nan = NanEncoding::ieee;
  bool saturating = false;  // default overflow result: largest finite instead of inf / NaN

  constexpr int precision() const { return fraction_bits + 1; }  // p
  constexpr int storage_bits() const { return 1 + exponent_bits + fraction_bits; }
  constexpr int exponent_field_max() const { return (1 << exponent_bits) - 1; }
  // The all-ones exponent field holds only inf/NaN.
  constexpr bool top_binade_reserved() const { return infinities || nan == NanEncoding::ieee; }
  constexpr int emax() const {
    return (top_binade_reserved() ? exponent_field_max() - 1 : exponent_field_max()) - bias;
  }
  constexpr int emin() const { return 1 - bias; }
  constexpr bool has_nan() const { return nan != NanEncoding::none; }

  constexpr std::uint64_t sign_mask() const { return std::uint64_t{1} << (storage_bits() - 1); }
  constexpr std::uint64_t fraction_mask() const { return (std::uint64_t{1} << fraction_bits) - 1; }
  constexpr std::uint64_t exponent_mask() const {
    return static_cast<std::uint64_t>(exponent_field_max()) << fraction_bits;
  }
  constexpr std::uint64_t storage_mask() const {
    return storage_bits() == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << storage_bits()) - 1;
  }
  constexpr std::uint64_t quiet_bit() const {
    return fraction_bits > 0 ? std::uint64_t{1} << (fraction_bits - 1) : 0;
  }
  // Integer significand (p bits, hidden bit included) of the largest finite value at emax.
  constexpr std::uint64_t max_significand() const {
    const std::uint64_t all_ones = (std::uint64_t{1} << precision()) - 1;
    return (nan == NanEncoding::all_ones && !top_binade_reserved()) ? all_ones - 1 : all_ones;
  }
  constexpr std::uint64_t max_finite_bits() const {
    return (static_cast<std::uint64_t>(emax() + bias) << fraction_bits) |
           (max_significand() & fraction_mask());
  }
  constexpr std::uint64_t infinity_bits() const { return exponent_mask(); }

  friend constexpr bool operator==(const Format& a, const Format& b) {
    return a.exponent_bits == b.exponent_bits && a.fraction_bits == b.fraction_bits &&
           a.bias == b.bias && a.subnormals == b.subnormals && a.infinities == b.infinities &&
           a.nan == b.nan && a.saturating == b.saturating;
  }
};

// Limits of the arithmetic core: significands are carried in 128-bit integers, so
// p <= 53 and exponents within binary64's range keep every intermediate exact.
inline constexpr int max_precision = 53;
inline constexpr int max_exponent_bits = 11;

// The table name, or "eXmY" plus "-sat", "-noinf", "-nosub" for a format built from fields.
std::string format_name(const Format& f);

// Empty when the fields describe a format the core can emulate, else what is wrong.
std::string validate(const Format& f);

}  // namespace mpsim
