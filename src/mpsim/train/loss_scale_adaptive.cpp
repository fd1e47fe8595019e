// SPDX-License-Identifier: MIT
// Zhao et al. 2019 per-layer loss scale, the "approx_range" rule with the authors' heuristic
// bounds (kumasento/gradient-scaling, ada_loss/chainer_impl/ada_loss.py).
#include "mpsim/train/loss_scale_adaptive.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

namespace mpsim::train {

double inverse_erf(double y) {
  if (!(y > -1 && y < 1)) throw std::invalid_argument("inverse_erf needs an argument in (-1, 1)");
  if (y == 0) return 0;
  // Start from the first term of the series erf(x) = 2/sqrt(pi) (x - x^3/3 + ...), or from the
  // tail erfc(x) ~ exp(-x^2) / (x sqrt(pi)) near 1, then Newton on erf(x) = a, or on
  // erfc(x) = 1 - a (exact for a >= 0.5) where erf(x) is too close to 1 to resolve.
  const double a = std::fabs(y);
  const double tail = 1 - a;
  const double slope = 2 / std::sqrt(std::numbers::pi);  // erf'(x) = slope exp(-x^2)
  double x = a < 0.9 ? a / slope : std::sqrt(-std::log(tail * std::sqrt(std::numbers::pi)));
  for (int i = 0; i < 100; ++i) {
    const double residual = a < 0.5 ? std::erf(x) - a : tail - std::erfc(x);
    const double step = residual / (slope * std::exp(-x * x));
    x -= step;
    if (std::fabs(step) <= 1e-17 * std::fabs(x)) break;
  }
  return y < 0 ? -x : x;
}

AdaptiveLossScaler::AdaptiveLossScaler(const AdaptiveLossScaleConfig& config) : config_(config) {
  auto require = [](bool ok, const char* message) {
    if (!ok) throw std::invalid_argument(message);
  };
  auto positive = [](double x) { return std::isfinite(x) && x > 0; };
  require(positive(config.underflow_limit), "the underflow limit must be positive and finite");
  require(positive(config.overflow_limit), "the overflow limit must be positive and finite");
  require(config.underflow_rate > 0 && config.underflow_rate < 1, "the underflow rate must lie in (0, 1)");
  require(positive(config.scale_upper_bound), "the per-layer scale bound must be positive and finite");
  require(positive(config.accumulated_upper_bound), "the accumulated scale bound must be positive and finite");
  underflow_quantile_ = std::sqrt(2.0) * inverse_erf(config.underflow_rate);
}

LayerScaleChoice AdaptiveLossScaler::choose(const LayerGradientStats& s, double previous_scale) const {
  if (!(std::isfinite(previous_scale) && previous_scale > 0)) {
    throw std::invalid_argument("the previous scale must be positive and finite");
  }
  if (!(s.reduction_length >= 1)) throw std::invalid_argument("the reduction length must be at least 1");
  LayerScaleChoice c;
  // g and W independent: E[(gW)^2] = E[g^2] E[W^2]; the product is treated as zero-mean normal.
  c.product_std = std::sqrt((s.gradient_std * s.gradient_std + s.gradient_mean * s.gradient_mean) *
                            (s.weight_std * s.weight_std + s.weight_mean * s.weight_mean));
  const double u_max = config_.bound_by_reduction_length ? config_.overflow_limit / s.reduction_length
                                                         : config_.overflow_limit;
  const double largest_product = std::max({std::fabs(s.gradient_max * s.weight_max), std::fabs(s.gradient_min * s.weight_min),
                                           std::fabs(s.gradient_max * s.weight_min), std::fabs(s.gradient_min * s.weight_max)});
  c.upper = largest_product > 0 ? u_max / largest_product : std::numeric_limits<double>::infinity();
  if (c.product_std == 0) {
    c.lower = 1;
    c.unbounded = 1;  // an all-zero gradient: nothing to rescue
  } else {
    // P(|alpha X| < u_min) = erf(u_min / (alpha sigma sqrt 2)) <= rate for X ~ N(0, sigma^2).
    c.lower = std::max(config_.underflow_limit / (underflow_quantile_ * c.product_std), 1.0);
    c.unbounded = std::min(c.lower, c.upper);
  }
  c.bounded = std::min({c.unbounded, config_.accumulated_upper_bound / previous_scale, config_.scale_upper_bound});
  // 2^floor(log2 x) exactly: frexp gives x = m 2^e with m in [0.5, 1).
  int e = 0;
  std::frexp(c.bounded, &e);
  c.scale = config_.power_of_two ? std::ldexp(1.0, e - 1) : c.bounded;
  return c;
}

}  // namespace mpsim::train
