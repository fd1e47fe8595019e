// SPDX-License-Identifier: MIT
// Optimizers: SGD (momentum, weight decay), Adam and AdamW (PyTorch's update equations), run in
// the precision policy's formats. Each parameter is updated in place: the float32 master copy
// where the policy has one, the working fp16/bf16 copy otherwise, rounded as the policy's
// UpdateRounding says. Epsilon and every other constant is rounded into the optimizer-state
// format like any value (Adam's 1e-8 is 0 in fp16: pytorch#147437, FACTS.md 6).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mpsim/nn/layer.hpp"
#include "mpsim/train/loss_scaler.hpp"
#include "mpsim/train/precision_policy.hpp"
#include "mpsim/train/step_probes.hpp"

namespace mpsim::train {

enum class OptimizerKind : std::uint8_t { sgd, adam, adamw };

struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::sgd;
  double learning_rate = 0.01;
  double momentum = 0.0;       // SGD
  double weight_decay = 0.0;   // SGD and Adam: L2 added to the gradient; AdamW: decoupled
  double beta1 = 0.9;          // Adam, AdamW
  double beta2 = 0.999;
  double epsilon = 1e-8;
};

// Empty when the config is usable, else what is wrong ("learning_rate must be finite and >= 0, ...").
std::string validate(const OptimizerConfig& config);

// "sgd", "adam", "adamw" (std::invalid_argument otherwise).
OptimizerKind optimizer_kind(std::string_view name);
std::string_view optimizer_name(OptimizerKind kind);

// A named tensor of saved state ("fc1.weight/exp_avg").
struct NamedTensor {
  std::string name;
  Tensor tensor;
};

class Optimizer {
 public:
  // Throws std::invalid_argument for a bad config (negative rate, betas outside [0, 1), ...).
  Optimizer(const OptimizerConfig& config, const PrecisionPolicy& policy, std::vector<nn::Parameter*> parameters);

  const OptimizerConfig& config() const { return config_; }
  void set_learning_rate(double rate) { config_.learning_rate = rate; }
  // One update of every parameter from its grad, each gradient element first unscaled in
  // float32 by `unscale` (LossScaler::unscale_factor()). Roundings are counted in ctx.
  // `lost_updates` non-null: replaced by one UpdateStats per parameter, in order (w + u == w
  // counted where u is computed; null: no cost). The update itself is the same either way.
  void step(const Unscale& unscale, Context& ctx, std::vector<UpdateStats>* lost_updates = nullptr);
  std::int64_t steps() const { return steps_; }

  // Everything step() reads besides the parameters, for checkpoints (bit-exact resume).
  std::vector<NamedTensor> state() const;
  // Throws std::invalid_argument when names, shapes or formats do not match this optimizer.
  void restore(const std::vector<NamedTensor>& state, std::int64_t steps);

 private:
  OptimizerConfig config_;
  PrecisionPolicy policy_;
  std::vector<nn::Parameter*> parameters_;
  // Per parameter: where its buffers sit in state_ (-1: not kept by this optimizer).
  struct Slots {
    int momentum_buffer = -1, exp_avg = -1, exp_avg_sq = -1, compensation = -1;
  };
  std::vector<NamedTensor> state_;  // parameter order; per parameter in Slots order
  std::vector<Slots> slots_;
  std::int64_t steps_ = 0;
};

}  // namespace mpsim::train
