// SPDX-License-Identifier: MIT
// The default operand cast (no scaling) and Pass::operand.
#include "mpsim/nn/layer.hpp"

#include "mpsim/nn/layer_math.hpp"
#include "mpsim/tensor/elementwise.hpp"

namespace mpsim::nn {

Operand OperandCaster::to_operand(std::string_view, const Tensor& x, const Format& to, Context& ctx) {
  return {cast(x, to, ctx), 1.0f};
}

// The cast (and a caster's scaling) rounds under precision.env, as every cast of a layer does;
// round_into() is cast() with a fast copy for same-format casts.
Operand Pass::operand(std::string_view key, const Tensor& x, const Format& to) {
  if (!caster) return {round_into(x, to, *this), 1.0f};
  const PrecisionEnvScope env(*this);
  return caster->to_operand(key, x, to, ctx);
}

}  // namespace mpsim::nn
