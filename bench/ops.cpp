// SPDX-License-Identifier: MIT
// mpsim add, mul and fma called as plain functions with an explicit Env, for binary16,
// bfloat16, E4M3 and E5M2 under nearest-even, toward-zero and stochastic rounding; div for
// binary16 and bfloat16; control variants (run-time format, constant data, Philox alone).
#include <string>

#include "benchmarks.hpp"
#include "mpsim/format/named_formats.hpp"
#include "mpsim/ops/ops.hpp"
#include "mpsim/round/stochastic.hpp"
#include "mpsim/scalar/float.hpp"

namespace mpsim::bench {
namespace {

enum class Op { add, mul, fma, div };
constexpr std::string_view op_name(Op op) {
  constexpr std::string_view names[] = {"add", "mul", "fma", "div"};
  return names[static_cast<int>(op)];
}

template <Op op>
[[gnu::always_inline]] inline Result apply(const Format& f, const Env& env, std::uint64_t a, std::uint64_t b,
                                           std::uint64_t c, std::uint32_t r) {
  if constexpr (op == Op::add) return add(f, a, b, env, r);
  else if constexpr (op == Op::mul) return mul(f, a, b, env, r);
  else if constexpr (op == Op::fma) return fma(f, a, b, c, env, r);
  else return div(f, a, b, env, r);
}

// One batch of `op` in format f per iteration. Always inlined, so `f` is a compile-time
// constant when the caller passes a named format (as user code does); the runtime_format
// variants pass a copy the compiler cannot see through.
template <Op op, class T>
[[gnu::always_inline]] inline void bm_op(benchmark::State& state, const Format& f, Env env, Dataset d) {
  const std::vector<T> a = to_format<T>(f, make_floats(d, seed_a));
  const std::vector<T> b = to_format<T>(f, make_floats(d, seed_b));
  const std::vector<T> c = to_format<T>(f, make_floats(d, seed_c));
  std::vector<T> sink(batch);
  benchmark::DoNotOptimize(env);  // the rounding mode is a run-time value, as in user code
  std::uint64_t index = 0;        // stochastic draws continue across iterations
  if (env.rounding == Rounding::stochastic) {
    for (auto _ : state) {
      for (std::size_t i = 0; i < batch; ++i)
        sink[i] = static_cast<T>(apply<op>(f, env, a[i], b[i], c[i], stochastic_bits_for(42, 0, index++)).bits);
      benchmark::DoNotOptimize(sink.data());
      benchmark::ClobberMemory();
    }
  } else {
    for (auto _ : state) {
      for (std::size_t i = 0; i < batch; ++i) sink[i] = static_cast<T>(apply<op>(f, env, a[i], b[i], c[i], 0).bits);
      benchmark::DoNotOptimize(sink.data());
      benchmark::ClobberMemory();
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch));
  std::vector<Result> results(batch);
  for (std::size_t i = 0; i < batch; ++i)
    results[i] = apply<op>(f, env, a[i], b[i], c[i], stochastic_bits_for(42, 0, i));
  report_events(state, f, results);
}

template <const Format& F, Op op>
void add_op(Rounding mode, Dataset d) {
  using T = typename Float<F>::storage_type;
  const std::string name = "mpsim/" + std::string(op_name(op)) + "/" + std::string(F.name) + "/" +
                           std::string(rounding_name(mode)) + "/" + std::string(dataset_name(d));
  benchmark::RegisterBenchmark(name.c_str(),
                               [mode, d](benchmark::State& s) { bm_op<op, T>(s, F, Env{.rounding = mode}, d); });
}

template <const Format& F>
void add_format() {
  for (Rounding mode : bench_modes)
    for (Dataset d : datasets) {
      add_op<F, Op::add>(mode, d);
      add_op<F, Op::mul>(mode, d);
      add_op<F, Op::fma>(mode, d);
    }
}

// The same kernels with the format hidden from the optimiser: the cost of generic code.
template <Op op>
[[gnu::noinline]] void bm_runtime_format(benchmark::State& state, Format f) {
  benchmark::DoNotOptimize(f);
  bm_op<op, std::uint16_t>(state, f, Env{}, Dataset::normal);
}

void bm_philox(benchmark::State& state) {
  std::vector<std::uint32_t> sink(batch);
  std::uint64_t index = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < batch; ++i) sink[i] = stochastic_bits_for(42, 0, index++);
    benchmark::DoNotOptimize(sink.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch));
}

}  // namespace

void register_ops() {
  add_format<binary16>();
  add_format<bfloat16>();
  add_format<fp8_e4m3>();
  add_format<fp8_e5m2>();
  for (Dataset d : datasets) {
    add_op<binary16, Op::div>(Rounding::nearest_even, d);
    add_op<bfloat16, Op::div>(Rounding::nearest_even, d);
  }
  // Control: the same value in every element, so every data-dependent branch is predictable.
  add_op<binary16, Op::add>(Rounding::nearest_even, Dataset::constant);
  add_op<binary16, Op::mul>(Rounding::nearest_even, Dataset::constant);
  add_op<binary16, Op::fma>(Rounding::nearest_even, Dataset::constant);
  benchmark::RegisterBenchmark("mpsim/add/binary16/nearest_even/normal/runtime_format",
                               [](benchmark::State& s) { bm_runtime_format<Op::add>(s, binary16); });
  benchmark::RegisterBenchmark("mpsim/mul/binary16/nearest_even/normal/runtime_format",
                               [](benchmark::State& s) { bm_runtime_format<Op::mul>(s, binary16); });
  benchmark::RegisterBenchmark("mpsim/fma/binary16/nearest_even/normal/runtime_format",
                               [](benchmark::State& s) { bm_runtime_format<Op::fma>(s, binary16); });
  benchmark::RegisterBenchmark("mpsim/philox4x32_10/draw", bm_philox);
}

}  // namespace mpsim::bench
