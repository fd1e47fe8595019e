// SPDX-License-Identifier: MIT
// sqrt with one rounding: a digit-by-digit integer square root with exact remainder.
#pragma once

#include "mpsim/ops/operands.hpp"

namespace mpsim {
namespace detail {

// floor(sqrt(m * 4^extra)) for m < 2^54, with the nonzero remainder jammed into bit 0.
// Classic base-4 digit recurrence: each step brings down two radicand bits and decides one
// root bit; the remainder stays below 2 * root + 1, so 128 bits hold 100+ root bits.
constexpr u128 significand_sqrt(std::uint64_t m, int extra) {
  u128 root = 0, rem = 0;
  for (int pair = 26 + extra; pair >= 0; --pair) {
    const int shift = 2 * (pair - extra);
    const std::uint64_t digit = shift >= 0 ? (m >> shift) & 3 : 0;
    rem = (rem << 2) | digit;
    const u128 trial = (root << 2) | 1;
    root <<= 1;
    if (rem >= trial) {
      rem -= trial;
      root |= 1;
    }
  }
  return root | (rem != 0);
}

MPSIM_HD constexpr Result sqrt_unpacked(const Format& out, const Env& env, Unpacked a, std::uint8_t events,
                               std::uint32_t random) {
  Result r;
  if (settle_nan_operands(out, env, r, a)) return with_events(r, events);
  if (a.kind == Kind::zero) return {pack_zero(out, a.sign), 0, events};  // sqrt(-0) = -0
  if (a.sign) return invalid_result(out, env, events);
  if (a.kind == Kind::infinity) return with_events(pack_infinity(out, env, false), events);
  if (a.exp & 1) {  // make the exponent even: sig < 2^54
    a.sig <<= 1;
    a.exp -= 1;
  }
  // 27 + extra root bits; keep >= p + 36 so stochastic rounding's 32 bits are exact.
  const int extra = out.precision() + 36 - 27 > 0 ? out.precision() + 36 - 27 : 0;
  const u128 root = significand_sqrt(a.sig, extra);
  return with_events(round_to_format(out, env, {false, a.exp / 2 - extra, root}, random), events);
}

}  // namespace detail

MPSIM_HD constexpr Result sqrt(const Format& f, std::uint64_t a, const Env& env = {}, std::uint32_t random = 0) {
  std::uint8_t ev = 0;
  const Unpacked ua = detail::read_operand(f, env, a, ev, event::flushed_input_a);  // sets ev: read it first
  return detail::sqrt_unpacked(f, env, ua, ev, random);
}

}  // namespace mpsim
