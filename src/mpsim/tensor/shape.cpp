// SPDX-License-Identifier: MIT
// Shape printing, element counts and the shape checks of tensor operations.
#include "mpsim/tensor/shape.hpp"

namespace mpsim {

std::string shape_string(const Shape& s) {
  std::string text = "[";
  for (std::size_t i = 0; i < s.size(); ++i) text += (i ? ", " : "") + std::to_string(s[i]);
  return text + "]";
}

std::size_t element_count(const Shape& s) {
  std::size_t n = 1;
  for (std::int64_t e : s) {
    if (e < 0) throw ShapeError("shape " + shape_string(s) + " has a negative extent");
    n *= static_cast<std::size_t>(e);
  }
  return n;
}

void require_same_shape(std::string_view op, const Shape& a, const Shape& b) {
  if (a != b) throw ShapeError(std::string(op) + ": shapes " + shape_string(a) + " and " + shape_string(b) + " differ");
}

void require_rank(std::string_view op, const Shape& s, std::size_t rank) {
  if (s.size() != rank)
    throw ShapeError(std::string(op) + ": expected a rank-" + std::to_string(rank) + " tensor, got " + shape_string(s));
}

}  // namespace mpsim
