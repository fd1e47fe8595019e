// SPDX-License-Identifier: MIT
// fp32-sequential, AVX-512 twin: a register-blocked GEMM in which every output element still
// adds its products in increasing k with one binary32 rounding each (vfmadd231ps), so each lane
// computes exactly fma(a[i][k], b[k][j], acc) in order: bit-identical to dot(). Compiled with
// -mavx512f -mavx512bw -mavx512vl -mavx512dq -mfma -ffp-contract=off (see CMakeLists.txt).
//
// Tile: R rows x 32 columns of accumulators (2 zmm per row), B packed into kc x 32 panels and
// the tile's A rows into one kc x mr panel (k-major: the R values of one k step are adjacent);
// k is cut into blocks of kc and the partial sums (exact binary32 values) pass through C between
// blocks, which changes nothing in any element's sequence of roundings. Packing and range
// buffers are per-thread scratch reused across calls (grown on demand, never shrunk).
#include <immintrin.h>

#include <algorithm>

#include "mpsim/tensor/kernels/gemm_tile.hpp"

namespace mpsim::kernels {
namespace {

constexpr int nr = 32;
constexpr int rows_values = 14;  // 28 accumulators + 2 B vectors + 1 broadcast = 31 zmm
constexpr int rows_counting = 6; // 12 accumulators + 12 error vectors + temporaries

__mmask16 lanes(int count) { return count >= 16 ? 0xFFFF : count <= 0 ? 0 : static_cast<__mmask16>((1u << count) - 1); }

// B[k0..k1)[j0 .. j0+cols) into a (k1 - k0) x 32 panel, zero-padded.
void pack_panel(const GemmView& g, int j0, int cols, int k0, int k1, float* panel) {
  const __mmask16 m0 = lanes(cols), m1 = lanes(cols - 16);
  for (int kk = k0; kk < k1; ++kk) {
    const float* src = g.b + kk * g.ldb + j0;
    _mm512_store_ps(panel + (kk - k0) * nr, _mm512_maskz_loadu_ps(m0, src));
    _mm512_store_ps(panel + (kk - k0) * nr + 16, _mm512_maskz_loadu_ps(m1, src + 16));
  }
}

// A[i0 .. i0+rows)[k0..k1) into a (k1 - k0) x stride panel: value (r, kk) at (kk - k0) * stride + r.
void pack_a(const GemmView& g, int i0, int rows, int k0, int k1, int stride, float* panel) {
  for (int r = 0; r < rows; ++r) {
    const float* src = g.a + (i0 + r) * g.lda;
    for (int kk = k0; kk < k1; ++kk) panel[(kk - k0) * stride + r] = src[kk];
  }
}

// k block: the B block (kc x 32 floats, 32 KiB) and the A rows' block (14 KiB) fit the 48 KiB L1.
constexpr int k_block() { return 256; }

// Lanes whose bounds and initial c let the kernel compute them (SafeBounds).
__mmask16 safe_lanes(const SafeBounds& s, int i, int j, __mmask16 valid, __m512 c) {
  const __m512i lo = _mm512_add_epi32(_mm512_set1_epi32(s.row_lo[i]), _mm512_maskz_loadu_epi32(valid, s.col_lo + j));
  const __m512i hi = _mm512_add_epi32(_mm512_set1_epi32(s.row_hi[i]), _mm512_maskz_loadu_epi32(valid, s.col_hi + j));
  __mmask16 ok = _mm512_mask_cmpge_epi32_mask(valid, lo, _mm512_set1_epi32(s.lo_min));
  ok = _mm512_mask_cmple_epi32_mask(ok, hi, _mm512_set1_epi32(s.hi_max));
  const __m512i bits = _mm512_castps_si512(c);
  const __m512i field = _mm512_srli_epi32(_mm512_and_si512(bits, _mm512_set1_epi32(0x7F800000)), 23);
  const __mmask16 zero = _mm512_testn_epi32_mask(bits, _mm512_set1_epi32(0x7FFFFFFF));
  const __mmask16 finite = _mm512_cmplt_epi32_mask(field, _mm512_set1_epi32(255));
  const __mmask16 big_enough = _mm512_cmpge_epi32_mask(_mm512_sub_epi32(field, _mm512_set1_epi32(127)),
                                                       _mm512_set1_epi32(s.c_exp_min));
  return ok & finite & (zero | big_enough);
}

__mmask16 finite_lanes(__m512 x) {
  const __m512i field = _mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32(0x7F800000));
  return _mm512_cmpneq_epi32_mask(field, _mm512_set1_epi32(0x7F800000));
}

void note_bad(TileSink& sink, const GemmView& g, int i, int j, __mmask16 bad) {
  for (int l = 0; l < 16; ++l) {
    if (bad >> l & 1) sink.bad.push_back(std::int64_t{i} * g.n + j + l);
  }
}

// What a tile keeps between k blocks, for the whole column range [col_begin, col_end) of this
// call (row stride `width`, a multiple of 32): the initial C (for elements left to dot()),
// which lanes are safe, and the counting kernel's error bits.
struct RangeState {
  int col_begin = 0, width = 0;
  float* c0 = nullptr;               // m x width (when k > kc)
  __mmask16* safe = nullptr;         // m x width / 16
  std::uint32_t* err = nullptr;      // m x width (counting only)
  std::size_t at(int i, int j) const { return static_cast<std::size_t>(i) * width + (j - col_begin); }
};

template <int R, bool Count>
void tile(const GemmView& g, int i0, int j0, int cols, int k0, int k1, const float* apanel, const float* panel,
          const SafeBounds& s, RangeState& st, TileSink& sink) {
  constexpr int stride = Count ? rows_counting : rows_values;
  const __mmask16 valid[2] = {lanes(cols), lanes(cols - 16)};
  const bool first = k0 == 0, last = k1 == g.k;
  __m512 acc[R][2];
  [[maybe_unused]] __m512i err[R][2];
  for (int r = 0; r < R; ++r) {
    for (int h = 0; h < 2; ++h) {
      acc[r][h] = _mm512_maskz_loadu_ps(valid[h], g.c + (i0 + r) * g.ldc + j0 + 16 * h);
      const std::size_t at = st.at(i0 + r, j0 + 16 * h);
      if (first && !last) _mm512_storeu_ps(st.c0 + at, acc[r][h]);
      if (first) st.safe[at / 16] = safe_lanes(s, i0 + r, j0 + 16 * h, valid[h], acc[r][h]);
      if constexpr (Count) {
        std::uint32_t* e = st.err + at;
        err[r][h] = first ? _mm512_setzero_si512() : _mm512_loadu_si512(e);
      }
    }
  }
  for (int kk = k0; kk < k1; ++kk) {
    const __m512 b0 = _mm512_load_ps(panel + (kk - k0) * nr);
    const __m512 b1 = _mm512_load_ps(panel + (kk - k0) * nr + 16);
    const float* ak = apanel + (kk - k0) * stride;
    for (int r = 0; r < R; ++r) {
      const __m512 av = _mm512_set1_ps(ak[r]);
      if constexpr (!Count) {
        acc[r][0] = _mm512_fmadd_ps(av, b0, acc[r][0]);
        acc[r][1] = _mm512_fmadd_ps(av, b1, acc[r][1]);
      } else {
        // s = RN(acc + p) with p exact (safe elements); the step is exact iff both
        // residuals (s - acc) - p and (s - p) - acc vanish: whichever of acc, p is larger in
        // magnitude makes its residual the exact rounding error (Fast2Sum), the other is 0
        // when the step was exact.
        for (int h = 0; h < 2; ++h) {
          const __m512 p = _mm512_mul_ps(av, h ? b1 : b0);
          const __m512 sum = _mm512_add_ps(acc[r][h], p);
          const __m512 e1 = _mm512_sub_ps(_mm512_sub_ps(sum, acc[r][h]), p);
          const __m512 e2 = _mm512_sub_ps(_mm512_sub_ps(sum, p), acc[r][h]);
          err[r][h] = _mm512_ternarylogic_epi32(err[r][h], _mm512_castps_si512(e1), _mm512_castps_si512(e2), 0xFE);
          acc[r][h] = sum;
        }
      }
    }
  }
  for (int r = 0; r < R; ++r) {
    for (int h = 0; h < 2; ++h) {
      float* dst = g.c + (i0 + r) * g.ldc + j0 + 16 * h;
      if (!last) {  // a partial sum, exact in binary32: the next k block goes on from it
        _mm512_mask_storeu_ps(dst, valid[h], acc[r][h]);
        if constexpr (Count) _mm512_storeu_si512(st.err + st.at(i0 + r, j0 + 16 * h), err[r][h]);
        continue;
      }
      const std::size_t at = st.at(i0 + r, j0 + 16 * h);
      const __mmask16 good = st.safe[at / 16] & finite_lanes(acc[r][h]);
      const __mmask16 bad = valid[h] & ~good;
      _mm512_mask_storeu_ps(dst, good, acc[r][h]);
      if (bad && !first) {  // put the initial value back for dot()
        _mm512_mask_storeu_ps(dst, bad, _mm512_loadu_ps(st.c0 + at));
      }
      if (bad) note_bad(sink, g, i0 + r, j0 + 16 * h, bad);
      if constexpr (Count) {
        const __mmask16 inexact = _mm512_test_epi32_mask(err[r][h], err[r][h]);
        const __m128i bytes = _mm_maskz_mov_epi8(inexact, _mm_set1_epi8(1));
        _mm_mask_storeu_epi8(sink.inexact + std::int64_t{i0 + r} * g.n + j0 + 16 * h, good, bytes);
      }
    }
  }
}

template <int R, bool Count>
void tile_rows(int rows, const GemmView& g, int i0, int j0, int cols, int k0, int k1, const float* apanel,
               const float* panel, const SafeBounds& s, RangeState& st, TileSink& sink) {
  if constexpr (R > 1) {
    if (rows < R) return tile_rows<R - 1, Count>(rows, g, i0, j0, cols, k0, k1, apanel, panel, s, st, sink);
  }
  tile<R, Count>(g, i0, j0, cols, k0, k1, apanel, panel, s, st, sink);
}

// Loop order (GotoBLAS-like): k blocks outermost; B[k block][range] packed once per block
// (kc x width, in L2); for each R-row block of A (packed, R x kc, stays in L1) all 32-column panels.
template <bool Count>
void run(const GemmView& g, int col_begin, int col_end, const SafeBounds& s, TileSink& sink) {
  constexpr int mr = Count ? rows_counting : rows_values;
  const int kc = k_block();
  const int panels = (col_end - col_begin + nr - 1) / nr;
  RangeState st;
  st.col_begin = col_begin, st.width = panels * nr;
  const std::size_t cells = static_cast<std::size_t>(g.m) * st.width;
  if (g.k > kc) st.c0 = scratch<float>(0, cells);
  st.safe = scratch<__mmask16>(1, cells / 16);
  if (Count) st.err = scratch<std::uint32_t>(2, cells);
  const std::size_t panel_floats = static_cast<std::size_t>(kc) * nr;
  float* storage = scratch<float>(3, panel_floats * panels + 16);
  float* packed = reinterpret_cast<float*>((reinterpret_cast<std::uintptr_t>(storage) + 63) & ~std::uintptr_t{63});
  float* apanel = scratch<float>(4, static_cast<std::size_t>(kc) * mr);
  for (int k0 = 0; k0 < g.k; k0 += kc) {
    const int k1 = std::min(g.k, k0 + kc);
    for (int p = 0; p < panels; ++p) {
      const int j0 = col_begin + p * nr;
      pack_panel(g, j0, std::min(nr, col_end - j0), k0, k1, packed + p * panel_floats);
    }
    for (int i0 = 0; i0 < g.m; i0 += mr) {
      const int rows = std::min(mr, g.m - i0);
      pack_a(g, i0, rows, k0, k1, mr, apanel);
      for (int p = 0; p < panels; ++p) {
        const int j0 = col_begin + p * nr;
        tile_rows<mr, Count>(rows, g, i0, j0, std::min(nr, col_end - j0), k0, k1, apanel,
                             packed + p * panel_floats, s, st, sink);
      }
    }
  }
}

}  // namespace

void fp32_sequential_avx512(const GemmView& g, int col_begin, int col_end, const SafeBounds& s, TileSink& sink) {
  if (sink.inexact) {
    run<true>(g, col_begin, col_end, s, sink);
  } else {
    run<false>(g, col_begin, col_end, s, sink);
  }
}

}  // namespace mpsim::kernels
