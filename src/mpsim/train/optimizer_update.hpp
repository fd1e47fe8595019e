// SPDX-License-Identifier: MIT
// The per-element update of one parameter tensor (optimizer.cpp's engine, and what the tests
// drive directly): SGD / Adam / AdamW arithmetic in the optimizer-state format, then w + u
// rounded into the parameter format by the policy's UpdateRounding.
#pragma once

#include <cstdint>
#include <span>

#include "mpsim/scalar/context.hpp"
#include "mpsim/train/loss_scaler.hpp"
#include "mpsim/train/optimizer.hpp"

namespace mpsim::train::detail {

// The step's constants as exact float64 values; each is rounded into the state format once per
// step before use (Adam's 1e-8 becomes 0 in binary16).
struct StepConstants {
  double learning_rate = 0, momentum = 0, weight_decay = 0;
  double beta1 = 0, one_minus_beta1 = 0, beta2 = 0, one_minus_beta2 = 0;
  double step_size = 0;             // lr / (1 - beta1^t)
  double bias_correction2_sqrt = 0; // sqrt(1 - beta2^t)
  double epsilon = 0;
  double decoupled_decay = 0;       // lr * weight_decay (AdamW)
};
StepConstants step_constants(const OptimizerConfig& config, std::int64_t step_number);  // step_number t >= 1

// The tensors of one parameter, each element i of every span belonging together. Spans of
// state the optimizer does not keep are empty.
struct ParameterSpans {
  std::span<float> value;               // parameter format
  std::span<const float> grad;          // weight-gradient format (scaled)
  std::span<float> momentum_buffer;     // state format (SGD with momentum)
  std::span<float> exp_avg, exp_avg_sq; // state format (Adam, AdamW)
  std::span<float> compensation;        // parameter format (Kahan updates)
};

struct UpdatePlan {
  OptimizerKind kind = OptimizerKind::sgd;
  bool first_step = false;  // SGD momentum: buf = g instead of momentum * buf + g
  const Format* parameters = nullptr;
  const Format* state = nullptr;
  Env env{};  // the policy's Env: state arithmetic, nearest and Kahan updates
  UpdateRounding update = UpdateRounding::nearest;
  bool force_core = false;  // tests: every operation through ops/ even where native float is identical
};

// True where the state arithmetic runs natively (state binary32, native_binary32_env): the
// processor's binary32 arithmetic gives the core's bits there; only flags and counts are not
// produced on that path.
bool native_float_is_exact(const UpdatePlan& plan);

// Lost updates of one parameter (step_probes.hpp's UpdateStats): elements whose update u was
// nonzero, and those of them whose stored weight did not change (w + u == w as values).
struct UpdateCount {
  std::uint64_t nonzero_updates = 0, lost_updates = 0;
};

// Updates p element by element, in flat order; stochastic updates draw ctx.stochastic once per
// element in that order. Core-path roundings are counted in ctx. `lost` non-null: adds the
// update's lost-update counts to it (null: not one instruction more per element).
void update_parameter(const UpdatePlan& plan, const StepConstants& c, const ParameterSpans& p, const Unscale& unscale,
                      Context& ctx, UpdateCount* lost = nullptr);

}  // namespace mpsim::train::detail
