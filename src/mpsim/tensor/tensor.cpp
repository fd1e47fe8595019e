// SPDX-License-Identifier: MIT
// Tensor storage, shapes and the checks behind them.
#include "mpsim/tensor/tensor.hpp"

#include <bit>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/ops/convert.hpp"

namespace mpsim {

bool held_in_float(const Format& f) {
  const int lowest_exponent = f.subnormals ? f.emin() - f.fraction_bits : f.emin();
  return f.precision() <= binary32.precision() && f.emax() <= binary32.emax() && lowest_exponent >= -149;
}

Tensor::Tensor(const Format& f, Shape shape) : format_(f), shape_(std::move(shape)) {
  if (!held_in_float(f))
    throw std::invalid_argument("a Tensor holds its values as float32; format " + format_name(f) +
                                " has values that are not floats (use binary32 or narrower)");
  data_ = Storage::Zero(static_cast<Eigen::Index>(element_count(shape_)));
}

std::uint64_t Tensor::bits(std::size_t flat_index) const {
  // Exact: the value is one of the format's values (NaN keeps the top of its payload).
  return from_float(format_, value(flat_index)).bits;
}

Tensor::MatrixMap Tensor::matrix() {
  require_rank("Tensor::matrix", shape_, 2);
  return MatrixMap(data_.data(), shape_[0], shape_[1]);
}

Tensor::ConstMatrixMap Tensor::matrix() const {
  require_rank("Tensor::matrix", shape_, 2);
  return ConstMatrixMap(data_.data(), shape_[0], shape_[1]);
}

Tensor Tensor::reshaped(Shape shape) const {
  if (element_count(shape) != size())
    throw ShapeError("reshape: " + shape_string(shape_) + " has " + std::to_string(size()) + " elements, " +
                     shape_string(shape) + " has " + std::to_string(element_count(shape)));
  Tensor t(format_, std::move(shape));
  t.data_ = data_;
  return t;
}

}  // namespace mpsim
