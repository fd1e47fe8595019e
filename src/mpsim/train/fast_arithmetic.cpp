// SPDX-License-Identifier: MIT
// FastArithmetic: each operation computed in binary32 by the processor, then rounded into the
// result format by round_array (SIMD), where that provably equals the core's single rounding:
//   - the binary32 result r is exact (checked per element: TwoSum for + and -, the float64
//     product r*b == a for /, r*r == a for sqrt, a*b == r in float64 for *): then rounding r is
//     rounding the exact result, under any Env without DAZ, stochastic rounding included;
//   - or r is inexact but a normal binary32 number, the operands are values of the result format
//     F with 2p+2 <= 24 (binary16, bfloat16, ...), and the Env rounds to nearest even without FTZ,
//     tininess after rounding: rounding to binary32 then to F is then innocuous (FACTS.md 2,
//     Figueroa 1995), bits and tininess alike. One flag needs care: where r is itself a value of
//     F (a swamped addend), round_array sees an exact input, so inexact is added here. (Such an
//     r is never tiny in F: sums in F's subnormal range are exact in binary32, and an inexact
//     quotient or root is never within 2^-24 of a value of F.)
// Every other element (NaN or infinite results, binary32 underflow or overflow, wider formats,
// other Envs) goes through the core. Their slots are rounded as +0 by round_array (no flags, no
// events) and that record is replaced by the core's.
#include <bit>
#include <cstring>

#include "mpsim/array/round_array.hpp"
#include "mpsim/ops/ops.hpp"
#include "mpsim/round/stochastic.hpp"
#include "mpsim/train/state_arithmetic.hpp"

namespace mpsim::train::detail {
namespace {

bool double_rounding_innocuous(const Format& out, const Format& fa, const Format& fb, const Env& env) {
  return env.rounding == Rounding::nearest_even && !env.flush_to_zero && env.tininess == Tininess::after_rounding &&
         2 * out.precision() + 2 <= 24 && out.subnormals && out.infinities && out.nan == NanEncoding::ieee &&
         fa == out && fb == out;
}

// Per-element masks are 0/1 words (not bool) so that the loops over a chunk vectorise.
struct Scratch {
  float r[chunk];              // binary32 results
  float rounded[chunk];        // rounded into the result format
  std::uint32_t exact[chunk];  // 1: r is the exact result
  std::uint32_t core[chunk];   // 1: the element goes through the core
};

inline std::uint32_t exponent_field(float x) { return (std::bit_cast<std::uint32_t>(x) >> 23) & 0xFF; }
inline std::uint32_t finite(float x) { return exponent_field(x) != 0xFF; }
inline std::uint32_t normal(float x) { return exponent_field(x) - 1u < 254u; }

// Rounds s.r[0..n) into `out` as described above. fallback(i, random) is the core's Result for element i.
template <class Fallback>
void finish(const FastArithmetic& f, Scratch& s, std::size_t n, bool innocuous, std::span<float> out, Fallback fallback) {
  Context& ctx = f.ctx;
  const bool stochastic = f.env.rounding == Rounding::stochastic;
  const bool count = ctx.counters != nullptr;
  const std::uint32_t inexact_allowed = innocuous ? 1u : 0u;
  std::uint32_t any_core = 0;
  for (std::size_t i = 0; i < n; ++i) {
    s.core[i] = (1u - s.exact[i]) & (1u - (inexact_allowed & normal(s.r[i])));
    any_core |= s.core[i];
  }
  float* in = s.r;
  float zeroed[chunk];
  if (any_core) {
    for (std::size_t i = 0; i < n; ++i) zeroed[i] = s.core[i] ? 0.0f : s.r[i];
    in = zeroed;
  }
  const StochasticDraws draws{ctx.stochastic.seed, ctx.stochastic.stream, ctx.stochastic.next_index};
  ArrayOutcome outcome = round_array(f.out_format, f.env, std::span<const float>(in, n), std::span<float>(s.rounded, n),
                                     draws, count);
  // Inexact in binary32, yet r is a value of the format: the exact result was not.
  std::uint64_t swamped = 0;
  for (std::size_t i = 0; i < n; ++i) swamped += (1u - s.exact[i]) & (1u - s.core[i]) & (s.rounded[i] == s.r[i]);
  if (swamped) {
    outcome.flags |= flag::inexact;
    if (count) outcome.counts.inexact += swamped;
  }
  if (any_core) {
    for (std::size_t i = 0; i < n; ++i) {
      if (!s.core[i]) continue;
      const std::uint32_t random = stochastic ? stochastic_bits_for(draws.seed, draws.stream, draws.first_index + i) : 0;
      const Result res = fallback(i, random);
      s.rounded[i] = to_float(f.out_format, res.bits);
      outcome.flags |= res.flags;
      if (count) {
        outcome.counts.record(res);
        --outcome.counts.operations;  // the +0 that stood in its slot
      }
    }
  }
  if (stochastic) ctx.stochastic.next_index += n;
  ctx.flags |= outcome.flags;
  if (count) *ctx.counters += outcome.counts;
  std::memcpy(out.data(), s.rounded, n * sizeof(float));
}

}  // namespace

float FastArithmetic::constant(double c) const {
  const std::uint32_t random = env.rounding == Rounding::stochastic ? ctx.stochastic.draw() : 0;
  return to_float(out_format, ctx.absorb(from_double(out_format, c, env, random)));
}

void FastArithmetic::in_state(std::span<const float> x, std::span<float> out) const {
  // The conversion from binary32 is what round_array computes.
  const bool stochastic = env.rounding == Rounding::stochastic;
  const StochasticDraws draws{ctx.stochastic.seed, ctx.stochastic.stream, ctx.stochastic.next_index};
  const ArrayOutcome outcome = round_array(out_format, env, x, out.first(x.size()), draws, ctx.counters != nullptr);
  if (stochastic) ctx.stochastic.next_index += x.size();
  ctx.flags |= outcome.flags;
  if (ctx.counters) *ctx.counters += outcome.counts;
}

void FastArithmetic::binary(BinaryOp op, std::span<const float> a, std::span<const float> b, std::span<float> out) const {
  Scratch s;
  const std::size_t n = out.size();
  switch (op) {
    case BinaryOp::add:
    case BinaryOp::sub:
      for (std::size_t i = 0; i < n; ++i) {
        const float x = a[i], y = op == BinaryOp::add ? b[i] : -b[i];
        // TwoSum (Knuth): err is the exact rounding error of r = x + y when r is finite.
        const float r = x + y;
        const float yy = r - x;
        const float err = (x - (r - yy)) + (y - yy);
        s.r[i] = r;
        s.exact[i] = finite(r) & (err == 0.0f);
      }
      break;
    case BinaryOp::mul:
      for (std::size_t i = 0; i < n; ++i) {
        s.r[i] = a[i] * b[i];
        s.exact[i] = finite(s.r[i]) & (static_cast<double>(a[i]) * b[i] == static_cast<double>(s.r[i]));
      }
      break;
    case BinaryOp::div:
      for (std::size_t i = 0; i < n; ++i) {
        s.r[i] = a[i] / b[i];
        s.exact[i] = finite(s.r[i]) & (static_cast<double>(s.r[i]) * b[i] == static_cast<double>(a[i]));
      }
      break;
  }
  finish(*this, s, n, double_rounding_innocuous(out_format, fa, fb, env), out, [&](std::size_t i, std::uint32_t random) {
    return core_binary(op, out_format, fa, a[i], fb, b[i], env, random);
  });
}

void FastArithmetic::sqrt(std::span<const float> a, std::span<float> out) const {
  Scratch s;
  const std::size_t n = out.size();
  for (std::size_t i = 0; i < n; ++i) {
    s.r[i] = std::sqrt(a[i]);
    s.exact[i] = finite(s.r[i]) & (static_cast<double>(s.r[i]) * s.r[i] == static_cast<double>(a[i]));
  }
  finish(*this, s, n, double_rounding_innocuous(out_format, fa, fa, env), out,
         [&](std::size_t i, std::uint32_t random) { return core_sqrt(out_format, fa, a[i], env, random); });
}

}  // namespace mpsim::train::detail
