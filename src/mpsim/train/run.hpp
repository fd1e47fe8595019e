// SPDX-License-Identifier: MIT
// A training run in a directory: the loop over Trainer::step with the test set evaluated at
// each epoch end, and the files a run leaves, each written atomically (temp file + rename):
//   config.json     the TrainingConfig, then policy.json, the resolved precision policy
//   steps.csv       one row per step: loss, scale, found_inf, skipped, event counts
//   epochs.csv      one row per epoch: mean train loss, test loss and accuracy, skipped steps, seconds
//   checkpoint.bin  every checkpoint_every steps, at each epoch end and at the end (checkpoint.hpp)
//   summary.json    at the end: final train loss, test accuracy, totals
//   histograms.csv  with probe_every > 0: every probed step's histograms (step_probes.hpp)
//   shadow.csv      and with probe_shadow: what each probed step lost against its binary32 shadow
//   updates.csv     and with probe_lost_updates: each probed step's lost weight updates
// steps.csv and epochs.csv are rewritten whole before each checkpoint, so after a kill at any
// moment they hold at least the rows of the last checkpoint; resume drops the rows after it.
// The probe files get their rows since the last checkpoint appended (probe_log.hpp) before each
// checkpoint in the same way; only those rows are held in memory.
#pragma once

#include <filesystem>
#include <functional>

#include "mpsim/data/mnist.hpp"
#include "mpsim/train/trainer.hpp"

namespace mpsim::train {

struct EpochRecord {
  std::int64_t epoch = 0;
  double train_loss = 0.0;  // float64 mean of the epoch's binary32 step losses
  Evaluation test;
  std::int64_t skipped = 0;
  double seconds = 0.0;     // wall time of the epoch's steps in this process (not resumed parts)
};

struct RunHooks {
  std::function<void(const StepRecord&, const Trainer&)> after_step;  // e.g. a progress bar
  std::function<void(const EpochRecord&)> after_epoch;
};

struct RunSummary {
  std::int64_t steps = 0;
  std::int64_t skipped = 0;
  double final_train_loss = 0.0;  // the last epoch's mean step loss
  Evaluation test;
  EventCounts events;             // summed over every step of the run (counting on)
};

// Starts a run in `dir` (created if missing; std::runtime_error if it already holds a run).
RunSummary start_run(const TrainingConfig& config, const data::TrainTest& sets, const std::filesystem::path& dir,
                     const RunHooks& hooks = {});
// Continues the run in `dir` from its checkpoint with `threads` threads (never changes a bit).
// The data sets must be the ones config.json names (load them with data::load_named_sets).
RunSummary resume_run(const std::filesystem::path& dir, const data::TrainTest& sets, int threads,
                      const RunHooks& hooks = {});
// config.json of a run directory (std::runtime_error naming the file when missing or bad).
TrainingConfig read_run_config(const std::filesystem::path& dir);

}  // namespace mpsim::train
