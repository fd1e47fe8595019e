// SPDX-License-Identifier: MIT
// Per-tensor delayed scaling for FP8 operands, as Transformer Engine does it (FACTS.md 7): each
// key ("fc1/weight", "fc1/input", "fc1/grad_output") keeps an amax history; a tensor is scaled by
// the scale computed from the history *before* this step, cast with saturation, and its own amax
// then joins the history.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "mpsim/nn/layer.hpp"
#include "mpsim/train/optimizer.hpp"
#include "mpsim/train/precision_policy.hpp"

namespace mpsim::train {

class DelayedScalingCaster : public nn::OperandCaster {
 public:
  explicit DelayedScalingCaster(const DelayedScaling& config);
  nn::Operand to_operand(std::string_view key, const Tensor& x, const Format& to, Context& ctx) override;

  // Per key: the current scale and the amax history, for checkpoints and probes.
  std::vector<NamedTensor> state() const;
  void restore(const std::vector<NamedTensor>& state);

 private:
  struct Entry {
    float scale = 1.0f;
    std::vector<float> amax_history;  // ring of `history` entries, newest at `next - 1`
    std::size_t next = 0;
  };
  DelayedScaling config_;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace mpsim::train
