// SPDX-License-Identifier: MIT
// Quiet and signaling comparisons (IEEE 754-2019 5.11): -0 == +0, NaN is unordered.
// Quiet predicates raise invalid only for signaling NaN operands, signaling ones for any NaN.
#pragma once

#include "mpsim/ops/operands.hpp"

namespace mpsim {

enum class Ordering : std::uint8_t { less, equal, greater, unordered };
enum class Signaling : bool { quiet = false, signaling = true };

struct CompareResult {
  Ordering order = Ordering::unordered;
  std::uint8_t flags = 0;
  std::uint8_t events = 0;
};

namespace detail {
// Orders two non-NaN values by magnitude of the exact value.
constexpr Ordering order_non_nan(const Unpacked& a, const Unpacked& b) {
  auto magnitude_rank = [](const Unpacked& u) { return u.kind == Kind::zero ? 0 : u.kind == Kind::infinity ? 2 : 1; };
  if (a.kind == Kind::zero && b.kind == Kind::zero) return Ordering::equal;
  if (a.sign != b.sign) return a.sign ? Ordering::less : Ordering::greater;  // zeros handled above
  int cmp = magnitude_rank(a) - magnitude_rank(b);
  if (cmp == 0 && a.kind != Kind::zero && a.kind != Kind::infinity) {
    cmp = a.exp != b.exp ? (a.exp < b.exp ? -1 : 1) : (a.sig < b.sig ? -1 : a.sig > b.sig ? 1 : 0);
  }
  if (cmp == 0) return Ordering::equal;
  return (cmp < 0) != a.sign ? Ordering::less : Ordering::greater;
}
}  // namespace detail

MPSIM_HD constexpr CompareResult compare(const Format& f, std::uint64_t a, std::uint64_t b, Signaling s, const Env& env = {}) {
  CompareResult r;
  const Unpacked ua = detail::read_operand(f, env, a, r.events, event::flushed_input_a);
  const Unpacked ub = detail::read_operand(f, env, b, r.events, event::flushed_input_b);
  if (is_nan(ua.kind) || is_nan(ub.kind)) {
    const bool signaling_operand = ua.kind == Kind::signaling_nan || ub.kind == Kind::signaling_nan;
    if (s == Signaling::signaling || signaling_operand) r.flags = flag::invalid;
    r.order = Ordering::unordered;
    return r;
  }
  r.order = detail::order_non_nan(ua, ub);
  return r;
}

struct Predicate {
  bool value = false;
  std::uint8_t flags = 0;
  std::uint8_t events = 0;
};

// TestFloat defaults: eq is quiet, lt and le are signaling.
MPSIM_HD constexpr Predicate equal(const Format& f, std::uint64_t a, std::uint64_t b, Signaling s = Signaling::quiet,
                          const Env& env = {}) {
  const CompareResult c = compare(f, a, b, s, env);
  return {c.order == Ordering::equal, c.flags, c.events};
}
MPSIM_HD constexpr Predicate less(const Format& f, std::uint64_t a, std::uint64_t b, Signaling s = Signaling::signaling,
                         const Env& env = {}) {
  const CompareResult c = compare(f, a, b, s, env);
  return {c.order == Ordering::less, c.flags, c.events};
}
MPSIM_HD constexpr Predicate less_equal(const Format& f, std::uint64_t a, std::uint64_t b, Signaling s = Signaling::signaling,
                               const Env& env = {}) {
  const CompareResult c = compare(f, a, b, s, env);
  return {c.order == Ordering::less || c.order == Ordering::equal, c.flags, c.events};
}
MPSIM_HD constexpr Predicate unordered(const Format& f, std::uint64_t a, std::uint64_t b, Signaling s = Signaling::quiet,
                              const Env& env = {}) {
  const CompareResult c = compare(f, a, b, s, env);
  return {c.order == Ordering::unordered, c.flags, c.events};
}

}  // namespace mpsim
