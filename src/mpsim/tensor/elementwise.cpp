// SPDX-License-Identifier: MIT
// Element-wise tensor arithmetic through the scalar core (one rounding per element) and casts
// through the array-rounding fast path.
#include "mpsim/tensor/elementwise.hpp"

#include <string>

#include "mpsim/array/round_array.hpp"
#include "mpsim/format/named_formats.hpp"
#include "mpsim/ops/ops.hpp"

namespace mpsim {
namespace {

void require_same_format(std::string_view op, const Format& a, const Format& b) {
  if (!(a == b))
    throw ShapeError(std::string(op) + ": operand formats " + format_name(a) + " and " + format_name(b) +
                     " differ; cast one operand first");
}

// out[i] = op(a[i], b[i], ...) in flat order; `op` returns the core's Result for element i.
template <class Op>
void each_element(Tensor& out, Context& ctx, Op op) {
  const Format& f = out.format();
  std::span<float> values = out.values();
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = to_float(f, ctx.absorb(op(i, ctx.random())));
}

template <class Op>
Tensor binary(std::string_view name, const Tensor& a, const Tensor& b, Context& ctx, Op op) {
  require_same_shape(name, a.shape(), b.shape());
  require_same_format(name, a.format(), b.format());
  Tensor out(a.format(), a.shape());
  const Format& f = a.format();
  each_element(out, ctx, [&](std::size_t i, std::uint32_t random) { return op(f, a.bits(i), b.bits(i), ctx.env, random); });
  return out;
}

// The array fast path reads its input as binary32: DAZ of a narrower source format (whose
// subnormals are normal floats) must be applied per element by the core instead.
bool array_path_reads_like(const Format& from, const Env& env) {
  return !env.denormals_are_zero || from.emin() == binary32.emin();
}

// Rounds `in` (values of format `from`) into `out`'s format, counting into ctx.
void round_values(const Format& from, std::span<const float> in, Tensor& out, Context& ctx) {
  const Format& to = out.format();
  if (array_path_reads_like(from, ctx.env)) {
    const bool stochastic = ctx.env.rounding == Rounding::stochastic;
    const StochasticDraws draws{ctx.stochastic.seed, ctx.stochastic.stream, ctx.stochastic.next_index};
    const ArrayOutcome outcome = round_array(to, ctx.env, in, out.values(), draws, ctx.counters != nullptr);
    if (stochastic) ctx.stochastic.next_index += in.size();
    ctx.flags |= outcome.flags;
    if (ctx.counters) *ctx.counters += outcome.counts;
    return;
  }
  std::span<float> values = out.values();
  for (std::size_t i = 0; i < in.size(); ++i) {
    const std::uint64_t bits = from_float(from, in[i]).bits;  // exact: in[i] is a value of `from`
    values[i] = to_float(to, ctx.absorb(convert(to, from, bits, ctx.env, ctx.random())));
  }
}

}  // namespace

Tensor tensor_from_floats(const Format& f, Shape shape, std::span<const float> values, Context& ctx) {
  Tensor out(f, std::move(shape));
  if (values.size() != out.size())
    throw ShapeError("tensor_from_floats: " + std::to_string(values.size()) + " values for shape " +
                     shape_string(out.shape()) + " (" + std::to_string(out.size()) + " elements)");
  round_values(binary32, values, out, ctx);
  return out;
}

Tensor cast(const Tensor& x, const Format& to, Context& ctx) {
  Tensor out(to, x.shape());
  round_values(x.format(), x.values(), out, ctx);
  return out;
}

Tensor add(const Tensor& a, const Tensor& b, Context& ctx) {
  return binary("add", a, b, ctx, [](auto&&... args) { return mpsim::add(args...); });
}
Tensor sub(const Tensor& a, const Tensor& b, Context& ctx) {
  return binary("sub", a, b, ctx, [](auto&&... args) { return mpsim::sub(args...); });
}
Tensor mul(const Tensor& a, const Tensor& b, Context& ctx) {
  return binary("mul", a, b, ctx, [](auto&&... args) { return mpsim::mul(args...); });
}
Tensor div(const Tensor& a, const Tensor& b, Context& ctx) {
  return binary("div", a, b, ctx, [](auto&&... args) { return mpsim::div(args...); });
}

Tensor fma(const Tensor& a, const Tensor& b, const Tensor& c, Context& ctx) {
  require_same_shape("fma", a.shape(), b.shape());
  require_same_shape("fma", a.shape(), c.shape());
  require_same_format("fma", a.format(), b.format());
  require_same_format("fma", a.format(), c.format());
  Tensor out(a.format(), a.shape());
  const Format& f = a.format();
  each_element(out, ctx, [&](std::size_t i, std::uint32_t random) {
    return mpsim::fma(f, a.bits(i), b.bits(i), c.bits(i), ctx.env, random);
  });
  return out;
}

Tensor scale(const Tensor& a, float s, Context& ctx) {
  const Format& f = a.format();
  const std::uint64_t s_bits = ctx.absorb(from_float(f, s, ctx.env, ctx.random()));
  Tensor out(f, a.shape());
  each_element(out, ctx, [&](std::size_t i, std::uint32_t random) { return mpsim::mul(f, a.bits(i), s_bits, ctx.env, random); });
  return out;
}

Tensor neg(const Tensor& a) {
  Tensor out(a.format(), a.shape());
  for (std::size_t i = 0; i < a.size(); ++i) out.values()[i] = to_float(a.format(), mpsim::neg(a.format(), a.bits(i)));
  return out;
}

Tensor abs(const Tensor& a) {
  Tensor out(a.format(), a.shape());
  for (std::size_t i = 0; i < a.size(); ++i) out.values()[i] = to_float(a.format(), mpsim::abs(a.format(), a.bits(i)));
  return out;
}

}  // namespace mpsim
