// SPDX-License-Identifier: MIT
// sin and cos from +, -, * only, so the synthetic spirals have the same bits on every platform
// (libm's sin/cos may differ in the last bit between libraries). Accurate to a few ulp for
// |x| < 2^20; not a replacement for std::sin.
#pragma once

#include <cmath>

namespace mpsim::data {

struct SinCos {
  double sin, cos;
};

// Cody-Waite reduction x = k * pi/2 + r, |r| <= pi/4 (pi/2 split as fdlibm's pio2_1 + pio2_1t;
// k * pio2_1 is exact for |k| < 2^20), then Taylor polynomials to r^17 (sin) and r^18 (cos),
// whose truncation error is below 1e-19 on |r| <= pi/4; the quadrant k mod 4 picks the signs.
inline SinCos portable_sin_cos(double x) {
  constexpr double two_over_pi = 6.36619772367581382433e-01;
  constexpr double pio2_1 = 1.57079632673412561417e+00;   // first 33 bits of pi/2
  constexpr double pio2_1t = 6.07710050650619224932e-11;  // pi/2 - pio2_1
  const double k = std::floor(x * two_over_pi + 0.5);     // floor is exact
  const double r = (x - k * pio2_1) - k * pio2_1t;
  const double r2 = r * r;
  // Horner in r^2; coefficients 1/n! rounded once at compile time.
  double s = 1.0 / 355687428096000.0;  // 1/17!
  for (double d : {-1.0 / 1307674368000.0, 1.0 / 6227020800.0, -1.0 / 39916800.0, 1.0 / 362880.0, -1.0 / 5040.0,
                   1.0 / 120.0, -1.0 / 6.0, 1.0})
    s = s * r2 + d;
  s *= r;
  double c = -1.0 / 6402373705728000.0;  // -1/18!
  for (double d : {1.0 / 20922789888000.0, -1.0 / 87178291200.0, 1.0 / 479001600.0, -1.0 / 3628800.0, 1.0 / 40320.0,
                   -1.0 / 720.0, 1.0 / 24.0, -1.0 / 2.0, 1.0})
    c = c * r2 + d;
  const auto quadrant = static_cast<long long>(k) & 3;
  switch (quadrant) {
    case 0: return {s, c};
    case 1: return {c, -s};
    case 2: return {-s, -c};
    default: return {-c, s};
  }
}

}  // namespace mpsim::data
