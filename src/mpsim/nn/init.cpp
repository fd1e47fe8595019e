// SPDX-License-Identifier: MIT
// Philox-drawn uniform initialisation (init.hpp).
#include "mpsim/nn/init.hpp"

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "mpsim/array/round_array.hpp"
#include "mpsim/round/stochastic.hpp"

namespace mpsim::nn {

double default_init_bound(std::int64_t fan_in) {
  if (fan_in < 1) throw std::invalid_argument("parameter init: fan_in " + std::to_string(fan_in) + " must be positive");
  return 1.0 / std::sqrt(static_cast<double>(fan_in));
}

Tensor uniform_init(const Format& f, Shape shape, double bound, std::uint64_t seed, std::uint64_t stream) {
  if (!(bound > 0.0) || !std::isfinite(bound))
    throw std::invalid_argument("parameter init: bound " + std::to_string(bound) + " must be positive and finite");
  Tensor out(f, std::move(shape));
  std::vector<double> draws(out.size());
  for (std::size_t i = 0; i < draws.size(); ++i) {
    const std::uint64_t hi = stochastic_bits_for(seed, stream, 2 * i);
    const std::uint64_t lo = stochastic_bits_for(seed, stream, 2 * i + 1);
    const double u = std::ldexp(static_cast<double>((hi << 21) | (lo >> 11)), -53);  // exact, in [0, 1)
    draws[i] = bound * (2.0 * u - 1.0);  // 2u - 1 is exact: u has at most 53 bits and 2u - 1 in [-1, 1)
  }
  std::vector<double> rounded(draws.size());
  round_array(f, Env{}, draws, rounded, {}, false);
  std::span<float> v = out.values();
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(rounded[i]);  // exact: a value of f
  return out;
}

}  // namespace mpsim::nn
