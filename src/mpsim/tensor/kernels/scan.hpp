// SPDX-License-Identifier: MIT
// One pass over a float matrix before a product: is every value representable in its format,
// and the per-row / per-column exponent bounds the kernels' SafeBounds need. Plain integer code
// on the binary32 bits (compiled once portable, once with AVX-512 so that it vectorises).
//
//   binary32:  S EEEEEEEE MMMMMMMMMMMMMMMMMMMMMMM    value = 1.M * 2^(E-127), or 0.M * 2^-126
#pragma once

#include <cstdint>

#include "mpsim/tensor/kernels/gemm_tile.hpp"

namespace mpsim::kernels {

// What the scan needs to know of a format whose values are all floats (p <= 24, emin >= -126).
struct FloatLimits {
  int precision = 24;
  int emin = -126;
  int emax = 127;
  std::uint32_t max_significand = 0xFFFFFF;  // largest p-bit significand at emax
  bool subnormals = true;
  bool infinities = true;
  bool nan = true;
};

struct ScanOutput {
  std::int32_t* row_lo = nullptr;  // per row: min over nonzero entries of the exponent of their last bit
  std::int32_t* row_hi = nullptr;  // per row: max exponent of the entries
  std::int32_t* col_lo = nullptr;
  std::int32_t* col_hi = nullptr;
};

// The first row holding a value not representable in f, or -1. Bounds (where asked):
// zero entries count as lo = +big_exponent, hi = -big_exponent; inf/NaN as lo = -big, hi = +big.
std::int64_t scan_portable(const FloatLimits& f, const float* x, int rows, int cols, std::int64_t ld,
                           const ScanOutput& out);
std::int64_t scan_avx512(const FloatLimits& f, const float* x, int rows, int cols, std::int64_t ld,
                         const ScanOutput& out);

// The shared body, included by the two compilation units above.
inline std::int64_t scan_body(const FloatLimits& f, const float* x, int rows, int cols, std::int64_t ld,
                              const ScanOutput& out) {
  if (out.col_lo) {
    for (int c = 0; c < cols; ++c) out.col_lo[c] = big_exponent, out.col_hi[c] = -big_exponent;
  }
  std::int64_t first_bad = -1;
  for (int r = 0; r < rows; ++r) {
    const auto* u = reinterpret_cast<const std::uint32_t*>(x + r * ld);
    std::int32_t row_lo = big_exponent, row_hi = -big_exponent;
    std::uint32_t any_bad = 0;
    for (int c = 0; c < cols; ++c) {
      const std::uint32_t bits = u[c];
      const std::int32_t field = static_cast<std::int32_t>((bits >> 23) & 0xFF);
      const std::uint32_t man = bits & 0x7FFFFF;
      const bool special = field == 255;
      const bool zero = (bits & 0x7FFFFFFF) == 0;
      const std::int32_t e = field == 0 ? -127 : field - 127;        // float subnormals lie below 2^-126
      const std::uint32_t full = field == 0 ? man : (man | 0x800000);  // 24-bit significand
      const std::int32_t float_lsb = field == 0 ? -149 : field - 150;
      const std::int32_t need_lsb = (e > f.emin ? e : f.emin) - (f.precision - 1);
      std::int32_t drop = need_lsb - float_lsb;
      drop = drop < 0 ? 0 : drop > 31 ? 31 : drop;
      const bool finite_ok = (full & ((1u << drop) - 1)) == 0 && e <= f.emax &&
                             (e < f.emax || (full >> (24 - f.precision)) <= f.max_significand) &&
                             (f.subnormals || e >= f.emin);
      const bool special_ok = man != 0 ? f.nan : f.infinities;
      const bool ok = zero || (special ? special_ok : finite_ok);
      any_bad |= !ok;
      const std::int32_t lo = zero ? big_exponent : special ? -big_exponent : need_lsb;
      const std::int32_t hi = zero ? -big_exponent : special ? big_exponent : e;
      row_lo = lo < row_lo ? lo : row_lo;
      row_hi = hi > row_hi ? hi : row_hi;
      if (out.col_lo) {
        out.col_lo[c] = lo < out.col_lo[c] ? lo : out.col_lo[c];
        out.col_hi[c] = hi > out.col_hi[c] ? hi : out.col_hi[c];
      }
    }
    if (out.row_lo) out.row_lo[r] = row_lo, out.row_hi[r] = row_hi;
    if (any_bad && first_bad < 0) first_bad = r;
  }
  return first_bad;
}

}  // namespace mpsim::kernels
