// SPDX-License-Identifier: MIT
// Eigen::NumTraits for Float<F>, so Float matrices work for teaching and small linear
// algebra. Eigen picks its own evaluation order: use tensor/ for anything measured.
#pragma once

#include <Eigen/Core>
#include <limits>

#include "mpsim/scalar/float.hpp"

namespace mpsim {
template <const Format& F>
Float<F> conj(Float<F> x) { return x; }
template <const Format& F>
Float<F> real(Float<F> x) { return x; }
template <const Format& F>
Float<F> imag(Float<F>) { return Float<F>{}; }
template <const Format& F>
Float<F> abs2(Float<F> x) { return x * x; }
}  // namespace mpsim

namespace Eigen {

template <const mpsim::Format& F>
struct NumTraits<mpsim::Float<F>> : GenericNumTraits<mpsim::Float<F>> {
  using T = mpsim::Float<F>;
  using Real = T;
  using NonInteger = T;
  using Literal = T;
  using Nested = T;
  enum {
    IsComplex = 0,
    IsInteger = 0,
    IsSigned = 1,
    RequireInitialization = 1,
    ReadCost = 1,
    AddCost = 20,
    MulCost = 20,
  };
  // 2^(1-p): the gap between 1 and the next value.
  static T epsilon() { return T::from_bits(static_cast<std::uint64_t>(F.bias - F.fraction_bits) << F.fraction_bits); }
  static T dummy_precision() { return T::from_bits(static_cast<std::uint64_t>(F.bias - F.fraction_bits / 2) << F.fraction_bits); }
  static T highest() { return T::from_bits(mpsim::largest_finite(F, false)); }
  static T lowest() { return T::from_bits(mpsim::largest_finite(F, true)); }
  static T infinity() { return T::from_bits(F.infinities ? F.infinity_bits() : mpsim::largest_finite(F, false)); }
  static T quiet_NaN() { return T::from_bits(mpsim::default_nan(F, mpsim::Env{.nan = mpsim::NanPolicy::canonical})); }
  static int digits() { return F.precision(); }
  static int digits10() { return static_cast<int>((F.precision() - 1) * 0.30102999566398119521); }
  static int max_digits10() { return static_cast<int>(F.precision() * 0.30102999566398119521) + 2; }
  static int min_exponent() { return F.emin(); }
  static int max_exponent() { return F.emax(); }
};

}  // namespace Eigen
