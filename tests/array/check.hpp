// SPDX-License-Identifier: MIT
// What the array tests share: the reference (the scalar core, element by element, written
// here without array/'s code), the environments and inputs they sweep, and the comparison
// of one round_array call against the reference: values bit for bit, flags and counts.
#pragma once

#include <catch2/catch.hpp>

#include <bit>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "mpsim/array/round_array.hpp"
#include "mpsim/format/named_formats.hpp"
#include "mpsim/ops/convert.hpp"
#include "mpsim/round/rounding_name.hpp"
#include "mpsim/round/stochastic.hpp"

namespace array_test {

using namespace mpsim;

// The formats with SIMD twins.
inline const Format* const simd_formats[] = {&binary16, &bfloat16, &fp8_e4m3, &fp8_e5m2};

inline constexpr Rounding all_roundings[] = {Rounding::nearest_even, Rounding::toward_zero, Rounding::upward,
                                             Rounding::downward,     Rounding::nearest_away, Rounding::to_odd,
                                             Rounding::stochastic};

std::string describe(const Env& env);

// Every rounding mode under the default Env, and under each Env option the kernels cover:
// FTZ, DAZ, both, tininess before rounding, canonical NaN, saturation, overflow = infinity,
// and (stochastic) fewer random bits.
std::vector<Env> envs_to_check();

// The scalar core's answer for every element.
struct Expected {
  std::vector<Result> results;
  EventCounts counts;
  std::uint8_t flags = 0;
};

inline Expected expected_from_core(const Format& to, const Env& env, std::span<const float> in,
                                   const StochasticDraws& draws = {}) {
  Expected e;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const std::uint32_t random = env.rounding == Rounding::stochastic
                                     ? stochastic_bits_for(draws.seed, draws.stream, draws.first_index + i)
                                     : 0;
    const Result r = convert(to, binary32, std::bit_cast<std::uint32_t>(in[i]), env, random);
    e.results.push_back(r);
    e.counts.record(r);
    e.flags |= r.flags;
  }
  return e;
}

// The first element whose output differs, as a line for the failure message, or "".
template <class Out, class Want>
std::string first_difference(std::span<const float> in, std::span<const Out> out, Want&& want_bits) {
  for (std::size_t i = 0; i < in.size(); ++i) {
    std::uint64_t got;
    if constexpr (sizeof(Out) == 4) {
      got = std::bit_cast<std::uint32_t>(out[i]);
    } else {
      got = out[i];
    }
    const std::uint64_t want = want_bits(i);
    if (got != want) {
      char line[160];
      std::snprintf(line, sizeof line, "element %zu: input %08X, expected %08llX, got %08llX", i,
                    std::bit_cast<std::uint32_t>(in[i]), static_cast<unsigned long long>(want),
                    static_cast<unsigned long long>(got));
      return line;
    }
  }
  return "";
}

// round_array (float out, out of place and in place, counting on and off) and
// round_array_packed under `isa` against the core.
inline void check_against_core(const Format& to, const Env& env, std::span<const float> in, Isa isa,
                               const StochasticDraws& draws = {}) {
  const Expected e = expected_from_core(to, env, in, draws);
  INFO("format " << to.name << ", " << describe(env) << ", isa " << isa_name(isa) << ", " << in.size()
                 << " elements, first_index " << draws.first_index);
  const auto want_float = [&](std::size_t i) -> std::uint64_t {
    return std::bit_cast<std::uint32_t>(to_float(to, e.results[i].bits));
  };
  const auto want_bits = [&](std::size_t i) { return e.results[i].bits; };

  std::vector<float> out(in.size());
  const ArrayOutcome counted = round_array(to, env, in, out, draws, true, isa);
  CHECK(first_difference<float>(in, out, want_float) == "");
  CHECK(counted.flags == e.flags);
  CHECK(counted.counts == e.counts);

  std::vector<float> in_place(in.begin(), in.end());
  const ArrayOutcome uncounted = round_array(to, env, in_place, in_place, draws, false, isa);
  CHECK(first_difference<float>(in, in_place, want_float) == "");
  CHECK(uncounted.flags == e.flags);
  CHECK(uncounted.counts == EventCounts{});

  if (to.storage_bits() == 16) {
    std::vector<std::uint16_t> packed(in.size());
    const ArrayOutcome p = round_array_packed(to, env, in, std::span<std::uint16_t>(packed), draws, true, isa);
    CHECK(first_difference<std::uint16_t>(in, packed, want_bits) == "");
    CHECK(p.counts == e.counts);
  } else if (to.storage_bits() == 8) {
    std::vector<std::uint8_t> packed(in.size());
    const ArrayOutcome p = round_array_packed(to, env, in, std::span<std::uint8_t>(packed), draws, true, isa);
    CHECK(first_difference<std::uint8_t>(in, packed, want_bits) == "");
    CHECK(p.counts == e.counts);
  }
}

// Floats at and around format `to`'s limits (see boundaries.cpp), padded to a multiple of 64
// so that every one goes through the SIMD kernels.
std::vector<float> boundary_inputs(const Format& to);
// n floats from a fixed seed: a third random bit patterns (all classes, NaN payloads), two
// thirds with exponents spread over and around `to`'s range.
std::vector<float> random_inputs(const Format& to, std::size_t n, std::uint64_t seed);

}  // namespace array_test

// Counts print as "operations/inexact/underflow/overflow/invalid/divide_by_zero |
// underflow_to_zero/subnormal/overflowed/nan_created/inputs_flushed" in failure messages.
template <>
struct Catch::StringMaker<mpsim::EventCounts> {
  static std::string convert(const mpsim::EventCounts& c) {
    return std::to_string(c.operations) + "/" + std::to_string(c.inexact) + "/" + std::to_string(c.underflow) + "/" +
           std::to_string(c.overflow) + "/" + std::to_string(c.invalid) + "/" + std::to_string(c.divide_by_zero) +
           " | " + std::to_string(c.underflow_to_zero) + "/" + std::to_string(c.subnormal_results) + "/" +
           std::to_string(c.overflowed) + "/" + std::to_string(c.nans_created) + "/" +
           std::to_string(c.inputs_flushed);
  }
};
