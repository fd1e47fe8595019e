// SPDX-License-Identifier: MIT
// scan_body (scan.hpp) written with AVX-512 intrinsics, 16 floats at a time, lane for lane the
// same integer formulas; tested against scan_portable on random bit patterns.
#include <immintrin.h>

#include "mpsim/tensor/kernels/scan.hpp"

namespace mpsim::kernels {
namespace {

__mmask16 lanes(int count) { return count >= 16 ? 0xFFFF : count <= 0 ? 0 : static_cast<__mmask16>((1u << count) - 1); }

__m512i set(std::int32_t x) { return _mm512_set1_epi32(x); }

// Without bounds, binary16 and bfloat16 have shorter tests than the general formulas:
//   binary16: the value survives vcvtps2ph / vcvtph2ps unchanged (or is a NaN);
//   bfloat16: the low 16 bits are zero (or it is a NaN).
std::int64_t scan_half(bool bfloat, const float* x, int rows, int cols, std::int64_t ld) {
  for (int r = 0; r < rows; ++r) {
    __mmask16 any_bad = 0;
    for (int c = 0; c < cols; c += 16) {
      const __mmask16 v = lanes(cols - c);
      const __m512 value = _mm512_maskz_loadu_ps(v, x + r * ld + c);
      const __m512i bits = _mm512_castps_si512(value);
      const __mmask16 nan = _mm512_cmp_ps_mask(value, value, _CMP_UNORD_Q);
      __mmask16 same;
      if (bfloat) {
        same = _mm512_testn_epi32_mask(bits, set(0xFFFF));
      } else {
        const __m512 back = _mm512_cvtph_ps(_mm512_cvtps_ph(value, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
        same = _mm512_cmpeq_epi32_mask(_mm512_castps_si512(back), bits);
      }
      any_bad |= v & ~(same | nan);
    }
    if (any_bad) return r;
  }
  return -1;
}

}  // namespace

std::int64_t scan_avx512(const FloatLimits& f, const float* x, int rows, int cols, std::int64_t ld,
                         const ScanOutput& out) {
  const bool ieee_like = f.subnormals && f.infinities && f.nan;
  if (!out.row_lo && !out.col_lo && ieee_like) {
    if (f.precision == 11 && f.emin == -14 && f.emax == 15) return scan_half(false, x, rows, cols, ld);
    if (f.precision == 8 && f.emin == -126 && f.emax == 127) return scan_half(true, x, rows, cols, ld);
  }
  if (out.col_lo) {
    for (int c = 0; c < cols; ++c) out.col_lo[c] = big_exponent, out.col_hi[c] = -big_exponent;
  }
  const __mmask16 nan_ok = f.nan ? 0xFFFF : 0, inf_ok = f.infinities ? 0xFFFF : 0;
  std::int64_t first_bad = -1;
  for (int r = 0; r < rows; ++r) {
    __m512i row_lo = set(big_exponent), row_hi = set(-big_exponent);
    __mmask16 any_bad = 0;
    for (int c = 0; c < cols; c += 16) {
      const __mmask16 v = lanes(cols - c);
      const __m512i bits = _mm512_maskz_loadu_epi32(v, x + r * ld + c);
      const __m512i field = _mm512_and_si512(_mm512_srli_epi32(bits, 23), set(0xFF));
      const __m512i man = _mm512_and_si512(bits, set(0x7FFFFF));
      const __mmask16 special = _mm512_cmpeq_epi32_mask(field, set(255));
      const __mmask16 zero = _mm512_testn_epi32_mask(bits, set(0x7FFFFFFF));
      const __mmask16 normal_field = _mm512_cmpneq_epi32_mask(field, _mm512_setzero_si512());
      const __m512i e = _mm512_sub_epi32(field, set(127));
      const __m512i full = _mm512_mask_or_epi32(man, normal_field, man, set(0x800000));
      const __m512i float_lsb = _mm512_sub_epi32(_mm512_max_epi32(field, set(1)), set(150));
      const __m512i need_lsb = _mm512_sub_epi32(_mm512_max_epi32(e, set(f.emin)), set(f.precision - 1));
      const __m512i drop = _mm512_min_epi32(_mm512_max_epi32(_mm512_sub_epi32(need_lsb, float_lsb), _mm512_setzero_si512()), set(31));
      const __m512i low = _mm512_sub_epi32(_mm512_sllv_epi32(set(1), drop), set(1));
      __mmask16 finite_ok = _mm512_testn_epi32_mask(full, low) & _mm512_cmple_epi32_mask(e, set(f.emax));
      const __mmask16 at_emax = _mm512_cmpeq_epi32_mask(e, set(f.emax));
      const __m512i sig = _mm512_srl_epi32(full, _mm_cvtsi32_si128(24 - f.precision));
      finite_ok &= ~at_emax | _mm512_cmple_epu32_mask(sig, set(static_cast<std::int32_t>(f.max_significand)));
      if (!f.subnormals) finite_ok &= _mm512_cmpge_epi32_mask(e, set(f.emin));
      const __mmask16 has_man = _mm512_test_epi32_mask(man, man);
      const __mmask16 special_ok = (has_man & nan_ok) | (~has_man & inf_ok);
      const __mmask16 ok = zero | (special & special_ok) | (~special & finite_ok);
      any_bad |= v & ~ok;
      __m512i lo = _mm512_mask_mov_epi32(need_lsb, special, set(-big_exponent));
      lo = _mm512_mask_mov_epi32(lo, zero | ~v, set(big_exponent));
      __m512i hi = _mm512_mask_mov_epi32(e, special, set(big_exponent));
      hi = _mm512_mask_mov_epi32(hi, zero | ~v, set(-big_exponent));
      row_lo = _mm512_min_epi32(row_lo, lo);
      row_hi = _mm512_max_epi32(row_hi, hi);
      if (out.col_lo) {
        std::int32_t* cl = out.col_lo + c;
        std::int32_t* ch = out.col_hi + c;
        _mm512_mask_storeu_epi32(cl, v, _mm512_min_epi32(_mm512_maskz_loadu_epi32(v, cl), lo));
        _mm512_mask_storeu_epi32(ch, v, _mm512_max_epi32(_mm512_maskz_loadu_epi32(v, ch), hi));
      }
    }
    if (out.row_lo) out.row_lo[r] = _mm512_reduce_min_epi32(row_lo), out.row_hi[r] = _mm512_reduce_max_epi32(row_hi);
    if (any_bad && first_bad < 0) first_bad = r;
  }
  return first_bad;
}

}  // namespace mpsim::kernels
