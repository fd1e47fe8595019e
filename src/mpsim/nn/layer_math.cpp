// SPDX-License-Identifier: MIT
// Rounding, products and sums as layers use them (layer_math.hpp).
#include "mpsim/nn/layer_math.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstddef>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "mpsim/array/round_array.hpp"
#include "mpsim/format/named_formats.hpp"
#include "mpsim/tensor/elementwise.hpp"
#include "mpsim/tensor/reduce.hpp"

namespace mpsim::nn {
namespace {

void absorb(Context& ctx, const MatmulOutcome& outcome) {
  ctx.flags |= outcome.flags;
  if (ctx.counters) *ctx.counters += outcome.counts;
}

double max_finite(const Format& f) {
  return std::ldexp(static_cast<double>(f.max_significand()), f.emax() - f.fraction_bits);
}

// The exponent of the last significand bit of the values in the lowest binade (normal or not).
int lowest_bit_exponent(const Format& f) { return f.emin() - f.fraction_bits; }

// Whether casting x into its own format is a plain copy: exact, no flag, and no event but the
// operation itself. True under an Env without FTZ/DAZ when x holds no NaN (quieting, canonical
// NaNs) and no subnormal (counted as a subnormal result). The array path has no SIMD kernel for
// binary32, so this copy is what keeps same-format casts (the fp32 policy's) at memory speed.
bool same_format_copy(const Tensor& x, const Format& to, const Env& env) {
  if (!(x.format() == to) || env.flush_to_zero || env.denormals_are_zero) return false;
  const float smallest_normal = std::ldexp(1.0f, to.emin());
  int odd = 0;  // NaNs and subnormals seen (bitwise ops, no branches: the loop vectorises)
  for (const float v : x.values()) {
    const float a = std::fabs(v);
    odd |= static_cast<int>(!(a >= smallest_normal)) & static_cast<int>(a != 0.0f);
  }
  return odd == 0;
}

}  // namespace

Tensor round_into(Tensor x, const Format& to, Pass& pass) {
  Context& ctx = pass.ctx;
  if (same_format_copy(x, to, pass.precision.env)) {  // bit-identical to cast() (tested)
    if (ctx.counters) ctx.counters->operations += x.size();
    if (pass.precision.env.rounding == Rounding::stochastic) ctx.stochastic.next_index += x.size();
    return x;
  }
  const PrecisionEnvScope env(pass);
  return cast(x, to, ctx);
}

Tensor round_floats_into(std::span<const float> values, Shape shape, const Format& to, Pass& pass) {
  Tensor x(binary32, std::move(shape));
  if (values.size() != x.size()) throw ShapeError("round_floats_into: value count does not match the shape");
  std::copy(values.begin(), values.end(), x.values().begin());
  return round_into(std::move(x), to, pass);
}

Tensor round_doubles_into(std::span<const double> values, Shape shape, const Format& to, Pass& pass) {
  Tensor out(to, std::move(shape));
  if (values.size() != out.size()) throw ShapeError("round_doubles_into: value count does not match the shape");
  Context& ctx = pass.ctx;
  const Env& env = pass.precision.env;
  std::vector<double> rounded(values.size());
  const StochasticDraws draws{ctx.stochastic.seed, ctx.stochastic.stream, ctx.stochastic.next_index};
  const ArrayOutcome outcome = round_array(to, env, values, rounded, draws, ctx.counters != nullptr);
  if (env.rounding == Rounding::stochastic) ctx.stochastic.next_index += values.size();
  ctx.flags |= outcome.flags;
  if (ctx.counters) *ctx.counters += outcome.counts;
  std::span<float> v = out.values();
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(rounded[i]);  // exact: a value of `to`
  return out;
}

Tensor as_gradient(Tensor g, Pass& pass) {
  if (g.format() == *pass.precision.gradients) return g;
  return round_into(g, *pass.precision.gradients, pass);
}

bool holds_every_value(const Format& wide, const Format& narrow) {
  if (narrow.precision() > wide.precision() || max_finite(narrow) > max_finite(wide)) return false;
  if (narrow.infinities && !wide.infinities) return false;
  if (narrow.has_nan() && !wide.has_nan()) return false;
  if (lowest_bit_exponent(narrow) < lowest_bit_exponent(wide)) return false;
  if (wide.subnormals) return true;
  // Without subnormals the smallest positive value of `narrow` must be a normal of `wide`.
  const int narrow_smallest = narrow.subnormals ? narrow.emin() - narrow.fraction_bits : narrow.emin();
  return narrow_smallest >= wide.emin();
}

const Format& common_operand_format(const Format& a, const Format& b) {
  if (a == b) return a;
  for (const Format* f : {&binary16, &bfloat16, &binary32}) {
    if (holds_every_value(*f, a) && holds_every_value(*f, b)) return *f;
  }
  throw std::invalid_argument("no operand format holds both " + format_name(a) + " and " + format_name(b));
}

MatmulOptions product_options(const Pass& pass, const Format& in) {
  MatmulOptions options = pass.matmul;
  options.count = options.count && pass.ctx.counters != nullptr && in.precision() <= 12;
  return options;
}

namespace {

// True when every value is finite and 0 or of magnitude within [2^lo, 2^hi] (lo >= -149, hi <= 127).
// Branch-free on the bit patterns of |x| (NaN and inf lie above 2^hi's pattern) so that the
// compiler vectorises it: the scan costs a small fraction of the product it guards.
bool finite_within(const float* x, int rows, int cols, int ld, int lo, int hi) {
  const std::uint32_t small = std::bit_cast<std::uint32_t>(std::ldexp(1.0f, lo));
  const std::uint32_t large = std::bit_cast<std::uint32_t>(std::ldexp(1.0f, hi));
  std::uint32_t bad = 0;
  for (int r = 0; r < rows; ++r) {
    const float* row = x + static_cast<std::ptrdiff_t>(r) * ld;
    for (int j = 0; j < cols; ++j) {
      const std::uint32_t magnitude = std::bit_cast<std::uint32_t>(row[j]) & 0x7FFF'FFFFu;
      bad |= static_cast<std::uint32_t>(magnitude > large) | static_cast<std::uint32_t>(magnitude - 1 < small - 1);
    }
  }
  return bad == 0;
}

}  // namespace

bool only_inexact_possible(const AccumulationModel& model, const Format& in, int m, int n, int k, const float* a,
                           int lda, const float* b, int ldb, const float* c, int ldc) {
  if (model.product || model.tensor_core || !model.accumulator || *model.accumulator != binary32) return false;
  // Products are multiples of 2^(2 * lowest bit) and below max^2 * 2^... : see layer_math.hpp.
  if (2 * lowest_bit_exponent(in) < -123) return false;
  const double max_product = max_finite(in) * max_finite(in);
  if (!(max_product * (static_cast<double>(k) + 1) <= std::ldexp(1.0, 124))) return false;
  return finite_within(a, m, k, lda, -149, 127) && finite_within(b, k, n, ldb, -149, 127) &&
         finite_within(c, m, n, ldc, -100, 124);
}

void accumulate_product(const AccumulationModel& model, const Format& in, int m, int n, int k, const float* a, int lda,
                        const float* b, int ldb, float* c, int ldc, Pass& pass) {
  MatmulOptions options = product_options(pass, in);
  if (options.count && only_inexact_possible(model, in, m, n, k, a, lda, b, ldb, c, ldc)) {
    // Nothing but inexact can happen (layer_math.hpp): the uncounted kernel, one operation per
    // output element recorded as a counted matmul would.
    options.count = false;
    absorb(pass.ctx, matmul(model, in, m, n, k, a, lda, b, ldb, c, ldc, options));
    if (pass.ctx.counters) pass.ctx.counters->operations += static_cast<std::uint64_t>(m) * static_cast<std::uint64_t>(n);
    return;
  }
  absorb(pass.ctx, matmul(model, in, m, n, k, a, lda, b, ldb, c, ldc, options));
}

void accumulate_column_sums(const AccumulationModel& model, const Format& in, int rows, int cols, const float* a,
                            float* out, Pass& pass) {
  absorb(pass.ctx, column_sums(model, in, rows, cols, a, cols > 0 ? cols : 1, out, product_options(pass, in)));
}

void accumulate_row_sums(const AccumulationModel& model, const Format& in, int rows, int cols, const float* a,
                         float* out, Pass& pass) {
  absorb(pass.ctx, row_sums(model, in, rows, cols, a, cols > 0 ? cols : 1, out, product_options(pass, in)));
}

const Format& accumulator_of(const AccumulationModel& model) {
  if (!model.accumulator) throw std::invalid_argument("accumulation model '" + model.name + "' has no accumulator format");
  return *model.accumulator;
}

void transpose_into(const float* src, int rows, int cols, float* dst) {
  constexpr int tile = 32;  // cache blocking; a copy, so any order gives the same values
  for (int r0 = 0; r0 < rows; r0 += tile) {
    for (int c0 = 0; c0 < cols; c0 += tile) {
      const int r1 = std::min(rows, r0 + tile), c1 = std::min(cols, c0 + tile);
      for (int r = r0; r < r1; ++r)
        for (int c = c0; c < c1; ++c) dst[static_cast<std::size_t>(c) * rows + r] = src[static_cast<std::size_t>(r) * cols + c];
    }
  }
}

void apply_scale_inverses(std::span<float> values, float a, float b) {
  if (a == 1.0f && b == 1.0f) return;
  for (float& v : values) v = (v * a) * b;  // two binary32 roundings, native (layer_math.hpp)
}

}  // namespace mpsim::nn
