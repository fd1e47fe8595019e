// SPDX-License-Identifier: MIT
// neg, abs, copysign: quiet bit operations on the sign bit (IEEE 754-2019 5.5.1), no flags;
// and neg/abs under an Env, whose SignOpNan option says what a NaN operand gives.
#pragma once

#include <cstdint>

#include "mpsim/format/format.hpp"
#include "mpsim/ops/operands.hpp"

namespace mpsim {

constexpr std::uint64_t neg(const Format& f, std::uint64_t a) { return a ^ f.sign_mask(); }
constexpr std::uint64_t abs(const Format& f, std::uint64_t a) { return a & ~f.sign_mask(); }
constexpr std::uint64_t copysign(const Format& f, std::uint64_t magnitude, std::uint64_t sign) {
  return (magnitude & ~f.sign_mask()) | (sign & f.sign_mask());
}

namespace detail {

// `flipped` is the sign-bit operation's result on operand `a`. A non-NaN operand, or any
// operand under SignOpNan::ieee_bit_operation, gives it unchanged with no flag. Under
// SignOpNan::arithmetic a NaN is settled as an addition's NaN operand `flipped` would be:
//
//   binary16 sNaN 0x7D01, neg:  ieee_bit_operation 0xFD01 (flags 0)
//                               arithmetic, propagate 0xFF01 (quieted, invalid)
//                               arithmetic, canonical 0x7FFF (invalid)   = __hneg
MPSIM_HD constexpr Result sign_operation(const Format& f, std::uint64_t a, std::uint64_t flipped, const Env& env) {
  if (env.sign_op_nan == SignOpNan::ieee_bit_operation || !is_nan(unpack(f, a).kind)) return {flipped, 0, 0};
  Result r;
  settle_nan_operands(f, env, r, unpack(f, flipped));
  return r;
}

}  // namespace detail

// -a and |a| under `env`: the bit operations above, except for NaN under SignOpNan::arithmetic.
MPSIM_HD constexpr Result neg(const Format& f, std::uint64_t a, const Env& env) {
  return detail::sign_operation(f, a, neg(f, a), env);
}
MPSIM_HD constexpr Result abs(const Format& f, std::uint64_t a, const Env& env) {
  return detail::sign_operation(f, a, abs(f, a), env);
}

}  // namespace mpsim
