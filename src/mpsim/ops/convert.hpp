// SPDX-License-Identifier: MIT
// Conversions between any two formats (one rounding), and from/to native float and double.
#pragma once

#include <bit>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/ops/operands.hpp"

namespace mpsim {
namespace detail {

MPSIM_HD constexpr Result convert_unpacked(const Format& to, const Env& env, const Unpacked& a, std::uint8_t events,
                                  std::uint32_t random) {
  Result r;
  if (settle_nan_operands(to, env, r, a)) return with_events(r, events);
  if (a.kind == Kind::infinity) return with_events(pack_infinity(to, env, a.sign), events);
  if (a.kind == Kind::zero) return {pack_zero(to, a.sign), 0, events};
  return with_events(round_to_format(to, env, exact_of(a), random), events);
}

// A bfloat16 NaN carried into binary32 under WideningNan::keep_bits: the bits shifted up by 16
// (NVIDIA __bfloat162float), signaling NaNs unquieted, no flag.
//
//   bfloat16  S EEEEEEEE FFFFFFF                   0x7FA0 (sNaN)      0xFFC1
//   binary32  S EEEEEEEE FFFFFFF 0000000000000000  0x7FA00000 (sNaN)  0xFFC10000
MPSIM_HD constexpr bool keeps_nan_bits(const Format& to, const Format& from, const Env& env, const Unpacked& a) {
  constexpr Format bf16 = bfloat16, f32 = binary32;  // local copies: device code may not use the host constants
  return is_nan(a.kind) && env.bfloat16_to_binary32_nan == WideningNan::keep_bits && from == bf16 && to == f32;
}

}  // namespace detail

// The value `bits` of format `from`, rounded into format `to`.
MPSIM_HD constexpr Result convert(const Format& to, const Format& from, std::uint64_t bits, const Env& env = {},
                         std::uint32_t random = 0) {
  std::uint8_t ev = 0;
  const Unpacked u = detail::read_operand(from, env, bits, ev, event::flushed_input_a);  // sets ev: read it first
  if (detail::keeps_nan_bits(to, from, env, u)) return {(bits & from.storage_mask()) << 16, 0, 0};
  return detail::convert_unpacked(to, env, u, ev, random);
}

MPSIM_HD constexpr Result from_float(const Format& to, float x, const Env& env = {}, std::uint32_t random = 0) {
  return convert(to, binary32, std::bit_cast<std::uint32_t>(x), env, random);
}
MPSIM_HD constexpr Result from_double(const Format& to, double x, const Env& env = {}, std::uint32_t random = 0) {
  return convert(to, binary64, std::bit_cast<std::uint64_t>(x), env, random);
}

// Exact for every format with p <= 24 and binary32's exponent range (binary16, bfloat16, FP8, TF32).
MPSIM_HD constexpr float to_float(const Format& from, std::uint64_t bits, const Env& env = {}) {
  return std::bit_cast<float>(static_cast<std::uint32_t>(convert(binary32, from, bits, env).bits));
}
MPSIM_HD constexpr double to_double(const Format& from, std::uint64_t bits, const Env& env = {}) {
  return std::bit_cast<double>(convert(binary64, from, bits, env).bits);
}

}  // namespace mpsim
