// SPDX-License-Identifier: MIT
// What every benchmark file shares: the batch size, the two input data sets, and the
// functions that register each family of benchmarks.
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mpsim/format/format.hpp"
#include "mpsim/ops/convert.hpp"
#include "mpsim/round/status.hpp"
#include "mpsim/round/env.hpp"
#include "mpsim/round/rounding_name.hpp"

namespace mpsim::bench {

// Elements processed per benchmark iteration; items/s counts elements.
inline constexpr std::size_t batch = 4096;

enum class Dataset {
  normal,    // N(0, 1)
  gradient,  // random sign, log2 |x| uniform in [-40, 20]: fp16 underflows and goes subnormal
  constant,  // one value drawn from N(0, 1) repeated: every branch goes the same way
};
// The data sets every kernel runs on; `constant` is used only by a few control benchmarks.
inline constexpr Dataset datasets[] = {Dataset::normal, Dataset::gradient};
std::string_view dataset_name(Dataset d);

// `batch` float32 values of data set d, the same for every run with the same seed.
std::vector<float> make_floats(Dataset d, std::uint64_t seed);
// Operands a, b, c of every benchmark use these seeds.
inline constexpr std::uint64_t seed_a = 1, seed_b = 2, seed_c = 3;

// The floats rounded to nearest-even into format f (format default overflow), stored as T.
template <class T>
std::vector<T> to_format(const Format& f, std::span<const float> x) {
  std::vector<T> bits(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) bits[i] = static_cast<T>(from_float(f, x[i]).bits);
  return bits;
}

// The modes the op benchmarks run: the default, one directed mode, stochastic.
inline constexpr Rounding bench_modes[] = {Rounding::nearest_even, Rounding::toward_zero, Rounding::stochastic};

// Reports, outside the timed loop, what share of one batch's results (in format `out`)
// underflowed to zero, were subnormal, overflowed, or are NaN (created or propagated):
// benchmark counters uflow, subn, ovfl, nan.
void report_events(benchmark::State& state, const Format& out, std::span<const Result> results);

void register_native();
void register_ops();
void register_convert();
void register_scalar();
void register_train();

}  // namespace mpsim::bench
