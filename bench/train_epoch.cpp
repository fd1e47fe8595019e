// SPDX-License-Identifier: MIT
// One training epoch of the Fashion-MNIST benchmark MLP (784-256-128-100-10, batch 128, SGD,
// counters on) per policy and thread count: issue 4's speed target is the ratio of the amp-fp16
// epoch to the fp32 epoch of this binary (mpsim bench pairs them). One iteration = 469 steps.
#include <memory>

#include "benchmarks.hpp"
#include "mpsim/data/mnist.hpp"
#include "mpsim/train/trainer.hpp"

namespace mpsim::bench {
namespace {

const data::Dataset* fashion_mnist_train() {
  static std::unique_ptr<data::TrainTest> sets;
  static bool tried = false;
  if (!tried) {
    tried = true;
    try {
      sets = std::make_unique<data::TrainTest>(data::load_fashion_mnist());
    } catch (const std::exception&) {
      sets.reset();
    }
  }
  return sets ? &sets->train : nullptr;
}

void mlp_epoch(benchmark::State& state, std::string policy, int threads) {
  const data::Dataset* set = fashion_mnist_train();
  if (!set) {
    state.SkipWithError("Fashion-MNIST not installed (scripts/setup.sh installs dataset-fashion-mnist)");
    return;
  }
  train::TrainingConfig c;
  c.policy = policy;
  c.optimizer.learning_rate = 0.05;
  c.optimizer.momentum = 0.9;
  c.batch = 128;
  c.threads = threads;
  c.count = true;
  for (auto _ : state) {
    train::Trainer t(c, *set);  // building the model (milliseconds) is timed too
    while (t.next_step() < t.steps_per_epoch()) benchmark::DoNotOptimize(t.step());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(set->count));
}

}  // namespace

void register_train() {
  for (const int threads : {1, 2}) {
    for (const char* policy : {"fp32", "amp-fp16", "amp-bf16"}) {
      benchmark::RegisterBenchmark(("train/mlp_epoch/" + std::string(policy) + "/threads:" + std::to_string(threads)).c_str(),
                                   mlp_epoch, std::string(policy), threads)
          ->Iterations(1)
          ->Unit(benchmark::kSecond)
          ->UseRealTime();
    }
  }
}

}  // namespace mpsim::bench
