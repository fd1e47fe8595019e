// SPDX-License-Identifier: MIT
// What the training experiments share: the config keys of a training run (data, model,
// optimizer, length, seed, threads) and a loop that trains one configuration, handing each step
// to the experiment (for probes and per-step rows) and evaluating the test set at the end.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config.hpp"
#include "mpsim/data/mnist.hpp"
#include "mpsim/train/step_probes.hpp"
#include "mpsim/train/trainer.hpp"

namespace mpsim::experiments {

// The training keys with their short-version values: data "fashion-mnist", train_limit 6000,
// test_limit 2000, model "mlp", hidden [256,128,100], optimizer "adam", lr 1e-3, epochs 1,
// batch 128, seed 1, threads 0 (0: every core; never changes a bit).
nlohmann::json training_defaults();
// `defaults` with the training keys added (an experiment's own keys win).
nlohmann::json with_training_defaults(nlohmann::json defaults);

// A TrainingConfig from those keys, with `policy` (a preset name or policy file).
train::TrainingConfig training_config(const Config& config, const std::string& policy);
// The sets the config names, cut to train_limit / test_limit (data::DataError on bad files).
data::TrainTest load_sets(const Config& config);

struct TrainedRun {
  std::vector<train::StepRecord> steps;
  train::Evaluation test;
  std::vector<double> epoch_test_accuracy;  // after each epoch
  double seconds = 0.0;
};

// Trains `tc` on `sets`. `probe_for(step)` returns the probes for a step (null: a plain step) and
// `after_step(record, probes)` sees each step's record and the probes it filled. Prints one
// progress line per epoch to stderr, prefixed with `label`.
TrainedRun train_run(const train::TrainingConfig& tc, const data::TrainTest& sets, const std::string& label,
                     const std::function<train::StepProbes*(std::int64_t step)>& probe_for = {},
                     const std::function<void(const train::StepRecord&, train::StepProbes*)>& after_step = {});

// Threads to use for a config's `threads` value (0: every core).
int resolve_threads(std::int64_t threads);

// Calls case_body(i) for i in [0, count) on `jobs` threads, each taking the next case when free;
// results must go to slot i so the output never depends on the schedule. Rethrows the first
// exception (by case index) after every case has finished.
void run_cases(std::size_t count, int jobs, const std::function<void(std::size_t)>& case_body);

}  // namespace mpsim::experiments
