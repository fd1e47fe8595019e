// SPDX-License-Identifier: MIT
// Conversions between formats and 32/64-bit signed integers.
#pragma once

#include <cstdint>

#include "mpsim/ops/operands.hpp"

namespace mpsim {

struct IntResult {
  std::int64_t value = 0;
  std::uint8_t flags = 0;
  std::uint8_t events = 0;
  friend constexpr bool operator==(const IntResult&, const IntResult&) = default;
};

// The integer `x` rounded into format f.
MPSIM_HD constexpr Result from_int(const Format& f, std::int64_t x, const Env& env = {}, std::uint32_t random = 0) {
  if (x == 0) return {0, 0, 0};
  const bool sign = x < 0;
  const std::uint64_t magnitude = sign ? 0 - static_cast<std::uint64_t>(x) : static_cast<std::uint64_t>(x);
  return round_to_format(f, env, {sign, 0, magnitude}, random);
}

// `bits` rounded to an integer of `width` (32 or 64) bits under env's rounding mode.
// NaN, infinities and out-of-range values are invalid and give the x86 "integer
// indefinite" 0x80000000 / 0x8000000000000000. Inexact is raised only when `exact` is set
// (IEEE convertToIntegerExact; TestFloat's -exact).
MPSIM_HD constexpr IntResult to_int(const Format& f, std::uint64_t bits, int width, const Env& env = {}, bool exact = false,
                           std::uint32_t random = 0) {
  std::uint8_t ev = 0;
  const Unpacked u = detail::read_operand(f, env, bits, ev, event::flushed_input_a);
  const std::int64_t indefinite = width == 32 ? INT32_MIN : INT64_MIN;
  const IntResult invalid{indefinite, flag::invalid, ev};
  if (is_nan(u.kind) || u.kind == Kind::infinity) return invalid;
  if (u.kind == Kind::zero) return {0, 0, ev};
  // |value| = sig * 2^exp with sig < 2^53.
  if (u.exp >= 64 - unpacked_lead_bit) return invalid;  // >= 2^64
  u128 magnitude;
  bool inexact = false;
  if (u.exp >= 0) {
    magnitude = u128{u.sig} << u.exp;
  } else {
    const Kept k = round_significand(u.sig, -u.exp, u.sign, env.rounding, env.stochastic_bits, random);
    magnitude = k.sig;
    inexact = k.inexact;
  }
  const u128 limit = u128{1} << (width - 1);  // -2^(w-1) is the most negative
  if (magnitude > limit || (magnitude == limit && !u.sign)) return invalid;
  const auto m = static_cast<std::uint64_t>(magnitude);
  const std::int64_t value = u.sign ? static_cast<std::int64_t>(0 - m) : static_cast<std::int64_t>(m);
  return {value, static_cast<std::uint8_t>(inexact && exact ? flag::inexact : 0), ev};
}

}  // namespace mpsim
