// SPDX-License-Identifier: MIT
// What every operation does with its operands before computing: decode, apply DAZ, and
// settle NaN operands by the environment's NaN policy.
#pragma once

#include <cstdint>

#include "mpsim/format/unpacked.hpp"
#include "mpsim/round/env.hpp"
#include "mpsim/round/round.hpp"
#include "mpsim/round/status.hpp"

namespace mpsim::detail {

// Decodes operand `bits`; under DAZ a subnormal reads as zero of the same sign and
// `flushed_event` is added to `events`.
MPSIM_HD constexpr Unpacked read_operand(const Format& f, const Env& env, std::uint64_t bits, std::uint8_t& events,
                                std::uint8_t flushed_event) {
  Unpacked u = unpack(f, bits);
  if (u.kind == Kind::subnormal && env.denormals_are_zero) {
    u = Unpacked{Kind::zero, u.sign, 0, 0};
    events |= flushed_event;
  }
  return u;
}

// The result when at least one operand is NaN (x86 rule: the first NaN operand, quieted;
// invalid if any operand is signaling). Returns false when no operand is NaN.
template <class... Operands>
MPSIM_HD constexpr bool settle_nan_operands(const Format& out, const Env& env, Result& r, const Operands&... operands) {
  if (!(is_nan(operands.kind) || ...)) return false;
  if (((operands.kind == Kind::signaling_nan) || ...)) r.flags |= flag::invalid;
  const Unpacked* first = nullptr;
  ((first = (!first && is_nan(operands.kind)) ? &operands : first), ...);
  r.bits = quiet_nan_from(out, env, first->sign, first->sig);
  return true;
}

constexpr Result invalid_result(const Format& out, const Env& env, std::uint8_t events) {
  return {default_nan(out, env), flag::invalid, static_cast<std::uint8_t>(events | event::nan_created)};
}

// Adds the operand events (DAZ flushes) to a result.
constexpr Result with_events(Result r, std::uint8_t events) {
  r.events |= events;
  return r;
}

// An exact nonzero finite operand as an Exact, for operations that return it rounded.
constexpr Exact exact_of(const Unpacked& u) { return {u.sign, u.exp, u.sig}; }

// Sign of an exact zero sum of operands with different signs (IEEE 754-2019 6.3).
constexpr bool cancellation_sign(const Env& env) { return env.rounding == Rounding::downward; }

}  // namespace mpsim::detail
