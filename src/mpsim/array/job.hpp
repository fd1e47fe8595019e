// SPDX-License-Identifier: MIT
// What the dispatcher hands an instruction-set kernel, and what the kernel hands back: plain
// data only, so the per-ISA translation units share no inline code with the rest of mpsim.
#pragma once

#include <cstddef>
#include <cstdint>

#include "mpsim/round/env.hpp"

namespace mpsim::array_detail {

// The formats with SIMD twins (float32 inputs).
enum class Target : std::uint8_t { binary16, bfloat16, e4m3, e5m2 };
// What the kernel writes: the value as a float, or the storage bits.
enum class Sink : std::uint8_t { f32, u16, u8 };

// Elements per kernel step: 4 vectors of the widest ISA, i.e. 16 Philox blocks of 4 words.
inline constexpr std::size_t step = 64;

struct Job {
  const float* in = nullptr;
  void* out = nullptr;
  std::size_t n = 0;  // a multiple of `step`
  Target target = Target::binary16;
  Sink sink = Sink::f32;
  Rounding rounding = Rounding::nearest_even;
  bool count = true;
  // The Env options the kernels cover (tininess either way, both NaN policies, any overflow
  // policy, any stochastic_bits).
  bool flush_to_zero = false, denormals_are_zero = false, tininess_before = false;
  bool canonical_nan = false, saturate = false;
  int stochastic_bits = 32;
  bool plain = true;  // all of the above at their defaults (Env{} apart from the rounding mode)
  // binary16 in an IEEE direction under the default Env options, and MXCSR's DAZ and FTZ are
  // clear: the hardware conversion (vcvtps2ph) may give the bits.
  bool hardware_binary16 = false;
  // Float output at a 64-byte aligned address, too large to stay in cache: non-temporal stores.
  bool streaming_stores = false;
  std::uint64_t seed = 0, stream = 0;
  std::uint64_t first_block = 0;  // Philox block of element 0 (its index is 4 * first_block)
};

// Summed over the job's elements; `operations` and `divide_by_zero` are implied.
struct Tally {
  std::uint64_t inexact = 0, underflow = 0, overflow = 0, invalid = 0;
  std::uint64_t underflow_to_zero = 0, subnormal_results = 0, overflowed = 0, nans_created = 0, inputs_flushed = 0;
  std::uint8_t flags = 0;
};

// Kernels for one instruction set; `unpack` widens n storage words (any n that is a
// multiple of `step`) of a Target to float.
Tally round_avx2(const Job& job);
Tally round_avx512(const Job& job);
// bfloat16 in an IEEE direction with no FTZ, DAZ, tininess before rounding or saturation
// (either NaN policy): integer rounding of the float's bits (bfloat16_avx512.cpp,
// bfloat16_avx2.cpp).
Tally round_bfloat16_avx512(const Job& job);
Tally round_bfloat16_avx2(const Job& job);
void unpack_avx2(Target from, Sink storage, const void* in, float* out, std::size_t n);
void unpack_avx512(Target from, Sink storage, const void* in, float* out, std::size_t n);

}  // namespace mpsim::array_detail
