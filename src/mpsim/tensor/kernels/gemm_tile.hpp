// SPDX-License-Identifier: MIT
// What the matmul driver hands its SIMD kernels: one product C += A * B (row-major floats), a
// range of columns to do, and per-row / per-column exponent bounds that say which elements the
// kernel may compute itself. A kernel leaves an element it may not do ("bad") untouched in C and
// appends its index i * n + j to `bad`; the driver then calls dot() for it. Kernels never round
// differently from dot(): each is a twin of one model, tested element by element.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mpsim::kernels {

// Per-thread scratch memory that only grows: reused by later calls on the same thread (no
// allocation, no fresh pages); its contents on entry are whatever the last call left. `slot`
// (0 .. scratch_slots - 1) tells one kernel's buffers apart; alignment 16 bytes. Defined in
// scratch.cpp, compiled without ISA flags, so the per-ISA kernel files instantiate no library
// code (std::vector) that the linker could pick for generic callers.
inline constexpr int scratch_slots = 8;
void* scratch_bytes(int slot, std::size_t bytes);
template <class T>
[[gnu::always_inline]] inline T* scratch(int slot, std::size_t count) {
  return static_cast<T*>(scratch_bytes(slot, count * sizeof(T)));
}

struct GemmView {
  int m = 0, n = 0, k = 0;
  const float* a = nullptr;
  std::int64_t lda = 0;
  const float* b = nullptr;
  std::int64_t ldb = 0;
  float* c = nullptr;
  std::int64_t ldc = 0;
};

// Element (i, j) is "safe" (the kernel may compute it) when
//   row_lo[i] + col_lo[j] >= lo_min,  row_hi[i] + col_hi[j] <= hi_max,
//   C[i][j] is finite and (C[i][j] == 0 or its float exponent >= c_exp_min),
// and its computed result is finite. lo: lower bound of the exponent of the last bit of any
// nonzero entry; hi: largest exponent of an entry. An all-zero row has lo = +big, hi = -big;
// a row with inf/NaN has lo = -big, hi = +big (never safe).
struct SafeBounds {
  const std::int32_t* row_lo = nullptr;
  const std::int32_t* row_hi = nullptr;
  const std::int32_t* col_lo = nullptr;
  const std::int32_t* col_hi = nullptr;
  std::int32_t lo_min = 0;
  std::int32_t hi_max = 0;
  std::int32_t c_exp_min = 0;
};
inline constexpr std::int32_t big_exponent = 1 << 20;

struct TileSink {
  std::vector<std::int64_t> bad;        // elements left to dot(), in the order found
  std::uint8_t* inexact = nullptr;      // counting kernels: m x n map (row stride n), 1 = some step inexact
};

// fp32-sequential: c = fma(a[i][kk], b[kk][j], c) for kk = 0, 1, ... (one rounding to binary32
// per step, nearest-even). With sink.inexact set, products are formed separately (exact for
// safe elements) and every step's rounding error is tested (two Fast2Sum residuals).
void fp32_sequential_avx512(const GemmView& g, int col_begin, int col_end, const SafeBounds& s, TileSink& sink);
void fp32_sequential_avx2(const GemmView& g, int col_begin, int col_end, const SafeBounds& s, TileSink& sink);

// fp16-accumulate with binary16 inputs: acc = RNE_binary16(acc + a*b) in one rounding per step
// (AVX512-FP16 vfmadd231ph). With sink.inexact set, each step is also checked in binary32.
void fp16_accumulate_avx512fp16(const GemmView& g, int col_begin, int col_end, const SafeBounds& s,
                                TileSink& sink);

// The sm_90 tensor-core block chain (FACTS.md 8) with binary16/bfloat16 inputs; with
// sink.inexact set, every truncation and block rounding is checked for dropped bits.
struct TensorCoreParams {
  int in_emin = 0;          // emin of the input format: a subnormal input counts with this exponent
  int acc_emin = 0;         // the same for the accumulator
  int exponent_floor = 0;   // E is at least this
  bool fp16_output = false; // false: binary32 output rounded toward zero; true: binary16, nearest-even
};
void sm90_avx512(const GemmView& g, int col_begin, int col_end, const SafeBounds& s, const TensorCoreParams& p,
                 TileSink& sink);

}  // namespace mpsim::kernels
