// SPDX-License-Identifier: MIT
// The baseline: native float32 add, mul, fma (std::fma), div and float -> double conversion over
// the same data sets, measured in the same run as the mpsim kernels.
#include <cmath>
#include <string>

#include "benchmarks.hpp"

namespace mpsim::bench {
namespace {

template <class Kernel>
void bm_native(benchmark::State& state, Dataset d, Kernel kernel) {
  const std::vector<float> a = make_floats(d, seed_a), b = make_floats(d, seed_b), c = make_floats(d, seed_c);
  std::vector<decltype(kernel(0.0f, 0.0f, 0.0f))> sink(batch);
  for (auto _ : state) {
    for (std::size_t i = 0; i < batch; ++i) sink[i] = kernel(a[i], b[i], c[i]);
    benchmark::DoNotOptimize(sink.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch));
}

template <class Kernel>
void add_native(std::string_view op, Kernel kernel) {
  for (Dataset d : datasets) {
    const std::string name = "native/" + std::string(op) + "/" + std::string(dataset_name(d));
    benchmark::RegisterBenchmark(name.c_str(), [d, kernel](benchmark::State& s) { bm_native(s, d, kernel); });
  }
}

// std::fma compiled for a CPU with FMA and AVX2: an inlined, vectorised vfmadd, for comparison
// with the default x86-64 target above, where std::fma is a call into libm.
[[gnu::target("avx2,fma")]] void bm_native_fma_avx2(benchmark::State& state, Dataset d) {
  const std::vector<float> a = make_floats(d, seed_a), b = make_floats(d, seed_b), c = make_floats(d, seed_c);
  std::vector<float> sink(batch);
  for (auto _ : state) {
    for (std::size_t i = 0; i < batch; ++i) sink[i] = std::fma(a[i], b[i], c[i]);
    benchmark::DoNotOptimize(sink.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch));
}

}  // namespace

void register_native() {
  add_native("add", [](float a, float b, float) { return a + b; });
  add_native("mul", [](float a, float b, float) { return a * b; });
  add_native("fma", [](float a, float b, float c) { return std::fma(a, b, c); });
  add_native("div", [](float a, float b, float) { return a / b; });
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    for (Dataset d : datasets) {
      const std::string name = "native/fma_avx2/" + std::string(dataset_name(d));
      benchmark::RegisterBenchmark(name.c_str(), [d](benchmark::State& s) { bm_native_fma_avx2(s, d); });
    }
  add_native("float_to_double", [](float a, float, float) { return static_cast<double>(a); });
}

}  // namespace mpsim::bench
