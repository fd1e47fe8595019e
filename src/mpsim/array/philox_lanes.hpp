// SPDX-License-Identifier: MIT
// Philox4x32-10 (round/stochastic.hpp) for V::width consecutive blocks at once, one block per
// lane, and the transpose that lays the 4 words of each block out in index order: the random
// words stochastic_bits_for gives indices 4 * first_block ... 4 * (first_block + width) - 1.
// Include only from a file compiled for V's instruction set.
#pragma once

#include <cstdint>

namespace mpsim::array_detail {
namespace {

// The ten round keys of Philox4x32-10 for one seed, as lane constants.
template <class V>
struct PhiloxKeys {
  typename V::U k0[10], k1[10];
  explicit PhiloxKeys(std::uint64_t seed) {
    std::uint32_t a = static_cast<std::uint32_t>(seed), b = static_cast<std::uint32_t>(seed >> 32);
    for (int round = 0; round < 10; ++round) {
      k0[round] = V::set1(a);
      k1[round] = V::set1(b);
      a += 0x9E3779B9u;  // Weyl constants of philox4x32_10
      b += 0xBB67AE85u;
    }
  }
};

// out[k] lane j = stochastic_bits_for(seed, stream, 4 * first_block + k * width + j).
template <class V>
[[gnu::always_inline]] inline void philox_lanes(const PhiloxKeys<V>& keys, std::uint64_t stream,
                                                std::uint64_t first_block, typename V::U out[4]) {
  using U = typename V::U;
  constexpr std::uint32_t mul0 = 0xD2511F53u, mul1 = 0xCD9E8D57u;
  // Counter: (block low, block high, stream low, stream high); the low word may wrap inside
  // the vector, carrying into the high word.
  const U low = V::add(V::set1(static_cast<std::uint32_t>(first_block)), V::lane_index());
  const U carry = V::zero_where(V::m_not(V::lt_u(low, V::set1(static_cast<std::uint32_t>(first_block)))), V::set1(1));
  U c0 = low;
  U c1 = V::add(V::set1(static_cast<std::uint32_t>(first_block >> 32)), carry);
  U c2 = V::set1(static_cast<std::uint32_t>(stream));
  U c3 = V::set1(static_cast<std::uint32_t>(stream >> 32));
  for (int round = 0; round < 10; ++round) {
    U hi0, lo0, hi1, lo1;
    V::mul_hi_lo(c0, mul0, hi0, lo0);
    V::mul_hi_lo(c2, mul1, hi1, lo1);
    c0 = V::xor_(V::xor_(hi1, c1), keys.k0[round]);
    c1 = lo1;
    c2 = V::xor_(V::xor_(hi0, c3), keys.k1[round]);
    c3 = lo0;
  }
  V::interleave4(c0, c1, c2, c3, out);
}

}  // namespace
}  // namespace mpsim::array_detail
