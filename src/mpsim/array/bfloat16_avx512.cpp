// SPDX-License-Identifier: MIT
// float32 -> bfloat16 in the four IEEE directions under the Env defaults (no FTZ, no DAZ,
// tininess after rounding, no saturation; either NaN policy), on 16 AVX-512 lanes. bfloat16
// has binary32's exponent range, so rounding is a 16-bit integer rounding of the float's bits,
// and every flag and event follows from the input x and the result's bits; it equals
// round_lanes in kernel.hpp for these options (tests/array and the exhaustive from_binary32
// sweeps check it bit for bit against convert). This file alone gets -mavx512f/bw/vl/dq.
//
//   x:  [ s | exponent (8) | fraction (7) | dropped (16) ]     a = x & 0x7FFFFFFF
//       [ ------ kept: the bfloat16 bits ---- ]  <- 16 ->
//
//   nearest_even  (x + 0x7FFF + L) >> 16     L = bit 16 of x (the last kept bit)
//   toward_zero    x >> 16
//   upward        (x + (s ? 0 : 0xFFFF)) >> 16
//   downward      (x + (s ? 0xFFFF : 0)) >> 16
//
// A carry runs into the exponent field: a subnormal rounds up to the smallest normal, the
// largest finite value up to infinity (0x7F80), which is the core's overflow result in every
// direction that rounds away from zero; infinities are exact. A NaN becomes (x >> 16) | 0x0040
// (sign, quiet bit and the payload's top 6 bits), or 0x7FFF under NanPolicy::canonical.
//
// Flags and events (the core's, per element): inexact when a finite x has dropped bits;
// overflow (with inexact, event overflowed) when a finite x gives an infinity; invalid for a
// signaling NaN (quiet bit 22 clear); underflow_to_zero when x != 0 gives +-0; subnormal_result
// when the result has exponent field 0 and is not zero; never nan_created (bfloat16 has
// infinities) nor inputs_flushed (no DAZ). Underflow = tiny and inexact, where tiny after
// rounding means: x rounded to bfloat16's 8 significant bits with an unbounded exponent is
// below 2^-126 (a = 0x00800000). For a < 2^-126 that rounding keeps a / 2^15 (binade -127's
// ulp), so tiny holds for a below
//
//   nearest_even  0x007FC000  (from 0x007FC000 on, a / 2^15 rounds up to 2^8)
//   toward zero   0x00800000  (toward_zero; upward for s = 1; downward for s = 0)
//   away          0x007F8001  (upward for s = 0, downward for s = 1: above 0x007F8000 rounds up)
#pragma GCC diagnostic ignored "-Wuninitialized"  // GCC 12's AVX-512 intrinsics (bug 105593)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <immintrin.h>

#include <cstdint>

#include "mpsim/array/job.hpp"
#include "mpsim/round/status.hpp"

namespace mpsim::array_detail {
namespace {

using U = __m512i;
using M = __mmask16;

U set1(std::uint32_t v) { return _mm512_set1_epi32(static_cast<int>(v)); }

// Per-lane event counters (32-bit lanes: a job has at most 2^30 elements, so at most 2^26
// per lane), each the sum over the job's vectors in order; drained into a Tally at the end.
struct Counters {
  U inexact = _mm512_setzero_si512(), underflow = _mm512_setzero_si512(), overflow = _mm512_setzero_si512();
  U invalid = _mm512_setzero_si512(), underflow_to_zero = _mm512_setzero_si512(),
    subnormal = _mm512_setzero_si512();
};

// counter + 1 in the lanes of m.
[[gnu::always_inline]] inline U bump(U counter, M m) {
  return _mm512_mask_sub_epi32(counter, m, counter, _mm512_set1_epi32(-1));
}

std::uint64_t lane_sum(U v) { return static_cast<std::uint32_t>(_mm512_reduce_add_epi32(v)); }

template <Rounding mode, bool count, Sink sink>
Tally round_bfloat16_job(const Job& job) {
  static_assert(mode == Rounding::nearest_even || mode == Rounding::toward_zero || mode == Rounding::upward ||
                mode == Rounding::downward);
  const float* const in = job.in;
  void* const out = job.out;
  const std::size_t n = job.n;
  const bool streaming = job.streaming_stores;
  const U nan_quiet = set1(0x0040), canonical = set1(0x7FFF);
  const bool canonical_nan = job.canonical_nan;
  Counters c;
  M any_inexact = 0, any_underflow = 0, any_overflow = 0, any_invalid = 0;  // used when !count

  for (std::size_t i = 0; i < n; i += 16) {
    const U x = _mm512_loadu_si512(in + i);
    const U a = _mm512_and_si512(x, set1(0x7FFFFFFF));
    const U high = _mm512_srli_epi32(x, 16);
    const M nan = _mm512_cmpgt_epu32_mask(a, set1(0x7F800000));
    const M finite = _mm512_cmplt_epu32_mask(a, set1(0x7F800000));
    const M negative = _mm512_movepi32_mask(x);

    // The rounding increment added below the kept bits (see the table at the top).
    U bits;
    if constexpr (mode == Rounding::nearest_even) {
      const U up = _mm512_add_epi32(set1(0x7FFF), _mm512_and_si512(high, set1(1)));
      bits = _mm512_srli_epi32(_mm512_add_epi32(x, up), 16);
    } else if constexpr (mode == Rounding::toward_zero) {
      bits = high;
    } else if constexpr (mode == Rounding::upward) {
      bits = _mm512_srli_epi32(_mm512_mask_add_epi32(x, static_cast<M>(~negative), x, set1(0xFFFF)), 16);
    } else {
      bits = _mm512_srli_epi32(_mm512_mask_add_epi32(x, negative, x, set1(0xFFFF)), 16);
    }
    // NaN (its bits above may have wrapped): quiet with payload, or the canonical NaN.
    bits = canonical_nan ? _mm512_mask_mov_epi32(bits, nan, canonical) : _mm512_mask_or_epi32(bits, nan, high, nan_quiet);

    if constexpr (sink == Sink::f32) {
      const U widened = _mm512_slli_epi32(bits, 16);  // bfloat16 bits are float's top half
      if (streaming) {
        _mm512_stream_si512(static_cast<U*>(static_cast<void*>(static_cast<float*>(out) + i)), widened);
      } else {
        _mm512_storeu_si512(static_cast<float*>(out) + i, widened);
      }
    } else {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(static_cast<std::uint16_t*>(out) + i),
                          _mm512_cvtepi32_epi16(bits));
    }

    const U magnitude = _mm512_and_si512(bits, set1(0x7FFF));
    const M inexact = _mm512_mask_test_epi32_mask(finite, x, set1(0xFFFF));
    const M overflow = _mm512_mask_cmpeq_epi32_mask(finite, magnitude, set1(0x7F80));
    U tiny_below;  // per lane: tiny iff a < tiny_below
    if constexpr (mode == Rounding::nearest_even) {
      tiny_below = set1(0x007FC000);
    } else if constexpr (mode == Rounding::toward_zero) {
      tiny_below = set1(0x00800000);
    } else if constexpr (mode == Rounding::upward) {
      tiny_below = _mm512_mask_blend_epi32(negative, set1(0x007F8001), set1(0x00800000));
    } else {
      tiny_below = _mm512_mask_blend_epi32(negative, set1(0x00800000), set1(0x007F8001));
    }
    const M underflow = _mm512_mask_cmplt_epu32_mask(inexact, a, tiny_below);
    const M invalid = _mm512_mask_testn_epi32_mask(nan, x, set1(0x00400000));
    if constexpr (count) {
      // Exponent field 0 after a nonzero finite input: +-0 or a subnormal.
      const M nonzero_finite = _mm512_mask_test_epi32_mask(finite, a, a);
      const M exponent_zero = _mm512_mask_testn_epi32_mask(nonzero_finite, bits, set1(0x7F80));
      c.inexact = bump(c.inexact, inexact);
      // The other events are rare in typical data (underflow and subnormal results need
      // |x| < 2^-126): one branch skips their counters in vectors without any.
      if (static_cast<M>(underflow | overflow | invalid | exponent_zero) != 0) {
        const M to_zero = _mm512_mask_testn_epi32_mask(exponent_zero, bits, set1(0x007F));
        c.underflow = bump(c.underflow, underflow);
        c.overflow = bump(c.overflow, overflow);
        c.invalid = bump(c.invalid, invalid);
        c.underflow_to_zero = bump(c.underflow_to_zero, to_zero);
        c.subnormal = bump(c.subnormal, static_cast<M>(exponent_zero & ~to_zero));
      }
    } else {
      any_inexact |= inexact;
      any_underflow |= underflow;
      any_overflow |= overflow;
      any_invalid |= invalid;
    }
  }
  if (streaming) _mm_sfence();  // order the non-temporal stores before anything that follows

  Tally t;
  if constexpr (count) {
    t.inexact = lane_sum(c.inexact);
    t.underflow = lane_sum(c.underflow);
    t.overflow = t.overflowed = lane_sum(c.overflow);
    t.invalid = lane_sum(c.invalid);
    t.underflow_to_zero = lane_sum(c.underflow_to_zero);
    t.subnormal_results = lane_sum(c.subnormal);
    t.flags = (t.inexact ? flag::inexact : 0) | (t.underflow ? flag::underflow : 0) |
              (t.overflow ? flag::overflow : 0) | (t.invalid ? flag::invalid : 0);
  } else {
    t.flags = (any_inexact ? flag::inexact : 0) | (any_underflow ? flag::underflow : 0) |
              (any_overflow ? flag::overflow : 0) | (any_invalid ? flag::invalid : 0);
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

Tally round_bfloat16_avx512(const Job& job) {
  switch (job.rounding) {
    case Rounding::toward_zero: return round_bfloat16_mode<Rounding::toward_zero>(job);
    case Rounding::upward: return round_bfloat16_mode<Rounding::upward>(job);
    case Rounding::downward: return round_bfloat16_mode<Rounding::downward>(job);
    default: break;
  }
  return round_bfloat16_mode<Rounding::nearest_even>(job);
}

}  // namespace mpsim::array_detail
