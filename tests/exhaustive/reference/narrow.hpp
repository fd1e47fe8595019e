// SPDX-License-Identifier: MIT
// The reference rounding of a wide value (x87 extended or SSE binary64, wide.hpp) into a
// narrow format: the hardware adder does the rounding; this file chooses the quantum and
// reads the outcome.
#pragma once
//
// WHY THE REFERENCE IS CORRECTLY ROUNDED
//
// Setting: an operation on operands of a narrow format F (precision p = t + 1 <= 24) is
// computed by the hardware in a wide format W of precision P (64 for x87 extended, 53 for
// binary64) in the hardware direction D = direction_for(mode), giving y = round_P,D(x) for
// the exact result x; then y is rounded once more to F below. All magnitudes met here lie
// between 2^-300 and 2^300, inside W's normal range: y is x rounded to P bits with an
// unbounded exponent. "F-grid" means the F values at x's magnitude (quantum 2^q,
// q = max(e, emin) - t for |x| in [2^e, 2^(e+1))) and also the p-bit grid with unbounded
// exponent used for overflow and tininess; every F-grid point and every midpoint between two
// of them has <= p + 1 bits, so it is a W number.
//
// 1. Directed modes (toward zero, up, down; D = that mode). round_P,D is monotone and fixes
//    every W number. For RD: any F-point g <= x is a W number, so g <= y <= x; hence the
//    largest F-point <= y is the largest <= x: RD_F(y) = RD_F(x). Same for RU, and RZ (y has
//    x's sign). Two roundings in the same direction equal one.
// 2. Round to odd (D = toward zero): RO_F(x) = RZ_F(x) with its last bit set iff x is not an
//    F-point. RZ_F(y) = RZ_F(x) by 1, and x is not an F-point iff y != x (the hardware's
//    inexact bit after the operation) or y is not an F-point (the rounding below changes it).
// 3. Stochastic with 32 random bits (D = toward zero): the decision reads
//    floor((|x| - RZ_F(|x|)) * 2^(32 - q)); its steps k * 2^(q-32) have <= t + 33 bits in x's
//    binade (t + 34 at the finer quantum of the tininess test), <= P for t <= 19, so they are
//    W numbers and RZ_P keeps the floor, as in 1.
// 4. Round to nearest, even or away (D = nearest even). Claim: if x is not a midpoint m of
//    the F-grid then x and y lie strictly on the same side of m; if x = m then y = m (m is a
//    W number). Then every nearest rounding of y equals that of x, ties included. As
//    round_P is monotone and fixes m, it suffices that |x - m| > 2^-P |x| (>= half a W ulp).
//    With a = A 2^alpha, b = B 2^beta (A, B < 2^p) and m = M 2^mu (M < 2^(p+1)):
//    *   a*b has <= 2p <= P bits: y = x.
//    +-  binary16 and FP8 sums span <= 53 bits (2^16 .. 2^-24): y = x. Otherwise the
//        smaller operand lies more than P - p bits below the larger one's leading bit, so
//        |b| < 2^-(P-1-2p) * (F-quantum of a); since a - m is a nonzero multiple of half the
//        quantum of x's binade (a is an F-point, m is not), |x - m| > a quarter of that
//        quantum >> 2^-P |x|.
//    /   |x - m| = |a - m b| / |b| and a - m b != 0 is a multiple of 2^min(alpha, mu+beta),
//        so |x - m| / |x| >= min(1/A, 1/(M B)) / (1 + 2^-p) > 2^-(2p+2) > 2^-P.
//    sqrt |x - m| = |a - m^2| / (x + m) with a - m^2 != 0 a multiple of 2^min(alpha, 2mu),
//        so |x - m| / |x| > 2^-(2p+4) > 2^-P.
//    For / and sqrt the same bounds hold with F-points g in place of midpoints (g has p
//    bits), so x is an F-point iff y is one, and then y == x: inexact = "the rounding below
//    changes y", no inexact bit needed. Not for a far-apart sum: a + tiny b rounds to y = a,
//    an F-point, while x is not one; there the reference needs y's own error (operations.hpp).
//    fma: a*b + c is exact in x87 extended for FP8 (all terms are multiples of 2^-32 below
//    2^32); the fma reference checks the inexact bit and reports itself unusable otherwise.
// 5. Overflow (the F-rounding of x with unbounded exponent exceeds the largest finite value)
//    and tininess after rounding (that rounding is below 2^emin) are decisions on
//    round_F(x) on the unbounded p-bit grid, which 1-4 show equals round_F(y).
//
// HOW THE ROUNDING BELOW IS DONE: with C = 2^(q+P-1) and |y| < 2^(q+t+1), |y| + C lies in
// [2^(q+P-1), 2^(q+P)) where W numbers are spaced exactly 2^q, so the hardware sum
// y + sign(y) C, in direction D, is C plus |y| rounded to a multiple of 2^q by D; |z| - C is
// then exact (Sterbenz), and compares unequal to |y| iff this rounding was inexact. The sign
// is applied so that up/down see the true sign. Ties go to even because C / 2^q = 2^(P-1) is
// even. Nearest-away differs from nearest-even only at a tie, detected exactly as
// |y| - kept == 2^(q-1) (Sterbenz again), where the kept neighbour below becomes the one above.

#include <cmath>
#include <cstdint>

#include "reference/target.hpp"

namespace reference {

// |y| rounded to a multiple of 2^q in the current hardware direction.
template <class W>
typename W::Real round_magnitude_at(typename W::Real y, int q) {
  const typename W::Real c = W::pow2(q + W::precision - 1);
  const typename W::Real z = y < 0 ? y - c : y + c;
  return std::fabs(z) - c;
}

template <class W>
struct Quantised {
  typename W::Real kept;  // |y| rounded in the hardware direction to a multiple of 2^q
  int q;                  // exponent of F's quantum at |y|
  int e;                  // |y| in [2^e, 2^(e+1))
};

// Step 1 (hardware direction set): the hardware rounding of y to F's quantum.
template <class W>
Quantised<W> quantise(const Target& f, typename W::Real y) {
  const int e = W::binade(y);
  const int q = (e < f.emin() ? f.emin() : e) - f.fraction_bits;
  return {round_magnitude_at<W>(y, q), q, e};
}

// Stochastic rounding moves up iff floor(rest / 2^q * 2^32) + random >= 2^32, rest < 2^q.
// The direction is toward zero here, so W::integer truncates.
template <class W>
bool stochastic_up(typename W::Real rest, int q, std::uint32_t random) {
  const std::int64_t first_32_dropped_bits = W::integer(rest * W::pow2(32 - q));
  return first_32_dropped_bits + static_cast<std::int64_t>(random) >= (std::int64_t{1} << 32);
}

// The mode's adjustment of the hardware-rounded magnitude (nearest-away ties, stochastic).
template <class W>
typename W::Real adjust(typename W::Real magnitude, typename W::Real kept, int q, Mode mode, std::uint32_t random) {
  if (mode == Mode::nearest_away && magnitude - kept == W::pow2(q - 1)) return kept + W::pow2(q);
  if (mode == Mode::stochastic && stochastic_up<W>(magnitude - kept, q, random)) return kept + W::pow2(q);
  return kept;
}

inline Rounded overflow_result(const Target& f, bool negative, Mode mode) {
  const std::uint64_t s = negative ? f.sign_bit() : 0;
  const bool to_largest = mode == Mode::toward_zero || mode == Mode::to_odd || (mode == Mode::upward && negative) ||
                          (mode == Mode::downward && !negative);
  Rounded r{0, flags::overflow | flags::inexact};
  if (to_largest) {
    r.bits = s | f.max_finite();
  } else {
    r.bits = f.infinities ? s | f.exponent_ones() : quiet_nan(f, negative, 0);  // E4M3: NaN
  }
  return r;
}

// Step 2: the F encoding and flags of y (finite, nonzero), given step 1 and whether the
// exact result is inexact in F (y != x, or step 1 changed y).
template <class W>
Rounded finish(const Target& f, typename W::Real y, const Quantised<W>& k, bool inexact, Mode mode,
               std::uint32_t random) {
  using Real = typename W::Real;
  const int t = f.fraction_bits;
  const bool negative = y < 0;
  const Real magnitude = std::fabs(y);
  const Real kept = adjust<W>(magnitude, k.kept, k.q, mode, random);
  std::int64_t n = W::integer(kept * W::pow2(-k.q));  // an integer: exact in any direction
  if (mode == Mode::to_odd && inexact) n |= 1;
  int q = k.q;
  if (n == std::int64_t{2} << t) {  // rounded up to the next binade
    n >>= 1;
    ++q;
  }
  const std::uint64_t s = negative ? f.sign_bit() : 0;
  const bool normal = n >= (std::int64_t{1} << t);
  if (normal && (q + t > f.emax || (q + t == f.emax && n > f.max_significand))) {
    return overflow_result(f, negative, mode);
  }

  // Tininess after rounding: would rounding to p bits with an unbounded exponent stay below
  // 2^emin? Certain below 2^(emin-1); in [2^(emin-1), 2^emin) round at the finer quantum.
  // (Round-to-odd needs no odd bit here: RZ stays below 2^emin and 2^emin's count is even.)
  bool tiny = k.e < f.emin();
  if (k.e == f.emin() - 1) {
    const int fine = k.e - t;
    const Real fine_kept = adjust<W>(magnitude, round_magnitude_at<W>(y, fine), fine, mode, random);
    tiny = fine_kept < W::pow2(f.emin());
  }
  Rounded r;
  r.flags = inexact ? flags::inexact : 0;
  if (tiny && inexact) r.flags |= flags::underflow;
  if (normal) {
    r.bits = s | (static_cast<std::uint64_t>(q + t + f.bias) << t) |
             (static_cast<std::uint64_t>(n) - (std::uint64_t{1} << t));
  } else {
    r.bits = s | static_cast<std::uint64_t>(n);  // subnormal or zero: quantum 2^(emin - t)
  }
  return r;
}

}  // namespace reference
