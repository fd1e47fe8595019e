// SPDX-License-Identifier: MIT
// The MLP and CNN builders (models.hpp).
#include "mpsim/nn/models.hpp"

#include <stdexcept>
#include <string>

#include "mpsim/nn/conv2d.hpp"
#include "mpsim/nn/flatten.hpp"
#include "mpsim/nn/linear.hpp"
#include "mpsim/nn/maxpool2d.hpp"
#include "mpsim/nn/relu.hpp"

namespace mpsim::nn {

Sequential make_mlp(const std::vector<int>& widths, const Format& parameter_format, std::uint64_t seed) {
  if (widths.size() < 2) throw std::invalid_argument("make_mlp: needs at least two widths (input and output)");
  for (int w : widths)
    if (w < 1) throw std::invalid_argument("make_mlp: width " + std::to_string(w) + " must be positive");
  Sequential model;
  model.emplace<Flatten>("flatten");
  for (std::size_t l = 0; l + 1 < widths.size(); ++l) {
    const std::string n = std::to_string(l + 1);
    model.emplace<Linear>("fc" + n, widths[l], widths[l + 1], parameter_format, ParameterInit{seed, 2 * l});
    if (l + 2 < widths.size()) model.emplace<ReLU>("relu" + n);
  }
  model.set_input_gradient(false);
  return model;
}

Sequential make_cnn(const CnnConfig& c, const Format& parameter_format, std::uint64_t seed) {
  for (int v : {c.channels, c.height, c.width, c.conv1_channels, c.conv2_channels, c.kernel_size, c.hidden, c.classes})
    if (v < 1) throw std::invalid_argument("make_cnn: every size must be positive");
  if (c.padding < 0) throw std::invalid_argument("make_cnn: padding must not be negative");
  // Spatial extents: conv keeps (or shrinks) them, each pool halves them (rounding down).
  auto block = [&](int extent) { return (extent + 2 * c.padding - c.kernel_size + 1) / 2; };
  const int h = block(block(c.height)), w = block(block(c.width));
  if (h < 1 || w < 1 || block(c.height) < 1 || block(c.width) < 1)
    throw std::invalid_argument("make_cnn: a " + std::to_string(c.height) + "x" + std::to_string(c.width) +
                                " image is too small for two conv + pool blocks");
  Sequential model;
  model.emplace<Reshape>("input", Shape{c.channels, c.height, c.width});
  model.emplace<Conv2d>("conv1", c.channels, c.conv1_channels, c.kernel_size, c.padding, parameter_format, ParameterInit{seed, 0});
  model.emplace<ReLU>("relu1");
  model.emplace<MaxPool2d>("pool1", 2, 2);
  model.emplace<Conv2d>("conv2", c.conv1_channels, c.conv2_channels, c.kernel_size, c.padding, parameter_format,
                        ParameterInit{seed, 2});
  model.emplace<ReLU>("relu2");
  model.emplace<MaxPool2d>("pool2", 2, 2);
  model.emplace<Flatten>("flatten");
  model.emplace<Linear>("fc1", c.conv2_channels * h * w, c.hidden, parameter_format, ParameterInit{seed, 4});
  model.emplace<ReLU>("relu3");
  model.emplace<Linear>("fc2", c.hidden, c.classes, parameter_format, ParameterInit{seed, 6});
  model.set_input_gradient(false);
  return model;
}

}  // namespace mpsim::nn
