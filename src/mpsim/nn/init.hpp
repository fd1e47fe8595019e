// SPDX-License-Identifier: MIT
// Deterministic parameter initialisation: PyTorch's default for Linear and Conv2d
// (kaiming_uniform_ with a = sqrt(5) for the weight, which is U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
// and the same bound for the bias), drawn from Philox (round/stochastic.hpp) so that a value
// depends only on (seed, stream, element index), never on thread count or call order.
#pragma once

#include <cstdint>

#include "mpsim/format/format.hpp"
#include "mpsim/tensor/tensor.hpp"

namespace mpsim::nn {

// Where a layer's initial values come from. A layer with a weight and a bias draws the weight
// from `stream` and the bias from `stream + 1`; models give each layer its own pair of streams.
struct ParameterInit {
  std::uint64_t seed = 0;
  std::uint64_t stream = 0;
};

// 1 / sqrt(fan_in) in double: the bound of PyTorch's default weight and bias init.
double default_init_bound(std::int64_t fan_in);

// Element i of the result: u_i = (2^21 * d(2i) + (d(2i+1) >> 11)) * 2^-53, a uniform double in
// [0, 1) from two 32-bit Philox draws d(j) = stochastic_bits_for(seed, stream, j); then
// bound * (2 u_i - 1) in double (exact but for the final product's rounding), rounded once to
// nearest even into `f`. Throws std::invalid_argument for bound <= 0 or not finite.
Tensor uniform_init(const Format& f, Shape shape, double bound, std::uint64_t seed, std::uint64_t stream);

}  // namespace mpsim::nn
