// SPDX-License-Identifier: MIT
// The training step and evaluation (trainer.hpp), in PyTorch's order: forward, loss, backward
// of the scaled loss, inf check, scaler update, optimizer step unless skipped.
#include "mpsim/train/trainer.hpp"

#include <cmath>
#include <stdexcept>

#include "mpsim/nn/models.hpp"

namespace mpsim::train {
namespace {

// Stochastic-rounding stream of the training step (evaluation draws from its own stream so that
// it never moves the training run's draws).
constexpr std::uint64_t training_stream = 0x7472'6169'6E00ULL;    // "train"
constexpr std::uint64_t evaluation_stream = 0x6576'616C'0000ULL;  // "eval"

nn::Sequential build_model(const TrainingConfig& config, const PrecisionPolicy& policy, const data::Dataset& set) {
  if (const std::string p = config.problem(); !p.empty()) throw std::invalid_argument("training config: " + p);
  if (!set.is_classification()) {
    throw std::invalid_argument(set.name + ": the models train classifiers; this data set has no class labels");
  }
  if (set.count == 0) throw std::invalid_argument(set.name + ": no samples");
  const int input_size = static_cast<int>(set.input_size());
  if (config.model == "cnn") {
    if (set.input_shape != std::vector<std::int64_t>{28, 28} || set.num_classes != 10) {
      throw std::invalid_argument(set.name + ": the CNN takes 28 x 28 images of 10 classes");
    }
    return nn::make_cnn(nn::CnnConfig{}, *policy.parameters, config.seed);
  }
  std::vector<int> widths{input_size};
  widths.insert(widths.end(), config.hidden.begin(), config.hidden.end());
  widths.push_back(set.num_classes);
  return nn::make_mlp(widths, *policy.parameters, config.seed);
}

// NaN or inf in a data set would poison every step silently: refuse it up front.
void check_finite(const data::Dataset& set) {
  for (std::size_t i = 0; i < set.inputs.size(); ++i) {
    if (!std::isfinite(set.inputs[i])) {
      throw std::invalid_argument(set.name + ": sample " + std::to_string(i / set.input_size()) +
                                  " holds a NaN or infinite input value");
    }
  }
}

// PyTorch's _amp_foreach_non_finite_check_and_unscale_: the check runs on the unscaled
// binary32 gradients (a finite gradient can overflow when the scale is below 1).
bool any_non_finite(const std::vector<nn::Parameter*>& parameters, const Unscale& unscale) {
  for (const nn::Parameter* p : parameters) {
    for (const float g : p->grad.values()) {
      if (!std::isfinite(unscale.apply(g))) return true;
    }
  }
  return false;
}

// A batch of `count` samples of `set` as the model takes it (evaluation sets have the training
// set's sample size: evaluate() checks).
Shape sample_shape(const TrainingConfig& config, const data::Dataset& set, std::size_t count) {
  if (config.model == "cnn") return {static_cast<std::int64_t>(count), 1, 28, 28};
  return {static_cast<std::int64_t>(count), static_cast<std::int64_t>(set.input_size())};
}

}  // namespace

LossScalerConfig scaler_config(const TrainingConfig& config, const PrecisionPolicy& policy) {
  LossScalerConfig c = loss_scaler_preset(config.scaler.empty() ? policy.scaler : config.scaler);
  if (config.scale > 0) {
    if (c.kind == ScalerKind::none) throw std::invalid_argument("--scale does not apply to scaler 'none' (scale 1)");
    c.initial_scale = config.scale;
  }
  validate(c);
  return c;
}

Trainer::Trainer(const TrainingConfig& config, const data::Dataset& train_set)
    : config_(config),
      train_set_(train_set),
      policy_(resolve_precision_policy(config.policy)),
      model_(build_model(config, policy_, train_set)),
      scaler_(scaler_config(config, policy_)) {
  check_finite(train_set_);
  if (policy_.fp8) fp8_ = std::make_unique<DelayedScalingCaster>(*policy_.fp8);
  optimizer_ = std::make_unique<Optimizer>(config_.optimizer, policy_, model_.parameters());
  context_.env = policy_.layers.env;
  context_.stochastic = {config_.seed, training_stream, 0};
  batch_options_ = {.batch_size = config_.batch, .shuffle = true, .drop_last = false, .seed = config_.seed};
  steps_per_epoch_ = static_cast<std::int64_t>((train_set_.count + config_.batch - 1) / config_.batch);
}

const data::Batch& Trainer::batch_for(std::int64_t step) {
  const std::int64_t epoch = step / steps_per_epoch_;
  if (epoch != batches_epoch_) {
    epoch_batches_.emplace(train_set_.count, batch_options_, static_cast<std::uint64_t>(epoch));
    batches_epoch_ = epoch;
  }
  data::gather(train_set_, epoch_batches_->batch(static_cast<std::size_t>(step % steps_per_epoch_)), batch_);
  return batch_;
}

Tensor Trainer::input_tensor(const data::Batch& batch) const {
  // Inputs are float32 data (pixels / 255): binary32 tensors, cast by the first layer as autocast does.
  Tensor x(binary32, sample_shape(config_, train_set_, batch.count));
  std::copy(batch.inputs.begin(), batch.inputs.end(), x.values().begin());
  return x;
}

detail::ShadowModel& Trainer::shadow_model() {
  if (!shadow_) shadow_ = std::make_unique<detail::ShadowModel>(build_model(config_, precision_policy("fp32"), train_set_));
  return *shadow_;
}

StepRecord Trainer::step(StepProbes* probes) {
  if (finished()) throw std::logic_error("Trainer::step: the run has finished");
  StepRecord record;
  record.step = next_step_;
  record.epoch = next_step_ / steps_per_epoch_;
  const data::Batch& batch = batch_for(next_step_);
  const Tensor x = input_tensor(batch);

  // Probes: the binary32 shadow runs first, on its own model and context, so the real step
  // below is the step without probes; the real step's tensors are then shown to the histograms
  // and compared against the shadow's.
  std::optional<detail::ShadowComparison> comparison;
  std::optional<detail::ProbeFanOut> fan_out, with_observer;
  if (probes) {
    probes->clear();
    if (probes->options.shadow) {
      comparison.emplace();
      comparison->record();
      shadow_model().run(model_.parameters(), x, batch.labels, config_.threads, *comparison);
      comparison->compare();
    }
    if (probes->options.histograms || comparison) {
      fan_out.emplace(probes->options.histograms ? &probes->histograms : nullptr, comparison ? &*comparison : nullptr);
    }
    if (probes->observer) with_observer.emplace(probes->observer, fan_out ? &*fan_out : nullptr);
  }

  context_.counters = config_.count ? &record.events : nullptr;
  nn::Pass pass{policy_.layers, context_, MatmulOptions{.threads = config_.threads, .count = config_.count},
                fp8_.get()};
  if (fan_out) pass.probe = &*fan_out;
  if (with_observer) pass.probe = &*with_observer;
  const Tensor logits = model_.forward(x, pass);
  record.loss = loss_.forward(logits, batch.labels, pass);
  // PyTorch: scaler.scale(loss) multiplies the binary32 loss by the binary32 scale tensor.
  record.scale = scaler_.scale();
  const Unscale unscale = scaler_.unscale_factor();  // from the scale this step used
  model_.backward(loss_.backward(scaler_.scale_float32(), pass), pass);
  if (comparison) probes->shadow = comparison->take_stats();

  const std::vector<nn::Parameter*> parameters = model_.parameters();
  record.found_inf = any_non_finite(parameters, unscale);
  const StepDecision decision = scaler_.update(record.found_inf);
  record.skipped = decision.skipped;
  if (!decision.skipped) {
    optimizer_->step(unscale, context_, probes && probes->options.updates ? &probes->updates : nullptr);
  }
  context_.counters = nullptr;
  ++next_step_;
  return record;
}

Evaluation Trainer::evaluate(const data::Dataset& set) {
  check_finite(set);
  if (set.input_size() != train_set_.input_size() || set.num_classes != train_set_.num_classes) {
    throw std::invalid_argument(set.name + ": input size or classes differ from the training set " + train_set_.name);
  }
  // Its own context and fp8 scaling copy: evaluation leaves the training state untouched.
  Context context;
  context.env = policy_.layers.env;
  context.stochastic = {config_.seed, evaluation_stream, 0};
  std::optional<DelayedScalingCaster> caster;
  if (fp8_) caster.emplace(*fp8_);
  nn::Pass pass{policy_.layers, context, MatmulOptions{.threads = config_.threads, .count = false},
                caster ? &*caster : nullptr};
  pass.keep_for_backward = false;

  Evaluation e;
  data::Batch batch;
  std::vector<std::size_t> indices;
  for (std::size_t first = 0; first < set.count; first += config_.batch) {
    const std::size_t count = std::min(config_.batch, set.count - first);
    indices.resize(count);
    for (std::size_t i = 0; i < count; ++i) indices[i] = first + i;
    data::gather(set, indices, batch);
    nn::SoftmaxCrossEntropy loss;
    const float batch_loss = loss.forward(model_.forward(input_tensor(batch), pass), batch.labels, pass);
    e.mean_loss += static_cast<double>(batch_loss) * static_cast<double>(count);
    e.correct += loss.correct(batch.labels);
    e.samples += count;
  }
  if (e.samples) e.mean_loss /= static_cast<double>(e.samples);
  return e;
}

Trainer::Snapshot Trainer::snapshot() {
  Snapshot s;
  s.next_step = next_step_;
  s.stochastic_index = context_.stochastic.next_index;
  s.scaler = scaler_.state();
  for (const nn::Parameter* p : model_.parameters()) s.parameters.push_back({p->name, p->value});
  s.optimizer = optimizer_->state();
  s.optimizer_steps = optimizer_->steps();
  if (fp8_) s.fp8 = fp8_->state();
  return s;
}

void Trainer::restore(const Snapshot& s) {
  if (s.next_step < 0 || s.next_step > total_steps()) {
    throw std::invalid_argument("checkpoint step " + std::to_string(s.next_step) + " lies outside this run's " +
                                std::to_string(total_steps()) + " steps");
  }
  const std::vector<nn::Parameter*> parameters = model_.parameters();
  if (s.parameters.size() != parameters.size()) {
    throw std::invalid_argument("checkpoint holds " + std::to_string(s.parameters.size()) + " parameters, the model " +
                                std::to_string(parameters.size()));
  }
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    const Tensor& saved = s.parameters[i].tensor;
    nn::Parameter& p = *parameters[i];
    if (s.parameters[i].name != p.name || saved.shape() != p.value.shape() || saved.format() != p.value.format()) {
      throw std::invalid_argument("checkpoint parameter '" + s.parameters[i].name + "' does not match model parameter '" +
                                  p.name + "' (name, shape or format)");
    }
  }
  scaler_.restore(s.scaler);
  optimizer_->restore(s.optimizer, s.optimizer_steps);
  if (fp8_) fp8_->restore(s.fp8);
  else if (!s.fp8.empty()) throw std::invalid_argument("checkpoint holds fp8 scaling state, the policy has none");
  for (std::size_t i = 0; i < parameters.size(); ++i) parameters[i]->value = s.parameters[i].tensor;
  context_.stochastic.next_index = s.stochastic_index;
  next_step_ = s.next_step;
}

}  // namespace mpsim::train
