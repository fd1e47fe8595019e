// SPDX-License-Identifier: MIT
// The CUDA backend's entry points in a build without CUDA (MPSIM_CUDA=OFF): no device, no suites.
#include "mpsim/cuda/validate.hpp"

namespace mpsim::cuda {

bool built_with_cuda() { return false; }

std::optional<DeviceInfo> find_device(std::string& why) {
  why = "this mpsim was built without CUDA (MPSIM_CUDA=OFF: nvcc was not found at configure time)";
  return std::nullopt;
}

std::span<const Suite> validation_suites() { return {}; }

}  // namespace mpsim::cuda
