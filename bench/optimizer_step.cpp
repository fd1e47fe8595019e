// SPDX-License-Identifier: MIT
// One optimizer step over the parameters of the benchmark MLP (784-256-128-100-10: 247,766
// values in 8 tensors), counters on, per policy and optimizer: what the update costs next to
// an epoch (469 steps). Registered statically: BENCHMARK_CAPTURE needs no call from main.cpp.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "mpsim/tensor/elementwise.hpp"
#include "mpsim/train/optimizer.hpp"

namespace mpsim::bench {
namespace {

void optimizer_step(benchmark::State& state, const char* policy_name, train::OptimizerKind kind) {
  const train::PrecisionPolicy policy = train::precision_policy(policy_name);
  const std::vector<Shape> shapes{{256, 784}, {256}, {128, 256}, {128}, {100, 128}, {100}, {10, 100}, {10}};
  std::mt19937 rng(1);
  std::normal_distribution<float> dist(0.0f, 0.05f);
  std::vector<nn::Parameter> parameters;
  Context setup;
  std::int64_t count = 0;
  for (std::size_t k = 0; k < shapes.size(); ++k) {
    std::vector<float> w(element_count(shapes[k])), g(w.size());
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = dist(rng), g[i] = dist(rng) * 0.01f;
    std::string name = "p";
    name += std::to_string(k);  // appended: GCC 12 warns falsely (-Wrestrict) on "p" + std::string
    parameters.push_back({name, tensor_from_floats(*policy.parameters, shapes[k], w, setup),
                          tensor_from_floats(*policy.layers.weight_gradients, shapes[k], g, setup)});
    count += static_cast<std::int64_t>(w.size());
  }
  std::vector<nn::Parameter*> pointers;
  for (nn::Parameter& p : parameters) pointers.push_back(&p);
  train::Optimizer opt({.kind = kind, .learning_rate = 1e-3, .momentum = 0.9, .epsilon = 1e-4}, policy, pointers);
  EventCounts counts;
  Context ctx;
  ctx.counters = &counts;
  for (auto _ : state) {
    opt.step(train::Unscale{}, ctx);
    benchmark::DoNotOptimize(parameters[0].value.values().data());
  }
  state.SetItemsProcessed(state.iterations() * count);
}

#define MPSIM_OPTIMIZER_BENCH(policy, kind) \
  BENCHMARK_CAPTURE(optimizer_step, policy/kind, #policy, train::OptimizerKind::kind)->Unit(benchmark::kMillisecond)

MPSIM_OPTIMIZER_BENCH(fp32, sgd);
MPSIM_OPTIMIZER_BENCH(fp32, adam);
MPSIM_OPTIMIZER_BENCH(amp-fp16, sgd);
MPSIM_OPTIMIZER_BENCH(amp-fp16, adam);
MPSIM_OPTIMIZER_BENCH(pure-fp16, sgd);
MPSIM_OPTIMIZER_BENCH(pure-fp16, adam);
MPSIM_OPTIMIZER_BENCH(pure-fp16-sr, sgd);
MPSIM_OPTIMIZER_BENCH(pure-fp16-kahan, sgd);
MPSIM_OPTIMIZER_BENCH(pure-bf16, adam);

}  // namespace
}  // namespace mpsim::bench
