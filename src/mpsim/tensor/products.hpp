// SPDX-License-Identifier: MIT
// Matrix products and sums of Tensors under a named AccumulationModel: shape and format checks
// with clear errors, then matmul.hpp's kernels (bit-identical to dot() per element for any
// thread count). Flags and event counts go to the context; the model carries its own Env.
#pragma once

#include "mpsim/scalar/context.hpp"
#include "mpsim/tensor/matmul.hpp"
#include "mpsim/tensor/tensor.hpp"

namespace mpsim {

// a (m x k) times b (k x n), both of one input format, summed under `model` from +0: an m x n
// tensor of model.accumulator.
Tensor matmul(const Tensor& a, const Tensor& b, const AccumulationModel& model, Context& ctx,
              const MatmulOptions& options = {});
// c + a b: c (m x n) of model.accumulator holds the initial accumulators.
Tensor matmul(const Tensor& a, const Tensor& b, const Tensor& c, const AccumulationModel& model, Context& ctx,
              const MatmulOptions& options = {});
// a (batch x m x k) times b (batch x k x n): batch x m x n.
Tensor batched_matmul(const Tensor& a, const Tensor& b, const AccumulationModel& model, Context& ctx,
                      const MatmulOptions& options = {});

// The sum of every element of x (flat row-major order) from +0, as a one-element tensor of
// model.accumulator.
Tensor sum(const Tensor& x, const AccumulationModel& model, Context& ctx, const MatmulOptions& options = {});
// Sums along one axis of a matrix: axis 0 sums each column (a 1 x n result), axis 1 each row (m x 1).
Tensor sum(const Tensor& x, int axis, const AccumulationModel& model, Context& ctx, const MatmulOptions& options = {});

}  // namespace mpsim
