// SPDX-License-Identifier: MIT
// Data sets by name, as a training run's config names them: "fashion-mnist" (the Debian
// package's files), "spirals" (3 arms, synthetic, for fast runs and tests), or a directory of
// MNIST-format IDX files (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz],
// t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]).
#pragma once

#include <cstdint>
#include <string_view>

#include "mpsim/data/mnist.hpp"

namespace mpsim::data {

// Throws DataError naming the set and the problem (unknown name, missing or corrupt files).
// train_limit / test_limit > 0 keep only the first N samples of each split.
TrainTest load_named_sets(std::string_view name, std::uint64_t seed, std::size_t train_limit = 0,
                          std::size_t test_limit = 0);

// The first n samples of `set` (n >= count: unchanged).
void keep_first(Dataset& set, std::size_t n);

}  // namespace mpsim::data
