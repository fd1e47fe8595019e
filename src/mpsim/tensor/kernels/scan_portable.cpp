// SPDX-License-Identifier: MIT
// scan_body compiled for the baseline instruction set.
#include "mpsim/tensor/kernels/scan.hpp"

namespace mpsim::kernels {

std::int64_t scan_portable(const FloatLimits& f, const float* x, int rows, int cols, std::int64_t ld,
                           const ScanOutput& out) {
  return scan_body(f, x, rows, cols, ld, out);
}

}  // namespace mpsim::kernels
