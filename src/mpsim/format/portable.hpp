// SPDX-License-Identifier: MIT
// MPSIM_HD marks the core's functions: host-and-device under nvcc (the CUDA backend runs the
// same code), and always inlined so that a constant Format folds into constants. This is
// the project's one macro. count_leading_zeros is std::countl_zero that also works on the device.
#pragma once

#include <bit>
#include <cstdint>
#include <type_traits>

#if defined(__CUDACC__)
#define MPSIM_HD __host__ __device__ __forceinline__
#else
#define MPSIM_HD [[gnu::always_inline]] inline
#endif

namespace mpsim {

// std::countl_zero for 64 bits, also in device code: nvcc compiles libstdc++'s builtin-based
// std::countl_zero in device code to the constant 64 (seen with CUDA 13.0), so device code
// uses the clz instruction, or a loop where the value is needed at compile time.
MPSIM_HD constexpr int count_leading_zeros(std::uint64_t x) {
#if defined(__CUDA_ARCH__)
  if (!std::is_constant_evaluated()) return __clzll(static_cast<long long>(x));
  int n = 0;
  for (std::uint64_t bit = std::uint64_t{1} << 63; bit != 0 && (x & bit) == 0; bit >>= 1) ++n;
  return n;
#else
  return std::countl_zero(x);
#endif
}

}  // namespace mpsim
