// SPDX-License-Identifier: MIT
// Tensor shapes: a list of extents, row-major (the last index varies fastest), and the checks
// every tensor operation makes before it touches data, with errors that name the operation.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mpsim {

using Shape = std::vector<std::int64_t>;

// "[2, 3]"
std::string shape_string(const Shape& s);
// Product of the extents; throws std::invalid_argument for a negative extent.
std::size_t element_count(const Shape& s);

// Thrown when the shapes or formats of operands do not fit an operation.
class ShapeError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Throws ShapeError "OP: shapes [..] and [..] differ" unless a and b are equal.
void require_same_shape(std::string_view op, const Shape& a, const Shape& b);
// Throws ShapeError "OP: expected a rank-R tensor, got [..]".
void require_rank(std::string_view op, const Shape& s, std::size_t rank);

}  // namespace mpsim
