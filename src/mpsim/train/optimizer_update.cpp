// SPDX-License-Identifier: MIT
// The element loop of every optimizer, written once over an arithmetic (state_arithmetic.hpp):
// native binary32 where that is the core, the fast array path where it provably is, the core
// otherwise. Compiled with -ffp-contract=off: every native + and * is its own binary32 rounding.
#include "mpsim/train/optimizer_update.hpp"

#include <algorithm>
#include <cmath>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/train/state_arithmetic.hpp"

namespace mpsim::train::detail {
namespace {

// w + u rounded into the parameter format P (u a value of the state format S) by the policy's
// UpdateRounding, with arithmetic A (CoreArithmetic or FastArithmetic) for the roundings.
template <class A>
struct RoundedUpdate {
  const Format& p;
  const Format& s;
  Env env;  // the policy's Env; its rounding replaced by stochastic for stochastic updates
  Context& ctx;
  UpdateRounding rounding;

  // Kahan-compensated (Zamirai et al. 2020), every step rounded into P under the Env:
  //   y = u + c;  t = w + y;  c = y - (t - w);  w = t
  void operator()(std::span<float> w, std::span<const float> u, std::span<float> compensation) const {
    const std::size_t n = w.size();
    if (rounding != UpdateRounding::kahan) {
      A{p, p, s, env, ctx}.binary(BinaryOp::add, w, u, w);
      return;
    }
    float y[chunk], t[chunk], lost[chunk];
    A{p, s, p, env, ctx}.binary(BinaryOp::add, u, compensation, {y, n});
    const A in_p{p, p, p, env, ctx};
    in_p.binary(BinaryOp::add, w, {y, n}, {t, n});
    in_p.binary(BinaryOp::sub, {t, n}, w, {lost, n});
    in_p.binary(BinaryOp::sub, {y, n}, {lost, n}, compensation);
    std::copy(t, t + n, w.begin());
  }
};

// out[i] = unscale.apply(grad[i]), with the rule's branch taken once per chunk rather than once
// per element (Unscale::apply is compiled in loss_scaler.cpp; the tests compare against it).
void unscale_chunk(const Unscale& unscale, std::span<const float> grad, std::span<float> out) {
  const float operand = unscale.operand;
  if (unscale.rule == UnscaleRule::divide_by_scale) {
    for (std::size_t i = 0; i < grad.size(); ++i) out[i] = grad[i] / operand;
  } else {
    for (std::size_t i = 0; i < grad.size(); ++i) out[i] = grad[i] * operand;
  }
}

// binary32 parameters, nearest updates, an Env native_binary32_env accepts: the processor's w + u.
struct NativeUpdate {
  NativeArithmetic native;
  void operator()(std::span<float> w, std::span<const float> u, std::span<float>) const {
    native.binary(BinaryOp::add, w, u, w);
  }
};

// The update u (negative of the step) of each element in the state format, from PyTorch's
// equations (torch.optim.SGD / Adam / AdamW documentation), one rounding per operation:
//   SGD:   g += wd*w;  buf = first ? g : momentum*buf + g;  u = -(lr*buf)
//   Adam:  g += wd*w;  m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*(g*g);
//          u = -((lr/bc1) * (m / (sqrt(v)/sqrt(bc2) + eps)))
//   AdamW: Adam without the L2 term, then u = u - (lr*wd)*w  (decoupled decay, same step)
// Elements are processed in chunks, one operation over a chunk at a time.
// `lost` non-null: the weights before update() are kept per chunk and compared after it, where
// u is the update this step computed (the stored weight is w: the master copy or the working copy).
template <class A, class U>
void update_loop(const UpdatePlan& plan, const StepConstants& k, const ParameterSpans& p, const Unscale& unscale,
                 const A& a, const U& update, UpdateCount* lost) {
  auto broadcast = [&](double c, float* out) { std::fill(out, out + chunk, a.constant(c)); };
  float lr[chunk], momentum[chunk], wd[chunk], b1[chunk], one_minus_b1[chunk], b2[chunk], one_minus_b2[chunk];
  float step_size[chunk], bc2_sqrt[chunk], eps[chunk], decoupled[chunk];
  broadcast(k.learning_rate, lr), broadcast(k.momentum, momentum), broadcast(k.weight_decay, wd);
  broadcast(k.beta1, b1), broadcast(k.one_minus_beta1, one_minus_b1);
  broadcast(k.beta2, b2), broadcast(k.one_minus_beta2, one_minus_b2);
  broadcast(k.step_size, step_size), broadcast(k.bias_correction2_sqrt, bc2_sqrt);
  broadcast(k.epsilon, eps), broadcast(k.decoupled_decay, decoupled);
  const bool l2 = k.weight_decay != 0 && plan.kind != OptimizerKind::adamw;
  const bool decoupled_decay = k.weight_decay != 0 && plan.kind == OptimizerKind::adamw;
  const bool with_momentum = plan.kind == OptimizerKind::sgd && k.momentum != 0;
  constexpr auto add = BinaryOp::add, sub = BinaryOp::sub, mul = BinaryOp::mul, div = BinaryOp::div;

  const std::size_t n = p.value.size();
  for (std::size_t base = 0; base < n; base += chunk) {
    const std::size_t len = std::min(chunk, n - base);
    auto part = [&](std::span<float> s) { return s.empty() ? s : s.subspan(base, len); };
    auto c = [&](float* constant) { return std::span<const float>(constant, len); };
    const std::span<float> w = part(p.value);
    float g_[chunk], t1_[chunk], t2_[chunk], u_[chunk];
    const std::span<float> g(g_, len), t1(t1_, len), t2(t2_, len), u(u_, len);
    unscale_chunk(unscale, p.grad.subspan(base, len), g);  // binary32
    a.in_state(g, g);
    if (l2) {
      a.in_state(w, t1);
      a.binary(mul, c(wd), t1, t1);
      a.binary(add, g, t1, g);
    }
    if (plan.kind == OptimizerKind::sgd) {
      std::span<const float> step = g;
      if (with_momentum) {
        const std::span<float> buf = part(p.momentum_buffer);
        if (plan.first_step) {
          std::copy(g.begin(), g.end(), buf.begin());
        } else {
          a.binary(mul, c(momentum), buf, t1);
          a.binary(add, t1, g, buf);
        }
        step = buf;
      }
      a.binary(mul, c(lr), step, u);
    } else {
      const std::span<float> m = part(p.exp_avg), v = part(p.exp_avg_sq);
      a.binary(mul, c(b1), m, t1);
      a.binary(mul, c(one_minus_b1), g, t2);
      a.binary(add, t1, t2, m);
      a.binary(mul, g, g, t1);
      a.binary(mul, c(one_minus_b2), t1, t1);
      a.binary(mul, c(b2), v, t2);
      a.binary(add, t2, t1, v);
      a.sqrt(v, t1);
      a.binary(div, t1, c(bc2_sqrt), t1);
      a.binary(add, t1, c(eps), t1);  // denominator
      a.binary(div, m, t1, t2);
      a.binary(mul, c(step_size), t2, u);
    }
    for (float& x : u) x = -x;  // exact
    if (decoupled_decay) {
      a.in_state(w, t1);
      a.binary(mul, c(decoupled), t1, t1);
      a.binary(sub, u, t1, u);
    }
    if (!lost) {
      update(w, u, part(p.compensation));
      continue;
    }
    float before[chunk];
    std::copy(w.begin(), w.end(), before);
    update(w, u, part(p.compensation));
    for (std::size_t i = 0; i < len; ++i) {
      if (u[i] == 0.0f) continue;
      ++lost->nonzero_updates;
      lost->lost_updates += w[i] == before[i];
    }
  }
}

}  // namespace

StepConstants step_constants(const OptimizerConfig& c, std::int64_t t) {
  const double bc1 = 1.0 - std::pow(c.beta1, static_cast<double>(t));
  const double bc2 = 1.0 - std::pow(c.beta2, static_cast<double>(t));
  return {.learning_rate = c.learning_rate,
          .momentum = c.momentum,
          .weight_decay = c.weight_decay,
          .beta1 = c.beta1,
          .one_minus_beta1 = 1.0 - c.beta1,
          .beta2 = c.beta2,
          .one_minus_beta2 = 1.0 - c.beta2,
          .step_size = c.learning_rate / bc1,
          .bias_correction2_sqrt = std::sqrt(bc2),
          .epsilon = c.epsilon,
          .decoupled_decay = c.learning_rate * c.weight_decay};
}

bool native_float_is_exact(const UpdatePlan& plan) {
  return !plan.force_core && *plan.state == binary32 && native_binary32_env(plan.env);
}

void update_parameter(const UpdatePlan& plan, const StepConstants& c, const ParameterSpans& p, const Unscale& unscale,
                      Context& ctx, UpdateCount* lost) {
  const Format& s = *plan.state;
  const Format& w = *plan.parameters;
  Env update_env = plan.env;
  if (plan.update == UpdateRounding::stochastic) update_env.rounding = Rounding::stochastic;
  const bool fast = !plan.force_core && FastArithmetic::applies(plan.env);
  const bool canonical = plan.env.nan == NanPolicy::canonical;
  const bool native_state = native_float_is_exact(plan);
  // w + u in binary32 by the processor: u is a float whatever S is.
  const bool native_update =
      !plan.force_core && w == binary32 && native_binary32_env(plan.env) && plan.update == UpdateRounding::nearest;

  auto with_update = [&](const auto& arithmetic) {
    if (native_update) {
      update_loop(plan, c, p, unscale, arithmetic, NativeUpdate{{canonical}}, lost);
    } else if (fast) {
      update_loop(plan, c, p, unscale, arithmetic, RoundedUpdate<FastArithmetic>{w, s, update_env, ctx, plan.update}, lost);
    } else {
      update_loop(plan, c, p, unscale, arithmetic, RoundedUpdate<CoreArithmetic>{w, s, update_env, ctx, plan.update}, lost);
    }
  };
  if (native_state) {
    with_update(NativeArithmetic{canonical});
  } else if (fast) {
    with_update(FastArithmetic{s, s, s, plan.env, ctx});
  } else {
    with_update(CoreArithmetic{s, s, s, plan.env, ctx});
  }
}

}  // namespace mpsim::train::detail
