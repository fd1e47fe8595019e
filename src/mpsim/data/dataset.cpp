// SPDX-License-Identifier: MIT
// Dataset's sizes, row access and consistency check.
#include "mpsim/data/dataset.hpp"

#include <algorithm>

#include "mpsim/data/error.hpp"

namespace mpsim::data {

namespace {
std::size_t product(const std::vector<std::int64_t>& shape) {
  std::size_t n = 1;
  for (std::int64_t e : shape) n *= static_cast<std::size_t>(e);
  return n;
}
}  // namespace

std::size_t Dataset::input_size() const { return product(input_shape); }
std::size_t Dataset::target_size() const { return target_shape.empty() ? 0 : product(target_shape); }

std::span<const float> Dataset::input(std::size_t sample) const {
  const std::size_t n = input_size();
  return std::span(inputs).subspan(sample * n, n);
}

std::span<const float> Dataset::target(std::size_t sample) const {
  const std::size_t n = target_size();
  return std::span(targets).subspan(sample * n, n);
}

void check_consistent(const Dataset& set) {
  auto fail = [&](const std::string& problem) { return DataError(set.name + ": " + problem); };
  for (std::int64_t e : set.input_shape)
    if (e <= 0) throw fail("input shape has an extent " + std::to_string(e));
  if (set.inputs.size() != set.count * set.input_size())
    throw fail(std::to_string(set.inputs.size()) + " input values for " + std::to_string(set.count) + " samples of " +
               std::to_string(set.input_size()));
  if (set.is_classification()) {
    if (set.labels.size() != set.count)
      throw fail(std::to_string(set.labels.size()) + " labels for " + std::to_string(set.count) + " samples");
    if (!set.targets.empty() || !set.target_shape.empty()) throw fail("a classification set with regression targets");
    for (std::size_t i = 0; i < set.count; ++i)
      if (set.labels[i] < 0 || set.labels[i] >= set.num_classes)
        throw fail("label " + std::to_string(set.labels[i]) + " of sample " + std::to_string(i) + " is out of range for " +
                   std::to_string(set.num_classes) + " classes");
  } else {
    if (set.num_classes < 0) throw fail("negative number of classes");
    if (!set.labels.empty()) throw fail("a regression set with labels");
    if (set.targets.size() != set.count * set.target_size())
      throw fail(std::to_string(set.targets.size()) + " target values for " + std::to_string(set.count) + " samples of " +
                 std::to_string(set.target_size()));
  }
}

std::vector<std::size_t> class_counts(const Dataset& set) {
  std::vector<std::size_t> counts(static_cast<std::size_t>(std::max(set.num_classes, 0)), 0);
  for (int label : set.labels)
    if (label >= 0 && label < set.num_classes) ++counts[static_cast<std::size_t>(label)];
  return counts;
}

}  // namespace mpsim::data
