// SPDX-License-Identifier: MIT
// The per-thread scratch buffers of the matmul kernels (gemm_tile.hpp), in a file compiled for
// the generic target.
#include <array>
#include <cstddef>
#include <stdexcept>
#include <vector>

#include "mpsim/tensor/kernels/gemm_tile.hpp"

namespace mpsim::kernels {

void* scratch_bytes(int slot, std::size_t bytes) {
  thread_local std::array<std::vector<std::max_align_t>, scratch_slots> buffers;
  if (slot < 0 || slot >= scratch_slots) throw std::logic_error("kernel scratch slot out of range");
  std::vector<std::max_align_t>& v = buffers[static_cast<std::size_t>(slot)];
  const std::size_t units = (bytes + sizeof(std::max_align_t) - 1) / sizeof(std::max_align_t);
  if (v.size() < units) v.resize(units);
  return v.data();
}

}  // namespace mpsim::kernels
