// SPDX-License-Identifier: MIT
// Array rounding (src/mpsim/array/) against a memcpy of the same array, one thread, in the
// same run: `array/memcpy_f32` and `array/round_f32_FORMAT_MODE[/VARIANT]` pair up by name.
// Registered at static-initialisation time, so bench/main.cpp needs no change.
#include <cmath>
#include <cstring>
#include <string>

#include "benchmarks.hpp"
#include "mpsim/array/round_array.hpp"
#include "mpsim/format/named_formats.hpp"

namespace mpsim::bench {
namespace {

// 2^24 float32 elements (64 MiB): far beyond the caches, so both memcpy and rounding stream
// from and to memory.
constexpr std::size_t array_size = std::size_t{1} << 24;

// Element i: sign and magnitude from SplitMix64(i); log2 |x| uniform in [-28.5, 19.875].
// For binary16 (normal from 2^-14, overflow at 65520 < 2^16) that puts 14.5 / 48.375 = 30.0%
// of the values below 2^-14 (underflow to zero or subnormal) and 3.875 / 48.375 = 8.0% above
// 2^16 (overflow).
std::uint64_t splitmix64(std::uint64_t i) {
  std::uint64_t z = i * 0x9E3779B97F4A7C15ull + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

const std::vector<float>& rounding_data() {
  static const std::vector<float> data = [] {
    std::vector<float> x(array_size);
    for (std::size_t i = 0; i < array_size; ++i) {
      const std::uint64_t r = splitmix64(i);
      const double u = static_cast<double>(r >> 11) * 0x1p-53;
      const double magnitude = std::exp2(-28.5 + 48.375 * u);
      x[i] = static_cast<float>((r & 1) ? -magnitude : magnitude);
    }
    return x;
  }();
  return data;
}

void bm_memcpy(benchmark::State& state) {
  const std::vector<float>& in = rounding_data();
  std::vector<float> out(in.size(), 1.0f);  // touched once, so no page faults are timed
  for (auto _ : state) {
    std::memcpy(out.data(), in.data(), in.size() * sizeof(float));
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * in.size()));
}

enum class Output { f32, packed };

template <class Storage>
ArrayOutcome round_once(const Format& f, const Env& env, const std::vector<float>& in, std::vector<Storage>& out,
                        std::uint64_t first_index, bool count, Isa isa) {
  const StochasticDraws draws{.seed = 42, .stream = 0, .first_index = first_index};
  if constexpr (std::is_same_v<Storage, float>) {
    return round_array(f, env, in, out, draws, count, isa);
  } else {
    return round_array_packed(f, env, in, std::span<Storage>(out), draws, count, isa);
  }
}

template <class Storage>
void bm_round(benchmark::State& state, const Format& f, Rounding mode, bool count, Isa isa) {
  const std::vector<float>& in = rounding_data();
  std::vector<Storage> out(in.size(), Storage{1});
  const Env env{.rounding = mode};
  std::uint64_t first_index = 0;
  ArrayOutcome outcome;
  for (auto _ : state) {
    outcome = round_once(f, env, in, out, first_index, count, isa);
    first_index += in.size();  // fresh draws each time, as a training loop would take
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * in.size()));
  // The data's shares of events in format f (from the last call when counting, else one more).
  if (!count) outcome = round_once(f, env, in, out, 0, true, isa);
  const double n = static_cast<double>(in.size());
  state.counters["uflow"] = static_cast<double>(outcome.counts.underflow_to_zero) / n;
  state.counters["subn"] = static_cast<double>(outcome.counts.subnormal_results) / n;
  state.counters["ovfl"] = static_cast<double>(outcome.counts.overflowed) / n;
}

struct Case {
  const Format* format;
  Rounding mode;
};

void register_array_rounding() {
  benchmark::RegisterBenchmark("array/memcpy_f32", bm_memcpy)->Unit(benchmark::kMillisecond);
  const Case cases[] = {
      {&binary16, Rounding::nearest_even}, {&binary16, Rounding::toward_zero}, {&binary16, Rounding::stochastic},
      {&bfloat16, Rounding::nearest_even}, {&bfloat16, Rounding::stochastic}, {&fp8_e4m3, Rounding::nearest_even},
      {&fp8_e5m2, Rounding::nearest_even}, {&fp8_e4m3, Rounding::stochastic},
  };
  const Isa best = best_isa();
  for (const Case& c : cases) {
    const std::string name =
        "array/round_f32_" + std::string(c.format->name) + "_" + std::string(rounding_name(c.mode));
    const Format* f = c.format;
    const Rounding mode = c.mode;
    benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& s) { bm_round<float>(s, *f, mode, true, best); })
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark((name + "/count_off").c_str(),
                                 [=](benchmark::State& s) { bm_round<float>(s, *f, mode, false, best); })
        ->Unit(benchmark::kMillisecond);
    if (f->storage_bits() == 16) {
      benchmark::RegisterBenchmark((name + "/packed").c_str(), [=](benchmark::State& s) {
        bm_round<std::uint16_t>(s, *f, mode, true, best);
      })->Unit(benchmark::kMillisecond);
    } else {
      benchmark::RegisterBenchmark((name + "/packed").c_str(), [=](benchmark::State& s) {
        bm_round<std::uint8_t>(s, *f, mode, true, best);
      })->Unit(benchmark::kMillisecond);
    }
  }
  // The other instruction sets on binary16, nearest-even and stochastic.
  for (Isa isa : available_isas()) {
    if (isa == best) continue;
    for (Rounding mode : {Rounding::nearest_even, Rounding::stochastic}) {
      const std::string name = "array/round_f32_binary16_" + std::string(rounding_name(mode)) + "/" +
                               std::string(isa_name(isa));
      benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& s) {
        bm_round<float>(s, binary16, mode, true, isa);
      })->Unit(benchmark::kMillisecond);
    }
  }
}

// Registered before main() runs Google Benchmark's command line.
const bool registered = (register_array_rounding(), true);

}  // namespace
}  // namespace mpsim::bench
