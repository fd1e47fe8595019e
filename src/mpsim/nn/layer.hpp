// SPDX-License-Identifier: MIT
// The contract every layer of nn/ keeps: a forward/backward pair over Tensors, the precision it
// computes in (LayerPrecision, filled in by a train/ precision policy), and the Pass that carries
// the arithmetic context through one forward or backward sweep.
//
// Formats of a step (PyTorch autocast's rules, FACTS.md 6):
//   parameter value (master or working copy) --cast(forward_operands)--> product operand
//   layer input x   --cast(forward_operands)--> product operand
//   products: matmul under `products` (bias, where there is one, is the initial accumulator)
//   layer output    rounded once into `activations`
//   gradient of y   --cast(backward_operands)--> product operand
//   gradient of x   rounded once into `gradients`; gradient of a parameter into `weight_gradients`
// Operations PyTorch autocast runs in float32 (softmax, log-softmax, sums, layer-norm statistics,
// every loss) run in binary32 whatever the policy says.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/instrument/counters.hpp"
#include "mpsim/nn/probe.hpp"
#include "mpsim/scalar/context.hpp"
#include "mpsim/tensor/accumulation_model.hpp"
#include "mpsim/tensor/matmul.hpp"
#include "mpsim/tensor/tensor.hpp"

namespace mpsim::nn {

struct LayerPrecision {
  const Format* activations = &binary32;        // outputs of linear/conv/GELU layers
  const Format* gradients = &binary32;          // activation gradients passed between layers
  const Format* weight_gradients = &binary32;   // Parameter::grad
  const Format* forward_operands = &binary32;   // inputs and weights of forward products (E4M3 under fp8)
  const Format* backward_operands = &binary32;  // gradient operands of backward products (E5M2 under fp8)
  AccumulationModel products = accumulation_preset("fp32-sequential");     // matmul and conv
  AccumulationModel reductions = accumulation_preset("fp32-sequential");   // bias gradients, norm statistics
  Env env{};  // rounding of casts and element-wise results (stochastic draws from the Pass's context)
};

// A product operand: values of the operand format, and the float32 factor that undoes a
// per-tensor scale applied before the cast (1 without scaling). The product of two operands is
// multiplied by both factors in binary32 after the accumulation.
struct Operand {
  Tensor values;
  float scale_inverse = 1.0f;
};

// How tensors become product operands. The default casts (no scaling); train/'s fp8 delayed
// scaling keeps one amax history per key ("fc1/weight", "fc1/input", "fc1/grad_output").
class OperandCaster {
 public:
  virtual ~OperandCaster() = default;
  virtual Operand to_operand(std::string_view key, const Tensor& x, const Format& to, Context& ctx);
};

// One forward or backward sweep: the precision, the context that rounds, flags and counts
// (ctx.counters may be null: counting off), and the matmul options (threads never change a bit).
struct Pass {
  const LayerPrecision& precision;
  Context& ctx;
  MatmulOptions matmul{};
  OperandCaster* caster = nullptr;      // null: plain casts
  bool keep_for_backward = true;        // false: evaluation only, nothing cached
  CounterRegistry* registry = nullptr;  // set: Sequential files each layer's events under
  std::int64_t step = -1;               //   {"<layer>/forward" or "<layer>/backward", step}
  TensorProbe* probe = nullptr;         // set: Sequential shows it every layer's tensors (probe.hpp)

  Operand operand(std::string_view key, const Tensor& x, const Format& to);
};

// A trainable tensor. `value` holds the parameter in the policy's parameter format (the float32
// master under amp, the working fp16/bf16 copy under pure-fp16/bf16); `grad` is the last
// backward's gradient in LayerPrecision::weight_gradients, same shape.
struct Parameter {
  std::string name;  // "fc1.weight", "conv2.bias"
  Tensor value;
  Tensor grad;
};

class Layer {
 public:
  explicit Layer(std::string name) : name_(std::move(name)) {}
  virtual ~Layer() = default;
  Layer(const Layer&) = delete;
  Layer& operator=(const Layer&) = delete;

  const std::string& name() const { return name_; }
  virtual std::string_view kind() const = 0;  // "linear", "conv2d", ...
  // y = f(x); caches what backward needs when pass.keep_for_backward.
  virtual Tensor forward(const Tensor& x, Pass& pass) = 0;
  // The gradient of the input from the gradient of the output (of the last forward), rounded
  // into precision.gradients; fills every Parameter::grad.
  virtual Tensor backward(const Tensor& grad_y, Pass& pass) = 0;
  virtual std::vector<Parameter*> parameters() { return {}; }

  // Whether backward computes the gradient of the input (default true). Off, a layer with
  // parameters fills only its Parameter::grad and returns +0s of the input's shape in
  // precision.gradients (a framework skips the input gradient of a model's first layer, whose
  // input needs none: Sequential::set_input_gradient). Layers without parameters ignore it.
  void set_input_gradient(bool on) { input_gradient_ = on; }
  bool input_gradient() const { return input_gradient_; }

 private:
  std::string name_;
  bool input_gradient_ = true;
};

}  // namespace mpsim::nn
