// SPDX-License-Identifier: MIT
// Checks of a precision policy, update-rounding names, and preset-or-file resolution.
#include "mpsim/train/precision_policy.hpp"

#include <algorithm>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/tensor/tensor.hpp"
#include "mpsim/train/loss_scaler_config.hpp"

namespace mpsim::train {

std::string_view update_rounding_name(UpdateRounding update) {
  switch (update) {
    case UpdateRounding::nearest: return "nearest";
    case UpdateRounding::stochastic: return "stochastic";
    case UpdateRounding::kahan: return "kahan";
  }
  return "?";
}

std::string validate(const PrecisionPolicy& p) {
  const std::pair<const char*, const Format*> roles[] = {
      {"layers.activations", p.layers.activations},         {"layers.gradients", p.layers.gradients},
      {"layers.weight_gradients", p.layers.weight_gradients}, {"layers.forward_operands", p.layers.forward_operands},
      {"layers.backward_operands", p.layers.backward_operands}, {"parameters", p.parameters},
      {"optimizer_state", p.optimizer_state}};
  for (const auto& [role, f] : roles) {
    if (!f) return std::string(role) + " has no format";
    if (!held_in_float(*f)) return std::string(role) + ": format " + format_name(*f) + " cannot be held in float32 tensors";
  }
  if (std::string e = validate(p.layers.products); !e.empty()) return "layers.products: " + e;
  if (std::string e = validate(p.layers.reductions); !e.empty()) return "layers.reductions: " + e;
  if (p.layers.env.stochastic_bits < 1 || p.layers.env.stochastic_bits > 32)
    return "layers.env.stochastic_bits must lie in 1..32";
  if (p.fp8) {
    if (p.fp8->history < 1) return "fp8.history must be at least 1";
    if (p.fp8->margin < -64 || p.fp8->margin > 64) return "fp8.margin must lie in -64..64";
  }
  const auto& scalers = loss_scaler_preset_names();
  if (std::find(scalers.begin(), scalers.end(), p.scaler) == scalers.end())
    return "scaler '" + p.scaler + "' is not a loss-scaler preset";
  return {};
}

PrecisionPolicy resolve_precision_policy(std::string_view name_or_path) {
  const auto& names = precision_policy_names();
  if (std::find(names.begin(), names.end(), name_or_path) != names.end()) return precision_policy(name_or_path);
  const std::filesystem::path path(name_or_path);
  if (path.extension() == ".toml" || path.extension() == ".json") return load_precision_policy(path);
  return precision_policy(name_or_path);  // throws, naming the presets
}

}  // namespace mpsim::train
