// SPDX-License-Identifier: MIT
// add and sub with one rounding: exact aligned sum in 128 bits, then round_to_format.
#pragma once

#include "mpsim/ops/operands.hpp"

namespace mpsim {
namespace detail {

// Exact sum of two nonzero finite operands, jammed where they lie more than 64 bits apart
// (then the smaller one is far below the round bit of any supported format).
MPSIM_HD constexpr Exact exact_sum(const Unpacked& a, const Unpacked& b) {
  const Unpacked& big = a.exp >= b.exp ? a : b;
  const Unpacked& small = a.exp >= b.exp ? b : a;
  const int diff = big.exp - small.exp;
  const u128 big_sig = u128{big.sig} << 64;  // lead bit at 116
  const u128 small_sig = diff <= 64 ? u128{small.sig} << (64 - diff) : shift_right_jam(u128{small.sig}, diff - 64);
  const int exp = big.exp - 64;
  if (big.sign == small.sign) return {big.sign, exp, big_sig + small_sig};
  if (big_sig >= small_sig) return {big.sign, exp, big_sig - small_sig};
  return {small.sign, exp, small_sig - big_sig};
}

// a + b (or a - b when `negate_b`) with operands in fa, fb and the result in `out`.
MPSIM_HD constexpr Result add_unpacked(const Format& out, const Env& env, Unpacked a, Unpacked b, bool negate_b,
                              std::uint8_t events, std::uint32_t random) {
  Result r;
  if (settle_nan_operands(out, env, r, a, b)) return with_events(r, events);
  if (negate_b) b.sign = !b.sign;
  if (a.kind == Kind::infinity || b.kind == Kind::infinity) {
    if (a.kind == Kind::infinity && b.kind == Kind::infinity && a.sign != b.sign) return invalid_result(out, env, events);
    return with_events(pack_infinity(out, env, a.kind == Kind::infinity ? a.sign : b.sign), events);
  }
  if (a.kind == Kind::zero && b.kind == Kind::zero) {
    return {pack_zero(out, a.sign == b.sign ? a.sign : cancellation_sign(env)), 0, events};
  }
  if (a.kind == Kind::zero) return with_events(round_to_format(out, env, exact_of(b), random), events);
  if (b.kind == Kind::zero) return with_events(round_to_format(out, env, exact_of(a), random), events);
  const Exact sum = exact_sum(a, b);
  if (sum.sig == 0) return {pack_zero(out, cancellation_sign(env)), 0, events};
  return with_events(round_to_format(out, env, sum, random), events);
}

}  // namespace detail

MPSIM_HD constexpr Result add(const Format& f, std::uint64_t a, std::uint64_t b, const Env& env = {}, std::uint32_t random = 0) {
  std::uint8_t ev = 0;
  const Unpacked ua = detail::read_operand(f, env, a, ev, event::flushed_input_a);
  const Unpacked ub = detail::read_operand(f, env, b, ev, event::flushed_input_b);
  return detail::add_unpacked(f, env, ua, ub, false, ev, random);
}

MPSIM_HD constexpr Result sub(const Format& f, std::uint64_t a, std::uint64_t b, const Env& env = {}, std::uint32_t random = 0) {
  std::uint8_t ev = 0;
  const Unpacked ua = detail::read_operand(f, env, a, ev, event::flushed_input_a);
  const Unpacked ub = detail::read_operand(f, env, b, ev, event::flushed_input_b);
  return detail::add_unpacked(f, env, ua, ub, true, ev, random);
}

}  // namespace mpsim
