// SPDX-License-Identifier: MIT
// Reference operations on narrow formats: one hardware operation in a wide format W (wide.hpp;
// the caller holds a W::Scope(direction_for(mode))), rounded once more by narrow.hpp.
// NaN operands follow the x86 SSE rule in software: the first NaN operand, quieted.
#pragma once

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <type_traits>

#include "reference/narrow.hpp"
#include "reference/target.hpp"
#include "reference/wide.hpp"
#include "reference/x87.hpp"

namespace reference {

// Flags value of a reference that cannot vouch for its result (never matches a real one).
inline constexpr std::uint8_t unusable = 0xFF;

template <class W>
typename W::Real wide_value(const Decoded& d) {
  if constexpr (std::is_same_v<typename W::Real, long double>) {
    return d.value;
  } else {
    return d.binary64;
  }
}

inline Rounded nan_operands(const Target& f, std::initializer_list<const Decoded*> operands) {
  const Decoded* first = nullptr;
  Rounded r;
  for (const Decoded* d : operands) {
    if (d->signaling) r.flags |= flags::invalid;
    if (d->nan && !first) first = d;
  }
  r.bits = quiet_nan(f, first->sign, first->payload);
  return r;
}

inline bool any_nan(std::initializer_list<const Decoded*> operands) {
  for (const Decoded* d : operands) {
    if (d->nan) return true;
  }
  return false;
}

// A zero, infinite or NaN wide result of operands that were not NaN. The wide format never
// overflows here, so an infinity comes from an infinite operand or, with `zero_divisor`,
// from x / 0; a NaN from an invalid operation.
template <class Real>
Rounded special_result(const Target& f, Real y, bool zero_divisor) {
  const bool negative = std::signbit(y);
  const std::uint64_t s = negative ? f.sign_bit() : 0;
  if (std::isnan(y)) return {default_nan(f), flags::invalid};
  if (y == 0) return {s, 0};
  const std::uint64_t inf_bits = f.infinities ? s | f.exponent_ones() : quiet_nan(f, negative, 0);
  if (zero_divisor) return {inf_bits, flags::infinite};
  return {inf_bits, f.infinities ? std::uint8_t{0} : flags::invalid};  // E4M3 cannot hold inf
}

constexpr bool is_nearest(Mode m) { return m == Mode::nearest_even || m == Mode::nearest_away; }

// Rounds the wide result y of non-NaN operands into f. `wide_inexact`: y differs from the
// exact result.
template <class W>
Rounded round_wide(const Target& f, typename W::Real y, bool wide_inexact, bool zero_divisor, Mode mode,
                   std::uint32_t random) {
  if (y == 0 || !std::isfinite(y)) return special_result(f, y, zero_divisor);
  const Quantised<W> k = quantise<W>(f, y);
  return finish<W>(f, y, k, wide_inexact || k.kept != std::fabs(y), mode, random);
}

enum class Op { add, sub, mul, div };

// Sums of two values of f are exact in W when f's values span <= P bits.
template <class W>
constexpr bool sums_are_exact(const Target& f) {
  return f.emax + 1 - (f.emin() - f.fraction_bits) <= W::precision;
}

template <class W>
struct WideResult {
  typename W::Real y;
  bool inexact;       // y differs from the exact result
  bool zero_divisor;  // finite nonzero / zero
};

// One operation in W on non-NaN operands. How the reference learns whether y differs from
// the exact result:
// *  products of p <= 26 bit significands are exact, and so are sums of binary16 / FP8;
// +- (bfloat16) under nearest modes: Fast2Sum (Dekker 1971) gives the rounding error of
//    u + v exactly when |u| >= |v|: (u + v) - y = v - (y - u); otherwise the inexact bit;
// /  under nearest modes nothing is needed (narrow.hpp 4: x is an F-point iff y is one and
//    then y == x); otherwise the inexact bit (clearing it costs ~20 ns: only where needed).
template <class W, Op op>
WideResult<W> wide_binary(const Target& f, const Decoded& a, const Decoded& b, Mode mode) {
  using Real = typename W::Real;
  constexpr bool is_sum = op == Op::add || op == Op::sub;
  const bool exact_sum = is_sum && sums_are_exact<W>(f);
  const bool read_status = !is_nearest(mode) && (op == Op::div || (is_sum && !exact_sum));
  if (read_status) W::clear();
  const Real u = W::pin(wide_value<W>(a)), v = W::pin(wide_value<W>(b));
  Real y;
  if constexpr (op == Op::add) y = u + v;
  if constexpr (op == Op::sub) y = u - v;
  if constexpr (op == Op::mul) y = u * v;
  if constexpr (op == Op::div) y = u / v;
  bool inexact = read_status && W::inexact_after(y);
  if (is_sum && !exact_sum && is_nearest(mode) && std::isfinite(y)) {
    const Real w = op == Op::sub ? -v : v;
    const bool u_larger = std::fabs(u) >= std::fabs(w);
    const Real big = u_larger ? u : w, small = u_larger ? w : u;
    inexact = small - (y - big) != 0;
  }
  return {y, inexact, op == Op::div && v == 0 && std::isfinite(u) && u != 0};
}

template <class W, Op op>
Rounded binary(const Target& f, const Decoded& a, const Decoded& b, Mode mode, std::uint32_t random = 0) {
  if (any_nan({&a, &b})) return nan_operands(f, {&a, &b});
  const WideResult<W> w = wide_binary<W, op>(f, a, b, mode);
  return round_wide<W>(f, w.y, w.inexact, w.zero_divisor, mode, random);
}

template <class W>
Rounded square_root(const Target& f, const Decoded& a, Mode mode, std::uint32_t random = 0) {
  if (a.nan) return nan_operands(f, {&a});
  const bool read_status = !is_nearest(mode);  // nearest: narrow.hpp 4
  if (read_status) W::clear();
  const typename W::Real y = W::sqrt(W::pin(wide_value<W>(a)));
  return round_wide<W>(f, y, read_status && W::inexact_after(y), false, mode, random);
}

// A value of another format (or a binary32, see decode_binary32) rounded into f.
template <class W>
Rounded convert(const Target& f, const Decoded& a, Mode mode, std::uint32_t random = 0) {
  if (a.nan) return nan_operands(f, {&a});
  return round_wide<W>(f, wide_value<W>(a), false, false, mode, random);  // the value is exact
}

// a * b + c with one rounding, on the x87 only (P = 64 holds FP8's exact a*b + c). 0 * inf is
// invalid even when c is a quiet NaN (the emulator's documented choice; IEEE 754-2019 7.2
// leaves it open), else the first NaN of a, b, c. If the x87 inexact bit says a*b + c did
// not fit, the reference declares itself unusable.
inline Rounded fused_multiply_add(const Target& f, const Decoded& a, const Decoded& b, const Decoded& c, Mode mode,
                                  std::uint32_t random = 0) {
  const bool zero_times_inf = !a.nan && !b.nan &&
                              ((a.value == 0 && std::isinf(b.value)) || (std::isinf(a.value) && b.value == 0));
  if (zero_times_inf) return {default_nan(f), flags::invalid};
  if (any_nan({&a, &b, &c})) return nan_operands(f, {&a, &b, &c});
  X87::clear();
  const long double x = pin(a.value), y = pin(b.value), z = pin(c.value);
  const long double sum = x * y + z;
  if (X87::inexact_after(sum)) return {0, unusable};
  return round_wide<X87>(f, sum, false, false, mode, random);
}

inline Decoded decode_binary32(std::uint32_t bits, float value) {
  Decoded d;
  d.sign = (bits >> 31) != 0;
  const std::uint32_t fraction = bits & 0x7FFFFF;
  if ((bits & 0x7F800000) == 0x7F800000 && fraction != 0) {
    d.nan = true;
    d.payload = std::uint64_t{fraction} << 41;
    d.signaling = (fraction >> 22) == 0;
    return d;
  }
  d.value = value;  // exact
  d.binary64 = value;
  return d;
}

// Widening to binary32 / binary64 by the x87 store instructions (an SNaN is quieted with
// its payload kept and raises invalid).
inline Rounded to_binary32(const Decoded& a) {
  clear_exceptions();
  const long double x = pin(a.value);
  std::uint32_t bits;
  asm volatile("fsts %0" : "=m"(bits) : "t"(x));
  const std::uint16_t status = status_now();
  return {bits, static_cast<std::uint8_t>(status & x87::invalid ? flags::invalid : 0)};
}
inline Rounded to_binary64(const Decoded& a) {
  clear_exceptions();
  const long double x = pin(a.value);
  std::uint64_t bits;
  asm volatile("fstl %0" : "=m"(bits) : "t"(x));
  const std::uint16_t status = status_now();
  return {bits, static_cast<std::uint8_t>(status & x87::invalid ? flags::invalid : 0)};
}

struct IntRounded {
  std::int64_t value = 0;
  std::uint8_t flags = 0;
};

// Conversion to a `width`-bit signed integer by the x87 integer store (caller holds an
// X87::Scope): out of range, NaN and infinities give the "integer indefinite" -2^(width-1)
// and invalid. Inexact only when `exact` (IEEE convertToIntegerExact). Nearest-away and
// to-odd adjust the hardware's nearest-even / toward-zero result.
inline IntRounded to_integer(const Decoded& a, int width, Mode mode, bool exact) {
  clear_exceptions();
  const long double x = pin(a.value);
  std::int64_t n = width == 32 ? store_int32(x) : store_int64(x);
  const std::uint16_t status = status_now();
  const std::int64_t indefinite = width == 32 ? INT32_MIN : INT64_MIN;
  if (status & x87::invalid) return {indefinite, flags::invalid};
  const bool inexact = (status & x87::precision) != 0;
  if (inexact && mode == Mode::nearest_away) {
    const long double below_or_above = x - static_cast<long double>(n);  // exact
    if (below_or_above == 0.5L && x > 0) ++n;
    if (below_or_above == -0.5L && x < 0) --n;
  }
  if (inexact && mode == Mode::to_odd) n = x < 0 ? -((-n) | 1) : n | 1;  // magnitude made odd
  if (width == 32 && (n > INT32_MAX || n < INT32_MIN)) return {indefinite, flags::invalid};
  return {n, static_cast<std::uint8_t>(inexact && exact ? flags::inexact : 0)};
}

}  // namespace reference
