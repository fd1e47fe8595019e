// SPDX-License-Identifier: MIT
// div with one rounding: a long division giving 124 quotient bits plus a sticky remainder.
#pragma once

#include "mpsim/ops/operands.hpp"

namespace mpsim {
namespace detail {

// Quotient of two normalised 53-bit significands, (a / b) * 2^120 truncated, with the
// remainder jammed into bit 0. Two 60-bit steps keep every dividend below 2^117.
MPSIM_HD constexpr u128 significand_quotient(std::uint64_t a, std::uint64_t b) {
  const u128 first = (u128{a} << 60) / b;  // in (2^59, 2^61)
  const u128 rem1 = (u128{a} << 60) % b;   // < 2^53
  const u128 second = (rem1 << 60) / b;    // < 2^60
  const u128 rem2 = (rem1 << 60) % b;
  return (first << 60) | second | (rem2 != 0);
}

MPSIM_HD constexpr Result div_unpacked(const Format& out, const Env& env, const Unpacked& a, const Unpacked& b,
                              std::uint8_t events, std::uint32_t random) {
  Result r;
  if (settle_nan_operands(out, env, r, a, b)) return with_events(r, events);
  const bool sign = a.sign != b.sign;
  if (a.kind == Kind::infinity) {
    if (b.kind == Kind::infinity) return invalid_result(out, env, events);
    return with_events(pack_infinity(out, env, sign), events);
  }
  if (b.kind == Kind::infinity) return {pack_zero(out, sign), 0, events};
  if (b.kind == Kind::zero) {
    if (a.kind == Kind::zero) return invalid_result(out, env, events);
    Result inf = with_events(pack_infinity(out, env, sign), events);
    inf.flags = flag::divide_by_zero;  // not an overflow, even where the format saturates
    inf.events &= static_cast<std::uint8_t>(~event::overflowed);
    return inf;
  }
  if (a.kind == Kind::zero) return {pack_zero(out, sign), 0, events};
  const u128 q = significand_quotient(a.sig, b.sig);
  return with_events(round_to_format(out, env, {sign, a.exp - b.exp - 120, q}, random), events);
}

}  // namespace detail

MPSIM_HD constexpr Result div(const Format& f, std::uint64_t a, std::uint64_t b, const Env& env = {}, std::uint32_t random = 0) {
  std::uint8_t ev = 0;
  const Unpacked ua = detail::read_operand(f, env, a, ev, event::flushed_input_a);
  const Unpacked ub = detail::read_operand(f, env, b, ev, event::flushed_input_b);
  return detail::div_unpacked(f, env, ua, ub, ev, random);
}

}  // namespace mpsim
