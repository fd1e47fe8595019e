// SPDX-License-Identifier: MIT
// Log2Histogram::record throughput (items/s = values binned) on the two benchmark data sets and
// on a tensor of the benchmark MLP's fc1 weight size (200,704 values, one layer's weight
// gradient). Registered statically: BENCHMARK_CAPTURE needs no call from main.cpp.
#include <benchmark/benchmark.h>

#include <vector>

#include "benchmarks.hpp"
#include "mpsim/instrument/log2_histogram.hpp"

namespace mpsim::bench {
namespace {

void log2_histogram_record(benchmark::State& state, Dataset d) {
  std::vector<float> x;
  const auto copies = static_cast<std::size_t>(state.range(0));
  const std::vector<float> one = make_floats(d, seed_a);
  for (std::size_t c = 0; c < copies; ++c) x.insert(x.end(), one.begin(), one.end());
  Log2Histogram h;
  for (auto _ : state) {
    h.record(x);
    benchmark::DoNotOptimize(h);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(x.size()));
}

BENCHMARK_CAPTURE(log2_histogram_record, normal, Dataset::normal)->Arg(1)->Arg(49);
BENCHMARK_CAPTURE(log2_histogram_record, gradient, Dataset::gradient)->Arg(1)->Arg(49);

}  // namespace
}  // namespace mpsim::bench
