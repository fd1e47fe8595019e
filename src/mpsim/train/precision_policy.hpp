// SPDX-License-Identifier: MIT
// PrecisionPolicy: for every tensor role of a training step, its format and rounding, and which
// operations run in float32 regardless (FACTS.md 5-7). Presets: fp32, amp-fp16, amp-bf16,
// pure-fp16, pure-bf16 (with nearest, stochastic or Kahan updates), fp8; any other policy from a
// TOML or JSON file (docs/precision_policies.md lists the keys).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mpsim/nn/layer.hpp"

namespace mpsim::train {

// How a parameter update w + u is rounded into the parameter format.
enum class UpdateRounding : std::uint8_t {
  nearest,     // the policy's Env rounding (round to nearest even by default)
  stochastic,  // stochastic rounding, 32 random bits per element (Zamirai et al. 2020)
  kahan,       // compensated: a per-parameter buffer in the parameter format keeps what rounding lost
};

// Transformer Engine's per-tensor delayed scaling (FACTS.md 7): the scale of a tensor at step t
// is fmax * 2^-margin / amax over the last `history` steps (algorithm max) or the last step
// (most_recent); kept unchanged when that amax is 0 or not finite.
struct DelayedScaling {
  int history = 1024;
  bool most_recent = false;  // false: "max" over the history
  int margin = 0;
};

struct PrecisionPolicy {
  std::string name;
  nn::LayerPrecision layers;
  const Format* parameters = &binary32;       // Parameter::value: the master copy when wider than the operands
  const Format* optimizer_state = &binary32;  // momentum, Adam's moments, Kahan buffers
  UpdateRounding update = UpdateRounding::nearest;
  std::optional<DelayedScaling> fp8;          // set: operands are scaled per tensor before the cast
  std::string scaler = "none";                // the loss-scaler preset this policy is normally run with
  // Formats built from fields (eXmY) that the pointers above refer to; copies share them, so a
  // copied policy's pointers stay valid. Named formats point into the static table instead.
  std::vector<std::shared_ptr<const Format>> owned_formats;

  bool master_weights() const { return *parameters != *layers.forward_operands; }
};

// "nearest", "stochastic", "kahan" (the names config files and to_json use).
std::string_view update_rounding_name(UpdateRounding update);
// Empty when an Optimizer and the layers can run the policy, else what is wrong (a format not
// held in float32, an invalid accumulation model, a DelayedScaling field out of range, an unknown
// scaler preset, ...).
std::string validate(const PrecisionPolicy& policy);

// The preset names: fp32, amp-fp16, amp-bf16, pure-fp16, pure-fp16-sr, pure-fp16-kahan,
// pure-bf16, pure-bf16-sr, pure-bf16-kahan, fp8.
const std::vector<std::string>& precision_policy_names();
// Throws std::invalid_argument naming the accepted presets.
PrecisionPolicy precision_policy(std::string_view name);
// A policy from a .toml or .json file: `base = "amp-fp16"` then any field overridden. Throws
// std::runtime_error naming the file, the key and the problem (unknown key, unknown format or
// rounding name, wrong type, invalid accumulation model).
PrecisionPolicy load_precision_policy(const std::filesystem::path& file);
// A preset name or a path to a .toml/.json file.
PrecisionPolicy resolve_precision_policy(std::string_view name_or_path);
// The policy as JSON (every field, format names, model fields): what a run directory records.
std::string to_json(const PrecisionPolicy& policy);

}  // namespace mpsim::train
