// SPDX-License-Identifier: MIT
// A data set in memory: float32 inputs, one row per sample, and either class labels
// (classification) or float32 targets (regression). Fashion-MNIST, user IDX files and the
// synthetic sets all produce this one type.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace mpsim::data {

struct Dataset {
  std::string name;                        // where it came from ("fashion-mnist train", "spirals seed=1")
  std::size_t count = 0;                   // number of samples
  std::vector<std::int64_t> input_shape;   // one sample's shape, e.g. {28, 28} (same type as mpsim::Shape)
  std::vector<float> inputs;               // count x input_size(), row-major; images: pixel / 255
  int num_classes = 0;                     // classification: labels lie in [0, num_classes); 0 = regression
  std::vector<int> labels;                 // classification: count labels; regression: empty
  std::vector<std::int64_t> target_shape;  // regression: one sample's target shape, e.g. {1}; else empty
  std::vector<float> targets;              // regression: count x target_size(); else empty

  bool is_classification() const { return num_classes > 0; }
  std::size_t input_size() const;   // product of input_shape
  std::size_t target_size() const;  // product of target_shape (0 for classification)
  std::span<const float> input(std::size_t sample) const;
  std::span<const float> target(std::size_t sample) const;
};

// Throws DataError "NAME: ..." unless the sizes agree with count and the shapes, and every
// label lies in [0, num_classes).
void check_consistent(const Dataset& set);

// Samples per class (classification only): result[c] = number of labels equal to c.
std::vector<std::size_t> class_counts(const Dataset& set);

}  // namespace mpsim::data
