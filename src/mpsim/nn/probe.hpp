// SPDX-License-Identifier: MIT
// TensorProbe: what Sequential shows an observer during a sweep when Pass::probe is set (null:
// one pointer test per layer, nothing else). A probe observes; it never changes a tensor.
//
//   forward,  each layer L:   observe(L, "activation", y)            y = L.forward(...)
//   backward, each layer L:   observe(L, "grad_output", g)            the gradient L receives
//                             observe(L, "grad_input", L.backward(g)) unless L's input gradient is off
//                             observe(L, "<p>_gradient", P.grad)      each parameter P of L, named
//                                                                     "L.<p>" ("weight_gradient",
//                                                                     "bias_gradient")
#pragma once

#include <string_view>

#include "mpsim/tensor/tensor.hpp"

namespace mpsim::nn {

namespace probe_role {
inline constexpr std::string_view activation = "activation";
inline constexpr std::string_view grad_output = "grad_output";
inline constexpr std::string_view grad_input = "grad_input";
inline constexpr std::string_view weight_gradient = "weight_gradient";
inline constexpr std::string_view bias_gradient = "bias_gradient";
}  // namespace probe_role

class TensorProbe {
 public:
  virtual ~TensorProbe() = default;
  // `t` is valid only during the call.
  virtual void observe(std::string_view layer, std::string_view role, const Tensor& t) = 0;
};

}  // namespace mpsim::nn
