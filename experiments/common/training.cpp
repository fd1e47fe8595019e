// SPDX-License-Identifier: MIT
// Training keys and the training loop of experiments (training.hpp).
#include "training.hpp"

#include <atomic>
#include <chrono>
#include <exception>
#include <iostream>
#include <sstream>
#include <thread>

#include "mpsim/data/named_sets.hpp"
#include "mpsim/train/step_probes.hpp"

namespace mpsim::experiments {

nlohmann::json training_defaults() {
  return {{"data", "fashion-mnist"},
          {"train_limit", 6000},
          {"test_limit", 2000},
          {"model", "mlp"},
          {"hidden", {256, 128, 100}},
          {"optimizer", "adam"},
          {"lr", 1e-3},
          {"epochs", 1},
          {"batch", 128},
          {"seed", 1},
          {"threads", 0}};
}

nlohmann::json with_training_defaults(nlohmann::json defaults) {
  nlohmann::json all = training_defaults();
  for (const auto& [k, v] : defaults.items()) all[k] = v;
  return all;
}

int resolve_threads(std::int64_t threads) {
  if (threads < 0) throw ConfigError("threads must be >= 0 (0: every core)");
  if (threads > 0) return static_cast<int>(threads);
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

train::TrainingConfig training_config(const Config& config, const std::string& policy) {
  train::TrainingConfig tc;
  tc.model = config.text("model");
  tc.hidden.clear();
  for (const std::int64_t w : config.integers("hidden")) tc.hidden.push_back(static_cast<int>(w));
  tc.data = config.text("data");
  if (config.integer("train_limit") < 0 || config.integer("test_limit") < 0) {
    throw ConfigError("train_limit and test_limit must be >= 0 (0: the whole split)");
  }
  tc.train_limit = static_cast<std::size_t>(config.integer("train_limit"));
  tc.test_limit = static_cast<std::size_t>(config.integer("test_limit"));
  tc.policy = policy;
  tc.optimizer.kind = train::optimizer_kind(config.text("optimizer"));
  tc.optimizer.learning_rate = config.number("lr");
  if (tc.optimizer.kind == train::OptimizerKind::sgd) tc.optimizer.momentum = 0.9;
  if (const std::string p = train::validate(tc.optimizer); !p.empty()) throw ConfigError(p);
  tc.epochs = static_cast<int>(config.integer("epochs"));
  if (config.integer("batch") < 1) throw ConfigError("batch must be >= 1");
  tc.batch = static_cast<std::size_t>(config.integer("batch"));
  tc.seed = static_cast<std::uint64_t>(config.integer("seed"));
  tc.threads = resolve_threads(config.integer("threads"));
  if (const std::string p = tc.problem(); !p.empty()) throw ConfigError(p);
  return tc;
}

data::TrainTest load_sets(const Config& config) {
  return data::load_named_sets(config.text("data"), static_cast<std::uint64_t>(config.integer("seed")),
                               static_cast<std::size_t>(config.integer("train_limit")),
                               static_cast<std::size_t>(config.integer("test_limit")));
}

void run_cases(std::size_t count, int jobs, const std::function<void(std::size_t)>& case_body) {
  std::vector<std::exception_ptr> errors(count);
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < count; i = next++) {
      try {
        case_body(i);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < std::min<int>(jobs, static_cast<int>(count)); ++t) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

TrainedRun train_run(const train::TrainingConfig& tc, const data::TrainTest& sets, const std::string& label,
                     const std::function<train::StepProbes*(std::int64_t)>& probe_for,
                     const std::function<void(const train::StepRecord&, train::StepProbes*)>& after_step) {
  const auto start = std::chrono::steady_clock::now();
  train::Trainer trainer(tc, sets.train);
  TrainedRun run;
  run.steps.reserve(static_cast<std::size_t>(trainer.total_steps()));
  while (!trainer.finished()) {
    train::StepProbes* probes = probe_for ? probe_for(trainer.next_step()) : nullptr;
    const train::StepRecord record = trainer.step(probes);
    if (after_step) after_step(record, probes);
    run.steps.push_back(record);
    if (trainer.next_step() % trainer.steps_per_epoch() == 0) {
      run.test = trainer.evaluate(sets.test);
      run.epoch_test_accuracy.push_back(run.test.accuracy());
      std::ostringstream line;  // one write, so lines of parallel cases do not interleave
      line << label << ": epoch " << run.epoch_test_accuracy.size() << "/" << tc.epochs << ", test accuracy "
           << run.test.accuracy() << ", loss " << record.loss << "\n";
      std::cerr << line.str() << std::flush;
    }
  }
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return run;
}

}  // namespace mpsim::experiments
