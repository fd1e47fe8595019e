// SPDX-License-Identifier: MIT
// Epoch permutations, batch slicing and gathering.
#include "mpsim/data/batches.hpp"

#include <algorithm>
#include <numeric>
#include <string>
#include <utility>

#include "mpsim/data/counter_random.hpp"
#include "mpsim/data/error.hpp"

namespace mpsim::data {

std::vector<std::size_t> epoch_permutation(std::size_t n, std::uint64_t seed, std::uint64_t epoch) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  const std::uint64_t stream = random_stream(RandomPurpose::shuffle, static_cast<std::uint32_t>(epoch));
  for (std::size_t i = n; i-- > 1;) std::swap(order[i], order[random_below(i + 1, seed, stream, i)]);
  return order;
}

EpochBatches::EpochBatches(std::size_t sample_count, const BatchOptions& options, std::uint64_t epoch)
    : batch_size_(options.batch_size) {
  if (batch_size_ == 0) throw DataError("batches: batch size must be at least 1");
  if (options.shuffle) {
    order_ = epoch_permutation(sample_count, options.seed, epoch);
  } else {
    order_.resize(sample_count);
    std::iota(order_.begin(), order_.end(), std::size_t{0});
  }
  batch_count_ = options.drop_last ? sample_count / batch_size_ : (sample_count + batch_size_ - 1) / batch_size_;
}

std::span<const std::size_t> EpochBatches::batch(std::size_t k) const {
  if (k >= batch_count_)
    throw DataError("batches: batch " + std::to_string(k) + " of an epoch with " + std::to_string(batch_count_) + " batches");
  const std::size_t begin = k * batch_size_;
  return std::span(order_).subspan(begin, std::min(batch_size_, order_.size() - begin));
}

void gather(const Dataset& set, std::span<const std::size_t> indices, Batch& out) {
  const std::size_t in = set.input_size(), tg = set.target_size();
  out.count = indices.size();
  out.inputs.resize(indices.size() * in);
  out.labels.resize(set.is_classification() ? indices.size() : 0);
  out.targets.resize(set.is_classification() ? 0 : indices.size() * tg);
  for (std::size_t r = 0; r < indices.size(); ++r) {
    const std::size_t s = indices[r];
    if (s >= set.count)
      throw DataError(set.name + ": sample " + std::to_string(s) + " requested of " + std::to_string(set.count));
    std::copy_n(set.inputs.begin() + static_cast<std::ptrdiff_t>(s * in), in, out.inputs.begin() + static_cast<std::ptrdiff_t>(r * in));
    if (set.is_classification()) {
      out.labels[r] = set.labels[s];
    } else {
      std::copy_n(set.targets.begin() + static_cast<std::ptrdiff_t>(s * tg), tg, out.targets.begin() + static_cast<std::ptrdiff_t>(r * tg));
    }
  }
}

}  // namespace mpsim::data
