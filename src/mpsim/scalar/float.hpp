// SPDX-License-Identifier: MIT
// Float<F>: a value of format F with arithmetic operators. Every operator calls the ops/
// function of the same name with the current context, so it gives exactly the same bits.
#pragma once

#include <cstdint>
#include <type_traits>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/ops/ops.hpp"
#include "mpsim/scalar/context.hpp"

namespace mpsim {

template <const Format& F>
class Float {
 public:
  static constexpr const Format& format = F;
  using storage_type =
      std::conditional_t<F.storage_bits() <= 8, std::uint8_t,
                         std::conditional_t<F.storage_bits() <= 16, std::uint16_t,
                                            std::conditional_t<F.storage_bits() <= 32, std::uint32_t, std::uint64_t>>>;

  constexpr Float() = default;  // +0
  static constexpr Float from_bits(std::uint64_t bits) {
    Float x;
    x.bits_ = static_cast<storage_type>(bits & F.storage_mask());
    return x;
  }
  // Rounded under the current context.
  explicit Float(double x) : Float(from_result(from_double(F, x, ctx().env, ctx().random()))) {}
  explicit Float(float x) : Float(from_result(from_float(F, x, ctx().env, ctx().random()))) {}
  explicit Float(int x) : Float(from_result(from_int(F, x, ctx().env, ctx().random()))) {}
  explicit Float(long x) : Float(from_result(from_int(F, x, ctx().env, ctx().random()))) {}
  template <const Format& G>
  explicit Float(Float<G> x) : Float(from_result(convert(F, G, x.bits(), ctx().env, ctx().random()))) {}

  constexpr std::uint64_t bits() const { return bits_; }
  // Exact: binary64 holds every value of every supported format.
  explicit operator double() const { return to_double(F, bits_); }
  explicit operator float() const {
    return std::bit_cast<float>(static_cast<std::uint32_t>(ctx().absorb(convert(binary32, F, bits_, ctx().env, ctx().random()))));
  }

  friend Float operator+(Float a, Float b) { return from_result(add(F, a.bits_, b.bits_, ctx().env, ctx().random())); }
  friend Float operator-(Float a, Float b) { return from_result(sub(F, a.bits_, b.bits_, ctx().env, ctx().random())); }
  friend Float operator*(Float a, Float b) { return from_result(mul(F, a.bits_, b.bits_, ctx().env, ctx().random())); }
  friend Float operator/(Float a, Float b) { return from_result(div(F, a.bits_, b.bits_, ctx().env, ctx().random())); }
  friend constexpr Float operator-(Float a) { return from_bits(neg(F, a.bits_)); }
  friend constexpr Float operator+(Float a) { return a; }
  Float& operator+=(Float b) { return *this = *this + b; }
  Float& operator-=(Float b) { return *this = *this - b; }
  Float& operator*=(Float b) { return *this = *this * b; }
  Float& operator/=(Float b) { return *this = *this / b; }

  // == and != are quiet, the ordering operators signaling, as in C (IEEE 754-2019 5.11).
  friend bool operator==(Float a, Float b) { return predicate(equal(F, a.bits_, b.bits_, Signaling::quiet, ctx().env)); }
  friend bool operator!=(Float a, Float b) { return !(a == b); }
  friend bool operator<(Float a, Float b) { return predicate(less(F, a.bits_, b.bits_, Signaling::signaling, ctx().env)); }
  friend bool operator<=(Float a, Float b) {
    return predicate(less_equal(F, a.bits_, b.bits_, Signaling::signaling, ctx().env));
  }
  friend bool operator>(Float a, Float b) { return b < a; }
  friend bool operator>=(Float a, Float b) { return b <= a; }

  friend Float sqrt(Float a) { return from_result(mpsim::sqrt(F, a.bits_, ctx().env, ctx().random())); }
  friend Float fma(Float a, Float b, Float c) {
    return from_result(mpsim::fma(F, a.bits_, b.bits_, c.bits_, ctx().env, ctx().random()));
  }
  friend constexpr Float abs(Float a) { return from_bits(mpsim::abs(F, a.bits_)); }
  friend Float min(Float a, Float b) { return from_result(minimum(F, a.bits_, b.bits_, ctx().env)); }
  friend Float max(Float a, Float b) { return from_result(maximum(F, a.bits_, b.bits_, ctx().env)); }
  friend constexpr bool isnan(Float a) { return is_nan(F, a.bits_); }
  friend constexpr bool isinf(Float a) { return unpack(F, a.bits_).kind == Kind::infinity; }
  friend constexpr bool isfinite(Float a) { return is_finite(F, a.bits_); }

 private:
  static Context& ctx() { return current_context(); }
  static Float from_result(const Result& r) { return from_bits(ctx().absorb(r)); }
  static bool predicate(const Predicate& p) {
    ctx().absorb(Result{0, p.flags, p.events});
    return p.value;
  }
  storage_type bits_ = 0;
};

using half_t = Float<binary16>;
using bfloat16_t = Float<bfloat16>;
using float32_t = Float<binary32>;
using e4m3_t = Float<fp8_e4m3>;
using e5m2_t = Float<fp8_e5m2>;

}  // namespace mpsim
