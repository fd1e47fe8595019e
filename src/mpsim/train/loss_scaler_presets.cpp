// SPDX-License-Identifier: MIT
// The named loss-scaler presets and the validation of a configuration. Each preset's comment
// names the source it was read from; docs/loss_scaling.md tells the behaviour in full.
#include <cmath>
#include <limits>
#include <stdexcept>

#include "mpsim/train/loss_scaler_config.hpp"

namespace mpsim::train {
namespace {

// torch/amp/grad_scaler.py (init 2^16, growth 2, backoff 0.5, interval 2000, unscale_ with
// float32(1/float64(scale))) and the ATen _amp_update_scale_ kernels (double product rounded to
// the float32 scale, growth kept only if finite, tracker reset at growth and on overflow).
LossScalerConfig pytorch() {
  return {.initial_scale = 65536.0, .growth_factor = 2.0, .backoff_factor = 0.5,
          .backoff_rule = BackoffRule::multiply_by_backoff_factor, .growth_interval = 2000,
          .non_finite_growth = NonFiniteGrowth::keep_scale, .arithmetic = ScaleArithmetic::float32_via_float64,
          .unscale = UnscaleRule::multiply_by_float32_of_float64_reciprocal};
}

// apex/amp/scaler.py: Python float scale 2^16, `/= 2.` on overflow, `min(max, scale * 2.)` after
// 2000 unskipped steps, max 2^24, unscale with 1./scale handed to a float32 kernel.
LossScalerConfig apex() {
  return {.initial_scale = 65536.0, .growth_factor = 2.0, .backoff_rule = BackoffRule::divide_by_growth_factor,
          .growth_interval = 2000, .max_scale = 16777216.0, .non_finite_growth = NonFiniteGrowth::allow,
          .arithmetic = ScaleArithmetic::float64,
          .unscale = UnscaleRule::multiply_by_float32_of_float64_reciprocal};
}

// deepspeed/runtime/fp16/loss_scaler.py DynamicLossScaler with the fp16 config defaults
// (initial_scale_power 16, loss_scale_window 1000, hysteresis 2, consecutive_hysteresis false,
// min_loss_scale 1, raise_error_at_min_scale true): Python float, divide by scale_factor.
LossScalerConfig deepspeed() {
  return {.initial_scale = 65536.0, .growth_factor = 2.0, .backoff_rule = BackoffRule::divide_by_growth_factor,
          .growth_interval = 1000, .hysteresis = 2, .hysteresis_refill = HysteresisRefill::at_growth,
          .min_scale = 1.0, .at_minimum = AtMinimum::raise_error, .non_finite_growth = NonFiniteGrowth::allow,
          .arithmetic = ScaleArithmetic::float64,
          .unscale = UnscaleRule::multiply_by_float32_of_float64_reciprocal};
}

// megatron/core/optimizer/grad_scaler.py DynamicGradScaler with Megatron's argument defaults
// (initial_loss_scale 2^32, min_loss_scale 1, loss_scale_window 1000, hysteresis 2): float32
// tensors throughout, torch.max(scale * backoff, min), growth unbounded.
LossScalerConfig megatron() {
  return {.initial_scale = 4294967296.0, .growth_factor = 2.0, .backoff_factor = 0.5,
          .backoff_rule = BackoffRule::multiply_by_backoff_factor, .growth_interval = 1000, .hysteresis = 2,
          .hysteresis_refill = HysteresisRefill::at_growth, .min_scale = 1.0, .at_minimum = AtMinimum::clamp,
          .non_finite_growth = NonFiniteGrowth::allow, .arithmetic = ScaleArithmetic::float32,
          .unscale = UnscaleRule::multiply_by_float32_of_float64_reciprocal};
}

// keras/src/optimizers/loss_scale_optimizer.py: float32 variable 2^15, `* 2.0` when the counter
// equals dynamic_growth_steps - 1, `/ 2.0` on non-finite gradients, no bounds, divides gradients.
LossScalerConfig keras3() {
  return {.initial_scale = 32768.0, .growth_factor = 2.0, .backoff_rule = BackoffRule::divide_by_growth_factor,
          .growth_interval = 2000, .non_finite_growth = NonFiniteGrowth::allow,
          .arithmetic = ScaleArithmetic::float32, .unscale = UnscaleRule::divide_by_scale};
}

// tf-keras keras/mixed_precision/loss_scale_optimizer.py _DynamicLossScaleState: float32 2^15,
// growth when counter + 1 >= growth_steps assigned only if finite, max(scale / multiplier, 1),
// get_unscaled_gradients multiplies by the float32 reciprocal 1. / loss_scale.
LossScalerConfig tf_keras() {
  return {.initial_scale = 32768.0, .growth_factor = 2.0, .backoff_rule = BackoffRule::divide_by_growth_factor,
          .growth_interval = 2000, .min_scale = 1.0, .at_minimum = AtMinimum::clamp,
          .non_finite_growth = NonFiniteGrowth::keep_scale, .arithmetic = ScaleArithmetic::float32,
          .unscale = UnscaleRule::multiply_by_float32_reciprocal};
}

// flax/training/dynamic_scale.py DynamicScale: float32 65536, grows when fin_steps ==
// growth_interval before this step (the 2001st finite step), min(scale * growth, float32 max),
// max(scale * backoff, float32 tiny), divides gradients.
LossScalerConfig flax() {
  return {.initial_scale = 65536.0, .growth_factor = 2.0, .backoff_factor = 0.5,
          .backoff_rule = BackoffRule::multiply_by_backoff_factor, .growth_interval = 2000,
          .grow_after_interval = true, .min_scale = static_cast<double>(std::numeric_limits<float>::min()),
          .at_minimum = AtMinimum::clamp, .max_scale = static_cast<double>(std::numeric_limits<float>::max()),
          .non_finite_growth = NonFiniteGrowth::allow, .arithmetic = ScaleArithmetic::float32,
          .unscale = UnscaleRule::divide_by_scale};
}

LossScalerConfig none() {
  return {.kind = ScalerKind::none, .initial_scale = 1.0, .skip_on_overflow = false};
}

// A constant scale S (--init); overflow steps are skipped as Megatron's ConstantGradScaler does.
LossScalerConfig static_scale() {
  return {.kind = ScalerKind::static_scale, .initial_scale = 65536.0, .skip_on_overflow = true};
}

struct Preset {
  const char* name;
  LossScalerConfig (*make)();
};

constexpr Preset presets[] = {
    {"pytorch", pytorch}, {"apex", apex},   {"deepspeed", deepspeed}, {"megatron", megatron}, {"keras3", keras3},
    {"tf-keras", tf_keras}, {"flax", flax}, {"none", none},           {"static", static_scale},
};

bool positive_finite(double x) { return std::isfinite(x) && x > 0; }

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}

bool fits_float32(double x) { return std::isfinite(static_cast<float>(x)) && static_cast<float>(x) > 0; }

}  // namespace

const std::vector<std::string>& loss_scaler_preset_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const Preset& p : presets) v.emplace_back(p.name);
    return v;
  }();
  return names;
}

LossScalerConfig loss_scaler_preset(std::string_view name) {
  for (const Preset& p : presets) {
    if (name == p.name) return p.make();
  }
  std::string accepted;
  for (const Preset& p : presets) accepted += (accepted.empty() ? "" : ", ") + std::string(p.name);
  throw std::invalid_argument("unknown loss-scaler preset '" + std::string(name) + "'; accepted: " + accepted);
}

void validate(const LossScalerConfig& c) {
  require(positive_finite(c.initial_scale), "the initial scale must be positive and finite");
  const bool in_float32 = c.arithmetic != ScaleArithmetic::float64;
  if (in_float32 && c.kind != ScalerKind::none) {
    require(fits_float32(c.initial_scale), "the initial scale must be a positive finite float32 value");
  }
  if (c.kind != ScalerKind::dynamic) return;
  require(std::isfinite(c.growth_factor) && c.growth_factor > 1, "the growth factor must be finite and > 1");
  require(std::isfinite(c.backoff_factor) && c.backoff_factor > 0 && c.backoff_factor < 1,
          "the backoff factor must lie in (0, 1)");
  require(c.growth_interval >= 1, "the growth interval must be at least 1");
  require(c.hysteresis >= 1, "the hysteresis must be at least 1");
  if (c.min_scale) {
    require(positive_finite(*c.min_scale), "the minimum scale must be positive and finite");
    if (in_float32) require(fits_float32(*c.min_scale), "the minimum scale must be a positive float32 value");
  }
  if (c.max_scale) {
    require(positive_finite(*c.max_scale), "the maximum scale must be positive and finite");
    if (in_float32) require(fits_float32(*c.max_scale), "the maximum scale must be a finite float32 value");
  }
  if (c.min_scale && c.max_scale) require(*c.min_scale <= *c.max_scale, "the minimum scale exceeds the maximum");
}

}  // namespace mpsim::train
