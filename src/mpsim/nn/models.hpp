// SPDX-License-Identifier: MIT
// The benchmark models: an MLP of configurable widths and the small CNN of the Fashion-MNIST
// benchmark (two conv + pooling blocks, then two fully connected layers). Parameters are drawn
// as init.hpp says; the layer with parameters number l (from 0, in model order) uses the init
// streams 2l (weight) and 2l + 1 (bias) under `seed`. Both models are returned with
// set_input_gradient(false): backward computes parameter gradients only (turn it on to get the
// gradient of the input).
#pragma once

#include <cstdint>
#include <vector>

#include "mpsim/nn/sequential.hpp"

namespace mpsim::nn {

// flatten, fc1, relu1, fc2, relu2, ..., fcN (no activation after the last): widths {784, 256,
// 128, 100, 10} is the benchmark MLP. The leading Flatten takes B x 784 or B x 28 x 28 (or any
// B x ... whose sample has widths[0] values). Throws std::invalid_argument for fewer than two
// widths or a width < 1.
Sequential make_mlp(const std::vector<int>& widths, const Format& parameter_format, std::uint64_t seed);

struct CnnConfig {
  int channels = 1, height = 28, width = 28;  // one input sample
  int conv1_channels = 32, conv2_channels = 64;
  int kernel_size = 3, padding = 1;
  int hidden = 128, classes = 10;
};

// input (reshape to {B, channels, height, width}: takes B x 784, B x 28 x 28 or B x 1 x 28 x 28),
// conv1, relu1, pool1, conv2, relu2, pool2, flatten, fc1, relu3, fc2. With the defaults:
// 1x28x28 -> 32x28x28 -> 32x14x14 -> 64x14x14 -> 64x7x7 -> 3136 -> 128 -> 10. Throws
// std::invalid_argument when a size is < 1 or the image is too small for the two blocks.
Sequential make_cnn(const CnnConfig& config, const Format& parameter_format, std::uint64_t seed);

}  // namespace mpsim::nn
