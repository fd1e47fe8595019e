// SPDX-License-Identifier: MIT
// round_to_format: the only place in mpsim where bits are dropped and where underflow,
// overflow and inexact are raised (SoftFloat's roundPack). Every operation computes its
// exact result (or an exact-for-rounding "jammed" one) and ends here.
#pragma once

#include <bit>
#include <cstdint>

#include "mpsim/format/format.hpp"
#include "mpsim/format/portable.hpp"
#include "mpsim/round/env.hpp"
#include "mpsim/round/status.hpp"

namespace mpsim {

using u128 = unsigned __int128;

MPSIM_HD constexpr int bit_width128(u128 x) {
  const auto hi = static_cast<std::uint64_t>(x >> 64);
  return hi ? 128 - count_leading_zeros(hi) : 64 - count_leading_zeros(static_cast<std::uint64_t>(x));
}

// Shift right, ORing every dropped bit into the result's last bit ("jamming"): the result
// rounds like the exact value at any position at least two bits above bit 0.
MPSIM_HD constexpr u128 shift_right_jam(u128 x, int n) {
  if (n <= 0) return x;
  if (n >= 128) return x != 0;
  return (x >> n) | ((x & ((u128{1} << n) - 1)) != 0);
}

// A nonzero finite exact value (-1)^sign * sig * 2^exp. Bit 0 of sig may be a jam bit;
// operations keep at least 35 bits below the last bit a format can keep (sqrt, the tightest,
// computes p + 35 root bits; add, mul, div and fma keep 60 or more), so the jam bit never
// reaches the round bit or the 32 bits that stochastic rounding compares.
struct Exact {
  bool sign = false;
  int exp = 0;
  u128 sig = 0;
};

struct Kept {
  u128 sig;      // the kept bits, possibly carried one bit wider
  bool inexact;  // nonzero bits were dropped
};

// Drops the low `shift` (>= 1) bits of `sig` under `mode`. `random` supplies the bits for
// stochastic rounding: with r = stochastic_bits, the first r dropped bits D (an r-bit
// integer) round up when D + (random mod 2^r) >= 2^r, i.e. with probability D / 2^r.
//
//   sig:   [ kept bits ..... L | R T T T T T ... ]     L = last kept bit, R = round bit,
//                              <---- shift ---->      T = the rest (sticky)
MPSIM_HD constexpr Kept round_significand(u128 sig, int shift, bool negative, Rounding mode, int stochastic_bits,
                                 std::uint32_t random) {
  u128 kept, rest, half;
  if (shift >= 128) {
    kept = 0, rest = sig, half = ~u128{0};  // everything dropped, and sig < 2^127 < half
  } else {
    kept = sig >> shift;
    rest = sig & ((u128{1} << shift) - 1);
    half = u128{1} << (shift - 1);
  }
  if (rest == 0) return {kept, false};
  bool up = false;
  switch (mode) {
    case Rounding::nearest_even: up = rest > half || (rest == half && (kept & 1)); break;
    case Rounding::nearest_away: up = rest >= half; break;
    case Rounding::toward_zero: break;
    case Rounding::upward: up = !negative; break;
    case Rounding::downward: up = negative; break;
    case Rounding::to_odd: return {kept | 1, true};
    case Rounding::stochastic: {
      const int r = stochastic_bits;
      const u128 dropped = shift >= r ? (shift - r >= 128 ? 0 : rest >> (shift - r)) : rest << (r - shift);
      const std::uint64_t mask = (std::uint64_t{1} << r) - 1;
      up = static_cast<std::uint64_t>(dropped) + (random & mask) > mask;
      break;
    }
  }
  return {kept + up, true};
}

// --- packing special values -------------------------------------------------------------

constexpr std::uint64_t pack_zero(const Format& f, bool sign) { return sign ? f.sign_mask() : 0; }

constexpr std::uint64_t largest_finite(const Format& f, bool sign) {
  return pack_zero(f, sign) | f.max_finite_bits();
}

// The NaN an invalid operation returns.
constexpr std::uint64_t default_nan(const Format& f, const Env& env) {
  if (!f.has_nan()) return 0;  // a format without NaN encodes invalid results as +0
  const std::uint64_t all_but_sign = f.storage_mask() >> 1;
  if (env.nan == NanPolicy::canonical) return all_but_sign;
  if (f.nan == NanEncoding::all_ones) return f.storage_mask();
  return f.sign_mask() | f.exponent_mask() | f.quiet_bit();
}

// A NaN operand carried into format f: its sign and the top of its payload, quieted
// (`payload` left-aligned at bit 51 as in Unpacked).
constexpr std::uint64_t quiet_nan_from(const Format& f, const Env& env, bool sign, std::uint64_t payload) {
  if (!f.has_nan()) return 0;
  if (env.nan == NanPolicy::canonical) return default_nan(f, env);
  if (f.nan == NanEncoding::all_ones) return pack_zero(f, sign) | (f.storage_mask() >> 1);
  return pack_zero(f, sign) | f.exponent_mask() | f.quiet_bit() | (payload >> (52 - f.fraction_bits));
}

constexpr bool saturates(const Format& f, const Env& env) {
  return env.overflow == Overflow::saturate || (env.overflow == Overflow::format_default && f.saturating) ||
         (!f.infinities && !f.has_nan());
}

// The NaN that stands for an infinity of sign `sign` in a format without infinities that does
// not saturate (OCP OFP8 non-saturating mode), by Env::overflow_nan_sign:
//
//   by_nan_policy: quiet_nan_from(sign, all-ones payload)   E4M3 propagate: S.1111.111, canonical: 0.1111.111
//   of_value:      the same NaN with its sign bit = sign    E4M3 either policy: S.1111.111
constexpr std::uint64_t overflow_nan(const Format& f, const Env& env, bool sign) {
  const std::uint64_t by_policy = quiet_nan_from(f, env, sign, ~std::uint64_t{0} >> 12);
  if (env.overflow_nan_sign == OverflowNanSign::by_nan_policy) return by_policy;
  return (by_policy & ~f.sign_mask()) | pack_zero(f, sign);
}

// An infinite result (from infinite operands, or a finite overflow that rounds to inf).
// A format without infinities gives NaN, or the largest finite value when saturating.
constexpr Result pack_infinity(const Format& f, const Env& env, bool sign) {
  if (f.infinities && !saturates(f, env)) return {pack_zero(f, sign) | f.infinity_bits(), 0, 0};
  if (saturates(f, env)) return {largest_finite(f, sign), flag::overflow | flag::inexact, event::overflowed};
  return {overflow_nan(f, env, sign), flag::invalid, event::nan_created};
}

// Rounds the nonzero exact value x into format f under env. `random` is used only by
// stochastic rounding.
MPSIM_HD constexpr Result round_to_format(const Format& f, const Env& env, const Exact& x, std::uint32_t random = 0) {
  const int p = f.precision();
  const int emin = f.emin();
  const int lead = bit_width128(x.sig) - 1;
  const int e = x.exp + lead;  // |x| in [2^e, 2^(e+1))
  const Rounding mode = env.rounding;
  Result r;

  bool tiny = e < emin;
  if (e == emin - 1 && env.tininess == Tininess::after_rounding) {
    // Tiny unless rounding to p bits with an unbounded exponent carries up to 2^emin.
    const int shift = lead - (p - 1);
    tiny = shift <= 0 ||
           (round_significand(x.sig, shift, x.sign, mode, env.stochastic_bits, random).sig >> p) == 0;
  }
  if (tiny && (env.flush_to_zero || !f.subnormals)) {
    return {pack_zero(f, x.sign), flag::underflow | flag::inexact, event::underflow_to_zero};
  }

  int q = (e < emin ? emin : e) - (p - 1);  // exponent of the last kept bit
  const int shift = q - x.exp;
  u128 kept;
  bool inexact = false;
  if (shift <= 0) {
    kept = x.sig << -shift;
  } else {
    const Kept k = round_significand(x.sig, shift, x.sign, mode, env.stochastic_bits, random);
    kept = k.sig;
    inexact = k.inexact;
  }
  if (kept >> p) {  // carried into the next binade: 2^p -> 2^(p-1), exact
    kept >>= 1;
    ++q;
  }
  if (inexact) r.flags |= flag::inexact;
  if (tiny && inexact) r.flags |= flag::underflow;

  const bool normal = (kept >> (p - 1)) != 0;
  const int result_exp = q + (p - 1);
  if (normal && (result_exp > f.emax() || (result_exp == f.emax() && kept > f.max_significand()))) {
    const bool to_largest = mode == Rounding::toward_zero || mode == Rounding::to_odd ||
                            (mode == Rounding::upward && x.sign) || (mode == Rounding::downward && !x.sign) ||
                            saturates(f, env);
    Result o{0, flag::overflow | flag::inexact, event::overflowed};
    if (to_largest) {
      o.bits = largest_finite(f, x.sign);
    } else if (f.infinities) {
      o.bits = pack_zero(f, x.sign) | f.infinity_bits();
    } else {  // OCP non-saturating mode: overflow of a format without inf gives NaN
      o.bits = overflow_nan(f, env, x.sign);
      o.events |= event::nan_created;
    }
    return o;
  }
  if (kept == 0) {
    r.bits = pack_zero(f, x.sign);
    r.events |= event::underflow_to_zero;
    return r;
  }
  const std::uint64_t k = static_cast<std::uint64_t>(kept);
  if (normal) {
    r.bits = pack_zero(f, x.sign) | (static_cast<std::uint64_t>(result_exp + f.bias) << f.fraction_bits) |
             (k & f.fraction_mask());
  } else {
    r.bits = pack_zero(f, x.sign) | k;
    r.events |= event::subnormal_result;
  }
  return r;
}

}  // namespace mpsim
