// SPDX-License-Identifier: MIT
// Per-layer adaptive loss scaling after Zhao et al. 2019, "Adaptive Loss Scaling for Mixed
// Precision Training" (arXiv:1910.12385), as the authors' code computes it ("approx_range" in
// kumasento/gradient-scaling): each layer's scale comes from statistics of the backward GEMM's
// operands, the incoming gradient g and the weight W. docs/loss_scaling.md has the derivation.
#pragma once

namespace mpsim::train {

// Statistics of one layer's backward operands (population mean and standard deviation over all
// elements, signed extremes). reduction_length is the number of products g*W summed into each
// element of the propagated gradient (W.shape[0] of a Chainer (out, in) weight: out_features;
// out_channels * kh * kw for a convolution).
struct LayerGradientStats {
  double gradient_mean = 0, gradient_std = 0;
  double weight_mean = 0, weight_std = 0;
  double gradient_min = 0, gradient_max = 0;
  double weight_min = 0, weight_max = 0;
  double reduction_length = 1;
};

struct AdaptiveLossScaleConfig {
  double underflow_limit = 6.0e-8;  // u_min: below it a product is lost (the authors' fp16 value)
  double overflow_limit = 65504.0;  // u_max: fp16's largest finite value
  double underflow_rate = 1e-3;     // tolerated fraction of products g*W with |alpha g W| < u_min
  bool bound_by_reduction_length = true;  // u_max / reduction_length: a sum of that many may not overflow
  double scale_upper_bound = 16.0;        // no layer scales by more than this
  double accumulated_upper_bound = 1024.0;  // nor lets the product of scales along the path exceed this
  bool power_of_two = true;                 // round the result down to a power of two
};

// Every stage of the choice, for logging and tests.
struct LayerScaleChoice {
  double product_std = 0;  // sigma of g*W, taken as zero-mean: sqrt((sg^2+mg^2)(sw^2+mw^2))
  double lower = 1;        // max(u_min / (sqrt(2) erfinv(rate) sigma), 1): at most `rate` underflow
  double upper = 0;        // u_max' / max|g_extreme * W_extreme|: the largest product stays finite
  double unbounded = 1;    // min(lower, upper); 1 where sigma is 0
  double bounded = 1;      // min(unbounded, accumulated_upper_bound / previous_scale, scale_upper_bound)
  double scale = 1;        // bounded, rounded down to a power of two where configured
};

class AdaptiveLossScaler {
 public:
  // Throws std::invalid_argument for non-positive limits or bounds, or a rate outside (0, 1).
  explicit AdaptiveLossScaler(const AdaptiveLossScaleConfig& config = {});
  const AdaptiveLossScaleConfig& config() const { return config_; }
  // The scale for one layer whose incoming gradient already carries previous_scale (the product
  // of the scales chosen above it; 1 at the loss). The propagated gradient carries
  // previous_scale * scale. Computed in double (the authors use float32).
  LayerScaleChoice choose(const LayerGradientStats& stats, double previous_scale) const;

 private:
  AdaptiveLossScaleConfig config_;
  double underflow_quantile_;  // sqrt(2) * erfinv(underflow_rate)
};

// erfinv(y) for y in (-1, 1), by Newton's method on std::erf (about 1 ulp).
double inverse_erf(double y);

}  // namespace mpsim::train
