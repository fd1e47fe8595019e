// SPDX-License-Identifier: MIT
// Element-wise tensor arithmetic: each element is computed by the scalar core and rounded once
// into the result format under the context's Env; flags are raised and events counted in the
// context, and stochastic rounding draws one random word per element from its stream, in
// flat row-major order.
#pragma once

#include <span>

#include "mpsim/scalar/context.hpp"
#include "mpsim/tensor/tensor.hpp"

namespace mpsim {

// The values rounded into format f (one counted rounding each, through the array fast path).
// ShapeError when values.size() differs from the shape's element count.
Tensor tensor_from_floats(const Format& f, Shape shape, std::span<const float> values, Context& ctx);

// x's values rounded into format `to` (a cast counts its underflows and overflows like any
// other rounding). A cast to x's own format is exact but still counted, and DAZ still
// flushes its subnormal inputs, as convert() does.
Tensor cast(const Tensor& x, const Format& to, Context& ctx);

// a op b element by element. The operands must have the same shape and format (ShapeError
// otherwise: cast first); the result has that format.
Tensor add(const Tensor& a, const Tensor& b, Context& ctx);
Tensor sub(const Tensor& a, const Tensor& b, Context& ctx);
Tensor mul(const Tensor& a, const Tensor& b, Context& ctx);
Tensor div(const Tensor& a, const Tensor& b, Context& ctx);
// a * b + c with one rounding.
Tensor fma(const Tensor& a, const Tensor& b, const Tensor& c, Context& ctx);
// Each element times the scalar s, itself first rounded into a's format (counted).
Tensor scale(const Tensor& a, float s, Context& ctx);

// Exact sign operations (no rounding, no flags).
Tensor neg(const Tensor& a);
Tensor abs(const Tensor& a);

}  // namespace mpsim
