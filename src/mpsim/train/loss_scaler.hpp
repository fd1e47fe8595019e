// SPDX-License-Identifier: MIT
// LossScaler: the one loss-scaling state machine. A LossScalerConfig (loss_scaler_config.hpp)
// chooses none / static / dynamic and every detail in which frameworks differ; update() is
// called once per step with whether the scaled gradients held an inf or NaN.
#pragma once

#include <cstdint>
#include <stdexcept>

#include "mpsim/train/loss_scaler_config.hpp"

namespace mpsim::train {

// What update() decided for the step it was told about.
struct StepDecision {
  bool skipped = false;      // the optimizer step must not be applied
  double scale_after = 0.0;  // the scale for the next step (see LossScaler::scale)
};

// Everything that changes between steps; with the config it resumes a run bit-exactly.
struct LossScalerState {
  double scale = 0.0;               // exactly a float32 value under the float32 arithmetics
  std::int64_t growth_tracker = 0;  // consecutive finite steps since the last growth or overflow
  std::int32_t hysteresis_left = 1; // overflows until the next backoff (1: the next one backs off)
  std::int64_t steps = 0;           // update() calls so far
  friend bool operator==(const LossScalerState&, const LossScalerState&) = default;
};

// Thrown by update() where a backoff is due, the scale already equals min_scale and the config
// says AtMinimum::raise_error (DeepSpeed). The scaler's state is left as it was.
class LossScaleAtMinimum : public std::runtime_error {
 public:
  explicit LossScaleAtMinimum(double scale);
  double scale() const { return scale_; }

 private:
  double scale_;
};

// How gradients are unscaled at the current scale: g * operand or g / operand, in float32.
struct Unscale {
  UnscaleRule rule = UnscaleRule::multiply_by_float32_of_float64_reciprocal;
  float operand = 1.0f;  // the float32 multiplier, or the float32 divisor for divide_by_scale
  float apply(float gradient) const;
};

class LossScaler {
 public:
  // Validates the config (std::invalid_argument) and starts at its initial scale.
  explicit LossScaler(const LossScalerConfig& config);

  const LossScalerConfig& config() const { return config_; }
  // The current scale: a float32 value (held in a double) under the float32 arithmetics, the
  // double itself under float64. It can be +inf or 0 where the framework lets it (Megatron,
  // Keras 3).
  double scale() const { return state_.scale; }
  float scale_float32() const { return static_cast<float>(state_.scale); }
  // The unscaling the config's rule applies at the current scale.
  Unscale unscale_factor() const;
  // Records one step: found_inf says the scaled gradients held an inf or NaN. Throws
  // LossScaleAtMinimum (state unchanged) where DeepSpeed would raise.
  StepDecision update(bool found_inf);

  LossScalerState state() const { return state_; }
  // Continues from a saved state; throws std::invalid_argument if it cannot come from this config.
  void restore(const LossScalerState& state);

 private:
  void back_off();
  void grow();

  LossScalerConfig config_;
  LossScalerState state_;
};

}  // namespace mpsim::train
