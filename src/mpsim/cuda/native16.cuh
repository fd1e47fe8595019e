// SPDX-License-Identifier: MIT
// The two 16-bit CUDA types and the mpsim format each one is, with bit-exact moves between the
// type and its 16-bit pattern (held in a uint32 as the sweeps carry it).
#pragma once

#include <cstdint>

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "mpsim/format/named_formats.hpp"

namespace mpsim::cuda {

template <class T>
struct Native16;

template <>
struct Native16<__half> {
  static constexpr Format format() { return binary16; }
  static constexpr const char* name = "fp16";
  __device__ static __half from_bits(std::uint32_t b) { return __ushort_as_half(static_cast<unsigned short>(b)); }
  __device__ static std::uint32_t bits(__half h) { return __half_as_ushort(h); }
};

template <>
struct Native16<__nv_bfloat16> {
  static constexpr Format format() { return bfloat16; }
  static constexpr const char* name = "bf16";
  __device__ static __nv_bfloat16 from_bits(std::uint32_t b) {
    return __ushort_as_bfloat16(static_cast<unsigned short>(b));
  }
  __device__ static std::uint32_t bits(__nv_bfloat16 h) { return __bfloat16_as_ushort(h); }
};

__device__ inline std::uint32_t float_bits(float x) { return __float_as_uint(x); }
__device__ inline float float_from_bits(std::uint32_t b) { return __uint_as_float(b); }

}  // namespace mpsim::cuda
