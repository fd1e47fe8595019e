// SPDX-License-Identifier: MIT
// Counter-based random numbers for data/: every draw is a pure function of (seed, stream, index),
// computed by Philox4x32-10 (round/stochastic.hpp), so a value never depends on how many were
// drawn before, on the thread count, or on the standard library. The distributions are ours
// (std::*_distribution outputs differ between libstdc++, libc++ and MSVC) and use only +, -, *
// and exact conversions, so they give the same bits on any IEEE-754 platform.
#pragma once

#include <cstdint>

#include "mpsim/round/stochastic.hpp"

namespace mpsim::data {

// Stream ids: the purpose in the high 32 bits, a sub-stream (epoch, ...) in the low 32.
enum class RandomPurpose : std::uint32_t {
  shuffle = 1,
  spirals_noise = 2,
  teacher_weights = 3,
  teacher_inputs = 4,
  teacher_noise = 5,
};
constexpr std::uint64_t random_stream(RandomPurpose purpose, std::uint32_t sub = 0) {
  return std::uint64_t{static_cast<std::uint32_t>(purpose)} << 32 | sub;
}

// 64 random bits: Philox4x32-10 with counter (index lo, index hi, stream lo, stream hi) and key
// (seed lo, seed hi); words 0 and 1 of the output, word 1 high.
constexpr std::uint64_t random_u64(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
  const auto out = philox4x32_10(
      {static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(index >> 32), static_cast<std::uint32_t>(stream),
       static_cast<std::uint32_t>(stream >> 32)},
      {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)});
  return std::uint64_t{out[1]} << 32 | out[0];
}

// Uniform in [0, 1) on the grid k * 2^-53: the top 53 of the 64 bits.
constexpr double random_uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
  return static_cast<double>(random_u64(seed, stream, index) >> 11) * 0x1p-53;
}

// Uniform integer in [0, n), n >= 1: floor(bits * n / 2^64) (Lemire's multiply-shift without
// rejection; the bias is below n / 2^64, under 2^-32 for any n < 2^32).
constexpr std::uint64_t random_below(std::uint64_t n, std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
  return static_cast<std::uint64_t>((static_cast<unsigned __int128>(random_u64(seed, stream, index)) * n) >> 64);
}

// Approximately standard normal: the Irwin-Hall sum of 12 uniforms minus 6 (mean 0, variance 1,
// support [-6, 6]). Draw `index` uses the uniforms 12 * index .. 12 * index + 11 of the stream,
// summed in that order; every partial sum is a multiple of 2^-53 below 2^4, hence exact.
constexpr double random_normal(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
  double sum = 0.0;  // accumulator: double, exact (see above)
  for (std::uint64_t k = 0; k < 12; ++k) sum += random_uniform(seed, stream, 12 * index + k);
  return sum - 6.0;
}

}  // namespace mpsim::data
