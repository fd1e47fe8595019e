// SPDX-License-Identifier: MIT
// narrow.hpp's rounding, 64 binary64 lanes at a time with AVX-512 (F + DQ), for the 2^32
// sweeps: the same hardware-adder method with the direction embedded in the instruction, so
// no MXCSR state is involved. Deterministic modes only; zero, infinite and NaN lanes are left
// to the scalar reference. Check has_avx512_lanes() before use.
#pragma once

#include <immintrin.h>

#include <cmath>
#include <cstdint>

#include "reference/target.hpp"

// GCC 12's masked AVX-512 intrinsics start from _mm512_undefined_pd() and trip
// -Wuninitialized on inlining (GCC PR 105593, fixed in GCC 13).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace reference {

inline bool has_avx512_lanes() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
}

// 64 wide values in, their F encodings and flags out. Eight independent vectors per call let
// the out-of-order core overlap their long dependency chains.
struct Lanes {
  static constexpr int size = 64;
  alignas(64) double y[size] = {};
  std::uint64_t wide_inexact = 0;  // lane mask: y differs from the exact result (narrow.hpp 2, 4)
  alignas(64) std::uint64_t bits[size] = {};
  std::uint8_t flags[size] = {};
  std::uint64_t scalar = 0;  // lane mask: zero, infinite or NaN, not handled here
};

namespace lanes_detail {

// The embedded-rounding immediate of direction_for(mode), exceptions suppressed.
template <Mode mode>
constexpr int rounding() {
  if constexpr (mode == Mode::nearest_even || mode == Mode::nearest_away) {
    return _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
  }
  if constexpr (mode == Mode::upward) return _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC;
  if constexpr (mode == Mode::downward) return _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC;
  return _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC;
}

// |y| rounded to a multiple of 2^q per lane (q holds small integers), plus the mode's
// nearest-away adjustment: round_magnitude_at and adjust of narrow.hpp.
template <Mode mode>
[[gnu::target("avx512f,avx512dq")]] inline __m512d kept_at(__m512d y, __m512d magnitude, __m512d q) {
  const __m512d one = _mm512_set1_pd(1.0);
  const __m512d c = _mm512_scalef_pd(one, _mm512_add_pd(q, _mm512_set1_pd(52)));
  const __m512d signed_c = _mm512_or_pd(c, _mm512_and_pd(y, _mm512_set1_pd(-0.0)));
  const __m512d z = _mm512_add_round_pd(y, signed_c, rounding<mode>());
  __m512d kept = _mm512_sub_pd(_mm512_abs_pd(z), c);  // exact
  if constexpr (mode == Mode::nearest_away) {
    const __m512d half = _mm512_scalef_pd(one, _mm512_sub_pd(q, one));
    const __mmask8 tie = _mm512_cmp_pd_mask(_mm512_sub_pd(magnitude, kept), half, _CMP_EQ_OQ);
    kept = _mm512_mask_add_pd(kept, tie, kept, _mm512_scalef_pd(one, q));
  }
  return kept;
}

}  // namespace lanes_detail

// Lanes i .. i+7 of l.
template <Mode mode>
[[gnu::target("avx512f,avx512dq")]] inline void round_vector(const Target& f, Lanes& l, int i) {
  static_assert(mode != Mode::stochastic, "the lane path covers the deterministic modes");
  using namespace lanes_detail;
  const int t = f.fraction_bits;
  const __m512d y = _mm512_load_pd(l.y + i);
  const __m512d magnitude = _mm512_abs_pd(y);
  const __mmask8 finite_nonzero = _mm512_cmp_pd_mask(magnitude, _mm512_setzero_pd(), _CMP_GT_OQ) &
                                  _mm512_cmp_pd_mask(magnitude, _mm512_set1_pd(INFINITY), _CMP_LT_OQ);
  l.scalar |= std::uint64_t{static_cast<std::uint8_t>(~finite_nonzero)} << i;

  // Step 1: quantum 2^q, q = max(e, emin) - t, and the hardware rounding.
  const __m512d e = _mm512_getexp_pd(magnitude);  // floor(log2 |y|), exact
  const __m512d emin = _mm512_set1_pd(f.emin());
  const __m512d q = _mm512_sub_pd(_mm512_max_pd(e, emin), _mm512_set1_pd(t));
  const __m512d kept = kept_at<mode>(y, magnitude, q);
  const __mmask8 inexact =
      _mm512_cmp_pd_mask(kept, magnitude, _CMP_NEQ_OQ) | static_cast<std::uint8_t>(l.wide_inexact >> i);

  // Step 2: n = kept / 2^q (an integer), odd bit, carry into the next binade.
  __m512i n = _mm512_cvttpd_epi64(_mm512_scalef_pd(kept, _mm512_sub_pd(_mm512_setzero_pd(), q)));
  if constexpr (mode == Mode::to_odd) n = _mm512_mask_or_epi64(n, inexact, n, _mm512_set1_epi64(1));
  __m512i qi = _mm512_cvttpd_epi64(q);
  const __mmask8 carry = _mm512_cmpeq_epi64_mask(n, _mm512_set1_epi64(std::int64_t{2} << t));
  n = _mm512_mask_srli_epi64(n, carry, n, 1);
  qi = _mm512_mask_add_epi64(qi, carry, qi, _mm512_set1_epi64(1));
  const __mmask8 normal = _mm512_cmpge_epi64_mask(n, _mm512_set1_epi64(std::int64_t{1} << t));
  const __m512i top = _mm512_add_epi64(qi, _mm512_set1_epi64(t));
  const __m512i emax = _mm512_set1_epi64(f.emax);
  const __mmask8 beyond_max_significand = _mm512_cmpgt_epi64_mask(n, _mm512_set1_epi64(f.max_significand));
  const __mmask8 overflow = normal & (_mm512_cmpgt_epi64_mask(top, emax) |
                                      (_mm512_cmpeq_epi64_mask(top, emax) & beyond_max_significand));

  // Tininess after rounding: below 2^(emin-1) certain, in [2^(emin-1), 2^emin) round at the
  // finer quantum 2^(e - t) and compare with 2^emin.
  const __mmask8 far_below = _mm512_cmp_pd_mask(e, _mm512_set1_pd(f.emin() - 1), _CMP_LT_OQ);
  __mmask8 tiny = far_below;
  const __mmask8 just_below = _mm512_cmp_pd_mask(e, _mm512_set1_pd(f.emin() - 1), _CMP_EQ_OQ) & finite_nonzero;
  if (just_below) {
    const __m512d fine_kept = kept_at<mode>(y, magnitude, _mm512_sub_pd(e, _mm512_set1_pd(t)));
    tiny |= just_below & _mm512_cmp_pd_mask(fine_kept, _mm512_scalef_pd(_mm512_set1_pd(1.0), emin), _CMP_LT_OQ);
  }

  // Encoding: sign | (q + t + bias) << t | (n - 2^t) when normal, sign | n otherwise.
  const __mmask8 negative = _mm512_cmp_pd_mask(y, _mm512_setzero_pd(), _CMP_LT_OQ);
  const __m512i sign = _mm512_maskz_mov_epi64(negative, _mm512_set1_epi64(static_cast<long long>(f.sign_bit())));
  const __m512i normal_bits = _mm512_or_si512(
      _mm512_sllv_epi64(_mm512_add_epi64(top, _mm512_set1_epi64(f.bias)), _mm512_set1_epi64(t)),
      _mm512_sub_epi64(n, _mm512_set1_epi64(std::int64_t{1} << t)));
  __m512i bits = _mm512_or_si512(sign, _mm512_mask_mov_epi64(n, normal, normal_bits));

  // Overflow: the largest finite value where the mode rounds toward zero, else inf (E4M3: NaN).
  __mmask8 to_largest = 0;
  if constexpr (mode == Mode::toward_zero || mode == Mode::to_odd) to_largest = 0xFF;
  if constexpr (mode == Mode::upward) to_largest = negative;
  if constexpr (mode == Mode::downward) to_largest = static_cast<__mmask8>(~negative);
  const std::uint64_t beyond = f.infinities ? f.exponent_ones() : f.sign_bit() - 1;
  const __m512i largest = _mm512_or_si512(sign, _mm512_set1_epi64(static_cast<long long>(f.max_finite())));
  const __m512i infinite = _mm512_or_si512(sign, _mm512_set1_epi64(static_cast<long long>(beyond)));
  bits = _mm512_mask_mov_epi64(bits, overflow, _mm512_mask_mov_epi64(infinite, to_largest, largest));
  _mm512_store_si512(l.bits + i, bits);

  __m512i fl = _mm512_maskz_mov_epi64(inexact, _mm512_set1_epi64(flags::inexact));
  fl = _mm512_mask_or_epi64(fl, tiny & inexact, fl, _mm512_set1_epi64(flags::underflow));
  fl = _mm512_mask_mov_epi64(fl, overflow, _mm512_set1_epi64(flags::overflow | flags::inexact));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(l.flags + i), _mm512_cvtepi64_epi8(fl));
}

template <Mode mode>
[[gnu::target("avx512f,avx512dq")]] void round_lanes(const Target& f, Lanes& l) {
  l.scalar = 0;
  for (int i = 0; i < Lanes::size; i += 8) round_vector<mode>(f, l, i);
}

}  // namespace reference

#pragma GCC diagnostic pop
