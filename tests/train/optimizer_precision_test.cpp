// SPDX-License-Identifier: MIT
// The optimizers in low-precision formats: Adam's epsilon underflowing in fp16, stochastic
// updates (deterministic, unbiased), Kahan-compensated updates recovering what round-to-nearest
// loses (the 2^11 swamping ratio of fp16, FACTS.md 2), and the native binary32 path giving the
// core's bits.
#include <bit>
#include <cmath>
#include <random>
#include <vector>

#include <catch2/catch.hpp>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/ops/convert.hpp"
#include "mpsim/tensor/elementwise.hpp"
#include "mpsim/train/optimizer.hpp"
#include "mpsim/train/optimizer_update.hpp"

using namespace mpsim;
using namespace mpsim::train;

namespace {

// A parameter whose every element holds `w` and whose gradient is `g`, both rounded into f.
nn::Parameter filled(const Format& f, std::size_t n, float w, float g) {
  Context ctx;
  const auto shape = Shape{static_cast<std::int64_t>(n)};
  return {"w", tensor_from_floats(f, shape, std::vector<float>(n, w), ctx),
          tensor_from_floats(f, shape, std::vector<float>(n, g), ctx)};
}

}  // namespace

TEST_CASE("Adam's epsilon 1e-8 is 0 in binary16 state: a zero v divides by zero", "[train][optimizer][fp16]") {
  // The constant itself (pytorch#147437): 1e-8 < 2^-25, half the smallest fp16 subnormal.
  CHECK(from_double(binary16, 1e-8).bits == 0x0000);  // +0
  const OptimizerConfig adam{.kind = OptimizerKind::adam, .learning_rate = 1e-3};

  // g = 2^-10: g*g = 2^-20 is an fp16 value, (1-beta2)*g*g ~ 2^-30 underflows to 0, so v = 0 and
  // m / (sqrt(0)/bc2 + 0) = m / 0 = +inf: the parameter becomes -inf.
  nn::Parameter small = filled(binary16, 4, 1.0f, 0x1p-10f);
  Optimizer pure(adam, precision_policy("pure-fp16"), {&small});
  EventCounts counts;
  Context ctx;
  ctx.counters = &counts;
  pure.step(Unscale{}, ctx);
  CHECK(std::isinf(small.value.value(0)));
  CHECK(small.value.value(0) < 0);
  CHECK(counts.underflow_to_zero >= 5);  // eps once, (1-beta2)*g*g for each of the 4 elements
  CHECK(counts.divide_by_zero == 4);     // m / 0
  CHECK((ctx.flags & flag::divide_by_zero) != 0);

  // A gradient that is exactly 0 gives m = v = 0 and 0/0: NaN.
  nn::Parameter dead = filled(binary16, 2, 1.0f, 0.0f);
  Optimizer pure_dead(adam, precision_policy("pure-fp16"), {&dead});
  pure_dead.step(Unscale{}, ctx);
  CHECK(std::isnan(dead.value.value(0)));

  // The same step with binary32 state (amp-fp16): eps = 1e-8 survives and the step is ~ -lr.
  nn::Parameter master = filled(binary32, 4, 1.0f, 0x1p-10f);
  Optimizer amp(adam, precision_policy("amp-fp16"), {&master});
  amp.step(Unscale{}, ctx);
  CHECK(master.value.value(0) == Approx(1.0 - 1e-3).epsilon(1e-6));
  // And binary16 state with an epsilon that is an fp16 value keeps the step finite.
  nn::Parameter eps = filled(binary16, 4, 1.0f, 0x1p-10f);
  OptimizerConfig adam_eps = adam;
  adam_eps.epsilon = 1e-4;
  Optimizer pure_eps(adam_eps, precision_policy("pure-fp16"), {&eps});
  pure_eps.step(Unscale{}, ctx);
  CHECK(std::isfinite(eps.value.value(0)));
}

TEST_CASE("fp16 round-to-nearest updates lose what is at most half an ulp (ratio 2^11)", "[train][optimizer][fp16]") {
  // SGD with lr = 1 adds -g. Near w = 1, ulp = 2^-10: 2^-11 ties to even and is lost; the next
  // fp16 value above 2^-11 rounds up.
  const OptimizerConfig sgd{.kind = OptimizerKind::sgd, .learning_rate = 1.0};
  Context ctx;
  nn::Parameter tie = filled(binary16, 1, 1.0f, -0x1p-11f);
  Optimizer(sgd, precision_policy("pure-fp16"), {&tie}).step(Unscale{}, ctx);
  CHECK(tie.value.bits(0) == 0x3C00);  // 1.0: the update is lost
  nn::Parameter above = filled(binary16, 1, 1.0f, -0x1.004p-11f);
  Optimizer(sgd, precision_policy("pure-fp16"), {&above}).step(Unscale{}, ctx);
  CHECK(above.value.bits(0) == 0x3C01);  // 1 + 2^-10
}

TEST_CASE("Kahan updates recover the updates round-to-nearest loses", "[train][optimizer][fp16]") {
  // 100 steps of +2^-12 (a quarter ulp of 1): nearest stays at 1; Kahan moves by 100 * 2^-12 =
  // 25 ulps exactly, the compensation buffer empty again after every fourth step.
  const OptimizerConfig sgd{.kind = OptimizerKind::sgd, .learning_rate = 1.0};
  nn::Parameter nearest = filled(binary16, 3, 1.0f, -0x1p-12f);
  nn::Parameter kahan = filled(binary16, 3, 1.0f, -0x1p-12f);
  Optimizer plain(sgd, precision_policy("pure-fp16"), {&nearest});
  Optimizer compensated(sgd, precision_policy("pure-fp16-kahan"), {&kahan});
  Context ctx;
  for (int s = 0; s < 100; ++s) {
    plain.step(Unscale{}, ctx);
    compensated.step(Unscale{}, ctx);
  }
  CHECK(nearest.value.value(0) == 1.0f);
  CHECK(kahan.value.value(0) == 1.0f + 25 * 0x1p-10f);
  REQUIRE(compensated.state().size() == 1);
  CHECK(compensated.state()[0].name == "w/kahan_compensation");
  CHECK(compensated.state()[0].tensor.value(0) == 0.0f);
  // bf16 (ulp of 1 = 2^-7): 64 steps of 2^-9 give 16 ulps.
  nn::Parameter bf = filled(bfloat16, 1, 1.0f, -0x1p-9f);
  Optimizer bf_kahan(sgd, precision_policy("pure-bf16-kahan"), {&bf});
  for (int s = 0; s < 64; ++s) bf_kahan.step(Unscale{}, ctx);
  CHECK(bf.value.value(0) == 1.0f + 16 * 0x1p-7f);
}

TEST_CASE("stochastic updates are deterministic per seed and unbiased", "[train][optimizer][fp16]") {
  // +2^-13 = 1/8 ulp of 1: each element rounds up with probability 1/8.
  const OptimizerConfig sgd{.kind = OptimizerKind::sgd, .learning_rate = 1.0};
  constexpr std::size_t n = 4096;
  auto run = [&](std::uint64_t seed) {
    nn::Parameter p = filled(binary16, n, 1.0f, -0x1p-13f);
    Optimizer opt(sgd, precision_policy("pure-fp16-sr"), {&p});
    Context ctx;
    ctx.stochastic.seed = seed;
    opt.step(Unscale{}, ctx);
    CHECK(ctx.stochastic.next_index == n);  // one draw per element, in flat order
    std::vector<std::uint64_t> bits(n);
    for (std::size_t i = 0; i < n; ++i) bits[i] = p.value.bits(i);
    return bits;
  };
  const std::vector<std::uint64_t> a = run(1), b = run(1), c = run(2);
  CHECK(a == b);
  CHECK(a != c);
  std::size_t up = 0;
  for (std::size_t i = 0; i < n; ++i) {
    REQUIRE((a[i] == 0x3C00 || a[i] == 0x3C01));  // 1 or 1 + 2^-10, nothing else
    up += a[i] == 0x3C01;
  }
  // Binomial(4096, 1/8): mean 512, standard deviation 21.2; 5 sigma = 106.
  CHECK(std::abs(static_cast<double>(up) - 512.0) < 106.0);
  // Element i used draw i of the stream: with the dropped part D = 2^29 (1/8 ulp as a 32-bit
  // fraction) it rounds up exactly when D + random >= 2^32, i.e. random >= 0xE0000000.
  for (std::size_t i = 0; i < n; ++i) {
    const bool expect_up = stochastic_bits_for(1, 0, i) >= 0xE0000000u;
    CHECK((a[i] == 0x3C01) == expect_up);
  }
}

TEST_CASE("the native binary32 path gives the core's bits on random and boundary values, NaNs included", "[train][optimizer]") {
  std::mt19937 rng(2024);
  std::vector<float> specials{0.0f,          -0.0f,          0x1p-149f,  -0x1p-149f, 0x1p-126f, 0x1.fffffep-127f,
                              0x1.fffffep127f, -0x1.fffffep127f, 1e30f,     -1e30f,     1e-30f,    1.0f,
                              0x1p-20f,      3.0f,           65504.0f,   1e-38f,     5e-39f,    -7e-45f,
                              INFINITY,      -INFINITY,      NAN};
  std::uniform_real_distribution<float> exponent(-140.0f, 60.0f);
  std::bernoulli_distribution negative(0.5);
  auto random_value = [&] {
    const float x = std::exp2(exponent(rng));
    return negative(rng) ? -x : x;
  };
  constexpr std::size_t n = 2000;
  auto values = [&] {
    std::vector<float> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = i < specials.size() * 3 ? specials[(i * 7 + v.size()) % specials.size()]
                                                                       : random_value();
    std::shuffle(v.begin(), v.end(), rng);
    return v;
  };
  const OptimizerKind kind = GENERATE(OptimizerKind::sgd, OptimizerKind::adam, OptimizerKind::adamw);
  const bool first = GENERATE(true, false);
  const auto [env_name, env] = GENERATE(table<const char*, Env>({{"default", ieee_env},
                                                                 {"nvidia (canonical NaN)", nvidia_env},
                                                                 {"tininess before, overflow to inf",
                                                                  Env{.tininess = Tininess::before_rounding,
                                                                      .overflow = Overflow::infinity}}}));
  OptimizerConfig config{.kind = kind, .learning_rate = 0.003, .momentum = 0.9, .weight_decay = 0.01, .epsilon = 1e-8};
  INFO(optimizer_name(kind) << " first step " << first << " env " << env_name);
  const train::detail::StepConstants constants = train::detail::step_constants(config, first ? 1 : 7);
  const std::vector<float> w = values(), g = values(), m = values(), v0 = values();
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = std::fabs(v0[i]);  // a second moment is never negative
  train::detail::UpdatePlan plan{.kind = kind, .first_step = first, .parameters = &binary32, .state = &binary32, .env = env};
  REQUIRE(train::detail::native_float_is_exact(plan));

  struct Buffers {
    std::vector<float> w, buf, m, v;
  };
  auto run = [&](bool force_core) {
    Buffers b{w, m, m, v};
    plan.force_core = force_core;
    Context ctx;
    train::detail::update_parameter(plan, constants,
                             {.value = b.w, .grad = g, .momentum_buffer = kind == OptimizerKind::sgd ? std::span<float>(b.buf) : std::span<float>{},
                              .exp_avg = kind == OptimizerKind::sgd ? std::span<float>{} : std::span<float>(b.m),
                              .exp_avg_sq = kind == OptimizerKind::sgd ? std::span<float>{} : std::span<float>(b.v)},
                             Unscale{.operand = 0.5f}, ctx);
    return b;
  };
  const Buffers native = run(false), core = run(true);
  std::size_t mismatches = 0;
  auto same = [&](const std::vector<float>& a, const std::vector<float>& b) {
    for (std::size_t i = 0; i < n; ++i) mismatches += std::bit_cast<std::uint32_t>(a[i]) != std::bit_cast<std::uint32_t>(b[i]);
  };
  same(native.w, core.w);
  same(native.buf, core.buf);
  same(native.m, core.m);
  same(native.v, core.v);
  CHECK(mismatches == 0);
  // The inputs reach the interesting places: some results are infinite, NaN or subnormal.
  std::size_t nonfinite = 0, subnormal = 0;
  for (float x : core.w) nonfinite += !std::isfinite(x), subnormal += std::fpclassify(x) == FP_SUBNORMAL;
  for (float x : core.buf) subnormal += std::fpclassify(x) == FP_SUBNORMAL;
  for (float x : core.v) subnormal += std::fpclassify(x) == FP_SUBNORMAL;
  CHECK(nonfinite > 0);
  CHECK(subnormal > 0);
  std::size_t nans = 0;
  for (float x : core.w) nans += std::isnan(x);
  CHECK(nans > 0);
}

TEST_CASE("the core path counts every rounding of the state arithmetic", "[train][optimizer][fp16]") {
  // Plain SGD in binary16: per element g into the state format, lr*g, w + u: 3 roundings; plus
  // the 11 constants of the step rounded once each.
  nn::Parameter p = filled(binary16, 10, 1.0f, 0.5f);
  Optimizer opt({.kind = OptimizerKind::sgd, .learning_rate = 0.1}, precision_policy("pure-fp16"), {&p});
  EventCounts counts;
  Context ctx;
  ctx.counters = &counts;
  opt.step(Unscale{}, ctx);
  CHECK(counts.operations == 3 * 10 + 11);
  CHECK(p.value.value(0) == static_cast<float>(to_double(binary16, from_double(binary16, 1.0 - 0.05).bits)));
}

TEST_CASE("the fast array path gives the core's bits, flags, counts and draws in fp16 and bf16 under any Env", "[train][optimizer]") {
  // e8m14 (p = 15): double rounding through binary32 is not innocuous, only exact results may
  // take the array path.
  static const Format e8m14 = *find_format("e8m14");
  const auto [format, low, high] = GENERATE(table<const Format*, float, float>(
      {{&binary16, -30.0f, 17.0f}, {&bfloat16, -140.0f, 128.0f}, {&e8m14, -140.0f, 128.0f}}));
  const OptimizerKind kind = GENERATE(OptimizerKind::sgd, OptimizerKind::adam, OptimizerKind::adamw);
  const UpdateRounding update = GENERATE(UpdateRounding::nearest, UpdateRounding::stochastic, UpdateRounding::kahan);
  const auto [env_name, env] = GENERATE(table<const char*, Env>(
      {{"default", Env{}},
       {"toward_zero", Env{.rounding = Rounding::toward_zero}},
       {"stochastic", Env{.rounding = Rounding::stochastic}},
       {"ftz", Env{.flush_to_zero = true}},
       {"tininess before", Env{.tininess = Tininess::before_rounding}},
       {"nvidia, saturating", Env{.nan = NanPolicy::canonical, .overflow = Overflow::saturate}}}));
  INFO(format_name(*format) << " " << optimizer_name(kind) << " update " << update_rounding_name(update) << " env "
                            << env_name);
  std::mt19937 rng(99);
  std::uniform_real_distribution<float> exponent(low, high);
  std::bernoulli_distribution negative(0.5);
  constexpr std::size_t n = 1500;  // three chunks, the last one partial
  const std::vector<float> specials{0.0f, -0.0f, 1.0f, INFINITY, -INFINITY, NAN, 65504.0f, 0x1p-24f, 0x1p-133f,
                                    0x1p-14f, 3.0f, 1e-8f};
  auto values = [&](bool positive) {
    std::vector<float> v(n);
    for (std::size_t i = 0; i < n; ++i) {
      const float x = i % 50 == 0 ? specials[(i / 50) % specials.size()] : std::exp2(exponent(rng));
      v[i] = (!positive && negative(rng)) ? -x : x;
      if (positive) v[i] = std::fabs(v[i]);
    }
    Context ctx;
    return tensor_from_floats(*format, {static_cast<std::int64_t>(n)}, v, ctx);
  };
  const Tensor w = values(false), g = values(false), m = values(false), v = values(true), comp = values(false);
  // Small updates too: w near 1 and gradients many binades below it (swamping, ties).
  Tensor w_near_one = w;
  for (std::size_t i = 0; i < n; i += 3) w_near_one.values()[i] = 1.0f;

  OptimizerConfig config{.kind = kind, .learning_rate = 0.01, .momentum = 0.9, .weight_decay = 0.001, .epsilon = 1e-3};
  const auto constants = train::detail::step_constants(config, 3);
  train::detail::UpdatePlan plan{.kind = kind, .first_step = false, .parameters = format, .state = format,
                                 .env = env, .update = update};
  struct Run {
    Tensor w, buf, m, v, comp;
    EventCounts counts;
    Context ctx;
  };
  auto run = [&](bool force_core) {
    Run r{w_near_one, m, m, v, comp, {}, {}};
    r.ctx.counters = &r.counts;
    r.ctx.stochastic = {.seed = 17, .stream = 3, .next_index = 100};
    plan.force_core = force_core;
    const bool sgd = kind == OptimizerKind::sgd;
    train::detail::update_parameter(plan, constants,
                                    {.value = r.w.values(), .grad = g.values(),
                                     .momentum_buffer = sgd ? r.buf.values() : std::span<float>{},
                                     .exp_avg = sgd ? std::span<float>{} : r.m.values(),
                                     .exp_avg_sq = sgd ? std::span<float>{} : r.v.values(),
                                     .compensation = update == UpdateRounding::kahan ? r.comp.values() : std::span<float>{}},
                                    Unscale{.operand = 0.25f}, r.ctx);
    return r;
  };
  const Run fast = run(false), core = run(true);
  std::size_t mismatches = 0;
  auto same = [&](const Tensor& a, const Tensor& b) {
    for (std::size_t i = 0; i < n; ++i) mismatches += a.bits(i) != b.bits(i);
  };
  same(fast.w, core.w);
  same(fast.buf, core.buf);
  same(fast.m, core.m);
  same(fast.v, core.v);
  same(fast.comp, core.comp);
  CHECK(mismatches == 0);
  CHECK(fast.counts == core.counts);
  CHECK(fast.ctx.flags == core.ctx.flags);
  CHECK(fast.ctx.stochastic.next_index == core.ctx.stochastic.next_index);
  CHECK(core.counts.inexact > 0);
  if (!env.flush_to_zero) CHECK(core.counts.subnormal_results > 0);
}

TEST_CASE("parameters and state in different formats give the core's bits", "[train][optimizer]") {
  // binary32 master with binary16 state (native update), binary16 parameters with binary32 state
  // (native state arithmetic, update rounded from mixed operands).
  const auto [params, state] =
      GENERATE(table<const Format*, const Format*>({{&binary32, &binary16}, {&binary16, &binary32}, {&bfloat16, &binary16}}));
  const UpdateRounding update = GENERATE(UpdateRounding::nearest, UpdateRounding::stochastic, UpdateRounding::kahan);
  INFO(format_name(*params) << " parameters, " << format_name(*state) << " state, " << update_rounding_name(update));
  std::mt19937 rng(5);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  constexpr std::size_t n = 700;
  auto values = [&](const Format& f, float sigma) {
    std::vector<float> v(n);
    for (float& x : v) x = dist(rng) * sigma;
    Context ctx;
    return tensor_from_floats(f, {static_cast<std::int64_t>(n)}, v, ctx);
  };
  const Tensor w = values(*params, 1.0f), g = values(*params, 0.01f), m = values(*state, 0.01f),
               v = values(*state, 1e-4f), comp = values(*params, 1e-4f);
  const OptimizerConfig config{.kind = OptimizerKind::adam, .learning_rate = 1e-3, .epsilon = 1e-4};
  train::detail::UpdatePlan plan{.kind = OptimizerKind::adam, .parameters = params, .state = state, .update = update};
  auto run = [&](bool force_core) {
    Tensor rw = w, rm = m, rv = v, rc = comp;
    Context ctx;
    ctx.stochastic.seed = 8;
    plan.force_core = force_core;
    train::detail::update_parameter(plan, train::detail::step_constants(config, 2),
                                    {.value = rw.values(), .grad = g.values(), .exp_avg = rm.values(), .exp_avg_sq = rv.values(),
                                     .compensation = update == UpdateRounding::kahan ? rc.values() : std::span<float>{}},
                                    Unscale{}, ctx);
    return std::vector<Tensor>{rw, rm, rv, rc};
  };
  const std::vector<Tensor> fast = run(false), core = run(true);
  std::size_t mismatches = 0;
  for (std::size_t k = 0; k < fast.size(); ++k)
    for (std::size_t i = 0; i < n; ++i) mismatches += fast[k].bits(i) != core[k].bits(i);
  CHECK(mismatches == 0);
}
