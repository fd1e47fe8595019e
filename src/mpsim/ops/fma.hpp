// SPDX-License-Identifier: MIT
// fma: a * b + c with a single rounding. The 106-bit exact product and c are aligned in
// 128 bits, exactly whenever they overlap and with a jam bit far below the round bit otherwise.
#pragma once

#include "mpsim/ops/add.hpp"

namespace mpsim {
namespace detail {

// Exact a*b + c for nonzero finite a, b, c (jammed when the addends lie far apart).
//   product: sig in [2^104, 2^106) at exponent pe;  c: sig in [2^52, 2^53) at exponent c.exp
constexpr Exact exact_fma(bool product_sign, int pe, u128 product, const Unpacked& c) {
  const int d = c.exp - pe;  // where c's last bit lies relative to the product's last bit
  u128 ps, cs;
  int exp;
  if (d >= 0 && d <= 73) {  // c << d < 2^126: both exact
    ps = product, cs = u128{c.sig} << d, exp = pe;
  } else if (d > 73) {  // c dominates: c's lead bit at 125, the product jammed
    ps = shift_right_jam(product, d - 73), cs = u128{c.sig} << 73, exp = c.exp - 73;
  } else if (d >= -20) {  // product << 20 < 2^126: both exact
    ps = product << -d, cs = c.sig, exp = c.exp;
  } else {  // the product dominates: lead bit near 125, c jammed
    ps = product << 20, cs = shift_right_jam(u128{c.sig}, -d - 20), exp = pe - 20;
  }
  if (product_sign == c.sign) return {c.sign, exp, ps + cs};
  if (ps >= cs) return {product_sign, exp, ps - cs};
  return {c.sign, exp, cs - ps};
}

MPSIM_HD constexpr Result fma_unpacked(const Format& out, const Env& env, const Unpacked& a, const Unpacked& b,
                              const Unpacked& c, std::uint8_t events, std::uint32_t random) {
  Result r;
  // NaN in a or b first (then c), as SoftFloat's 8086 specialisation and x86 do; 0 * inf is
  // invalid even when c is a quiet NaN, and then yields the default NaN.
  const bool product_invalid = (a.kind == Kind::infinity && b.kind == Kind::zero) ||
                               (a.kind == Kind::zero && b.kind == Kind::infinity);
  if (!is_nan(a.kind) && !is_nan(b.kind) && product_invalid) {
    Result inv = invalid_result(out, env, events);
    return inv;
  }
  if (settle_nan_operands(out, env, r, a, b, c)) return with_events(r, events);
  const bool ps = a.sign != b.sign;
  const bool product_inf = a.kind == Kind::infinity || b.kind == Kind::infinity;
  if (product_inf || c.kind == Kind::infinity) {
    if (product_inf && c.kind == Kind::infinity && ps != c.sign) return invalid_result(out, env, events);
    return with_events(pack_infinity(out, env, product_inf ? ps : c.sign), events);
  }
  const bool product_zero = a.kind == Kind::zero || b.kind == Kind::zero;
  if (product_zero) {
    if (c.kind == Kind::zero) return {pack_zero(out, ps == c.sign ? ps : cancellation_sign(env)), 0, events};
    return with_events(round_to_format(out, env, exact_of(c), random), events);
  }
  const u128 product = u128{a.sig} * b.sig;
  const int pe = a.exp + b.exp;
  if (c.kind == Kind::zero) return with_events(round_to_format(out, env, {ps, pe, product}, random), events);
  const Exact sum = exact_fma(ps, pe, product, c);
  if (sum.sig == 0) return {pack_zero(out, cancellation_sign(env)), 0, events};
  return with_events(round_to_format(out, env, sum, random), events);
}

}  // namespace detail

// a * b + c rounded once.
MPSIM_HD constexpr Result fma(const Format& f, std::uint64_t a, std::uint64_t b, std::uint64_t c, const Env& env = {},
                     std::uint32_t random = 0) {
  std::uint8_t ev = 0;
  const Unpacked ua = detail::read_operand(f, env, a, ev, event::flushed_input_a);
  const Unpacked ub = detail::read_operand(f, env, b, ev, event::flushed_input_b);
  const Unpacked uc = detail::read_operand(f, env, c, ev, event::flushed_input_c);
  return detail::fma_unpacked(f, env, ua, ub, uc, ev, random);
}

}  // namespace mpsim
