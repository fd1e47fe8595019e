// SPDX-License-Identifier: MIT
// The specification of array rounding: a loop over the scalar core, element i converted by
// convert(to, from, in[i], env, stochastic_bits_for(seed, stream, first_index + i)) and
// recorded once. The SIMD kernels must give exactly this.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>

#include "mpsim/array/round_array.hpp"
#include "mpsim/format/named_formats.hpp"
#include "mpsim/ops/convert.hpp"
#include "mpsim/round/stochastic.hpp"

namespace mpsim::array_detail {

// The bit pattern of a native float or double.
inline std::uint64_t bits_of(float x) { return std::bit_cast<std::uint32_t>(x); }
inline std::uint64_t bits_of(double x) { return std::bit_cast<std::uint64_t>(x); }
inline const Format& format_of(float) { return binary32; }
inline const Format& format_of(double) { return binary64; }

// What the container of out holds: the value widened exactly, or the storage bits.
inline void store(const Format& to, std::uint64_t bits, float& out) { out = to_float(to, bits); }
inline void store(const Format& to, std::uint64_t bits, double& out) { out = to_double(to, bits); }
inline void store(const Format&, std::uint64_t bits, std::uint16_t& out) { out = static_cast<std::uint16_t>(bits); }
inline void store(const Format&, std::uint64_t bits, std::uint8_t& out) { out = static_cast<std::uint8_t>(bits); }

// Rounds in[i] into out[i] for i in [begin, end) and records into `outcome`. `in` and `out`
// may be the same array.
template <class In, class Out>
void round_portable(const Format& to, const Env& env, const In* in, Out* out, std::size_t begin, std::size_t end,
                    const StochasticDraws& draws, bool count, ArrayOutcome& outcome) {
  const Format& from = format_of(In{});
  const bool stochastic = env.rounding == Rounding::stochastic;
  for (std::size_t i = begin; i < end; ++i) {
    const std::uint32_t random = stochastic ? stochastic_bits_for(draws.seed, draws.stream, draws.first_index + i) : 0;
    const Result r = convert(to, from, bits_of(in[i]), env, random);
    store(to, r.bits, out[i]);
    outcome.flags |= r.flags;
    if (count) outcome.counts.record(r);
  }
}

}  // namespace mpsim::array_detail
