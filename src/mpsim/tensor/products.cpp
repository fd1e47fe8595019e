// SPDX-License-Identifier: MIT
// Tensor-level matmul, batched matmul and sums: checks, then the kernels of matmul.hpp/reduce.hpp.
#include "mpsim/tensor/products.hpp"

#include <string>

#include "mpsim/tensor/reduce.hpp"

namespace mpsim {
namespace {

const Format& accumulator_of(const AccumulationModel& model) {
  if (!model.accumulator) throw std::invalid_argument("accumulation model '" + model.name + "' has no accumulator format");
  return *model.accumulator;
}

void require_format(std::string_view op, const Tensor& t, const Format& f, std::string_view role) {
  if (!(t.format() == f))
    throw ShapeError(std::string(op) + ": " + std::string(role) + " has format " + format_name(t.format()) +
                     ", expected " + format_name(f));
}

int extent(const Tensor& t, std::size_t axis) { return static_cast<int>(t.shape()[axis]); }

void absorb(Context& ctx, const MatmulOutcome& outcome) {
  ctx.flags |= outcome.flags;
  if (ctx.counters) *ctx.counters += outcome.counts;
}

MatmulOptions with_counting(MatmulOptions options, const Context& ctx) {
  options.count = options.count && ctx.counters != nullptr;
  return options;
}

void check_product(std::string_view op, const Tensor& a, const Tensor& b, std::size_t rank) {
  require_rank(op, a.shape(), rank);
  require_rank(op, b.shape(), rank);
  require_format(op, b, a.format(), "the right operand");
  const bool batches_agree = rank == 2 || a.shape()[0] == b.shape()[0];
  if (a.shape()[rank - 1] != b.shape()[rank - 2] || !batches_agree)
    throw ShapeError(std::string(op) + ": cannot multiply " + shape_string(a.shape()) + " by " + shape_string(b.shape()));
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b, const Tensor& c, const AccumulationModel& model, Context& ctx,
              const MatmulOptions& options) {
  check_product("matmul", a, b, 2);
  const Format& acc = accumulator_of(model);
  require_format("matmul", c, acc, "the accumulator tensor");
  const Shape out_shape{a.shape()[0], b.shape()[1]};
  if (c.shape() != out_shape)
    throw ShapeError("matmul: accumulator shape " + shape_string(c.shape()) + ", expected " + shape_string(out_shape));
  Tensor out = c.reshaped(out_shape);
  const int m = extent(a, 0), k = extent(a, 1), n = extent(b, 1);
  absorb(ctx, mpsim::matmul(model, a.format(), m, n, k, a.values().data(), k, b.values().data(), n, out.values().data(),
                            n, with_counting(options, ctx)));
  return out;
}

Tensor matmul(const Tensor& a, const Tensor& b, const AccumulationModel& model, Context& ctx,
              const MatmulOptions& options) {
  check_product("matmul", a, b, 2);
  return matmul(a, b, Tensor(accumulator_of(model), {a.shape()[0], b.shape()[1]}), model, ctx, options);
}

Tensor batched_matmul(const Tensor& a, const Tensor& b, const AccumulationModel& model, Context& ctx,
                      const MatmulOptions& options) {
  check_product("batched_matmul", a, b, 3);
  const int batch = extent(a, 0), m = extent(a, 1), k = extent(a, 2), n = extent(b, 2);
  Tensor out(accumulator_of(model), {batch, m, n});
  absorb(ctx, mpsim::batched_matmul(model, a.format(), batch, m, n, k, a.values().data(), k,
                                    std::int64_t{m} * k, b.values().data(), n, std::int64_t{k} * n,
                                    out.values().data(), n, std::int64_t{m} * n, with_counting(options, ctx)));
  return out;
}

Tensor sum(const Tensor& x, const AccumulationModel& model, Context& ctx, const MatmulOptions& options) {
  Tensor out(accumulator_of(model), {1});
  MatmulOutcome outcome;
  out.values()[0] = mpsim::sum(model, x.format(), x.values(), 0.0f, &outcome, with_counting(options, ctx));
  absorb(ctx, outcome);
  return out;
}

Tensor sum(const Tensor& x, int axis, const AccumulationModel& model, Context& ctx, const MatmulOptions& options) {
  require_rank("sum", x.shape(), 2);
  const int rows = extent(x, 0), cols = extent(x, 1);
  const MatmulOptions opts = with_counting(options, ctx);
  if (axis == 0) {
    Tensor out(accumulator_of(model), {1, cols});
    absorb(ctx, column_sums(model, x.format(), rows, cols, x.values().data(), cols, out.values().data(), opts));
    return out;
  }
  if (axis == 1) {
    Tensor out(accumulator_of(model), {rows, 1});
    absorb(ctx, row_sums(model, x.format(), rows, cols, x.values().data(), cols, out.values().data(), opts));
    return out;
  }
  throw ShapeError("sum: axis " + std::to_string(axis) + " of a rank-2 tensor (accepted: 0 or 1)");
}

}  // namespace mpsim
