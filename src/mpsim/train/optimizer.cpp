// SPDX-License-Identifier: MIT
// Optimizer: config checks, the state buffers of each parameter, step() over every parameter in
// order, and state()/restore() for bit-exact resume. The arithmetic is in optimizer_update.cpp.
#include "mpsim/train/optimizer.hpp"

#include <cmath>
#include <stdexcept>

#include "mpsim/train/optimizer_update.hpp"

namespace mpsim::train {
namespace {

void check_config(const OptimizerConfig& c) {
  auto bad = [](const std::string& what) { throw std::invalid_argument("optimizer config: " + what); };
  auto finite_non_negative = [&](double x, const char* name) {
    if (!std::isfinite(x) || x < 0) bad(std::string(name) + " must be finite and >= 0, got " + std::to_string(x));
  };
  finite_non_negative(c.learning_rate, "learning_rate");
  finite_non_negative(c.weight_decay, "weight_decay");
  finite_non_negative(c.epsilon, "epsilon");
  if (c.kind == OptimizerKind::sgd) {
    if (!std::isfinite(c.momentum) || c.momentum < 0 || c.momentum >= 1)
      bad("momentum must lie in [0, 1), got " + std::to_string(c.momentum));
  } else {
    if (!(c.beta1 >= 0 && c.beta1 < 1)) bad("beta1 must lie in [0, 1), got " + std::to_string(c.beta1));
    if (!(c.beta2 >= 0 && c.beta2 < 1)) bad("beta2 must lie in [0, 1), got " + std::to_string(c.beta2));
  }
}

}  // namespace

std::string validate(const OptimizerConfig& config) {
  try {
    check_config(config);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return {};
}

OptimizerKind optimizer_kind(std::string_view name) {
  if (name == "sgd") return OptimizerKind::sgd;
  if (name == "adam") return OptimizerKind::adam;
  if (name == "adamw") return OptimizerKind::adamw;
  throw std::invalid_argument("unknown optimizer '" + std::string(name) + "'; accepted: sgd, adam, adamw");
}

std::string_view optimizer_name(OptimizerKind kind) {
  switch (kind) {
    case OptimizerKind::sgd: return "sgd";
    case OptimizerKind::adam: return "adam";
    case OptimizerKind::adamw: return "adamw";
  }
  return "?";
}

Optimizer::Optimizer(const OptimizerConfig& config, const PrecisionPolicy& policy, std::vector<nn::Parameter*> parameters)
    : config_(config), policy_(policy), parameters_(std::move(parameters)) {
  check_config(config_);
  if (std::string e = validate(policy_); !e.empty()) throw std::invalid_argument("optimizer: precision policy: " + e);
  for (const nn::Parameter* p : parameters_) {
    if (!p) throw std::invalid_argument("optimizer: null parameter");
    if (!(p->value.format() == *policy_.parameters))
      throw std::invalid_argument("optimizer: parameter " + p->name + " is held in " + format_name(p->value.format()) +
                                  ", the policy's parameter format is " + format_name(*policy_.parameters));
    if (p->grad.shape() != p->value.shape())
      throw std::invalid_argument("optimizer: parameter " + p->name + ": grad and value shapes differ");
    Slots s;
    auto add = [&](int& slot, const char* suffix, const Format& f) {
      slot = static_cast<int>(state_.size());
      state_.push_back({p->name + "/" + suffix, Tensor(f, p->value.shape())});
    };
    if (config_.kind == OptimizerKind::sgd && config_.momentum != 0) add(s.momentum_buffer, "momentum_buffer", *policy_.optimizer_state);
    if (config_.kind != OptimizerKind::sgd) {
      add(s.exp_avg, "exp_avg", *policy_.optimizer_state);
      add(s.exp_avg_sq, "exp_avg_sq", *policy_.optimizer_state);
    }
    if (policy_.update == UpdateRounding::kahan) add(s.compensation, "kahan_compensation", *policy_.parameters);
    slots_.push_back(s);
  }
}

void Optimizer::step(const Unscale& unscale, Context& ctx, std::vector<UpdateStats>* lost_updates) {
  if (lost_updates) lost_updates->clear();
  const detail::StepConstants constants = detail::step_constants(config_, steps_ + 1);
  const detail::UpdatePlan plan{.kind = config_.kind,
                                .first_step = steps_ == 0,
                                .parameters = policy_.parameters,
                                .state = policy_.optimizer_state,
                                .env = policy_.layers.env,
                                .update = policy_.update};
  for (std::size_t k = 0; k < parameters_.size(); ++k) {
    nn::Parameter& p = *parameters_[k];
    const Slots& s = slots_[k];
    auto span_of = [&](int slot) { return slot < 0 ? std::span<float>{} : state_[slot].tensor.values(); };
    const detail::ParameterSpans spans{.value = p.value.values(),
                                       .grad = p.grad.values(),
                                       .momentum_buffer = span_of(s.momentum_buffer),
                                       .exp_avg = span_of(s.exp_avg),
                                       .exp_avg_sq = span_of(s.exp_avg_sq),
                                       .compensation = span_of(s.compensation)};
    if (!lost_updates) {
      detail::update_parameter(plan, constants, spans, unscale, ctx);
      continue;
    }
    detail::UpdateCount count;
    detail::update_parameter(plan, constants, spans, unscale, ctx, &count);
    lost_updates->push_back({.parameter = p.name,
                             .elements = p.value.size(),
                             .nonzero_updates = count.nonzero_updates,
                             .lost_updates = count.lost_updates});
  }
  ++steps_;
}

std::vector<NamedTensor> Optimizer::state() const { return state_; }

void Optimizer::restore(const std::vector<NamedTensor>& state, std::int64_t steps) {
  if (steps < 0) throw std::invalid_argument("optimizer restore: negative step count " + std::to_string(steps));
  if (state.size() != state_.size())
    throw std::invalid_argument("optimizer restore: " + std::to_string(state.size()) + " state tensors, this optimizer keeps " +
                                std::to_string(state_.size()));
  for (std::size_t i = 0; i < state.size(); ++i) {
    const NamedTensor& want = state_[i];
    const NamedTensor& got = state[i];
    if (got.name != want.name)
      throw std::invalid_argument("optimizer restore: state tensor " + std::to_string(i) + " is '" + got.name +
                                  "', expected '" + want.name + "'");
    if (got.tensor.shape() != want.tensor.shape() || !(got.tensor.format() == want.tensor.format()))
      throw std::invalid_argument("optimizer restore: '" + got.name + "' has shape " + shape_string(got.tensor.shape()) +
                                  " in " + format_name(got.tensor.format()) + ", expected " +
                                  shape_string(want.tensor.shape()) + " in " + format_name(want.tensor.format()));
  }
  state_ = state;
  steps_ = steps;
}

}  // namespace mpsim::train
