// SPDX-License-Identifier: MIT
// fp16-accumulate with binary16 inputs, AVX512-FP16 twin: acc = RNE_binary16(acc + a*b) with
// the exact product, one rounding per step, in increasing k: vfmadd231ph is exactly that fused
// step (IEEE fma in binary16, subnormals kept, overflow to inf), 32 lanes per zmm. Lanes whose
// result is inf/NaN are left to dot() (NaN payloads, flags). Compiled with -mavx512fp16.
//
// Tile: R rows x 64 columns (2 zmm of binary16 per row), B packed as binary16 k x 64 panels;
// the counting twin (tile_counting) works on 16 columns.
#include <immintrin.h>

#include <algorithm>

#include "mpsim/tensor/kernels/gemm_tile.hpp"

namespace mpsim::kernels {
namespace {

constexpr int nr = 64;
constexpr int mr = 12;

__mmask16 lanes(int count) { return count >= 16 ? 0xFFFF : count <= 0 ? 0 : static_cast<__mmask16>((1u << count) - 1); }

// 32 floats (binary16 values) from src, masked by `count`, as 32 binary16 lanes.
__m512h load_half(const float* src, int count) {
  const __m256h lo = _mm512_cvtxps_ph(_mm512_maskz_loadu_ps(lanes(count), src));
  const __m256h hi = _mm512_cvtxps_ph(_mm512_maskz_loadu_ps(lanes(count - 16), src + 16));
  return _mm512_castsi512_ph(_mm512_inserti64x4(_mm512_castsi256_si512(_mm256_castph_si256(lo)), _mm256_castph_si256(hi), 1));
}

template <int R>
void tile(const GemmView& g, const std::uint16_t* a16, int i0, int j0, int cols, const std::uint16_t* bp,
          TileSink& sink) {
  __m512h acc[R][2];
  for (int r = 0; r < R; ++r) {
    for (int h = 0; h < 2; ++h) acc[r][h] = load_half(g.c + (i0 + r) * g.ldc + j0 + 32 * h, cols - 32 * h);
  }
  for (int kk = 0; kk < g.k; ++kk) {
    const __m512h b0 = _mm512_castsi512_ph(_mm512_load_si512(bp + kk * nr));
    const __m512h b1 = _mm512_castsi512_ph(_mm512_load_si512(bp + kk * nr + 32));
    for (int r = 0; r < R; ++r) {
      const __m512h av = _mm512_castsi512_ph(_mm512_set1_epi16(static_cast<short>(a16[(i0 + r) * g.k + kk])));
      acc[r][0] = _mm512_fmadd_ph(av, b0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ph(av, b1, acc[r][1]);
    }
  }
  for (int r = 0; r < R; ++r) {
    for (int q = 0; q < 4; ++q) {
      const __m256i half = q & 1 ? _mm512_extracti64x4_epi64(_mm512_castph_si512(acc[r][q / 2]), 1)
                                 : _mm512_castsi512_si256(_mm512_castph_si512(acc[r][q / 2]));
      const __m512 x = _mm512_cvtxph_ps(_mm256_castsi256_ph(half));
      const __mmask16 valid = lanes(cols - 16 * q);
      const __m512i field = _mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32(0x7F800000));
      const __mmask16 good = valid & _mm512_cmpneq_epi32_mask(field, _mm512_set1_epi32(0x7F800000));
      _mm512_mask_storeu_ps(g.c + (i0 + r) * g.ldc + j0 + 16 * q, good, x);
      const __mmask16 bad = valid & ~good;
      for (int l = 0; l < 16; ++l) {
        if (bad >> l & 1) sink.bad.push_back(std::int64_t{i0 + r} * g.n + j0 + 16 * q + l);
      }
    }
  }
}

template <int R>
void tile_rows(int rows, const GemmView& g, const std::uint16_t* a16, int i0, int j0, int cols,
               const std::uint16_t* bp, TileSink& sink) {
  if constexpr (R > 1) {
    if (rows < R) return tile_rows<R - 1>(rows, g, a16, i0, j0, cols, bp, sink);
  }
  tile<R>(g, a16, i0, j0, cols, bp, sink);
}

// Counting twin, 16 columns per tile: the same vfmadd231ph step (on ymm), and beside it the
// step in binary32 with the exact product p: s = RN24(acc + p) is exact iff both Fast2Sum
// residuals vanish, and the binary16 step is exact iff s is exact and equals its result r.
// A lane whose result is ever subnormal, or zero after an inexact step (underflow flag and
// events), is left to dot().
constexpr int mr_counting = 8;

template <int R>
void tile_counting(const GemmView& g, const std::uint16_t* a16, int i0, int j0, int cols, const std::uint16_t* bp16,
                   TileSink& sink) {
  const __mmask16 valid = lanes(cols);
  __m256h acc16[R];
  __m512 acc32[R];
  __m512i err[R];
  __mmask16 differs[R] = {}, tiny[R] = {};
  for (int r = 0; r < R; ++r) {
    acc32[r] = _mm512_maskz_loadu_ps(valid, g.c + (i0 + r) * g.ldc + j0);
    acc16[r] = _mm512_cvtxps_ph(acc32[r]);
    err[r] = _mm512_setzero_si512();
  }
  const __m512 smallest_normal = _mm512_set1_ps(0x1p-14f);
  for (int kk = 0; kk < g.k; ++kk) {
    const __m256h b16 = _mm256_castsi256_ph(_mm256_load_si256(reinterpret_cast<const __m256i*>(bp16 + kk * 16)));
    const __m512 b32 = _mm512_cvtxph_ps(b16);
    for (int r = 0; r < R; ++r) {
      const std::uint16_t abits = a16[(i0 + r) * g.k + kk];
      const __m256h a = _mm256_castsi256_ph(_mm256_set1_epi16(static_cast<short>(abits)));
      const __m256h r16 = _mm256_fmadd_ph(a, b16, acc16[r]);
      const __m512 r32 = _mm512_cvtxph_ps(r16);
      const __m512 p = _mm512_mul_ps(_mm512_cvtxph_ps(a), b32);  // exact: 22-bit product
      const __m512 sum = _mm512_add_ps(acc32[r], p);
      const __m512 e1 = _mm512_sub_ps(_mm512_sub_ps(sum, acc32[r]), p);
      const __m512 e2 = _mm512_sub_ps(_mm512_sub_ps(sum, p), acc32[r]);
      err[r] = _mm512_ternarylogic_epi32(err[r], _mm512_castps_si512(e1), _mm512_castps_si512(e2), 0xFE);
      differs[r] |= _mm512_cmp_ps_mask(sum, r32, _CMP_NEQ_UQ);
      // |r| < 2^-14: subnormal or zero; a zero counts only if the step was inexact.
      const __mmask16 small = _mm512_cmp_ps_mask(_mm512_abs_ps(r32), smallest_normal, _CMP_LT_OQ);
      const __mmask16 zero = _mm512_cmp_ps_mask(r32, _mm512_setzero_ps(), _CMP_EQ_OQ);
      tiny[r] |= small & ~(zero & _mm512_cmp_ps_mask(sum, r32, _CMP_EQ_OQ));
      acc16[r] = r16;
      acc32[r] = r32;
    }
  }
  for (int r = 0; r < R; ++r) {
    const __m512i field = _mm512_and_si512(_mm512_castps_si512(acc32[r]), _mm512_set1_epi32(0x7F800000));
    const __mmask16 good = valid & ~tiny[r] & _mm512_cmpneq_epi32_mask(field, _mm512_set1_epi32(0x7F800000));
    _mm512_mask_storeu_ps(g.c + (i0 + r) * g.ldc + j0, good, acc32[r]);
    const __mmask16 inexact = _mm512_test_epi32_mask(err[r], err[r]) | differs[r];
    _mm_mask_storeu_epi8(sink.inexact + std::int64_t{i0 + r} * g.n + j0, good, _mm_maskz_mov_epi8(inexact, _mm_set1_epi8(1)));
    const __mmask16 bad = valid & ~good;
    for (int l = 0; l < 16; ++l) {
      if (bad >> l & 1) sink.bad.push_back(std::int64_t{i0 + r} * g.n + j0 + l);
    }
  }
}

template <int R>
void tile_counting_rows(int rows, const GemmView& g, const std::uint16_t* a16, int i0, int j0, int cols,
                        const std::uint16_t* bp16, TileSink& sink) {
  if constexpr (R > 1) {
    if (rows < R) return tile_counting_rows<R - 1>(rows, g, a16, i0, j0, cols, bp16, sink);
  }
  tile_counting<R>(g, a16, i0, j0, cols, bp16, sink);
}

// n floats holding binary16 values as binary16 bits (exact conversion).
void to_half(const float* src, int n, std::uint16_t* dst) {
  for (int j = 0; j < n; j += 16) {
    const __mmask16 v = lanes(n - j);
    const __m256h h = _mm512_cvtxps_ph(_mm512_maskz_loadu_ps(v, src + j));
    _mm256_mask_storeu_epi16(dst + j, v, _mm256_castph_si256(h));
  }
}

}  // namespace

void fp16_accumulate_avx512fp16(const GemmView& g, int col_begin, int col_end, const SafeBounds&, TileSink& sink) {
  std::uint16_t* a16 = scratch<std::uint16_t>(0, static_cast<std::size_t>(g.m) * g.k);
  for (int i = 0; i < g.m; ++i) to_half(g.a + i * g.lda, g.k, a16 + std::int64_t{i} * g.k);
  std::uint16_t* store = scratch<std::uint16_t>(1, static_cast<std::size_t>(g.k) * nr + 32);
  auto* bp = reinterpret_cast<std::uint16_t*>((reinterpret_cast<std::uintptr_t>(store) + 63) & ~std::uintptr_t{63});
  if (sink.inexact) {  // counting: 16-column panels
    for (int j0 = col_begin; j0 < col_end; j0 += 16) {
      const int cols = std::min(16, col_end - j0);
      for (int kk = 0; kk < g.k; ++kk) {
        std::fill(bp + kk * 16, bp + (kk + 1) * 16, std::uint16_t{0});
        to_half(g.b + kk * g.ldb + j0, cols, bp + kk * 16);
      }
      for (int i0 = 0; i0 < g.m; i0 += mr_counting) {
        tile_counting_rows<mr_counting>(std::min(mr_counting, g.m - i0), g, a16, i0, j0, cols, bp, sink);
      }
    }
    return;
  }
  for (int j0 = col_begin; j0 < col_end; j0 += nr) {
    const int cols = std::min(nr, col_end - j0);
    for (int kk = 0; kk < g.k; ++kk) {
      std::fill(bp + kk * nr, bp + (kk + 1) * nr, std::uint16_t{0});
      to_half(g.b + kk * g.ldb + j0, cols, bp + kk * nr);
    }
    for (int i0 = 0; i0 < g.m; i0 += mr) tile_rows<mr>(std::min(mr, g.m - i0), g, a16, i0, j0, cols, bp, sink);
  }
}

}  // namespace mpsim::kernels
