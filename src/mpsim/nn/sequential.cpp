// SPDX-License-Identifier: MIT
// Sequential forward/backward with per-layer counter scopes (sequential.hpp).
#include "mpsim/nn/sequential.hpp"

#include <optional>
#include <stdexcept>
#include <string>

namespace mpsim::nn {
namespace {

// Points pass.ctx.counters at the layer's registry entry for the scope (nothing without a registry).
class LayerCounters {
 public:
  LayerCounters(Pass& pass, const Layer& layer, const char* direction) : ctx_(pass.ctx), saved_(pass.ctx.counters) {
    if (pass.registry) ctx_.counters = &pass.registry->at({layer.name() + direction, pass.step});
  }
  ~LayerCounters() { ctx_.counters = saved_; }
  LayerCounters(const LayerCounters&) = delete;
  LayerCounters& operator=(const LayerCounters&) = delete;

 private:
  Context& ctx_;
  EventCounts* saved_;
};

// Turns a layer's input gradient off for the scope when `off`, restoring its setting after.
class InputGradientOff {
 public:
  InputGradientOff(Layer& layer, bool off) : layer_(layer), saved_(layer.input_gradient()) {
    if (off) layer_.set_input_gradient(false);
  }
  ~InputGradientOff() { layer_.set_input_gradient(saved_); }
  InputGradientOff(const InputGradientOff&) = delete;
  InputGradientOff& operator=(const InputGradientOff&) = delete;

 private:
  Layer& layer_;
  bool saved_;
};

// The probe role of a parameter's gradient: "fc1.weight" -> "weight_gradient" (probe.hpp).
std::string gradient_role(const std::string& parameter_name) {
  const std::size_t dot = parameter_name.rfind('.');
  return (dot == std::string::npos ? parameter_name : parameter_name.substr(dot + 1)) + "_gradient";
}

}  // namespace

Layer& Sequential::add(std::unique_ptr<Layer> layer) {
  if (!layer) throw std::invalid_argument("Sequential::add: null layer");
  for (const auto& l : layers_)
    if (l->name() == layer->name())
      throw std::invalid_argument("Sequential::add: a layer named '" + layer->name() + "' is already in the model");
  layers_.push_back(std::move(layer));
  return *layers_.back();
}

Tensor Sequential::forward(const Tensor& x, Pass& pass) {
  input_shape_ = x.shape();
  std::optional<Tensor> y;  // the last output (no copy of x)
  for (const auto& layer : layers_) {
    const LayerCounters scope(pass, *layer, "/forward");
    y = layer->forward(y ? *y : x, pass);
    if (pass.probe) pass.probe->observe(layer->name(), probe_role::activation, *y);
  }
  return y ? std::move(*y) : x;
}

Tensor Sequential::backward(const Tensor& grad, Pass& pass) {
  // The layers to run: all, or down to the first one with parameters.
  std::size_t first = 0;
  if (!input_gradient_) {
    first = layers_.size();
    for (std::size_t i = 0; i < layers_.size(); ++i)
      if (!layers_[i]->parameters().empty()) {
        first = i;
        break;
      }
  }
  std::optional<Tensor> g;  // the last input gradient (no copy of grad)
  for (std::size_t i = layers_.size(); i-- > first;) {
    Layer& layer = *layers_[i];
    const LayerCounters scope(pass, layer, "/backward");
    const InputGradientOff off(layer, !input_gradient_ && i == first);
    if (pass.probe) pass.probe->observe(layer.name(), probe_role::grad_output, g ? *g : grad);
    g = layer.backward(g ? *g : grad, pass);
    if (pass.probe) {
      if (layer.input_gradient() || layer.parameters().empty())
        pass.probe->observe(layer.name(), probe_role::grad_input, *g);
      for (const Parameter* p : layer.parameters()) pass.probe->observe(layer.name(), gradient_role(p->name), p->grad);
    }
  }
  if (!input_gradient_) return Tensor(*pass.precision.gradients, input_shape_);
  return g ? std::move(*g) : grad;
}

std::vector<Parameter*> Sequential::parameters() {
  std::vector<Parameter*> all;
  for (const auto& layer : layers_)
    for (Parameter* p : layer->parameters()) all.push_back(p);
  return all;
}

void Sequential::zero_grad(const Format& weight_gradients) {
  for (Parameter* p : parameters()) p->grad = Tensor(weight_gradients, p->value.shape());
}

}  // namespace mpsim::nn
