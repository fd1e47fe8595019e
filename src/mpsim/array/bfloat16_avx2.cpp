// SPDX-License-Identifier: MIT
// bfloat16_avx512.cpp's kernel on 8 AVX2 lanes (this file alone gets -mavx2): float32 ->
// bfloat16 in the four IEEE directions with no FTZ, DAZ, tininess before rounding or
// saturation, either NaN policy. The bit diagram, the rounding increments and the tininess
// thresholds are explained there. Without mask registers, every mask is a vector of 0 / ~0
// lanes, and |x| < 2^31 lets signed compares stand in for unsigned ones.
#include <immintrin.h>

#include <cstdint>

#include "mpsim/array/job.hpp"
#include "mpsim/round/status.hpp"

namespace mpsim::array_detail {
namespace {

using U = __m256i;

U set1(std::uint32_t v) { return _mm256_set1_epi32(static_cast<int>(v)); }
U is_zero(U v) { return _mm256_cmpeq_epi32(v, _mm256_setzero_si256()); }
U and_not_zero(U mask, U v) { return _mm256_andnot_si256(is_zero(v), mask); }  // mask & (v != 0)
U and_zero(U mask, U v) { return _mm256_and_si256(is_zero(v), mask); }         // mask & (v == 0)

// Sum of the 8 lanes (each below 2^32) over the job, in lane order.
std::uint64_t lane_sum(U v) {
  alignas(32) std::uint32_t lanes[8];
  _mm256_store_si256(reinterpret_cast<U*>(lanes), v);
  std::uint64_t sum = 0;
  for (std::uint32_t lane : lanes) sum += lane;
  return sum;
}

template <Rounding mode, bool count, Sink sink>
Tally round_bfloat16_job(const Job& job) {
  const float* const in = job.in;
  void* const out = job.out;
  const std::size_t n = job.n;
  const bool streaming = job.streaming_stores;
  const bool canonical_nan = job.canonical_nan;
  // Lane counters: a lane's counter minus a ~0 mask lane counts one (at most 2^27 per lane).
  U c_inexact = _mm256_setzero_si256(), c_underflow = c_inexact, c_overflow = c_inexact, c_invalid = c_inexact,
    c_to_zero = c_inexact, c_subnormal = c_inexact;
  U any_inexact = c_inexact, any_underflow = c_inexact, any_overflow = c_inexact, any_invalid = c_inexact;

  for (std::size_t i = 0; i < n; i += 8) {
    const U x = _mm256_loadu_si256(reinterpret_cast<const U*>(in + i));
    const U a = _mm256_and_si256(x, set1(0x7FFFFFFF));
    const U high = _mm256_srli_epi32(x, 16);
    const U nan = _mm256_cmpgt_epi32(a, set1(0x7F800000));
    const U finite = _mm256_cmpgt_epi32(set1(0x7F800000), a);
    const U negative = _mm256_srai_epi32(x, 31);

    U bits;
    if constexpr (mode == Rounding::nearest_even) {
      const U up = _mm256_add_epi32(set1(0x7FFF), _mm256_and_si256(high, set1(1)));
      bits = _mm256_srli_epi32(_mm256_add_epi32(x, up), 16);
    } else if constexpr (mode == Rounding::toward_zero) {
      bits = high;
    } else if constexpr (mode == Rounding::upward) {
      bits = _mm256_srli_epi32(_mm256_add_epi32(x, _mm256_andnot_si256(negative, set1(0xFFFF))), 16);
    } else {
      bits = _mm256_srli_epi32(_mm256_add_epi32(x, _mm256_and_si256(negative, set1(0xFFFF))), 16);
    }
    const U nan_bits = canonical_nan ? set1(0x7FFF) : _mm256_or_si256(high, set1(0x0040));
    bits = _mm256_blendv_epi8(bits, nan_bits, nan);

    if constexpr (sink == Sink::f32) {
      const U widened = _mm256_slli_epi32(bits, 16);
      U* const p = reinterpret_cast<U*>(static_cast<float*>(out) + i);
      if (streaming) {
        _mm256_stream_si256(p, widened);
      } else {
        _mm256_storeu_si256(p, widened);
      }
    } else {  // bits < 2^16: the unsigned-saturating pack is exact; lanes 0-3 and 4-7 to the low half
      const U packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(bits, bits), 0x08);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(static_cast<std::uint16_t*>(out) + i),
                       _mm256_castsi256_si128(packed));
    }

    const U magnitude = _mm256_and_si256(bits, set1(0x7FFF));
    const U inexact = and_not_zero(finite, _mm256_and_si256(x, set1(0xFFFF)));
    const U overflow = _mm256_and_si256(finite, _mm256_cmpeq_epi32(magnitude, set1(0x7F80)));
    U tiny_below;
    if constexpr (mode == Rounding::nearest_even) {
      tiny_below = set1(0x007FC000);
    } else if constexpr (mode == Rounding::toward_zero) {
      tiny_below = set1(0x00800000);
    } else if constexpr (mode == Rounding::upward) {
      tiny_below = _mm256_blendv_epi8(set1(0x007F8001), set1(0x00800000), negative);
    } else {
      tiny_below = _mm256_blendv_epi8(set1(0x00800000), set1(0x007F8001), negative);
    }
    const U underflow = _mm256_and_si256(inexact, _mm256_cmpgt_epi32(tiny_below, a));
    const U invalid = and_zero(nan, _mm256_and_si256(x, set1(0x00400000)));
    if constexpr (count) {
      const U nonzero_finite = and_not_zero(finite, a);
      const U exponent_zero = and_zero(nonzero_finite, _mm256_and_si256(bits, set1(0x7F80)));
      const U to_zero = and_zero(exponent_zero, _mm256_and_si256(bits, set1(0x007F)));
      c_inexact = _mm256_sub_epi32(c_inexact, inexact);
      c_underflow = _mm256_sub_epi32(c_underflow, underflow);
      c_overflow = _mm256_sub_epi32(c_overflow, overflow);
      c_invalid = _mm256_sub_epi32(c_invalid, invalid);
      c_to_zero = _mm256_sub_epi32(c_to_zero, to_zero);
      c_subnormal = _mm256_sub_epi32(c_subnormal, _mm256_andnot_si256(to_zero, exponent_zero));
    } else {
      any_inexact = _mm256_or_si256(any_inexact, inexact);
      any_underflow = _mm256_or_si256(any_underflow, underflow);
      any_overflow = _mm256_or_si256(any_overflow, overflow);
      any_invalid = _mm256_or_si256(any_invalid, invalid);
    }
  }
  if (streaming) _mm_sfence();  // order the non-temporal stores before anything that follows

  Tally t;
  if constexpr (count) {
    t.inexact = lane_sum(c_inexact);
    t.underflow = lane_sum(c_underflow);
    t.overflow = t.overflowed = lane_sum(c_overflow);
    t.invalid = lane_sum(c_invalid);
    t.underflow_to_zero = lane_sum(c_to_zero);
    t.subnormal_results = lane_sum(c_subnormal);
    t.flags = (t.inexact ? flag::inexact : 0) | (t.underflow ? flag::underflow : 0) |
              (t.overflow ? flag::overflow : 0) | (t.invalid ? flag::invalid : 0);
  } else {
    const auto any = [](U m) { return _mm256_movemask_epi8(m) != 0; };
    t.flags = (any(any_inexact) ? flag::inexact : 0) | (any(any_underflow) ? flag::underflow : 0) |
              (any(any_overflow) ? flag::overflow : 0) | (any(any_invalid) ? flag::invalid : 0);
  }
  return t;
}

template <Rounding mode>
Tally round_bfloat16_mode(const Job& job) {
  if (job.count) {
    return job.sink == Sink::f32 ? round_bfloat16_job<mode, true, Sink::f32>(job)
                                 : round_bfloat16_job<mode, true, Sink::u16>(job);
  }
  return job.sink == Sink::f32 ? round_bfloat16_job<mode, false, Sink::f32>(job)
                               : round_bfloat16_job<mode, false, Sink::u16>(job);
}

}  // namespace

Tally round_bfloat16_avx2(const Job& job) {
  switch (job.rounding) {
    case Rounding::toward_zero: return round_bfloat16_mode<Rounding::toward_zero>(job);
    case Rounding::upward: return round_bfloat16_mode<Rounding::upward>(job);
    case Rounding::downward: return round_bfloat16_mode<Rounding::downward>(job);
    default: break;
  }
  return round_bfloat16_mode<Rounding::nearest_even>(job);
}

}  // namespace mpsim::array_detail
