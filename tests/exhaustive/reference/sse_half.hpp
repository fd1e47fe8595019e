// SPDX-License-Identifier: MIT
// Hardware binary16 references with MXCSR flags: F16C vcvtph2ps and 8-lane vcvtps2ph, and
// AVX512-FP16 scalar and 32-lane arithmetic. Inline asm only, so no -m flags: check has_*()
// before use.
#pragma once

#include <emmintrin.h>

#include <array>
#include <cstdint>

#include "reference/mxcsr.hpp"
#include "reference/target.hpp"

namespace reference {

inline bool has_f16c() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("f16c");
}
inline bool has_avx512fp16() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512fp16");
}

// binary16 -> binary32 by vcvtph2ps (exact; an SNaN is quieted and raises invalid). MXCSR is
// left with rounding `d`, the caller's direction.
inline Rounded f16c_to_binary32(std::uint16_t x, Direction d) {
  const std::uint32_t csr = mxcsr_for(d);
  std::uint32_t out, status;
  asm volatile(
      "ldmxcsr %[csr]\n\t"
      "vmovd %[x], %%xmm0\n\t"
      "vcvtph2ps %%xmm0, %%xmm1\n\t"
      "vmovd %%xmm1, %[out]\n\t"
      "stmxcsr %[status]"
      : [out] "=r"(out), [status] "=m"(status)
      : [x] "r"(std::uint32_t{x}), [csr] "m"(csr)
      : "xmm0", "xmm1");
  return {out, flags_from_mxcsr(status)};
}

enum class HalfOp { add, sub, mul, div, sqrt };

// One AVX512-FP16 scalar instruction a op b (sqrt: of b) under MXCSR rounding `d`. The three
// volatile asm statements keep their order. AT&T operand order: "vsubsh b, a, r" is r = a - b.
template <HalfOp op>
inline Rounded avx512fp16_op(std::uint16_t a, std::uint16_t b, Direction d) {
  const std::uint32_t csr = mxcsr_for(d);
  const __m128i va = _mm_cvtsi32_si128(a), vb = _mm_cvtsi32_si128(b);
  __m128i r;
  std::uint32_t status;
  asm volatile("ldmxcsr %0" : : "m"(csr));
  if constexpr (op == HalfOp::add) asm volatile("vaddsh %2, %1, %0" : "=x"(r) : "x"(va), "x"(vb));
  if constexpr (op == HalfOp::sub) asm volatile("vsubsh %2, %1, %0" : "=x"(r) : "x"(va), "x"(vb));
  if constexpr (op == HalfOp::mul) asm volatile("vmulsh %2, %1, %0" : "=x"(r) : "x"(va), "x"(vb));
  if constexpr (op == HalfOp::div) asm volatile("vdivsh %2, %1, %0" : "=x"(r) : "x"(va), "x"(vb));
  if constexpr (op == HalfOp::sqrt) asm volatile("vsqrtsh %2, %1, %0" : "=x"(r) : "x"(va), "x"(vb));
  asm volatile("stmxcsr %0" : "=m"(status));
  return {static_cast<std::uint64_t>(_mm_cvtsi128_si32(r)) & 0xFFFF, flags_from_mxcsr(status)};
}

// 32 lanes at once: r[i] = a[i] op b[i] (add, sub, mul, div) under MXCSR rounding `d`.
// Returns the OR of the lanes' flags (MXCSR flags are shared by the lanes). Each variant is
// one asm statement, so nothing runs between its instructions; zmm0-2 are clobbered (the
// test code is built without -mavx, so no live value sits in a zmm upper half).
template <HalfOp op>
inline std::uint8_t avx512fp16_op32(const std::array<std::uint16_t, 32>& a, const std::array<std::uint16_t, 32>& b,
                                    std::array<std::uint16_t, 32>& r, Direction d) {
  const std::uint32_t csr = mxcsr_for(d);
  std::uint32_t status;
  if constexpr (op == HalfOp::add) {
    asm volatile(
        "ldmxcsr %[csr]\n\tvmovdqu16 %[a], %%zmm0\n\tvmovdqu16 %[b], %%zmm1\n\t"
        "vaddph %%zmm1, %%zmm0, %%zmm2\n\t"
        "vmovdqu16 %%zmm2, %[r]\n\tstmxcsr %[status]\n\tvzeroupper"
        : [r] "=m"(r), [status] "=m"(status) : [a] "m"(a), [b] "m"(b), [csr] "m"(csr) : "xmm0", "xmm1", "xmm2");
  } else if constexpr (op == HalfOp::sub) {
    asm volatile(
        "ldmxcsr %[csr]\n\tvmovdqu16 %[a], %%zmm0\n\tvmovdqu16 %[b], %%zmm1\n\t"
        "vsubph %%zmm1, %%zmm0, %%zmm2\n\t"
        "vmovdqu16 %%zmm2, %[r]\n\tstmxcsr %[status]\n\tvzeroupper"
        : [r] "=m"(r), [status] "=m"(status) : [a] "m"(a), [b] "m"(b), [csr] "m"(csr) : "xmm0", "xmm1", "xmm2");
  } else if constexpr (op == HalfOp::mul) {
    asm volatile(
        "ldmxcsr %[csr]\n\tvmovdqu16 %[a], %%zmm0\n\tvmovdqu16 %[b], %%zmm1\n\t"
        "vmulph %%zmm1, %%zmm0, %%zmm2\n\t"
        "vmovdqu16 %%zmm2, %[r]\n\tstmxcsr %[status]\n\tvzeroupper"
        : [r] "=m"(r), [status] "=m"(status) : [a] "m"(a), [b] "m"(b), [csr] "m"(csr) : "xmm0", "xmm1", "xmm2");
  } else {
    static_assert(op == HalfOp::div);
    asm volatile(
        "ldmxcsr %[csr]\n\tvmovdqu16 %[a], %%zmm0\n\tvmovdqu16 %[b], %%zmm1\n\t"
        "vdivph %%zmm1, %%zmm0, %%zmm2\n\t"
        "vmovdqu16 %%zmm2, %[r]\n\tstmxcsr %[status]\n\tvzeroupper"
        : [r] "=m"(r), [status] "=m"(status) : [a] "m"(a), [b] "m"(b), [csr] "m"(csr) : "xmm0", "xmm1", "xmm2");
  }
  return flags_from_mxcsr(status);
}

// 8 lanes at once: binary32 -> binary16 by vcvtps2ph (F16C, ymm) with rounding `d` in the
// immediate (and in MXCSR, which is left so). Returns the OR of the lanes' flags.
template <Direction d>
inline std::uint8_t f16c_from_binary32_x8(const std::array<std::uint32_t, 8>& x, std::array<std::uint16_t, 8>& r) {
  const std::uint32_t csr = mxcsr_for(d);
  std::uint32_t status;
  asm volatile(
      "ldmxcsr %[csr]\n\t"
      "vmovdqu %[x], %%ymm0\n\t"
      "vcvtps2ph %[imm], %%ymm0, %[r]\n\t"
      "stmxcsr %[status]\n\t"
      "vzeroupper"
      : [r] "=m"(r), [status] "=m"(status)
      : [x] "m"(x), [csr] "m"(csr), [imm] "i"(static_cast<int>(d))
      : "xmm0");
  return flags_from_mxcsr(status);
}

}  // namespace reference
