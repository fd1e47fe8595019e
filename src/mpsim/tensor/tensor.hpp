// SPDX-License-Identifier: MIT
// Tensor: a dense row-major array whose elements are values of one Format, held as float32 in
// Eigen storage. Every format whose values are all floats (binary16, bfloat16, binary32, the
// FP8 formats, TF32, eXmY with m <= 23 and e <= 8) can be held; the values stay representable
// in the tensor's format because only rounding operations (elementwise.hpp, products.hpp)
// create them.
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <span>

#include "mpsim/format/format.hpp"
#include "mpsim/tensor/shape.hpp"

namespace mpsim {

// True when every value of f (NaN payloads aside) is a float32 value.
bool held_in_float(const Format& f);

class Tensor {
 public:
  using Storage = Eigen::Array<float, Eigen::Dynamic, 1>;
  using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using MatrixMap = Eigen::Map<Matrix>;
  using ConstMatrixMap = Eigen::Map<const Matrix>;

  // A tensor of +0s. Throws std::invalid_argument when f cannot be held in float32.
  Tensor(const Format& f, Shape shape);

  const Format& format() const { return format_; }
  const Shape& shape() const { return shape_; }
  std::size_t rank() const { return shape_.size(); }
  std::size_t size() const { return static_cast<std::size_t>(data_.size()); }

  std::span<float> values() { return {data_.data(), size()}; }
  std::span<const float> values() const { return {data_.data(), size()}; }
  // The element at a flat row-major index, and its bit pattern in the tensor's format.
  float value(std::size_t flat_index) const { return data_[static_cast<Eigen::Index>(flat_index)]; }
  std::uint64_t bits(std::size_t flat_index) const;

  // The rank-2 tensor as an Eigen row-major matrix (ShapeError for another rank). Writing
  // through the map bypasses rounding: write only values of the tensor's format.
  MatrixMap matrix();
  ConstMatrixMap matrix() const;

  // The same values under a new shape with the same element count (ShapeError otherwise).
  Tensor reshaped(Shape shape) const;

 private:
  Format format_;
  Shape shape_;
  Storage data_;
};

}  // namespace mpsim
