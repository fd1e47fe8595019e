// SPDX-License-Identifier: MIT
// 16 lanes of uint32 in AVX-512 (F/BW/VL/DQ), with __mmask16 lane masks: the operations
// kernel.hpp is written in. Include only from a file compiled for AVX-512.
#pragma once

#include <immintrin.h>

#include <cstdint>

namespace mpsim::array_detail {
namespace {

struct Avx512 {
  static constexpr int width = 16;
  using U = __m512i;   // 16 x uint32
  using M = __mmask16;  // one bit per lane

  static U set1(std::uint32_t x) { return _mm512_set1_epi32(static_cast<int>(x)); }
  static U zero() { return _mm512_setzero_si512(); }
  static U lane_index() { return _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15); }
  static U load_f32(const float* p) { return _mm512_castps_si512(_mm512_loadu_ps(p)); }
  static U load_u16(const std::uint16_t* p) {
    return _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
  }
  static U load_u8(const std::uint8_t* p) {
    return _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  }
  static void store_f32(float* p, U v) { _mm512_storeu_ps(p, _mm512_castsi512_ps(v)); }
  // A non-temporal store (p 64-byte aligned): no read for ownership of the line.
  static void stream_f32(float* p, U v) { _mm512_stream_ps(p, _mm512_castsi512_ps(v)); }
  static void store_u16(std::uint16_t* p, U v) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), _mm512_cvtepi32_epi16(v));
  }
  static void store_u8(std::uint8_t* p, U v) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p), _mm512_cvtepi32_epi8(v));
  }

  static U add(U a, U b) { return _mm512_add_epi32(a, b); }
  static U sub(U a, U b) { return _mm512_sub_epi32(a, b); }
  static U and_(U a, U b) { return _mm512_and_si512(a, b); }
  static U or_(U a, U b) { return _mm512_or_si512(a, b); }
  static U xor_(U a, U b) { return _mm512_xor_si512(a, b); }
  static U andnot(U a, U b) { return _mm512_andnot_si512(a, b); }  // ~a & b
  template <int n> static U shl(U a) { return _mm512_slli_epi32(a, n); }
  template <int n> static U shr(U a) { return _mm512_srli_epi32(a, n); }
  // Per-lane shifts; a count of 32 or more (as unsigned) gives 0.
  static U shlv(U a, U n) { return _mm512_sllv_epi32(a, n); }
  static U shrv(U a, U n) { return _mm512_srlv_epi32(a, n); }
  static U max_i(U a, U b) { return _mm512_max_epi32(a, b); }
  static U min_i(U a, U b) { return _mm512_min_epi32(a, b); }

  static M eq(U a, U b) { return _mm512_cmpeq_epi32_mask(a, b); }
  static M ne(U a, U b) { return _mm512_cmpneq_epi32_mask(a, b); }
  static M gt_u(U a, U b) { return _mm512_cmpgt_epu32_mask(a, b); }
  static M lt_u(U a, U b) { return _mm512_cmplt_epu32_mask(a, b); }
  static M gt_i(U a, U b) { return _mm512_cmpgt_epi32_mask(a, b); }
  static M lt_i(U a, U b) { return _mm512_cmplt_epi32_mask(a, b); }
  static M test(U a, U b) { return _mm512_test_epi32_mask(a, b); }  // (a & b) != 0

  static M all() { return 0xFFFF; }
  static M none() { return 0; }
  static M m_not(M a) { return static_cast<M>(~a); }
  static M m_and(M a, M b) { return a & b; }
  static M m_or(M a, M b) { return a | b; }
  static M m_andnot(M a, M b) { return static_cast<M>(~a & b); }  // ~a & b
  static bool any(M m) { return m != 0; }
  static unsigned bits(M m) { return m; }

  static U select(M m, U if_set, U if_clear) { return _mm512_mask_blend_epi32(m, if_clear, if_set); }
  static U zero_where(M m, U a) { return _mm512_maskz_mov_epi32(static_cast<M>(~m), a); }
  static U add_where(M m, U a, U b) { return _mm512_mask_add_epi32(a, m, a, b); }  // a + b in lanes m
  static U or_where(M m, U a, U b) { return _mm512_mask_or_epi32(a, m, a, b); }
  // Lane counters: +1 in the lanes of m.
  static U count(U c, M m) { return _mm512_mask_sub_epi32(c, m, c, set1(0xFFFFFFFFu)); }
  static std::uint64_t sum(U c) {
    alignas(64) std::uint32_t lanes[16];
    _mm512_store_si512(lanes, c);
    std::uint64_t total = 0;
    for (std::uint32_t x : lanes) total += x;
    return total;
  }

  // float(int32 a) * float(b) as bits, for the exact widening of subnormals.
  static U int_times_float(U a, U b) {
    return _mm512_castps_si512(_mm512_mul_ps(_mm512_cvtepi32_ps(a), _mm512_castsi512_ps(b)));
  }

  // binary16 by the hardware (vcvtps2ph with rounding `imm`, _MM_FROUND_TO_*), 16 halves.
  using H = __m256i;
  template <int imm> static H to_half(U x) { return _mm512_cvtps_ph(_mm512_castsi512_ps(x), imm); }
  static U half_to_f32(H h) { return _mm512_castps_si512(_mm512_cvtph_ps(h)); }
  static U half_bits(H h) { return _mm512_cvtepu16_epi32(h); }
  static void store_half(std::uint16_t* p, H h) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), h); }

  // The 64-bit products a * c lane by lane, as high and low 32-bit halves.
  static void mul_hi_lo(U a, std::uint32_t c, U& hi, U& lo) {
    const U cc = set1(c);
    const U even = _mm512_mul_epu32(a, cc);                          // lanes 0, 2, ..: 64-bit products
    const U odd = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), cc);    // lanes 1, 3, ..
    const U low_words = _mm512_setr_epi32(0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30);
    const U high_words = _mm512_setr_epi32(1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31);
    lo = _mm512_permutex2var_epi32(even, low_words, odd);
    hi = _mm512_permutex2var_epi32(even, high_words, odd);
  }

  // w0..w3 hold word k of 16 Philox blocks (block b in lane b); out[j] holds the words of
  // blocks 4j .. 4j+3 in order b0w0 b0w1 b0w2 b0w3 b1w0 ... (a 4 x 16 transpose).
  static void interleave4(U w0, U w1, U w2, U w3, U out[4]) {
    const U t0 = _mm512_unpacklo_epi32(w0, w1), t1 = _mm512_unpackhi_epi32(w0, w1);
    const U t2 = _mm512_unpacklo_epi32(w2, w3), t3 = _mm512_unpackhi_epi32(w2, w3);
    // In each 128-bit lane l: u0 = block 4l, u1 = 4l+1, u2 = 4l+2, u3 = 4l+3.
    const U u0 = _mm512_unpacklo_epi64(t0, t2), u1 = _mm512_unpackhi_epi64(t0, t2);
    const U u2 = _mm512_unpacklo_epi64(t1, t3), u3 = _mm512_unpackhi_epi64(t1, t3);
    const U x = _mm512_shuffle_i32x4(u0, u1, 0x44), y = _mm512_shuffle_i32x4(u2, u3, 0x44);  // lanes 0,1
    const U z = _mm512_shuffle_i32x4(u0, u1, 0xEE), v = _mm512_shuffle_i32x4(u2, u3, 0xEE);  // lanes 2,3
    out[0] = _mm512_shuffle_i32x4(x, y, 0x88);
    out[1] = _mm512_shuffle_i32x4(x, y, 0xDD);
    out[2] = _mm512_shuffle_i32x4(z, v, 0x88);
    out[3] = _mm512_shuffle_i32x4(z, v, 0xDD);
  }
};

}  // namespace
}  // namespace mpsim::array_detail
