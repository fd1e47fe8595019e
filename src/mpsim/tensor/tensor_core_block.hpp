// SPDX-License-Identifier: MIT
// One fused block step of a tensor core (FACTS.md 8, Khattak & Mikaitis 2025): c plus up to
// `terms` exact products, aligned to one exponent, truncated, summed exactly, rounded once.
// dot.hpp chains these steps; docs/accumulation.md draws the alignment.
#pragma once

#include <cstdint>

#include "mpsim/format/unpacked.hpp"
#include "mpsim/ops/operands.hpp"
#include "mpsim/tensor/accumulation_model.hpp"

namespace mpsim {
namespace detail {

// A finite nonzero operand as the hardware aligns it: the stored significand, not renormalised,
// and the exponent of its leading (hidden) bit position. With t fraction bits:
//
//   normal     S EEEE FFFFFFFFFF  ->  sig = 1FFFFFFFFFF (t+1 bits), exp = E - bias
//   subnormal  S 0000 FFFFFFFFFF  ->  sig = 0FFFFFFFFFF,            exp = emin (= 1 - bias)
//
//   value = sig * 2^(exp - t)
struct Aligned {
  std::uint64_t sig = 0;
  int exp = 0;
};

MPSIM_HD constexpr Aligned aligned_of(const Format& f, std::uint64_t bits) {
  const int biased = static_cast<int>((bits & f.exponent_mask()) >> f.fraction_bits);
  const std::uint64_t frac = bits & f.fraction_mask();
  if (biased == 0) return {frac, f.emin()};
  return {(std::uint64_t{1} << f.fraction_bits) | frac, biased - f.bias};
}

// One term of the block: value = sig * 2^lsb, alignment exponent `exp` (ea + eb for a product).
struct BlockTerm {
  bool negative = false;
  int exp = 0;
  int lsb = 0;
  u128 sig = 0;
};

// sig * 2^lsb truncated toward zero to a multiple of 2^unit; sets `dropped` if bits were lost.
MPSIM_HD constexpr u128 truncate_to_unit(const BlockTerm& t, int unit, bool& dropped) {
  const int shift = t.lsb - unit;
  if (shift >= 0) return t.sig << shift;  // < 2^(fraction_bits + 2): the term lies below 2^(E+2)
  if (-shift >= 128) {
    dropped = dropped || t.sig != 0;
    return 0;
  }
  dropped = dropped || (t.sig & ((u128{1} << -shift) - 1)) != 0;
  return t.sig >> -shift;
}

}  // namespace detail

// c + sum_{i < n} a[i] * b[i] in one block step (n <= tc.terms); a, b in format `in`, c and the
// result in `acc`. Steps:
//   1. products exact and unnormalised: sig_a * sig_b at exponent ea + eb (Aligned above);
//   2. E = the largest exponent of the nonzero terms (products and c), at least exponent_floor;
//   3. every term truncated toward zero (sign-magnitude) to a multiple of 2^(E - fraction_bits);
//   4. the truncated terms added exactly, normalised once, rounded to `acc` with tc.rounding;
//   5. a zero result is +0; overflow gives +-inf whatever the rounding; every NaN result is
//      default_nan(acc, env) (0x7FFFFFFF / 0x7FFF under nvidia_env).
// Special operands as IEEE: NaN in, NaN out; inf * 0 and inf - inf are invalid; inf otherwise.
// Flags: inexact when step 3 or 4 drops bits, plus round_to_format's underflow and overflow.
MPSIM_HD constexpr Result tensor_core_step(const TensorCoreBlock& tc, const Format& in, const Format& acc,
                                           const Env& env, const std::uint64_t* a, const std::uint64_t* b, int n,
                                           std::uint64_t c) {
  std::uint8_t events = 0;
  bool any_nan = false, invalid = false, pos_inf = false, neg_inf = false;
  const Unpacked uc = detail::read_operand(acc, env, c, events, event::flushed_input_c);
  if (is_nan(uc.kind)) any_nan = true, invalid = invalid || uc.kind == Kind::signaling_nan;
  if (uc.kind == Kind::infinity) (uc.sign ? neg_inf : pos_inf) = true;
  for (int i = 0; i < n; ++i) {
    const Unpacked ua = detail::read_operand(in, env, a[i], events, event::flushed_input_a);
    const Unpacked ub = detail::read_operand(in, env, b[i], events, event::flushed_input_b);
    if (is_nan(ua.kind) || is_nan(ub.kind)) {
      any_nan = true;
      invalid = invalid || ua.kind == Kind::signaling_nan || ub.kind == Kind::signaling_nan;
      continue;
    }
    const bool inf = ua.kind == Kind::infinity || ub.kind == Kind::infinity;
    const bool zero = ua.kind == Kind::zero || ub.kind == Kind::zero;
    if (inf && zero) invalid = true;
    else if (inf) (ua.sign != ub.sign ? neg_inf : pos_inf) = true;
  }
  if (pos_inf && neg_inf) invalid = true;
  if (any_nan || invalid) {
    const std::uint8_t created = any_nan ? 0 : event::nan_created;
    return {default_nan(acc, env), invalid ? flag::invalid : std::uint8_t{0},
            static_cast<std::uint8_t>(events | created)};
  }
  if (pos_inf || neg_inf) return {pack_zero(acc, neg_inf) | acc.infinity_bits(), 0, events};

  // Finite: collect the nonzero terms and their alignment exponent E.
  int E = tc.exponent_floor;
  auto consider = [&E](const detail::BlockTerm& t) { E = t.exp > E ? t.exp : E; };
  std::uint8_t ignored = 0;  // DAZ events were counted above; the terms are decoded twice
  auto product_term = [&](int i, bool& nonzero) {
    const Unpacked ua = detail::read_operand(in, env, a[i], ignored, 0);
    const Unpacked ub = detail::read_operand(in, env, b[i], ignored, 0);
    nonzero = is_finite_nonzero(ua.kind) && is_finite_nonzero(ub.kind);
    if (!nonzero) return detail::BlockTerm{};
    const detail::Aligned x = detail::aligned_of(in, a[i]);
    const detail::Aligned y = detail::aligned_of(in, b[i]);
    return detail::BlockTerm{ua.sign != ub.sign, x.exp + y.exp, x.exp + y.exp - 2 * in.fraction_bits,
                             u128{x.sig} * y.sig};
  };
  const bool c_nonzero = is_finite_nonzero(uc.kind);
  detail::BlockTerm c_term{};
  if (c_nonzero) {
    const detail::Aligned z = detail::aligned_of(acc, c);
    c_term = {uc.sign, z.exp, z.exp - acc.fraction_bits, z.sig};
    consider(c_term);
  }
  for (int i = 0; i < n; ++i) {
    bool nonzero = false;
    const detail::BlockTerm t = product_term(i, nonzero);
    if (nonzero) consider(t);
  }

  // Align, truncate and add exactly: positive and negative magnitudes in units of 2^unit.
  const int unit = E - tc.fraction_bits;
  bool dropped = false;
  u128 positive = 0, negative = 0;
  auto add_term = [&](const detail::BlockTerm& t) {
    const u128 v = detail::truncate_to_unit(t, unit, dropped);
    (t.negative ? negative : positive) += v;
  };
  if (c_nonzero) add_term(c_term);
  for (int i = 0; i < n; ++i) {
    bool nonzero = false;
    const detail::BlockTerm t = product_term(i, nonzero);
    if (nonzero) add_term(t);
  }
  const std::uint8_t truncated = dropped ? flag::inexact : std::uint8_t{0};
  if (positive == negative) return {pack_zero(acc, false), truncated, events};
  const bool sign = negative > positive;
  const Exact sum{sign, unit, sign ? negative - positive : positive - negative};

  Env round_env = env;
  round_env.rounding = tc.rounding;
  Result r = round_to_format(acc, round_env, sum);
  if ((r.events & event::overflowed) && acc.infinities) r.bits = pack_zero(acc, sign) | acc.infinity_bits();
  if ((r.bits & ~acc.sign_mask()) == 0) r.bits = pack_zero(acc, false);  // a zero result is +0
  r.flags |= truncated;
  r.events |= events;
  return r;
}

}  // namespace mpsim
