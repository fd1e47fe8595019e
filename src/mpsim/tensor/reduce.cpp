// SPDX-License-Identifier: MIT
// Sums as products with a vector of ones (reduce.hpp).
#include "mpsim/tensor/reduce.hpp"

#include <stdexcept>
#include <vector>

namespace mpsim {

float sum(const AccumulationModel& model, const Format& in, std::span<const float> x, float init,
          MatmulOutcome* outcome, const MatmulOptions& options) {
  if (x.size() > static_cast<std::size_t>(1) << 30) throw std::invalid_argument("sum: more than 2^30 values");
  const int k = static_cast<int>(x.size());
  const std::vector<float> ones(x.size(), 1.0f);
  float c = init;
  const MatmulOutcome o = matmul(model, in, 1, 1, k, x.data(), k > 0 ? k : 1, ones.data(), 1, &c, 1, options);
  if (outcome) *outcome = o;
  return c;
}

MatmulOutcome row_sums(const AccumulationModel& model, const Format& in, int rows, int cols, const float* a,
                       int lda, float* out, const MatmulOptions& options) {
  const std::vector<float> ones(static_cast<std::size_t>(cols > 0 ? cols : 0), 1.0f);
  return matmul(model, in, rows, 1, cols, a, lda, ones.data(), 1, out, 1, options);
}

MatmulOutcome column_sums(const AccumulationModel& model, const Format& in, int rows, int cols, const float* a,
                          int lda, float* out, const MatmulOptions& options) {
  const std::vector<float> ones(static_cast<std::size_t>(rows > 0 ? rows : 0), 1.0f);
  return matmul(model, in, 1, cols, rows, ones.data(), rows > 0 ? rows : 1, a, lda, out, cols > 0 ? cols : 1, options);
}

}  // namespace mpsim
