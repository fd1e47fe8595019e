// SPDX-License-Identifier: MIT
// Deterministic mini-batches. Epoch e's sample order is a permutation computed from (seed, e)
// alone, so a run resumed at step s (epoch s / batch_count(), batch s % batch_count()) sees
// exactly the batches of an uninterrupted run, whatever happened before.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "mpsim/data/dataset.hpp"

namespace mpsim::data {

// The sample order of `epoch`: Fisher-Yates from the identity, for i = n-1 down to 1 swap
// position i with position j = random_below(i + 1, seed, stream(shuffle, epoch), index i).
// Epoch numbers use the low 32 bits (the shuffle stream's sub-stream).
std::vector<std::size_t> epoch_permutation(std::size_t n, std::uint64_t seed, std::uint64_t epoch);

struct BatchOptions {
  std::size_t batch_size = 32;
  bool shuffle = true;     // false: samples in file order every epoch
  bool drop_last = false;  // true: a last batch smaller than batch_size is left out
  std::uint64_t seed = 0;
};

// The batches of one epoch, as sample indices into the data set.
class EpochBatches {
 public:
  // Throws DataError for batch_size 0.
  EpochBatches(std::size_t sample_count, const BatchOptions& options, std::uint64_t epoch);
  std::size_t batch_count() const { return batch_count_; }
  // Samples of batch k (k < batch_count()): order()[k * B, min((k + 1) * B, n)).
  std::span<const std::size_t> batch(std::size_t k) const;
  const std::vector<std::size_t>& order() const { return order_; }

 private:
  std::size_t batch_size_;
  std::size_t batch_count_;
  std::vector<std::size_t> order_;
};

// A batch gathered into contiguous storage (row i = sample indices[i]).
struct Batch {
  std::size_t count = 0;
  std::vector<float> inputs;   // count x input_size
  std::vector<int> labels;     // classification
  std::vector<float> targets;  // regression: count x target_size
};
// Copies the samples `indices` of `set` into `out`, reusing its storage.
void gather(const Dataset& set, std::span<const std::size_t> indices, Batch& out);

}  // namespace mpsim::data
