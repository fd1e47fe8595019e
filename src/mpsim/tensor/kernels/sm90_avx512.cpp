// SPDX-License-Identifier: MIT
// The sm_90 tensor-core block chain (FACTS.md 8, tensor_core_block.hpp), AVX-512 twin: one
// lane per output column, R rows per tile. Per block of 16 k and per lane:
//   E   = max(floor, e_c, max_k (e_a + e_b))          exponents of nonzero terms, unnormalised
//   t_k = trunc(a_k * b_k * 2^(25 - E))                a_k * b_k exact in binary32 (SafeBounds),
//                                                      scaled exactly (vscalefps), truncated
//                                                      toward zero by vcvttps2dq: |t_k| < 2^27
//   S   = sum t_k + trunc(c * 2^(25 - E))              int32: 16 * 2^27 fits; c added in double
//   c   = round(S * 2^(E - 25))                        double is exact (|S| < 2^33); binary32
//                                                      output: vcvtpd2ps toward zero; binary16:
//                                                      toward zero, sticky bit ORed in (round to
//                                                      odd, 24 >= 11 + 2 bits), then RNE to fp16
// A zero result is +0. Lanes that overflow or meet inf/NaN are left to dot(). Counting (sink.inexact
// set): a lane raises inexact when a truncation or a rounding dropped bits; lanes with a tiny
// nonzero block result (underflow flag, subnormal or zero events) are left to dot().
#include <immintrin.h>

#include <algorithm>

#include "mpsim/tensor/kernels/gemm_tile.hpp"

namespace mpsim::kernels {
namespace {

constexpr int nr = 16;
constexpr int mr = 8;
constexpr int block = 16;
constexpr std::int32_t zero_exponent = -100000;  // a zero term never raises E

__mmask16 lanes(int count) { return count >= 16 ? 0xFFFF : count <= 0 ? 0 : static_cast<__mmask16>((1u << count) - 1); }

// Unnormalised exponent of each float lane holding a value of a format with minimum exponent
// emin: max(floor(log2 |x|), emin); zero_exponent for zeros.
__m512i exponents(__m512 x, int emin) {
  const __m512i bits = _mm512_castps_si512(x);
  const __m512i field = _mm512_srli_epi32(_mm512_and_si512(bits, _mm512_set1_epi32(0x7F800000)), 23);
  const __m512i e = _mm512_max_epi32(_mm512_sub_epi32(field, _mm512_set1_epi32(127)), _mm512_set1_epi32(emin));
  const __mmask16 zero = _mm512_testn_epi32_mask(bits, _mm512_set1_epi32(0x7FFFFFFF));
  return _mm512_mask_mov_epi32(e, zero, _mm512_set1_epi32(zero_exponent));
}

__mmask16 safe_lanes(const SafeBounds& s, int i, int j, __mmask16 valid, __m512 c) {
  const __m512i lo = _mm512_add_epi32(_mm512_set1_epi32(s.row_lo[i]), _mm512_maskz_loadu_epi32(valid, s.col_lo + j));
  const __m512i hi = _mm512_add_epi32(_mm512_set1_epi32(s.row_hi[i]), _mm512_maskz_loadu_epi32(valid, s.col_hi + j));
  __mmask16 ok = _mm512_mask_cmpge_epi32_mask(valid, lo, _mm512_set1_epi32(s.lo_min));
  ok = _mm512_mask_cmple_epi32_mask(ok, hi, _mm512_set1_epi32(s.hi_max));
  const __m512i field = _mm512_and_si512(_mm512_castps_si512(c), _mm512_set1_epi32(0x7F800000));
  return ok & _mm512_cmpneq_epi32_mask(field, _mm512_set1_epi32(0x7F800000));
}

// The block result S * 2^(E - 25) rounded to the output. `overflow` gets lanes beyond binary32,
// `inexact` lanes whose rounding dropped bits, `tiny` lanes whose nonzero result lies below the
// output's smallest normal (their underflow flags and events are left to dot()).
__m512 round_block(__m512i S, __m512i tc, __m512i E, bool fp16_output, __mmask16& overflow, __mmask16& inexact,
                   __mmask16& tiny) {
  __m256 half[2];
  __m512d exact[2];
  for (int h = 0; h < 2; ++h) {
    const __m256i s32 = h ? _mm512_extracti32x8_epi32(S, 1) : _mm512_castsi512_si256(S);
    const __m256i c32 = h ? _mm512_extracti32x8_epi32(tc, 1) : _mm512_castsi512_si256(tc);
    const __m256i e32 = h ? _mm512_extracti32x8_epi32(E, 1) : _mm512_castsi512_si256(E);
    const __m512d sum = _mm512_add_pd(_mm512_cvtepi32_pd(s32), _mm512_cvtepi32_pd(c32));  // exact, |sum| < 2^33
    const __m512d scale = _mm512_cvtepi32_pd(_mm256_sub_epi32(e32, _mm256_set1_epi32(25)));
    const __m512d v = _mm512_scalef_pd(sum, scale);  // exact: a power-of-two scaling in double's range
    exact[h] = v;
    const __m512d magnitude = _mm512_abs_pd(v);
    const __mmask8 big = _mm512_cmp_pd_mask(magnitude, _mm512_set1_pd(0x1p128), _CMP_GE_OQ);
    overflow |= static_cast<__mmask16>(big) << (8 * h);
    const __mmask8 small = _mm512_cmp_pd_mask(magnitude, _mm512_set1_pd(fp16_output ? 0x1p-14 : 0x1p-126), _CMP_LT_OQ) &
                           _mm512_cmp_pd_mask(magnitude, _mm512_setzero_pd(), _CMP_NEQ_OQ);
    tiny |= static_cast<__mmask16>(small) << (8 * h);
    __m256 f = _mm512_cvt_roundpd_ps(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    if (fp16_output) {
      const __mmask8 dropped = _mm512_cmp_pd_mask(_mm512_cvtps_pd(f), v, _CMP_NEQ_OQ);
      f = _mm256_castsi256_ps(_mm256_mask_or_epi32(_mm256_castps_si256(f), dropped, _mm256_castps_si256(f),
                                                   _mm256_set1_epi32(1)));
    }
    half[h] = f;
  }
  __m512 r = _mm512_insertf32x8(_mm512_castps256_ps512(half[0]), half[1], 1);
  if (fp16_output) {
    r = _mm512_cvtph_ps(_mm512_cvtps_ph(r, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
  }
  for (int h = 0; h < 2; ++h) {
    const __m256 rh = h ? _mm512_extractf32x8_ps(r, 1) : _mm512_castps512_ps256(r);
    inexact |= static_cast<__mmask16>(_mm512_cmp_pd_mask(_mm512_cvtps_pd(rh), exact[h], _CMP_NEQ_OQ)) << (8 * h);
  }
  // A zero result is +0.
  const __mmask16 zero = _mm512_testn_epi32_mask(_mm512_castps_si512(r), _mm512_set1_epi32(0x7FFFFFFF));
  return _mm512_mask_mov_ps(r, zero, _mm512_setzero_ps());
}

// Whether truncating x (= term * 2^(25 - E)) to t dropped bits: t differs from x, or a nonzero
// term became 0 (x may itself be a rounded binary32 subnormal then).
__mmask16 dropped_bits(__m512 term, __m512 x, __m512i t) {
  const __mmask16 differs = _mm512_cmp_ps_mask(_mm512_cvtepi32_ps(t), x, _CMP_NEQ_OQ);
  const __mmask16 vanished = _mm512_testn_epi32_mask(t, t) &
                             _mm512_test_epi32_mask(_mm512_castps_si512(term), _mm512_set1_epi32(0x7FFFFFFF));
  return differs | vanished;
}

template <int R, bool Count>
void tile(const GemmView& g, const std::int32_t* ea, int i0, int j0, int cols, const float* bp, const std::int32_t* ebp,
          const SafeBounds& s, const TensorCoreParams& tp, TileSink& sink) {
  const __mmask16 valid = lanes(cols);
  __m512 acc[R];
  __mmask16 good[R];
  [[maybe_unused]] __mmask16 inexact[R] = {};
  for (int r = 0; r < R; ++r) {
    acc[r] = _mm512_maskz_loadu_ps(valid, g.c + (i0 + r) * g.ldc + j0);
    good[r] = safe_lanes(s, i0 + r, j0, valid, acc[r]);
  }
  const __m512i floor = _mm512_set1_epi32(tp.exponent_floor);
  for (int k0 = 0; k0 < g.k; k0 += block) {
    const int k1 = std::min(g.k, k0 + block);
    __m512i E[R];
    for (int r = 0; r < R; ++r) E[r] = _mm512_max_epi32(floor, exponents(acc[r], tp.acc_emin));
    for (int kk = k0; kk < k1; ++kk) {
      const __m512i eb = _mm512_load_si512(ebp + kk * nr);
      for (int r = 0; r < R; ++r) {
        E[r] = _mm512_max_epi32(E[r], _mm512_add_epi32(eb, _mm512_set1_epi32(ea[(i0 + r) * g.k + kk])));
      }
    }
    __m512 shift[R];
    __m512i S[R];
    for (int r = 0; r < R; ++r) {
      shift[r] = _mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_set1_epi32(25), E[r]));
      S[r] = _mm512_setzero_si512();
    }
    for (int kk = k0; kk < k1; ++kk) {
      const __m512 b = _mm512_load_ps(bp + kk * nr);
      for (int r = 0; r < R; ++r) {
        const __m512 p = _mm512_mul_ps(_mm512_set1_ps(g.a[(i0 + r) * g.lda + kk]), b);
        const __m512 x = _mm512_scalef_ps(p, shift[r]);
        const __m512i t = _mm512_cvttps_epi32(x);
        S[r] = _mm512_add_epi32(S[r], t);
        if constexpr (Count) inexact[r] |= dropped_bits(p, x, t);
      }
    }
    for (int r = 0; r < R; ++r) {
      const __m512 xc = _mm512_scalef_ps(acc[r], shift[r]);
      const __m512i tc = _mm512_cvttps_epi32(xc);
      if constexpr (Count) inexact[r] |= dropped_bits(acc[r], xc, tc);
      __mmask16 overflow = 0, rounded = 0, tiny = 0;
      acc[r] = round_block(S[r], tc, E[r], tp.fp16_output, overflow, rounded, tiny);
      if constexpr (Count) inexact[r] |= rounded;
      const __m512i field = _mm512_and_si512(_mm512_castps_si512(acc[r]), _mm512_set1_epi32(0x7F800000));
      good[r] &= ~overflow & _mm512_cmpneq_epi32_mask(field, _mm512_set1_epi32(0x7F800000));
      if constexpr (Count) good[r] &= ~tiny;
    }
  }
  for (int r = 0; r < R; ++r) {
    _mm512_mask_storeu_ps(g.c + (i0 + r) * g.ldc + j0, good[r], acc[r]);
    if constexpr (Count) {
      const __m128i bytes = _mm_maskz_mov_epi8(inexact[r], _mm_set1_epi8(1));
      _mm_mask_storeu_epi8(sink.inexact + std::int64_t{i0 + r} * g.n + j0, good[r], bytes);
    }
    const __mmask16 bad = valid & ~good[r];
    for (int l = 0; l < 16; ++l) {
      if (bad >> l & 1) sink.bad.push_back(std::int64_t{i0 + r} * g.n + j0 + l);
    }
  }
}

template <int R, bool Count>
void tile_rows(int rows, const GemmView& g, const std::int32_t* ea, int i0, int j0, int cols, const float* bp,
               const std::int32_t* ebp, const SafeBounds& s, const TensorCoreParams& tp, TileSink& sink) {
  if constexpr (R > 1) {
    if (rows < R) return tile_rows<R - 1, Count>(rows, g, ea, i0, j0, cols, bp, ebp, s, tp, sink);
  }
  tile<R, Count>(g, ea, i0, j0, cols, bp, ebp, s, tp, sink);
}

template <class T>
T* aligned64(T* v) {
  return reinterpret_cast<T*>((reinterpret_cast<std::uintptr_t>(v) + 63) & ~std::uintptr_t{63});
}

}  // namespace

void sm90_avx512(const GemmView& g, int col_begin, int col_end, const SafeBounds& s, const TensorCoreParams& tp,
                 TileSink& sink) {
  // Exponents of A (m x k, row stride k), computed once per call.
  std::int32_t* ea = scratch<std::int32_t>(0, static_cast<std::size_t>(g.m) * g.k);
  for (int i = 0; i < g.m; ++i) {
    for (int kk = 0; kk < g.k; kk += 16) {
      const __mmask16 v = lanes(g.k - kk);
      const __m512i e = exponents(_mm512_maskz_loadu_ps(v, g.a + i * g.lda + kk), tp.in_emin);
      _mm512_mask_storeu_epi32(ea + std::int64_t{i} * g.k + kk, v, e);
    }
  }
  float* bp = aligned64(scratch<float>(1, static_cast<std::size_t>(g.k) * nr + 16));
  std::int32_t* ebp = aligned64(scratch<std::int32_t>(2, static_cast<std::size_t>(g.k) * nr + 16));
  for (int j0 = col_begin; j0 < col_end; j0 += nr) {
    const int cols = std::min(nr, col_end - j0);
    const __mmask16 v = lanes(cols);
    for (int kk = 0; kk < g.k; ++kk) {
      const __m512 b = _mm512_maskz_loadu_ps(v, g.b + kk * g.ldb + j0);
      _mm512_store_ps(bp + kk * nr, b);
      _mm512_store_si512(ebp + kk * nr, exponents(b, tp.in_emin));
    }
    for (int i0 = 0; i0 < g.m; i0 += mr) {
      if (sink.inexact) {
        tile_rows<mr, true>(std::min(mr, g.m - i0), g, ea, i0, j0, cols, bp, ebp, s, tp, sink);
      } else {
        tile_rows<mr, false>(std::min(mr, g.m - i0), g, ea, i0, j0, cols, bp, ebp, s, tp, sink);
      }
    }
  }
}

}  // namespace mpsim::kernels
