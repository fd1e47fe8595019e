// SPDX-License-Identifier: MIT
// Sums under a named AccumulationModel: the sum of a vector and the row / column sums of a
// matrix. A sum is the dot product with a vector of ones (x * 1 is x exactly), so it names the
// same accumulator, order and roundings as dot() and runs on matmul's kernels.
#pragma once

#include <span>

#include "mpsim/tensor/matmul.hpp"

namespace mpsim {

// init + x[0] + x[1] + ... under `model` = dot(model, in, x, ones, init): x holds values of `in`
// as floats, init and the result values of model.accumulator. -0.0f is the additive identity
// under nearest-even (a sum of -0 values stays -0); +0.0f is what most libraries start from.
float sum(const AccumulationModel& model, const Format& in, std::span<const float> x, float init,
          MatmulOutcome* outcome = nullptr, const MatmulOptions& options = {});

// out[i] = out[i] + sum_j a[i][j] for a (rows x cols, leading dimension lda): out holds the
// initial accumulators (rows values of model.accumulator).
MatmulOutcome row_sums(const AccumulationModel& model, const Format& in, int rows, int cols, const float* a,
                       int lda, float* out, const MatmulOptions& options = {});

// out[j] = out[j] + sum_i a[i][j], i in increasing order: out holds cols initial accumulators.
MatmulOutcome column_sums(const AccumulationModel& model, const Format& in, int rows, int cols, const float* a,
                          int lda, float* out, const MatmulOptions& options = {});

}  // namespace mpsim
