// SPDX-License-Identifier: MIT
// The operand triples of the fma validation, a pure function of the case index (host and device
// alike, so the host tests check the generator). Random words: Philox4x32-10 with key
// fma_seed and counter (index low, index high, 0, 0), four 32-bit words per case.
//
//   index < 2^30            uniform: a, b, c uniform over all bit patterns (NaN, inf, subnormals included)
//   index >= 2^30, by index mod 4:
//     0 cancelling: c = -(a*b rounded to nearest) moved by -2..+2 in its last bits (near-total cancellation)
//     1 spread:     c's exponent = the product's exponent + d, d in [-(p+3), p+3] (sticky and tie cases)
//     2 tiny:       the product near or below the subnormal range, c subnormal or smallest normal
//     3 huge:       the product near the overflow threshold, c large of either sign
#pragma once

#include <cstdint>

#include "mpsim/format/format.hpp"
#include "mpsim/ops/mul.hpp"
#include "mpsim/round/stochastic.hpp"

namespace mpsim::cuda {

inline constexpr std::uint64_t fma_seed = 0x6D7073696D666D61ull;  // "mpsimfma"
inline constexpr std::uint64_t fma_uniform_cases = std::uint64_t{1} << 30;
inline constexpr std::uint64_t fma_adversarial_cases = std::uint64_t{1} << 30;

enum class TripleKind : std::uint8_t { uniform, cancelling, spread, tiny, huge };

struct Triple {
  std::uint32_t a = 0, b = 0, c = 0;
};

MPSIM_HD constexpr TripleKind triple_kind(std::uint64_t index) {
  if (index < fma_uniform_cases) return TripleKind::uniform;
  return static_cast<TripleKind>(1 + index % 4);
}

namespace detail {

// S | E | F from a sign, a biased exponent (clamped to [0, top]) and fraction bits (masked).
MPSIM_HD constexpr std::uint32_t pack_fields(const Format& f, bool sign, int biased, std::uint32_t fraction, int top) {
  biased = biased < 0 ? 0 : biased > top ? top : biased;
  return static_cast<std::uint32_t>((sign ? f.sign_mask() : 0) | (static_cast<std::uint64_t>(biased) << f.fraction_bits) |
                                    (fraction & f.fraction_mask()));
}
MPSIM_HD constexpr int biased_exponent(const Format& f, std::uint32_t bits) {
  return static_cast<int>((bits & f.exponent_mask()) >> f.fraction_bits);
}
// An integer in [lo, hi] from a random word.
MPSIM_HD constexpr int in_range(std::uint32_t r, int lo, int hi) {
  return lo + static_cast<int>(r % static_cast<std::uint32_t>(hi - lo + 1));
}

}  // namespace detail

// Case `index` for format f (binary16 or bfloat16; any IEEE-style format with inf and NaN).
MPSIM_HD constexpr Triple fma_triple(const Format& f, std::uint64_t index) {
  using namespace detail;
  const auto r = philox4x32_10({static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(index >> 32), 0, 0},
                               {static_cast<std::uint32_t>(fma_seed), static_cast<std::uint32_t>(fma_seed >> 32)});
  const auto mask = static_cast<std::uint32_t>(f.storage_mask());
  const int finite_top = f.exponent_field_max() - 1;  // largest biased exponent of a finite value
  const int p = f.precision();
  Triple t{r[0] & mask, r[1] & mask, r[2] & mask};
  switch (triple_kind(index)) {
    case TripleKind::uniform: break;
    case TripleKind::cancelling: {
      // Finite a, b (exponents kept off the top binade); c = -round(a*b) nudged in its last bits.
      t.a = pack_fields(f, r[0] >> 31, biased_exponent(f, t.a) % (finite_top + 1), r[0], finite_top);
      t.b = pack_fields(f, r[1] >> 31, biased_exponent(f, t.b) % (finite_top + 1), r[1], finite_top);
      const Env env{};
      const std::uint32_t product = static_cast<std::uint32_t>(mul(f, t.a, t.b, env).bits);
      const int nudge = in_range(r[3], -2, 2);
      t.c = (static_cast<std::uint32_t>(product ^ f.sign_mask()) + static_cast<std::uint32_t>(nudge)) & mask;
      break;
    }
    case TripleKind::spread: {
      t.a = pack_fields(f, r[0] >> 31, biased_exponent(f, t.a) % (finite_top + 1), r[0], finite_top);
      t.b = pack_fields(f, r[1] >> 31, biased_exponent(f, t.b) % (finite_top + 1), r[1], finite_top);
      const int product_exp = biased_exponent(f, t.a) + biased_exponent(f, t.b) - f.bias;
      t.c = pack_fields(f, r[2] >> 31, product_exp + in_range(r[3], -(p + 3), p + 3), r[2], finite_top);
      break;
    }
    case TripleKind::tiny: {
      // Product exponent (biased) in [-(p+1), 2]: at, below or just above the normal range.
      const int ea = in_range(r[3], 0, f.bias);
      const int target = in_range(r[3] >> 16, -(p + 1), 2);
      t.a = pack_fields(f, r[0] >> 31, ea, r[0], finite_top);
      t.b = pack_fields(f, r[1] >> 31, target - ea + f.bias, r[1], finite_top);
      t.c = pack_fields(f, r[2] >> 31, in_range(r[2] >> 8, 0, 1), r[2], finite_top);
      break;
    }
    case TripleKind::huge: {
      // Product exponent (biased) in [top - 1, top + 1]: just below, at and above overflow.
      const int ea = in_range(r[3], f.bias, finite_top);
      const int target = in_range(r[3] >> 16, finite_top - 1, finite_top + 1);
      t.a = pack_fields(f, r[0] >> 31, ea, r[0], finite_top);
      t.b = pack_fields(f, r[1] >> 31, target - ea + f.bias, r[1], finite_top);
      t.c = pack_fields(f, r[2] >> 31, in_range(r[2] >> 8, finite_top - p, finite_top), r[2], finite_top);
      break;
    }
  }
  return t;
}

}  // namespace mpsim::cuda
