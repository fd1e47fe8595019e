// SPDX-License-Identifier: MIT
// IEEE 754-2019 9.6 minimum/maximum (NaN wins, -0 < +0) and minimumNumber/maximumNumber
// (a number wins over NaN). Results are operand values: never rounded.
#pragma once

#include "mpsim/ops/compare.hpp"

namespace mpsim {
namespace detail {

enum class Pick : std::uint8_t { min, max };
enum class NanRule : std::uint8_t { propagate_nan, prefer_number };

MPSIM_HD constexpr Result select(const Format& f, std::uint64_t a, std::uint64_t b, Pick pick, NanRule rule, const Env& env) {
  Result r;
  const Unpacked ua = read_operand(f, env, a, r.events, event::flushed_input_a);
  const Unpacked ub = read_operand(f, env, b, r.events, event::flushed_input_b);
  // Flushed operands read as zero of their sign.
  const std::uint64_t va = ua.kind == Kind::zero ? pack_zero(f, ua.sign) : a;
  const std::uint64_t vb = ub.kind == Kind::zero ? pack_zero(f, ub.sign) : b;
  const bool nan_a = is_nan(ua.kind), nan_b = is_nan(ub.kind);
  if (nan_a || nan_b) {
    if (rule == NanRule::prefer_number && !(nan_a && nan_b)) {
      if (ua.kind == Kind::signaling_nan || ub.kind == Kind::signaling_nan) r.flags |= flag::invalid;
      r.bits = nan_a ? vb : va;
      return r;
    }
    settle_nan_operands(f, env, r, ua, ub);
    return r;
  }
  Ordering o = order_non_nan(ua, ub);
  if (o == Ordering::equal && ua.kind == Kind::zero && ua.sign != ub.sign) o = ua.sign ? Ordering::less : Ordering::greater;
  const bool take_a = pick == Pick::min ? o != Ordering::greater : o != Ordering::less;
  r.bits = take_a ? va : vb;
  return r;
}

}  // namespace detail

MPSIM_HD constexpr Result minimum(const Format& f, std::uint64_t a, std::uint64_t b, const Env& env = {}) {
  return detail::select(f, a, b, detail::Pick::min, detail::NanRule::propagate_nan, env);
}
MPSIM_HD constexpr Result maximum(const Format& f, std::uint64_t a, std::uint64_t b, const Env& env = {}) {
  return detail::select(f, a, b, detail::Pick::max, detail::NanRule::propagate_nan, env);
}
MPSIM_HD constexpr Result minimum_number(const Format& f, std::uint64_t a, std::uint64_t b, const Env& env = {}) {
  return detail::select(f, a, b, detail::Pick::min, detail::NanRule::prefer_number, env);
}
MPSIM_HD constexpr Result maximum_number(const Format& f, std::uint64_t a, std::uint64_t b, const Env& env = {}) {
  return detail::select(f, a, b, detail::Pick::max, detail::NanRule::prefer_number, env);
}

}  // namespace mpsim
