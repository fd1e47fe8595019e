// SPDX-License-Identifier: MIT
// 8 lanes of uint32 in AVX2, lane masks as all-ones/all-zeros lanes: the operations
// kernel.hpp is written in. Include only from a file compiled for AVX2.
#pragma once

#include <immintrin.h>

#include <cstdint>

namespace mpsim::array_detail {
namespace {

struct Avx2 {
  static constexpr int width = 8;
  using U = __m256i;  // 8 x uint32
  using M = __m256i;  // lanes of all ones (set) or zeros

  static U set1(std::uint32_t x) { return _mm256_set1_epi32(static_cast<int>(x)); }
  static U zero() { return _mm256_setzero_si256(); }
  static U lane_index() { return _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7); }
  static U load_f32(const float* p) { return _mm256_castps_si256(_mm256_loadu_ps(p)); }
  static U load_u16(const std::uint16_t* p) {
    return _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  }
  static U load_u8(const std::uint8_t* p) {
    return _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
  }
  static void store_f32(float* p, U v) { _mm256_storeu_ps(p, _mm256_castsi256_ps(v)); }
  // A non-temporal store (p 32-byte aligned): no read for ownership of the line.
  static void stream_f32(float* p, U v) { _mm256_stream_ps(p, _mm256_castsi256_ps(v)); }
  // Lanes hold values < 2^16 (resp. 2^8): unsigned saturation packs them exactly.
  static void store_u16(std::uint16_t* p, U v) {
    const __m128i packed = _mm_packus_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p), packed);
  }
  static void store_u8(std::uint8_t* p, U v) {
    const __m128i words = _mm_packus_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(p), _mm_packus_epi16(words, words));
  }

  static U add(U a, U b) { return _mm256_add_epi32(a, b); }
  static U sub(U a, U b) { return _mm256_sub_epi32(a, b); }
  static U and_(U a, U b) { return _mm256_and_si256(a, b); }
  static U or_(U a, U b) { return _mm256_or_si256(a, b); }
  static U xor_(U a, U b) { return _mm256_xor_si256(a, b); }
  static U andnot(U a, U b) { return _mm256_andnot_si256(a, b); }  // ~a & b
  template <int n> static U shl(U a) { return _mm256_slli_epi32(a, n); }
  template <int n> static U shr(U a) { return _mm256_srli_epi32(a, n); }
  // Per-lane shifts; a count of 32 or more (as unsigned) gives 0.
  static U shlv(U a, U n) { return _mm256_sllv_epi32(a, n); }
  static U shrv(U a, U n) { return _mm256_srlv_epi32(a, n); }
  static U max_i(U a, U b) { return _mm256_max_epi32(a, b); }
  static U min_i(U a, U b) { return _mm256_min_epi32(a, b); }

  static M eq(U a, U b) { return _mm256_cmpeq_epi32(a, b); }
  static M ne(U a, U b) { return m_not(eq(a, b)); }
  static M gt_i(U a, U b) { return _mm256_cmpgt_epi32(a, b); }
  static M lt_i(U a, U b) { return _mm256_cmpgt_epi32(b, a); }
  static M gt_u(U a, U b) { return gt_i(_mm256_xor_si256(a, sign_bit()), _mm256_xor_si256(b, sign_bit())); }
  static M lt_u(U a, U b) { return gt_u(b, a); }
  static M test(U a, U b) { return ne(and_(a, b), zero()); }

  static M all() { return set1(0xFFFFFFFFu); }
  static M none() { return zero(); }
  static M m_not(M a) { return _mm256_xor_si256(a, all()); }
  static M m_and(M a, M b) { return _mm256_and_si256(a, b); }
  static M m_or(M a, M b) { return _mm256_or_si256(a, b); }
  static M m_andnot(M a, M b) { return _mm256_andnot_si256(a, b); }  // ~a & b
  static bool any(M m) { return !_mm256_testz_si256(m, m); }
  static unsigned bits(M m) { return static_cast<unsigned>(_mm256_movemask_ps(_mm256_castsi256_ps(m))); }

  static U select(M m, U if_set, U if_clear) { return _mm256_blendv_epi8(if_clear, if_set, m); }
  static U zero_where(M m, U a) { return _mm256_andnot_si256(m, a); }
  static U add_where(M m, U a, U b) { return _mm256_add_epi32(a, _mm256_and_si256(m, b)); }
  static U or_where(M m, U a, U b) { return _mm256_or_si256(a, _mm256_and_si256(m, b)); }
  // Lane counters: +1 in the lanes of m (a set lane is -1).
  static U count(U c, M m) { return _mm256_sub_epi32(c, m); }
  static std::uint64_t sum(U c) {
    alignas(32) std::uint32_t lanes[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), c);
    std::uint64_t total = 0;
    for (std::uint32_t x : lanes) total += x;
    return total;
  }

  // float(int32 a) * float(b) as bits, for the exact widening of subnormals.
  static U int_times_float(U a, U b) {
    return _mm256_castps_si256(_mm256_mul_ps(_mm256_cvtepi32_ps(a), _mm256_castsi256_ps(b)));
  }

  // binary16 by the hardware (F16C vcvtps2ph with rounding `imm`, _MM_FROUND_TO_*), 8 halves.
  using H = __m128i;
  template <int imm> static H to_half(U x) { return _mm256_cvtps_ph(_mm256_castsi256_ps(x), imm); }
  static U half_to_f32(H h) { return _mm256_castps_si256(_mm256_cvtph_ps(h)); }
  static U half_bits(H h) { return _mm256_cvtepu16_epi32(h); }
  static void store_half(std::uint16_t* p, H h) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), h); }

  // The 64-bit products a * c lane by lane, as high and low 32-bit halves.
  static void mul_hi_lo(U a, std::uint32_t c, U& hi, U& lo) {
    const U cc = set1(c);
    const U even = _mm256_mul_epu32(a, cc);
    const U odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), cc);
    lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
    hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
  }

  // w0..w3 hold word k of 8 Philox blocks (block b in lane b); out[j] holds the words of
  // blocks 2j, 2j+1 in order b0w0 b0w1 b0w2 b0w3 b1w0 ... (a 4 x 8 transpose).
  static void interleave4(U w0, U w1, U w2, U w3, U out[4]) {
    const U t0 = _mm256_unpacklo_epi32(w0, w1), t1 = _mm256_unpackhi_epi32(w0, w1);
    const U t2 = _mm256_unpacklo_epi32(w2, w3), t3 = _mm256_unpackhi_epi32(w2, w3);
    // In each 128-bit half h: u0 = block 4h, u1 = 4h+1, u2 = 4h+2, u3 = 4h+3.
    const U u0 = _mm256_unpacklo_epi64(t0, t2), u1 = _mm256_unpackhi_epi64(t0, t2);
    const U u2 = _mm256_unpacklo_epi64(t1, t3), u3 = _mm256_unpackhi_epi64(t1, t3);
    out[0] = _mm256_permute2x128_si256(u0, u1, 0x20);  // blocks 0, 1
    out[1] = _mm256_permute2x128_si256(u2, u3, 0x20);  // blocks 2, 3
    out[2] = _mm256_permute2x128_si256(u0, u1, 0x31);  // blocks 4, 5
    out[3] = _mm256_permute2x128_si256(u2, u3, 0x31);  // blocks 6, 7
  }

 private:
  static U sign_bit() { return set1(0x80000000u); }
};

}  // namespace
}  // namespace mpsim::array_detail
