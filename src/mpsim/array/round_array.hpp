// SPDX-License-Identifier: MIT
// Rounding whole arrays into a format: the fast path of round_to_format, never a second
// definition. Every element gets exactly the bits, flags and events that the scalar core
// (convert) gives it; SIMD twins are picked at run time and tested bit for bit against it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "mpsim/array/isa.hpp"
#include "mpsim/format/format.hpp"
#include "mpsim/instrument/counters.hpp"
#include "mpsim/round/env.hpp"

namespace mpsim {

// Where stochastic rounding's random words come from: element i of the call uses
// stochastic_bits_for(seed, stream, first_index + i), so any split of an array into calls
// gives the same bits when first_index follows the split.
struct StochasticDraws {
  std::uint64_t seed = 0, stream = 0, first_index = 0;
};

// counts: one record(flags, events) per element, exactly as the scalar core reports it,
// summed (zero when counting was off); flags: the OR of every element's flags.
struct ArrayOutcome {
  EventCounts counts;
  std::uint8_t flags = 0;
};

// Rounds every element of `in` into format `to` under env. out[i] is the rounded value as a
// float (exact: every value of a format with p <= 24 and binary32's exponent range is a
// float; a NaN is to_float(to, result bits)). `in` and `out` are the same array or do not
// overlap. count = false skips the event counts (counts stay zero; flags are still returned).
// isa: the instruction set to use (default best_isa(); one this CPU lacks throws); formats
// without a SIMD kernel (all but binary16, bfloat16, E4M3, E5M2) take the portable loop.
// Throws std::invalid_argument when sizes differ or `to` cannot be held in a float.
ArrayOutcome round_array(const Format& to, const Env& env, std::span<const float> in, std::span<float> out,
                         const StochasticDraws& draws = {}, bool count = true, std::optional<Isa> isa = {});
// The same for float64 containers: any format whose values are doubles (binary32, binary64, ...).
// Always the portable loop (isa is only checked).
ArrayOutcome round_array(const Format& to, const Env& env, std::span<const double> in, std::span<double> out,
                         const StochasticDraws& draws = {}, bool count = true, std::optional<Isa> isa = {});

// The storage bits of the results, for formats of at most 16 bits (uint16_t) or 8 bits
// (uint8_t); `out` must not overlap `in`.
ArrayOutcome round_array_packed(const Format& to, const Env& env, std::span<const float> in,
                                std::span<std::uint16_t> out, const StochasticDraws& draws = {}, bool count = true,
                                std::optional<Isa> isa = {});
ArrayOutcome round_array_packed(const Format& to, const Env& env, std::span<const float> in,
                                std::span<std::uint8_t> out, const StochasticDraws& draws = {}, bool count = true,
                                std::optional<Isa> isa = {});

// Exact widening of storage bits of format `from` to float (to_float of each element).
void unpack_array(const Format& from, std::span<const std::uint16_t> in, std::span<float> out);
void unpack_array(const Format& from, std::span<const std::uint8_t> in, std::span<float> out);

}  // namespace mpsim
