// SPDX-License-Identifier: MIT
// IEEE 754-2019 5.7.2 class(x): the ten classes, read from the bits (no flags, no DAZ).
#pragma once

#include <cstdint>
#include <string_view>

#include "mpsim/format/unpacked.hpp"

namespace mpsim {

enum class Class : std::uint8_t {
  signaling_nan, quiet_nan,
  negative_infinity, negative_normal, negative_subnormal, negative_zero,
  positive_zero, positive_subnormal, positive_normal, positive_infinity,
};

constexpr Class classify(const Format& f, std::uint64_t a) {
  const Unpacked u = unpack(f, a);
  switch (u.kind) {
    case Kind::signaling_nan: return Class::signaling_nan;
    case Kind::quiet_nan: return Class::quiet_nan;
    case Kind::infinity: return u.sign ? Class::negative_infinity : Class::positive_infinity;
    case Kind::normal: return u.sign ? Class::negative_normal : Class::positive_normal;
    case Kind::subnormal: return u.sign ? Class::negative_subnormal : Class::positive_subnormal;
    case Kind::zero: break;
  }
  return u.sign ? Class::negative_zero : Class::positive_zero;
}

constexpr std::string_view class_name(Class c) {
  constexpr std::string_view names[] = {"signaling NaN", "quiet NaN", "-infinity", "-normal", "-subnormal", "-zero",
                                        "+zero", "+subnormal", "+normal", "+infinity"};
  return names[static_cast<int>(c)];
}

constexpr bool is_nan(const Format& f, std::uint64_t a) { return is_nan(unpack(f, a).kind); }
constexpr bool is_signaling(const Format& f, std::uint64_t a) { return unpack(f, a).kind == Kind::signaling_nan; }
constexpr bool is_finite(const Format& f, std::uint64_t a) {
  const Kind k = unpack(f, a).kind;
  return k != Kind::infinity && !is_nan(k);
}
constexpr bool is_subnormal(const Format& f, std::uint64_t a) { return unpack(f, a).kind == Kind::subnormal; }
constexpr bool is_zero(const Format& f, std::uint64_t a) { return unpack(f, a).kind == Kind::zero; }

}  // namespace mpsim
