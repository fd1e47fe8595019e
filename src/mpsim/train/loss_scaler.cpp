// SPDX-License-Identifier: MIT
// The loss-scaling state machine. Scale arithmetic is done in the native float or double type
// the config names, exactly as the framework's own tensor or Python float would do it.
#include "mpsim/train/loss_scaler.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace mpsim::train {
namespace {

// scale * factor in the config's arithmetic.
double multiply(double scale, double factor, ScaleArithmetic a) {
  switch (a) {
    case ScaleArithmetic::float32: return static_cast<float>(scale) * static_cast<float>(factor);
    case ScaleArithmetic::float32_via_float64: return static_cast<float>(scale * factor);
    case ScaleArithmetic::float64: break;
  }
  return scale * factor;
}

// scale / divisor in the config's arithmetic.
double divide(double scale, double divisor, ScaleArithmetic a) {
  switch (a) {
    case ScaleArithmetic::float32: return static_cast<float>(scale) / static_cast<float>(divisor);
    case ScaleArithmetic::float32_via_float64: return static_cast<float>(scale / divisor);
    case ScaleArithmetic::float64: break;
  }
  return scale / divisor;
}

// A bound or initial value as the framework holds it: a float32 tensor or a Python float.
double held(double x, ScaleArithmetic a) {
  return a == ScaleArithmetic::float64 ? x : static_cast<double>(static_cast<float>(x));
}

std::int64_t growth_period(const LossScalerConfig& c) {
  return c.grow_after_interval ? c.growth_interval + 1 : c.growth_interval;
}

std::string decimal(double x) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.17g", x);
  return buffer;
}

}  // namespace

LossScaleAtMinimum::LossScaleAtMinimum(double scale)
    : std::runtime_error("loss scale already at its minimum " + decimal(scale) +
                         ": cannot decrease it further (DeepSpeed raises here and the run stops)"),
      scale_(scale) {}

float Unscale::apply(float gradient) const {
  return rule == UnscaleRule::divide_by_scale ? gradient / operand : gradient * operand;
}

LossScaler::LossScaler(const LossScalerConfig& config) : config_(config) {
  validate(config_);
  const double initial = config_.kind == ScalerKind::none ? 1.0 : config_.initial_scale;
  state_ = {.scale = held(initial, config_.arithmetic), .growth_tracker = 0,
            .hysteresis_left = config_.hysteresis, .steps = 0};
}

Unscale LossScaler::unscale_factor() const {
  const double s = state_.scale;
  switch (config_.unscale) {
    case UnscaleRule::multiply_by_float32_of_float64_reciprocal:
      return {config_.unscale, static_cast<float>(1.0 / s)};
    case UnscaleRule::multiply_by_float32_reciprocal:
      return {config_.unscale, 1.0f / static_cast<float>(s)};
    case UnscaleRule::divide_by_scale: break;
  }
  return {config_.unscale, static_cast<float>(s)};
}

void LossScaler::back_off() {
  const ScaleArithmetic a = config_.arithmetic;
  if (config_.min_scale && config_.at_minimum == AtMinimum::raise_error &&
      state_.scale == held(*config_.min_scale, a)) {
    throw LossScaleAtMinimum(state_.scale);
  }
  double next = config_.backoff_rule == BackoffRule::divide_by_growth_factor
                    ? divide(state_.scale, config_.growth_factor, a)
                    : multiply(state_.scale, config_.backoff_factor, a);
  if (config_.min_scale) next = std::max(next, held(*config_.min_scale, a));
  state_.scale = next;
}

void LossScaler::grow() {
  const ScaleArithmetic a = config_.arithmetic;
  double next = multiply(state_.scale, config_.growth_factor, a);
  if (config_.max_scale) next = std::min(next, held(*config_.max_scale, a));
  if (std::isfinite(next) || config_.non_finite_growth == NonFiniteGrowth::allow) state_.scale = next;
}

StepDecision LossScaler::update(bool found_inf) {
  if (config_.kind != ScalerKind::dynamic) {
    ++state_.steps;
    return {found_inf && config_.skip_on_overflow, state_.scale};
  }
  if (found_inf) {
    if (state_.hysteresis_left > 1) {
      --state_.hysteresis_left;  // tolerated: the allowance shrinks, the scale stays
    } else {
      back_off();  // may throw before anything changed
    }
    state_.growth_tracker = 0;
  } else {
    if (config_.hysteresis_refill == HysteresisRefill::on_every_finite_step) {
      state_.hysteresis_left = config_.hysteresis;
    }
    if (++state_.growth_tracker == growth_period(config_)) {
      state_.growth_tracker = 0;
      if (config_.hysteresis_refill == HysteresisRefill::at_growth) state_.hysteresis_left = config_.hysteresis;
      grow();
    }
  }
  ++state_.steps;
  return {found_inf && config_.skip_on_overflow, state_.scale};
}

void LossScaler::restore(const LossScalerState& s) {
  auto require = [](bool ok, const char* message) {
    if (!ok) throw std::invalid_argument(std::string("cannot restore the loss scaler: ") + message);
  };
  require(!std::isnan(s.scale) && s.scale >= 0, "the scale is negative or NaN");
  require(config_.arithmetic == ScaleArithmetic::float64 || held(s.scale, config_.arithmetic) == s.scale,
          "the scale is not a float32 value");
  require(s.growth_tracker >= 0 && s.growth_tracker < growth_period(config_),
          "the growth tracker is outside [0, growth period)");
  require(s.hysteresis_left >= 1 && s.hysteresis_left <= config_.hysteresis,
          "the hysteresis counter is outside [1, hysteresis]");
  require(s.steps >= 0, "the step count is negative");
  if (config_.kind != ScalerKind::dynamic) {
    require(s.scale == state_.scale && s.growth_tracker == 0, "a constant scaler's scale cannot change");
  }
  state_ = s;
}

}  // namespace mpsim::train
