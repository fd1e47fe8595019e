// SPDX-License-Identifier: MIT
// CoreArithmetic: every element through ops/ (mixed operand formats through the unpacked entry
// points), absorbed by the context. The specification the other two are tested against.
#include "mpsim/ops/ops.hpp"
#include "mpsim/train/state_arithmetic.hpp"

namespace mpsim::train::detail {
namespace {

std::uint32_t random_word(const Env& env, Context& ctx) {
  return env.rounding == Rounding::stochastic ? ctx.stochastic.draw() : 0;
}

}  // namespace

// a (format fa) op b (format fb) rounded once into `out` under env (the core's mixed-format form).
Result core_binary(BinaryOp op, const Format& out, const Format& fa, float a, const Format& fb, float b, const Env& env,
                   std::uint32_t random) {
  std::uint8_t ev = 0;
  const Unpacked ua = mpsim::detail::read_operand(fa, env, from_float(fa, a).bits, ev, event::flushed_input_a);
  const Unpacked ub = mpsim::detail::read_operand(fb, env, from_float(fb, b).bits, ev, event::flushed_input_b);
  switch (op) {
    case BinaryOp::add: return mpsim::detail::add_unpacked(out, env, ua, ub, false, ev, random);
    case BinaryOp::sub: return mpsim::detail::add_unpacked(out, env, ua, ub, true, ev, random);
    case BinaryOp::mul: return mpsim::detail::mul_unpacked(out, env, ua, ub, ev, random);
    case BinaryOp::div: return mpsim::detail::div_unpacked(out, env, ua, ub, ev, random);
  }
  return {};
}

Result core_sqrt(const Format& out, const Format& fa, float a, const Env& env, std::uint32_t random) {
  std::uint8_t ev = 0;
  const Unpacked ua = mpsim::detail::read_operand(fa, env, from_float(fa, a).bits, ev, event::flushed_input_a);
  return mpsim::detail::sqrt_unpacked(out, env, ua, ev, random);
}

bool native_binary32_env(const Env& env) {
  return env.rounding == Rounding::nearest_even && !env.flush_to_zero && !env.denormals_are_zero &&
         env.overflow != Overflow::saturate;
}

float CoreArithmetic::constant(double c) const {
  return to_float(out_format, ctx.absorb(from_double(out_format, c, env, random_word(env, ctx))));
}

void CoreArithmetic::in_state(std::span<const float> x, std::span<float> out) const {
  for (std::size_t i = 0; i < x.size(); ++i)
    out[i] = to_float(out_format, ctx.absorb(from_float(out_format, x[i], env, random_word(env, ctx))));
}

void CoreArithmetic::binary(BinaryOp op, std::span<const float> a, std::span<const float> b, std::span<float> out) const {
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = to_float(out_format, ctx.absorb(core_binary(op, out_format, fa, a[i], fb, b[i], env, random_word(env, ctx))));
}

void CoreArithmetic::sqrt(std::span<const float> a, std::span<float> out) const {
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = to_float(out_format, ctx.absorb(core_sqrt(out_format, fa, a[i], env, random_word(env, ctx))));
}

}  // namespace mpsim::train::detail
