// SPDX-License-Identifier: MIT
// Float<F> operators (+, *, fma) through the thread's current Context, with counting off
// (Context::counters == nullptr) and on (inside a CounterScope): the cost of counting.
#include <optional>
#include <string>

#include "benchmarks.hpp"
#include "mpsim/format/named_formats.hpp"
#include "mpsim/scalar/context.hpp"
#include "mpsim/scalar/float.hpp"

namespace mpsim::bench {
namespace {

enum class Op { add, mul, fma };
constexpr std::string_view op_name(Op op) { return op == Op::add ? "add" : op == Op::mul ? "mul" : "fma"; }

template <const Format& F, Op op>
void bm_float(benchmark::State& state, Rounding mode, Dataset d, bool counting) {
  using V = Float<F>;
  auto load = [](std::uint64_t seed, Dataset data) {
    std::vector<V> v;
    for (std::uint64_t bits : to_format<std::uint64_t>(F, make_floats(data, seed))) v.push_back(V::from_bits(bits));
    return v;
  };
  const std::vector<V> a = load(seed_a, d), b = load(seed_b, d), c = load(seed_c, d);
  std::vector<V> sink(batch);

  Context context;
  context.env.rounding = mode;
  context.stochastic.seed = 42;
  ScopedContext use(context);
  CounterRegistry registry;
  std::optional<CounterScope> scope;
  if (counting) scope.emplace(registry, "bench");

  for (auto _ : state) {
    for (std::size_t i = 0; i < batch; ++i) {
      if constexpr (op == Op::add) sink[i] = a[i] + b[i];
      else if constexpr (op == Op::mul) sink[i] = a[i] * b[i];
      else sink[i] = fma(a[i], b[i], c[i]);
    }
    benchmark::DoNotOptimize(sink.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch));
  if (counting && registry.total().operations != static_cast<std::uint64_t>(state.iterations() * batch))
    state.SkipWithError("counter total does not match the number of operations");
}

template <const Format& F, Op op>
void add_float(Rounding mode, Dataset d, bool counting) {
  const std::string name = "Float/" + std::string(op_name(op)) + "/" + std::string(F.name) + "/" +
                           std::string(rounding_name(mode)) + "/" + std::string(dataset_name(d)) +
                           (counting ? "/count_on" : "/count_off");
  benchmark::RegisterBenchmark(name.c_str(),
                               [mode, d, counting](benchmark::State& s) { bm_float<F, op>(s, mode, d, counting); });
}

template <const Format& F>
void add_format(Dataset d) {
  for (bool counting : {false, true}) {
    add_float<F, Op::add>(Rounding::nearest_even, d, counting);
    add_float<F, Op::mul>(Rounding::nearest_even, d, counting);
    add_float<F, Op::fma>(Rounding::nearest_even, d, counting);
  }
  add_float<F, Op::add>(Rounding::stochastic, d, false);
  add_float<F, Op::mul>(Rounding::stochastic, d, false);
  add_float<F, Op::fma>(Rounding::stochastic, d, false);
}

}  // namespace

void register_scalar() {
  add_format<binary16>(Dataset::normal);
  add_format<binary16>(Dataset::gradient);
  add_format<bfloat16>(Dataset::normal);
  add_format<fp8_e4m3>(Dataset::normal);
  add_format<fp8_e5m2>(Dataset::normal);
}

}  // namespace mpsim::bench
