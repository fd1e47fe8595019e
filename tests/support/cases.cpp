// SPDX-License-Identifier: MIT
// Test inputs for the oracle comparisons (see cases.hpp).
#include "cases.hpp"

#include <algorithm>
#include <bit>

#include "mpsim/format/named_formats.hpp"

namespace mpsim::cases {
namespace {

std::uint64_t low_mask(int n) { return n >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1; }

}  // namespace

std::vector<Format> formats_under_test() {
  std::vector<Format> out;
  for (const Format* f : named_formats) out.push_back(*f);
  out.push_back(*find_format("e3m4"));            // user format: tiny range, 5-bit precision
  out.push_back(*find_format("e4m4-sat-nosub"));  // saturating, flushes tiny results
  return out;
}

std::vector<RoundingConfig> rounding_configs() {
  constexpr std::uint32_t ignored = 0x9E3779B9u;  // deterministic modes must not read it
  return {
      {Rounding::nearest_even, 32, ignored},
      {Rounding::toward_zero, 32, ignored},
      {Rounding::upward, 32, ignored},
      {Rounding::downward, 32, ignored},
      {Rounding::nearest_away, 32, ignored},
      {Rounding::to_odd, 32, ignored},
      {Rounding::stochastic, 32, 0},
      {Rounding::stochastic, 32, 0xFFFFFFFFu},
      {Rounding::stochastic, 32, 0x80000000u},
      {Rounding::stochastic, 32, 0x5DEECE66u},
      {Rounding::stochastic, 1, 1},
      {Rounding::stochastic, 1, 0xFFFFFFFEu},
      {Rounding::stochastic, 5, 0x13},
      {Rounding::stochastic, 8, 0xA5},
  };
}

Env make_env(const RoundingConfig& rc, int combo) {
  Env env;
  env.rounding = rc.rounding;
  env.stochastic_bits = rc.stochastic_bits;
  env.tininess = (combo & 1) ? Tininess::before_rounding : Tininess::after_rounding;
  env.flush_to_zero = (combo >> 1) & 1;
  env.denormals_are_zero = (combo >> 2) & 1;
  env.nan = (combo >> 3) & 1 ? NanPolicy::canonical : NanPolicy::propagate;
  env.overflow = static_cast<Overflow>((combo >> 4) % 3);
  return env;
}

std::uint64_t pattern(const Format& f, bool sign, std::uint64_t exponent_field, std::uint64_t fraction) {
  const int t = f.fraction_bits;
  return (std::uint64_t{sign} << (t + f.exponent_bits)) | (exponent_field << t) | (fraction & low_mask(t));
}

std::vector<std::uint64_t> interesting_patterns(const Format& f) {
  const int t = f.fraction_bits;
  const std::uint64_t top = low_mask(f.exponent_bits);
  const std::uint64_t all = low_mask(t);
  const std::uint64_t half = t > 0 ? std::uint64_t{1} << (t - 1) : 0;
  const bool reserved = f.infinities || f.nan == NanEncoding::ieee;
  const std::uint64_t e_max_field = reserved ? top - 1 : top;
  const std::uint64_t largest = reserved ? pattern(f, false, top - 1, all) : pattern(f, false, top, all) - 1;
  const auto bias = static_cast<std::uint64_t>(f.bias);

  std::vector<std::uint64_t> mags = {
      0,
      pattern(f, false, 0, 1),                         // smallest subnormal
      pattern(f, false, 0, 2),                         // twice it
      pattern(f, false, 0, 3),                         // three times it
      pattern(f, false, 0, half),                      // half the smallest normal
      pattern(f, false, 0, all),                       // largest subnormal
      pattern(f, false, 1, 0),                         // smallest normal
      pattern(f, false, 1, 1),                         // and its successor
      pattern(f, false, 1, half),                      // 1.5 * smallest normal
      pattern(f, false, 2, 0),                         // twice the smallest normal
      pattern(f, false, bias - 2, 0),                  // 0.25
      pattern(f, false, bias - 1, 0),                  // 0.5
      pattern(f, false, bias - 1, half),               // 0.75
      pattern(f, false, bias - 1, all),                // 1 - ulp/2
      pattern(f, false, bias, 0),                      // 1
      pattern(f, false, bias, 1),                      // 1 + ulp
      pattern(f, false, bias, half),                   // 1.5
      pattern(f, false, bias, half + 1),               // 1.5 + ulp
      pattern(f, false, bias, all),                    // 2 - ulp
      pattern(f, false, bias + 1, 0),                  // 2
      pattern(f, false, bias + 1, half),               // 3
      pattern(f, false, e_max_field, 0),               // 2^emax
      largest,                                         // largest finite
      largest - 1,                                     // its predecessor
      pattern(f, false, (e_max_field + bias) / 2, 0),  // ~sqrt(2^emax): squares overflow
      pattern(f, false, (bias + 1) / 2, 0),            // ~sqrt(2^emin): squares underflow
  };
  // Half an ulp of 1 and of the largest finite value, where representable as normals.
  if (bias > static_cast<std::uint64_t>(t + 1)) mags.push_back(pattern(f, false, bias - t - 1, 0));
  if (e_max_field > static_cast<std::uint64_t>(t + 1)) mags.push_back(pattern(f, false, e_max_field - t - 1, 0));
  if (f.infinities) mags.push_back(pattern(f, false, top, 0));  // inf
  if (f.nan == NanEncoding::ieee) {
    mags.push_back(pattern(f, false, top, half));  // default quiet NaN
    if (t >= 2) {
      mags.push_back(pattern(f, false, top, half | 1));    // quiet NaN, payload 1
      mags.push_back(pattern(f, false, top, 1));           // signaling NaN, payload 1
      mags.push_back(pattern(f, false, top, all ^ half));  // signaling NaN, full payload
    }
  } else if (f.nan == NanEncoding::all_ones) {
    mags.push_back(pattern(f, false, top, all));  // the only NaN
  }
  std::vector<std::uint64_t> out;
  for (std::uint64_t m : mags) {
    out.push_back(m);
    out.push_back(m | (std::uint64_t{1} << (t + f.exponent_bits)));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Operands::Operands(const Format& f, std::uint64_t seed) : f_(f), rng_(seed), patterns_(interesting_patterns(f)) {}

std::uint64_t Operands::uniform_bits() { return rng_() & low_mask(f_.storage_bits()); }

std::uint64_t Operands::fraction() {
  const int t = f_.fraction_bits;
  if (t == 0) return 0;
  const std::uint64_t all = low_mask(t);
  const std::uint64_t u = rng_() & all;
  switch (pick(20)) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
    case 6:
      return u;
    case 7:
    case 8:
    case 9:
    case 10: {  // only the top j bits: products and sums tie often
      const int j = std::min(t, pick(4));
      return j == 0 ? 0 : u & ~low_mask(t - j);
    }
    case 11:
    case 12:
      return all - static_cast<std::uint64_t>(pick(4));  // carries
    case 13:
    case 14:
      return static_cast<std::uint64_t>(pick(4)) & all;
    case 15:
    case 16:
    case 17: {  // ...x100..0 at a random position: a tie after that many bits
      const int s = pick(t);
      return (u & ~low_mask(s + 1)) | (std::uint64_t{1} << s);
    }
    default:
      return u | low_mask(pick(t + 1));  // trailing ones
  }
}

std::uint64_t Operands::finite(int exp_lo, int exp_hi) {
  const int t = f_.fraction_bits;
  const int emin = 1 - f_.bias;
  const bool reserved = f_.infinities || f_.nan == NanEncoding::ieee;
  const int emax = static_cast<int>(low_mask(f_.exponent_bits)) - (reserved ? 1 : 0) - f_.bias;
  exp_lo = std::clamp(exp_lo, emin - t, emax);
  exp_hi = std::clamp(exp_hi, exp_lo, emax);
  const int e = exp_lo + pick(exp_hi - exp_lo + 1);
  const bool sign = rng_() & 1;
  if (e < emin) {  // subnormal: the leading one at fraction bit e - (emin - t)
    const int lead = e - (emin - t);
    return pattern(f_, sign, 0, (std::uint64_t{1} << lead) | (fraction() >> (t - lead)));
  }
  std::uint64_t frac = fraction();
  const auto field = static_cast<std::uint64_t>(e + f_.bias);
  if (!reserved && field == low_mask(f_.exponent_bits) && frac == low_mask(t)) frac -= 1;  // not the NaN
  return pattern(f_, sign, field, frac);
}

int Operands::unbiased_exponent(std::uint64_t bits) const {
  const int t = f_.fraction_bits;
  const std::uint64_t field = (bits >> t) & low_mask(f_.exponent_bits);
  const std::uint64_t frac = bits & low_mask(t);
  if (field == 0) return 1 - f_.bias - t + (frac == 0 ? 0 : 63 - std::countl_zero(frac));
  return static_cast<int>(field) - f_.bias;
}

namespace {
bool finite_nonzero(const Format& f, std::uint64_t bits) {
  const int t = f.fraction_bits;
  const std::uint64_t field = (bits >> t) & low_mask(f.exponent_bits);
  const std::uint64_t frac = bits & low_mask(t);
  const bool reserved = f.infinities || f.nan == NanEncoding::ieee;
  if (field == 0) return frac != 0 && f.subnormals;
  if (field == low_mask(f.exponent_bits)) return !reserved && frac != low_mask(t);
  return true;
}
}  // namespace

std::uint64_t Operands::near_exponent(std::uint64_t ref, int spread) {
  if (!finite_nonzero(f_, ref)) return any();
  const int e = unbiased_exponent(ref) - spread + pick(2 * spread + 1);
  return finite(e, e);
}

std::uint64_t Operands::near_value(std::uint64_t ref) {
  if (!finite_nonzero(f_, ref)) return any();
  const std::uint64_t sign = std::uint64_t{1} << (f_.storage_bits() - 1);
  const std::uint64_t mag = ref & ~sign;
  const auto k = static_cast<std::uint64_t>(pick(5));
  std::uint64_t moved = (rng_() & 1) ? mag + k : (mag > k ? mag - k : mag);
  if (!finite_nonzero(f_, moved)) moved = mag;
  return moved | ((rng_() & 1) ? sign : 0);
}

std::uint64_t Operands::below(std::uint64_t ref) {
  if (!finite_nonzero(f_, ref)) return any();
  const int p = f_.fraction_bits + 1;
  const int e = unbiased_exponent(ref) - (p + 1 + pick(2 * p + 8));
  return finite(e, e);
}

std::uint64_t Operands::special() {
  return patterns_[static_cast<std::size_t>(pick(static_cast<int>(patterns_.size())))];
}

std::uint64_t Operands::any() {
  const int p = f_.fraction_bits + 1;
  const int emin = 1 - f_.bias;
  const int emax = static_cast<int>(low_mask(f_.exponent_bits)) - f_.bias;
  switch (pick(20)) {
    case 0:
    case 1:
    case 2:
      return uniform_bits();
    case 3:
    case 4:
      return special();
    case 5:
    case 6:
    case 7:
    case 8:
      return finite(emin - p, emax);
    case 9:
    case 10:
    case 11:
      return finite(-3, 3);
    case 12:
    case 13:
    case 14:
      return finite(emin - p, emin + 2);
    case 15:
    case 16:
      return finite(emax - 3, emax);
    default:
      return finite(-p - 2, p + 2);
  }
}

}  // namespace mpsim::cases
