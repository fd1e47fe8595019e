// SPDX-License-Identifier: MIT
// Sequential: layers applied in order; backward in reverse. When the Pass carries a
// CounterRegistry, each layer's events are filed under {"<layer>/forward", step} or
// {"<layer>/backward", step} (the context's counters pointer is switched around the layer and
// restored afterwards, also when the layer throws). When the Pass carries a TensorProbe, it
// observes each layer's output, the gradients each layer receives and returns, and each
// parameter gradient (probe.hpp).
#pragma once

#include <memory>
#include <vector>

#include "mpsim/nn/layer.hpp"

namespace mpsim::nn {

class Sequential {
 public:
  // Appends a layer and returns it. Throws std::invalid_argument for a null layer or a name
  // already used (names key the counters and the parameter names).
  Layer& add(std::unique_ptr<Layer> layer);
  template <class L, class... Args>
  L& emplace(Args&&... args) {
    return static_cast<L&>(add(std::make_unique<L>(std::forward<Args>(args)...)));
  }

  Tensor forward(const Tensor& x, Pass& pass);
  // grad: the gradient of the last layer's output; returns the gradient of the model's input.
  // Without input gradients (set_input_gradient(false)) the sweep stops at the first layer with
  // parameters, which fills only its parameter gradients, and the result is +0s of the last
  // forward input's shape in precision.gradients.
  Tensor backward(const Tensor& grad, Pass& pass);
  // Whether backward() computes the gradient of the model's input (default true; the models of
  // models.hpp turn it off, as training needs no gradient of the data).
  void set_input_gradient(bool on) { input_gradient_ = on; }
  bool input_gradient() const { return input_gradient_; }
  // Every parameter, layer by layer (weight before bias).
  std::vector<Parameter*> parameters();
  // Every Parameter::grad set to +0s of `weight_gradients` (the format backward fills them in).
  void zero_grad(const Format& weight_gradients);
  const std::vector<std::unique_ptr<Layer>>& layers() const { return layers_; }

 private:
  std::vector<std::unique_ptr<Layer>> layers_;
  bool input_gradient_ = true;
  Shape input_shape_;  // of the last forward
};

}  // namespace mpsim::nn
