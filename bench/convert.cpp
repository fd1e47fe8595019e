// SPDX-License-Identifier: MIT
// Conversions: float32 -> binary16, bfloat16, E4M3, E5M2 (from_float) under nearest-even,
// toward-zero and stochastic rounding, binary16 -> float32 (to_float, exact), and the
// float32 -> binary16 -> float32 round trip that FACTS.md 4 reports for SoftFloat and F16C.
#include <string>

#include "benchmarks.hpp"
#include "mpsim/format/named_formats.hpp"
#include "mpsim/ops/convert.hpp"
#include "mpsim/round/stochastic.hpp"
#include "mpsim/scalar/float.hpp"

namespace mpsim::bench {
namespace {

template <const Format& F>
void bm_from_float(benchmark::State& state, Env env, Dataset d) {
  using T = typename Float<F>::storage_type;
  const std::vector<float> x = make_floats(d, seed_a);
  std::vector<T> sink(batch);
  benchmark::DoNotOptimize(env);
  std::uint64_t index = 0;
  if (env.rounding == Rounding::stochastic) {
    for (auto _ : state) {
      for (std::size_t i = 0; i < batch; ++i)
        sink[i] = static_cast<T>(from_float(F, x[i], env, stochastic_bits_for(42, 0, index++)).bits);
      benchmark::DoNotOptimize(sink.data());
      benchmark::ClobberMemory();
    }
  } else {
    for (auto _ : state) {
      for (std::size_t i = 0; i < batch; ++i) sink[i] = static_cast<T>(from_float(F, x[i], env).bits);
      benchmark::DoNotOptimize(sink.data());
      benchmark::ClobberMemory();
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch));
  std::vector<Result> results(batch);
  for (std::size_t i = 0; i < batch; ++i) results[i] = from_float(F, x[i], env, stochastic_bits_for(42, 0, i));
  report_events(state, F, results);
}

void bm_fp16_to_float(benchmark::State& state, Dataset d) {
  const std::vector<std::uint16_t> x = to_format<std::uint16_t>(binary16, make_floats(d, seed_a));
  std::vector<float> sink(batch);
  for (auto _ : state) {
    for (std::size_t i = 0; i < batch; ++i) sink[i] = to_float(binary16, x[i]);
    benchmark::DoNotOptimize(sink.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch));
}

void bm_fp16_round_trip(benchmark::State& state, Dataset d) {
  const std::vector<float> x = make_floats(d, seed_a);
  std::vector<float> sink(batch);
  for (auto _ : state) {
    for (std::size_t i = 0; i < batch; ++i) sink[i] = to_float(binary16, from_float(binary16, x[i]).bits);
    benchmark::DoNotOptimize(sink.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch));
}

template <const Format& F>
void add_from_float() {
  for (Rounding mode : bench_modes)
    for (Dataset d : datasets) {
      const std::string name = "mpsim/from_float/" + std::string(F.name) + "/" + std::string(rounding_name(mode)) +
                               "/" + std::string(dataset_name(d));
      benchmark::RegisterBenchmark(name.c_str(),
                                   [mode, d](benchmark::State& s) { bm_from_float<F>(s, Env{.rounding = mode}, d); });
    }
}

}  // namespace

void register_convert() {
  add_from_float<binary16>();
  add_from_float<bfloat16>();
  add_from_float<fp8_e4m3>();
  add_from_float<fp8_e5m2>();
  for (Dataset d : datasets) {
    const std::string name = "mpsim/to_float/binary16/" + std::string(dataset_name(d));
    benchmark::RegisterBenchmark(name.c_str(), [d](benchmark::State& s) { bm_fp16_to_float(s, d); });
  }
  for (Dataset d : datasets) {
    const std::string name = "mpsim/round_trip/binary16/nearest_even/" + std::string(dataset_name(d));
    benchmark::RegisterBenchmark(name.c_str(), [d](benchmark::State& s) { bm_fp16_round_trip(s, d); });
  }
}

}  // namespace mpsim::bench
