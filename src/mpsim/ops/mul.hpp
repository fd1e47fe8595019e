// SPDX-License-Identifier: MIT
// mul with one rounding: the exact 106-bit significand product, then round_to_format.
#pragma once

#include "mpsim/ops/operands.hpp"

namespace mpsim {
namespace detail {

MPSIM_HD constexpr Result mul_unpacked(const Format& out, const Env& env, const Unpacked& a, const Unpacked& b,
                              std::uint8_t events, std::uint32_t random) {
  Result r;
  if (settle_nan_operands(out, env, r, a, b)) return with_events(r, events);
  const bool sign = a.sign != b.sign;
  if (a.kind == Kind::infinity || b.kind == Kind::infinity) {
    if (a.kind == Kind::zero || b.kind == Kind::zero) return invalid_result(out, env, events);
    return with_events(pack_infinity(out, env, sign), events);
  }
  if (a.kind == Kind::zero || b.kind == Kind::zero) return {pack_zero(out, sign), 0, events};
  return with_events(round_to_format(out, env, {sign, a.exp + b.exp, u128{a.sig} * b.sig}, random), events);
}

}  // namespace detail

MPSIM_HD constexpr Result mul(const Format& f, std::uint64_t a, std::uint64_t b, const Env& env = {}, std::uint32_t random = 0) {
  std::uint8_t ev = 0;
  const Unpacked ua = detail::read_operand(f, env, a, ev, event::flushed_input_a);
  const Unpacked ub = detail::read_operand(f, env, b, ev, event::flushed_input_b);
  return detail::mul_unpacked(f, env, ua, ub, ev, random);
}

}  // namespace mpsim
