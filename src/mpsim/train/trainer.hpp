// SPDX-License-Identifier: MIT
// Trainer: one training run's state and its step. A step is
//   forward (policy formats) -> loss in binary32 -> backward of loss_scale * loss
//   -> found_inf = any inf/NaN in a weight gradient -> scaler.update(found_inf)
//   -> unless skipped: optimizer step with the gradients unscaled in float32.
// Everything that changes between steps is in TrainerState, which checkpoints save, so a
// resumed run continues bit for bit; batches come from (seed, epoch) alone (data/batches.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mpsim/data/batches.hpp"
#include "mpsim/data/dataset.hpp"
#include "mpsim/instrument/counters.hpp"
#include "mpsim/nn/sequential.hpp"
#include "mpsim/nn/softmax_cross_entropy.hpp"
#include "mpsim/train/fp8_scaling.hpp"
#include "mpsim/train/loss_scaler.hpp"
#include "mpsim/train/optimizer.hpp"
#include "mpsim/train/precision_policy.hpp"
#include "mpsim/train/step_probes.hpp"
#include "mpsim/train/training_config.hpp"

namespace mpsim::train {

// One row of steps.csv.
struct StepRecord {
  std::int64_t step = 0;        // global step, from 0
  std::int64_t epoch = 0;
  float loss = 0.0f;            // mean cross-entropy of the batch (unscaled, binary32)
  double scale = 1.0;           // the loss scale this step used
  bool found_inf = false;       // a weight gradient held an inf or NaN
  bool skipped = false;         // the optimizer step was not applied
  EventCounts events;           // every counted rounding of the step (counting on)
};

// Accuracy and mean loss over a data set (evaluation: no caching, no counting).
struct Evaluation {
  std::size_t samples = 0;
  std::size_t correct = 0;
  double mean_loss = 0.0;       // float64 mean of the binary32 batch losses, weighted by batch size
  double accuracy() const { return samples ? static_cast<double>(correct) / static_cast<double>(samples) : 0.0; }
};

class Trainer {
 public:
  // Builds the model from the config's seed and the policy. Throws std::invalid_argument for a
  // config problem or a data set the model cannot take (input size, classes).
  Trainer(const TrainingConfig& config, const data::Dataset& train_set);

  const TrainingConfig& config() const { return config_; }
  const PrecisionPolicy& policy() const { return policy_; }
  std::int64_t steps_per_epoch() const { return steps_per_epoch_; }
  std::int64_t total_steps() const { return steps_per_epoch_ * config_.epochs; }
  std::int64_t next_step() const { return next_step_; }
  bool finished() const { return next_step_ >= total_steps(); }
  const LossScaler& scaler() const { return scaler_; }

  // Runs step next_step() and returns its record. `probes` non-null: cleared, then filled with
  // what its options ask for (step_probes.hpp); the step itself is bit-identical either way.
  // Null: exactly the step without probes, at no cost.
  StepRecord step(StepProbes* probes = nullptr);
  Evaluation evaluate(const data::Dataset& set);

  std::vector<nn::Parameter*> parameters() { return model_.parameters(); }

  // Checkpoint contents: step counter, stochastic-rounding index, scaler state, parameters,
  // optimizer and fp8-scaling state (checkpoint.hpp writes and checks them).
  struct Snapshot {
    std::int64_t next_step = 0;
    std::uint64_t stochastic_index = 0;
    LossScalerState scaler;
    std::vector<NamedTensor> parameters;
    std::vector<NamedTensor> optimizer;
    std::int64_t optimizer_steps = 0;
    std::vector<NamedTensor> fp8;
  };
  Snapshot snapshot();  // not const: Sequential hands out its parameters only mutable
  // Throws std::invalid_argument when the snapshot does not fit this run's model and policy.
  void restore(const Snapshot& snapshot);

 private:
  const data::Batch& batch_for(std::int64_t step);
  detail::ShadowModel& shadow_model();
  Tensor input_tensor(const data::Batch& batch) const;

  TrainingConfig config_;
  const data::Dataset& train_set_;
  PrecisionPolicy policy_;
  nn::Sequential model_;
  nn::SoftmaxCrossEntropy loss_;
  LossScaler scaler_;
  std::unique_ptr<DelayedScalingCaster> fp8_;
  std::unique_ptr<Optimizer> optimizer_;
  Context context_;
  std::int64_t steps_per_epoch_ = 0;
  std::int64_t next_step_ = 0;
  data::BatchOptions batch_options_;
  std::optional<data::EpochBatches> epoch_batches_;
  std::int64_t batches_epoch_ = -1;
  data::Batch batch_;
  std::unique_ptr<detail::ShadowModel> shadow_;  // built at the first step with a shadow probe
};

// The loss-scaler config of a run: the preset (config.scaler, else the policy's), with
// config.scale as its initial scale when > 0.
LossScalerConfig scaler_config(const TrainingConfig& config, const PrecisionPolicy& policy);

}  // namespace mpsim::train
