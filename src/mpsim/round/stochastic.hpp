// SPDX-License-Identifier: MIT
// Counter-based random bits for stochastic rounding: Philox4x32-10 (Salmon et al., SC'11,
// "Parallel random numbers: as easy as 1, 2, 3") keyed by (seed, stream, index), so the
// bits drawn for element i never depend on thread count or call order.
#pragma once

#include <array>
#include <cstdint>

namespace mpsim {

// Philox4x32 with 10 rounds: counter (4 x 32 bits) and key (2 x 32 bits) -> 4 x 32 bits.
constexpr std::array<std::uint32_t, 4> philox4x32_10(std::array<std::uint32_t, 4> ctr,
                                                     std::array<std::uint32_t, 2> key) {
  constexpr std::uint32_t mul0 = 0xD2511F53u, mul1 = 0xCD9E8D57u;
  constexpr std::uint32_t weyl0 = 0x9E3779B9u, weyl1 = 0xBB67AE85u;
  for (int round = 0; round < 10; ++round) {
    const std::uint64_t p0 = std::uint64_t{mul0} * ctr[0];
    const std::uint64_t p1 = std::uint64_t{mul1} * ctr[2];
    ctr = {static_cast<std::uint32_t>(p1 >> 32) ^ ctr[1] ^ key[0], static_cast<std::uint32_t>(p1),
           static_cast<std::uint32_t>(p0 >> 32) ^ ctr[3] ^ key[1], static_cast<std::uint32_t>(p0)};
    key = {key[0] + weyl0, key[1] + weyl1};
  }
  return ctr;
}

// 32 random bits for draw `index` of `stream` under `seed`. One Philox call serves four
// consecutive indices: index i is word i % 4 of the block with counter (i / 4, stream), so
// SIMD code (array/) draws four elements' bits per call; index 0 is still word 0 of counter 0.
constexpr std::uint32_t stochastic_bits_for(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
  const std::uint64_t block = index / 4;
  const auto out = philox4x32_10(
      {static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32),
       static_cast<std::uint32_t>(stream), static_cast<std::uint32_t>(stream >> 32)},
      {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)});
  return out[index % 4];
}

}  // namespace mpsim
