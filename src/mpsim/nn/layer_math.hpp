// SPDX-License-Identifier: MIT
// The arithmetic every layer shares: rounding into a policy format under LayerPrecision::env
// (counted in the Pass's context), products under an accumulation model with their counts, and
// the one operand format matmul reads two differently typed operands in.
//
// Binary32 arithmetic (what autocast runs in float32, and the scale factors of fp8 products) is
// done with native float operations where this file's users say so: compiled without FMA
// contraction (-ffp-contract=off) under the default MXCSR (round to nearest even, no FTZ/DAZ),
// each +, -, *, / and sqrt is the correctly rounded binary32 result, bit-identical to the core's
// binary32 ops under the default Env. Those internal float32 steps are not counted; every
// rounding into a policy format is.
#pragma once

#include <span>

#include "mpsim/nn/layer.hpp"
#include "mpsim/tensor/matmul.hpp"
#include "mpsim/tensor/tensor.hpp"

namespace mpsim::nn {

// Makes pass.ctx.env the precision's Env for the scope (casts and element-wise roundings).
class PrecisionEnvScope {
 public:
  explicit PrecisionEnvScope(Pass& pass) : ctx_(pass.ctx), saved_(pass.ctx.env) { ctx_.env = pass.precision.env; }
  ~PrecisionEnvScope() { ctx_.env = saved_; }
  PrecisionEnvScope(const PrecisionEnvScope&) = delete;
  PrecisionEnvScope& operator=(const PrecisionEnvScope&) = delete;

 private:
  Context& ctx_;
  Env saved_;
};

// x rounded once into `to` under pass.precision.env (a cast: counted even when exact). Pass an
// rvalue where x is not needed afterwards: a same-format cast then returns it without a copy.
Tensor round_into(Tensor x, const Format& to, Pass& pass);
// Binary32 values rounded once into `to` under pass.precision.env.
Tensor round_floats_into(std::span<const float> values, Shape shape, const Format& to, Pass& pass);
// Float64 values rounded once into `to` (no double rounding through binary32).
Tensor round_doubles_into(std::span<const double> values, Shape shape, const Format& to, Pass& pass);
// g itself when it already has the format of activation gradients, else g rounded into it.
Tensor as_gradient(Tensor g, Pass& pass);

// Whether every value of `narrow` (infinities and NaN included) is a value of `wide`.
bool holds_every_value(const Format& wide, const Format& narrow);
// The format matmul reads two operands in: a when a == b, else the first of binary16,
// bfloat16, binary32 that holds every value of both (fp8 E4M3 x E5M2 -> binary16). Products are
// exact in every preset model, so the result is that of the operands' own formats.
const Format& common_operand_format(const Format& a, const Format& b);

// pass.matmul with counting on only when pass.ctx.counters is set and the operands have at most
// 12 bits of precision: products of wider operands (binary32) are not counted, which keeps
// matmul's fast kernel (matmul_path: counting needs products exact in binary32).
MatmulOptions product_options(const Pass& pass, const Format& in);

// Whether a product C + A B under `model` provably raises no flag but inexact, so that counting
// it can only add inexact events. True when the products are exact, the accumulator is binary32
// (no tensor-core block), twice the exponent of the last bit of `in` is at least -123 (binary16,
// E4M3, E5M2: not bfloat16), every A and B value is finite, every C value is 0 or of magnitude in
// [2^-100, 2^124], and (k + 1) max(in)^2 <= 2^124. Proof: every product is a multiple of 2^-123,
// and so is every C value (a binary32 value >= 2^-100 has its last bit at or above 2^-123). The
// exact sum of two multiples of 2^-123 is one; if it is below 2^-100 it has at most 23
// significant bits and is exact in binary32, else its rounding is >= 2^-100 and again a
// multiple of 2^-123. So every partial sum, in any order, fused or not, compensated or not, is 0
// or at least 2^-123 > 2^-126 (never tiny), and stays below 2^125 (never overflows); finite
// operands create no NaN.
bool only_inexact_possible(const AccumulationModel& model, const Format& in, int m, int n, int k, const float* a,
                           int lda, const float* b, int ldb, const float* c, int ldc);

// C (m x n) = C + A (m x k) B (k x n) under `model`, row-major (matmul.hpp), its flags and counts
// taken into pass.ctx as product_options says; where only_inexact_possible(), the product runs
// uncounted and records one operation per output element (its inexact events are not counted).
void accumulate_product(const AccumulationModel& model, const Format& in, int m, int n, int k, const float* a, int lda,
                        const float* b, int ldb, float* c, int ldc, Pass& pass);
// out[j] = out[j] + sum_i a[i][j] (rows i in increasing order) under `model`, counted likewise.
void accumulate_column_sums(const AccumulationModel& model, const Format& in, int rows, int cols, const float* a,
                            float* out, Pass& pass);
// out[i] = out[i] + sum_j a[i][j] (columns j in increasing order) under `model`, counted likewise.
void accumulate_row_sums(const AccumulationModel& model, const Format& in, int rows, int cols, const float* a,
                         float* out, Pass& pass);

// The accumulator format of a model (std::invalid_argument naming the model when it has none).
const Format& accumulator_of(const AccumulationModel& model);

// dst (cols x rows) = src (rows x cols) transposed: exact float copies.
void transpose_into(const float* src, int rows, int cols, float* dst);

// Values scaled by the product of two operands' factors, in binary32: v = (v * a) * b, native
// float (see the top of this file); nothing happens when both factors are 1.
void apply_scale_inverses(std::span<float> values, float a, float b);

}  // namespace mpsim::nn
