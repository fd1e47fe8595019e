// SPDX-License-Identifier: MIT
// The parameters of the one loss-scaling state machine (none, static S, dynamic) and the named
// presets that reproduce each framework's scaler step by step (docs/loss_scaling.md, FACTS.md 6).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mpsim::train {

enum class ScalerKind {
  none,          // scale 1, never changes, overflow steps are not skipped (no scaler looks)
  static_scale,  // scale S, never changes
  dynamic,       // grows after finite steps, backs off on overflow
};

// The type the scale is kept and updated in.
enum class ScaleArithmetic {
  float32,              // factor rounded to float32, product in float32 (a float32 tensor times a
                        // float32 factor: Megatron, Keras 3, tf.keras, Flax)
  float32_via_float64,  // float32 scale times a double factor in double, rounded once to float32
                        // (PyTorch's ATen _amp_update_scale_ kernels)
  float64,              // a Python float (Apex, DeepSpeed)
};

// How scaled gradients are brought back.
enum class UnscaleRule {
  multiply_by_float32_of_float64_reciprocal,  // g * float32(1 / double(scale)): PyTorch, Apex, DeepSpeed, Megatron
  multiply_by_float32_reciprocal,             // g * (1.0f / scale) in float32: tf.keras
  divide_by_scale,                            // g / scale in float32: Keras 3, Flax
};

// How a backoff is computed.
enum class BackoffRule {
  multiply_by_backoff_factor,  // scale * backoff (PyTorch, Megatron, Flax)
  divide_by_growth_factor,     // scale / growth (Apex, DeepSpeed, Keras 3, tf.keras)
};

// When the hysteresis allowance (overflows tolerated before a backoff) is restored.
enum class HysteresisRefill {
  at_growth,             // DeepSpeed (consecutive_hysteresis=False), Megatron
  on_every_finite_step,  // DeepSpeed consecutive_hysteresis=True
  never,                 // a one-time allowance
};

// What a backoff does when the scale already equals min_scale.
enum class AtMinimum {
  clamp,        // max(backed-off scale, min_scale)
  raise_error,  // DeepSpeed: "Current loss scale already at minimum" (LossScaleAtMinimum)
};

// What a growth does when the grown scale is not finite in the arithmetic type.
enum class NonFiniteGrowth {
  keep_scale,  // grow only if the result is finite (PyTorch, tf.keras)
  allow,       // the scale becomes inf (Megatron, Keras 3, DeepSpeed and Apex in float64)
};

struct LossScalerConfig {
  ScalerKind kind = ScalerKind::dynamic;
  double initial_scale = 65536.0;  // rounded to float32 under the float32 arithmetics
  double growth_factor = 2.0;
  double backoff_factor = 0.5;     // used by multiply_by_backoff_factor only
  BackoffRule backoff_rule = BackoffRule::multiply_by_backoff_factor;
  // Growth happens on the growth_interval-th consecutive finite step (counted since the last
  // growth or overflow), or on the (growth_interval+1)-th where grow_after_interval (Flax).
  std::int64_t growth_interval = 2000;
  bool grow_after_interval = false;
  // A backoff happens on the hysteresis-th overflow since the last refill; the overflows before
  // it only use up the allowance. Every overflow resets the growth count.
  std::int32_t hysteresis = 1;
  HysteresisRefill hysteresis_refill = HysteresisRefill::at_growth;
  std::optional<double> min_scale;  // no floor when empty
  AtMinimum at_minimum = AtMinimum::clamp;
  std::optional<double> max_scale;  // growth clamps to it (Apex 2^24, Flax float32 max)
  NonFiniteGrowth non_finite_growth = NonFiniteGrowth::keep_scale;
  ScaleArithmetic arithmetic = ScaleArithmetic::float32_via_float64;
  UnscaleRule unscale = UnscaleRule::multiply_by_float32_of_float64_reciprocal;
  bool skip_on_overflow = true;  // the optimizer step is skipped when gradients overflowed
};

// The accepted preset names, in the order the CLI lists them.
const std::vector<std::string>& loss_scaler_preset_names();

// The preset of that name (pytorch, apex, deepspeed, megatron, keras3, tf-keras, flax, none,
// static); an unknown name throws std::invalid_argument listing the accepted names.
LossScalerConfig loss_scaler_preset(std::string_view name);

// Throws std::invalid_argument naming the first bad parameter (non-positive or non-finite
// scale or factor, interval or hysteresis < 1, min > max, ...).
void validate(const LossScalerConfig& config);

}  // namespace mpsim::train
