// SPDX-License-Identifier: MIT
// Test inputs for the oracle comparisons: the formats and environments under test, the
// interesting bit patterns of a format, and seeded generators of operands that favour
// cancellation, ties and the underflow/overflow boundaries.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "mpsim/format/format.hpp"
#include "mpsim/round/env.hpp"

namespace mpsim::cases {

// binary16, bfloat16, binary32, binary64, e4m3, e5m2, tf32, e3m4 and e4m4-sat-nosub.
std::vector<Format> formats_under_test();

// The rounding mode with the stochastic parameters it is tested with.
struct RoundingConfig {
  Rounding rounding = Rounding::nearest_even;
  int stochastic_bits = 32;
  std::uint32_t random = 0;
};
// Six deterministic modes (with a random word they must ignore) and stochastic rounding with
// several widths and random words, extreme ones included.
std::vector<RoundingConfig> rounding_configs();

// The other environment switches: tininess x FTZ x DAZ x NaN policy x overflow.
inline constexpr int env_combos = 48;
Env make_env(const RoundingConfig& rc, int combo);

// ±0, smallest/largest subnormal, smallest normal and neighbours, 1 and neighbours, largest
// finite and neighbours, half-ulp values, ±inf, quiet and signaling NaNs with payloads.
std::vector<std::uint64_t> interesting_patterns(const Format& f);

// Builds a pattern from its fields.
std::uint64_t pattern(const Format& f, bool sign, std::uint64_t exponent_field, std::uint64_t fraction);

// Seeded random operands of one format.
class Operands {
 public:
  Operands(const Format& f, std::uint64_t seed);

  std::uint64_t any();                                         // a mixture of all the below
  std::uint64_t uniform_bits();                                // every pattern equally likely
  std::uint64_t finite(int exp_lo, int exp_hi);                // finite, unbiased exponent in [lo, hi]
  std::uint64_t near_exponent(std::uint64_t ref, int spread);  // exponent within ±spread of ref's
  std::uint64_t near_value(std::uint64_t ref);                 // ref or -ref moved by a few ulps
  std::uint64_t special();                                     // zero, inf, NaN, extreme finite
  std::uint64_t fraction();                                    // fraction field favouring ties and carries
  std::uint64_t below(std::uint64_t ref);                      // far below ref: p+1 .. 3p+8 binades lower
  int unbiased_exponent(std::uint64_t bits) const;             // of a finite nonzero pattern
  std::mt19937_64& rng() { return rng_; }
  int pick(int n) { return static_cast<int>(rng_() % static_cast<std::uint64_t>(n)); }
  const Format& format() const { return f_; }

 private:
  Format f_;
  std::mt19937_64 rng_;
  std::vector<std::uint64_t> patterns_;
};

}  // namespace mpsim::cases
