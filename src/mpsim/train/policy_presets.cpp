// SPDX-License-Identifier: MIT
// The named precision policies (FACTS.md 5-7; docs/precision_policies.md explains each choice).
#include <stdexcept>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/train/precision_policy.hpp"

namespace mpsim::train {
namespace {

// Every tensor role of the layers in format f, products and reductions accumulated in binary32.
nn::LayerPrecision layers_in(const Format& f) {
  nn::LayerPrecision p;
  p.activations = p.gradients = p.weight_gradients = &f;
  p.forward_operands = p.backward_operands = &f;
  p.products = accumulation_preset("fp32-sequential");
  p.reductions = accumulation_preset("fp32-sequential");
  return p;
}

// Micikevicius et al. 2018 / PyTorch autocast: low-precision products and tensors between
// layers, binary32 accumulation, binary32 master weights and optimizer state.
PrecisionPolicy amp(std::string name, const Format& f, std::string scaler) {
  PrecisionPolicy p{.name = std::move(name), .layers = layers_in(f)};
  p.parameters = p.optimizer_state = &binary32;
  p.scaler = std::move(scaler);
  return p;
}

// No master copy: parameters, optimizer state and every tensor in f. Products still accumulate
// in binary32, as fp16/bf16 tensor cores and cuBLAS do (FACTS.md 8).
PrecisionPolicy pure(std::string name, const Format& f, UpdateRounding update) {
  PrecisionPolicy p{.name = std::move(name), .layers = layers_in(f)};
  p.parameters = p.optimizer_state = &f;
  p.update = update;
  p.scaler = "none";
  return p;
}

// Transformer Engine recipe (FACTS.md 7): E4M3 forward operands, E5M2 gradient operands, each
// scaled per tensor with delayed scaling; tensors between layers in bfloat16 (TE runs inside a
// bf16 model/autocast: binary32's range, so no loss scaling on top of the per-tensor scales);
// binary32 master weights and optimizer state.
PrecisionPolicy fp8() {
  PrecisionPolicy p{.name = "fp8", .layers = layers_in(bfloat16)};
  p.layers.forward_operands = &fp8_e4m3;
  p.layers.backward_operands = &fp8_e5m2;
  p.parameters = p.optimizer_state = &binary32;
  p.fp8 = DelayedScaling{.history = 1024, .most_recent = false, .margin = 0};
  p.scaler = "none";
  return p;
}

std::string joined(const std::vector<std::string>& names) {
  std::string s;
  for (const std::string& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

}  // namespace

const std::vector<std::string>& precision_policy_names() {
  static const std::vector<std::string> names{"fp32",      "amp-fp16",     "amp-bf16",        "pure-fp16",
                                              "pure-fp16-sr", "pure-fp16-kahan", "pure-bf16", "pure-bf16-sr",
                                              "pure-bf16-kahan", "fp8"};
  return names;
}

PrecisionPolicy precision_policy(std::string_view name) {
  if (name == "fp32") {
    PrecisionPolicy p{.name = "fp32", .layers = layers_in(binary32)};
    return p;
  }
  if (name == "amp-fp16") return amp("amp-fp16", binary16, "pytorch");
  if (name == "amp-bf16") return amp("amp-bf16", bfloat16, "none");
  if (name == "pure-fp16") return pure("pure-fp16", binary16, UpdateRounding::nearest);
  if (name == "pure-fp16-sr") return pure("pure-fp16-sr", binary16, UpdateRounding::stochastic);
  if (name == "pure-fp16-kahan") return pure("pure-fp16-kahan", binary16, UpdateRounding::kahan);
  if (name == "pure-bf16") return pure("pure-bf16", bfloat16, UpdateRounding::nearest);
  if (name == "pure-bf16-sr") return pure("pure-bf16-sr", bfloat16, UpdateRounding::stochastic);
  if (name == "pure-bf16-kahan") return pure("pure-bf16-kahan", bfloat16, UpdateRounding::kahan);
  if (name == "fp8") return fp8();
  throw std::invalid_argument("unknown precision policy '" + std::string(name) +
                              "'; accepted: " + joined(precision_policy_names()) + ", or a .toml/.json file");
}

}  // namespace mpsim::train
