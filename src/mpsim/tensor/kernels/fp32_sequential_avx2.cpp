// SPDX-License-Identifier: MIT
// fp32-sequential, AVX2 twin of fp32_sequential_avx512.cpp: the same per-lane arithmetic
// (vfmadd231ps in increasing k, or the counting variant's Fast2Sum residuals) on 8 lanes.
// Tile: R rows x 16 columns (2 ymm per row), B packed into k x 16 panels. Compiled with
// -mavx2 -mfma -ffp-contract=off.
#include <immintrin.h>

#include <algorithm>
#include <bit>

#include "mpsim/tensor/kernels/gemm_tile.hpp"

namespace mpsim::kernels {
namespace {

constexpr int nr = 16;
constexpr int rows_values = 6;    // 12 accumulators + 2 B vectors + 1 broadcast = 15 ymm
constexpr int rows_counting = 3;  // 6 accumulators + 6 error vectors + temporaries

bool lane_safe(const SafeBounds& s, int i, int j, float c) {
  const auto bits = std::bit_cast<std::uint32_t>(c);
  const int field = static_cast<int>(bits >> 23 & 0xFF);
  const bool c_ok = field != 255 && ((bits & 0x7FFFFFFF) == 0 || field - 127 >= s.c_exp_min);
  return c_ok && s.row_lo[i] + s.col_lo[j] >= s.lo_min && s.row_hi[i] + s.col_hi[j] <= s.hi_max;
}

template <int R, bool Count>
void tile(const GemmView& g, int i0, int j0, int cols, const float* panel, const SafeBounds& s, TileSink& sink) {
  alignas(32) float cin[R][nr] = {};
  for (int r = 0; r < R; ++r) std::copy_n(g.c + (i0 + r) * g.ldc + j0, cols, cin[r]);
  __m256 acc[R][2];
  [[maybe_unused]] __m256 err[R][2];
  const float* arow[R];
  for (int r = 0; r < R; ++r) {
    arow[r] = g.a + (i0 + r) * g.lda;
    for (int h = 0; h < 2; ++h) {
      acc[r][h] = _mm256_load_ps(cin[r] + 8 * h);
      if constexpr (Count) err[r][h] = _mm256_setzero_ps();
    }
  }
  for (int kk = 0; kk < g.k; ++kk) {
    const __m256 b0 = _mm256_load_ps(panel + kk * nr);
    const __m256 b1 = _mm256_load_ps(panel + kk * nr + 8);
    for (int r = 0; r < R; ++r) {
      const __m256 av = _mm256_broadcast_ss(arow[r] + kk);
      if constexpr (!Count) {
        acc[r][0] = _mm256_fmadd_ps(av, b0, acc[r][0]);
        acc[r][1] = _mm256_fmadd_ps(av, b1, acc[r][1]);
      } else {
        for (int h = 0; h < 2; ++h) {  // see fp32_sequential_avx512.cpp
          const __m256 p = _mm256_mul_ps(av, h ? b1 : b0);
          const __m256 sum = _mm256_add_ps(acc[r][h], p);
          const __m256 e1 = _mm256_sub_ps(_mm256_sub_ps(sum, acc[r][h]), p);
          const __m256 e2 = _mm256_sub_ps(_mm256_sub_ps(sum, p), acc[r][h]);
          err[r][h] = _mm256_or_ps(err[r][h], _mm256_or_ps(e1, e2));
          acc[r][h] = sum;
        }
      }
    }
  }
  for (int r = 0; r < R; ++r) {
    alignas(32) float out[nr];
    alignas(32) std::uint32_t e[nr] = {};
    _mm256_store_ps(out, acc[r][0]);
    _mm256_store_ps(out + 8, acc[r][1]);
    if constexpr (Count) {
      _mm256_store_ps(reinterpret_cast<float*>(e), err[r][0]);
      _mm256_store_ps(reinterpret_cast<float*>(e) + 8, err[r][1]);
    }
    for (int l = 0; l < cols; ++l) {
      const int i = i0 + r, j = j0 + l;
      const bool finite = (std::bit_cast<std::uint32_t>(out[l]) & 0x7F800000) != 0x7F800000;
      if (finite && lane_safe(s, i, j, cin[r][l])) {
        g.c[i * g.ldc + j] = out[l];
        if constexpr (Count) sink.inexact[std::int64_t{i} * g.n + j] = e[l] != 0;
      } else {
        sink.bad.push_back(std::int64_t{i} * g.n + j);
      }
    }
  }
}

template <int R, bool Count>
void tile_rows(int rows, const GemmView& g, int i0, int j0, int cols, const float* panel, const SafeBounds& s,
               TileSink& sink) {
  if constexpr (R > 1) {
    if (rows < R) return tile_rows<R - 1, Count>(rows, g, i0, j0, cols, panel, s, sink);
  }
  tile<R, Count>(g, i0, j0, cols, panel, s, sink);
}

template <bool Count>
void run(const GemmView& g, int col_begin, int col_end, const SafeBounds& s, TileSink& sink) {
  constexpr int mr = Count ? rows_counting : rows_values;
  float* storage = scratch<float>(0, static_cast<std::size_t>(g.k) * nr + 8);
  float* panel = reinterpret_cast<float*>((reinterpret_cast<std::uintptr_t>(storage) + 31) & ~std::uintptr_t{31});
  for (int j0 = col_begin; j0 < col_end; j0 += nr) {
    const int cols = std::min(nr, col_end - j0);
    for (int kk = 0; kk < g.k; ++kk) {
      std::fill_n(panel + kk * nr, nr, 0.0f);
      std::copy_n(g.b + kk * g.ldb + j0, cols, panel + kk * nr);
    }
    for (int i0 = 0; i0 < g.m; i0 += mr) tile_rows<mr, Count>(std::min(mr, g.m - i0), g, i0, j0, cols, panel, s, sink);
  }
}

}  // namespace

void fp32_sequential_avx2(const GemmView& g, int col_begin, int col_end, const SafeBounds& s, TileSink& sink) {
  if (sink.inexact) {
    run<true>(g, col_begin, col_end, s, sink);
  } else {
    run<false>(g, col_begin, col_end, s, sink);
  }
}

}  // namespace mpsim::kernels
