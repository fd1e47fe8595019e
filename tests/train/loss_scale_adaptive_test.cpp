// SPDX-License-Identifier: MIT
// Per-layer adaptive loss scale (Zhao et al. 2019, the authors' approx_range rule): each stage
// against values worked out by hand, with Boost's erf_inv as the independent inverse error function.
#include <cmath>
#include <stdexcept>

#include <boost/math/special_functions/erf.hpp>
#include <catch2/catch.hpp>

#include "mpsim/train/loss_scale_adaptive.hpp"

using namespace mpsim::train;

namespace {

// g ~ (0, 1e-4), W ~ (0, 0.05): sigma of the product = 1e-4 * 0.05 = 5e-6; extremes 5e-4 * 0.2.
LayerGradientStats typical_layer() {
  return {.gradient_mean = 0, .gradient_std = 1e-4, .weight_mean = 0, .weight_std = 0.05,
          .gradient_min = -5e-4, .gradient_max = 5e-4, .weight_min = -0.2, .weight_max = 0.2,
          .reduction_length = 100};
}

// u_min / (sqrt(2) erfinv(rate) sigma) with Boost's erf_inv.
double reference_lower(double sigma, double rate = 1e-3, double u_min = 6.0e-8) {
  return u_min / (std::sqrt(2.0) * boost::math::erf_inv(rate) * sigma);
}

}  // namespace

TEST_CASE("inverse_erf agrees with Boost's erf_inv", "[train][adaptive]") {
  for (double y : {1e-12, 1e-3, 0.1, 0.5, 0.9, 0.999, 0.999999, -0.3}) {
    INFO(y);
    CHECK(inverse_erf(y) == Approx(boost::math::erf_inv(y)).epsilon(1e-14));
  }
  CHECK(inverse_erf(0) == 0);
  CHECK_THROWS_AS(inverse_erf(1), std::invalid_argument);
}

TEST_CASE("a typical layer gets the underflow-rate scale rounded down to a power of two", "[train][adaptive]") {
  const LayerScaleChoice c = AdaptiveLossScaler().choose(typical_layer(), 1.0);
  CHECK(c.product_std == Approx(5e-6).epsilon(1e-15));
  CHECK(c.lower == Approx(reference_lower(5e-6)).epsilon(1e-13));  // about 9.57
  CHECK(c.lower == Approx(9.5745).epsilon(1e-4));
  CHECK(c.upper == Approx(65504.0 / 100 / 1e-4).epsilon(1e-13));  // u_max / fan-in / max|gW|
  CHECK(c.unbounded == c.lower);
  CHECK(c.bounded == c.lower);
  CHECK(c.scale == 8.0);
}

TEST_CASE("the mean of g and W enters the product's spread", "[train][adaptive]") {
  LayerGradientStats s = typical_layer();
  s.gradient_mean = 1e-4;  // E[g^2] doubles: sigma grows by sqrt(2)
  const LayerScaleChoice c = AdaptiveLossScaler().choose(s, 1.0);
  CHECK(c.product_std == Approx(5e-6 * std::sqrt(2.0)).epsilon(1e-14));
  CHECK(c.scale == 4.0);  // 9.57 / sqrt(2) = 6.77
}

TEST_CASE("the scale accumulated above the layer bounds its scale", "[train][adaptive]") {
  const AdaptiveLossScaler scaler;
  CHECK(scaler.choose(typical_layer(), 256).scale == 4.0);     // 1024 / 256
  CHECK(scaler.choose(typical_layer(), 2048).scale == 0.5);    // 1024 / 2048
  CHECK(scaler.choose(typical_layer(), 2048).bounded == 0.5);
}

TEST_CASE("tiny gradients are capped by the per-layer bound", "[train][adaptive]") {
  LayerGradientStats s = typical_layer();
  s.gradient_std = 1e-9;  // lower ~ 957000
  const LayerScaleChoice c = AdaptiveLossScaler().choose(s, 1.0);
  CHECK(c.unbounded == Approx(reference_lower(5e-11)).epsilon(1e-13));
  CHECK(c.scale == 16.0);
}

TEST_CASE("the largest product bounds the scale so a sum of fan-in products stays finite", "[train][adaptive]") {
  LayerGradientStats s = typical_layer();
  s.gradient_min = -10;  // max |g W| = 10 * 10 = 100 from the negative pair
  s.weight_min = -10;
  s.reduction_length = 1000;
  const LayerScaleChoice c = AdaptiveLossScaler().choose(s, 1.0);
  CHECK(c.upper == Approx(65.504 / 100).epsilon(1e-13));
  CHECK(c.unbounded == c.upper);  // below the floor of 1 that `lower` has
  CHECK(c.scale == 0.5);
  AdaptiveLossScaleConfig unbounded_fan_in;
  unbounded_fan_in.bound_by_reduction_length = false;
  CHECK(AdaptiveLossScaler(unbounded_fan_in).choose(s, 1.0).upper == Approx(655.04).epsilon(1e-13));
}

TEST_CASE("an all-zero gradient keeps scale 1", "[train][adaptive]") {
  LayerGradientStats s;
  s.weight_std = 0.1;
  const LayerScaleChoice c = AdaptiveLossScaler().choose(s, 1.0);
  CHECK(c.product_std == 0);
  CHECK(c.unbounded == 1);
  CHECK(c.scale == 1);
}

TEST_CASE("without power-of-two rounding the bounded scale is returned", "[train][adaptive]") {
  AdaptiveLossScaleConfig config;
  config.power_of_two = false;
  const LayerScaleChoice c = AdaptiveLossScaler(config).choose(typical_layer(), 1.0);
  CHECK(c.scale == c.bounded);
  CHECK(c.scale == Approx(reference_lower(5e-6)).epsilon(1e-13));
}

TEST_CASE("a power of two just below 2^k rounds down to 2^(k-1)", "[train][adaptive]") {
  AdaptiveLossScaleConfig config;
  config.scale_upper_bound = std::nextafter(8.0, 0.0);
  CHECK(AdaptiveLossScaler(config).choose(typical_layer(), 1.0).scale == 4.0);
  config.scale_upper_bound = 8.0;
  CHECK(AdaptiveLossScaler(config).choose(typical_layer(), 1.0).scale == 8.0);
}

TEST_CASE("bad adaptive-scaling parameters are rejected", "[train][adaptive]") {
  AdaptiveLossScaleConfig c;
  c.underflow_rate = 1;
  CHECK_THROWS_WITH(AdaptiveLossScaler(c), Catch::Contains("underflow rate"));
  c = {};
  c.overflow_limit = 0;
  CHECK_THROWS_WITH(AdaptiveLossScaler(c), Catch::Contains("overflow limit"));
  CHECK_THROWS_WITH(AdaptiveLossScaler().choose(typical_layer(), 0), Catch::Contains("previous scale"));
  LayerGradientStats s = typical_layer();
  s.reduction_length = 0;
  CHECK_THROWS_WITH(AdaptiveLossScaler().choose(s, 1), Catch::Contains("reduction length"));
}
