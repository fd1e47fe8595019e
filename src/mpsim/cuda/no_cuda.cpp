// SPDX-License-Identifier: MIT
// The CUDA backend's entry points in a build without CUDA (MPSIM_CUDA=OFF): no device, no suites,
// no GEMM timing, no device training step (each says why).
#include "mpsim/cuda/gemm_speed.hpp"
#include "mpsim/cuda/train_step.hpp"
#include "mpsim/cuda/validate.hpp"

namespace mpsim::cuda {

bool built_with_cuda() { return false; }

std::optional<DeviceInfo> find_device(std::string& why) {
  why = "this mpsim was built without CUDA (MPSIM_CUDA=OFF: nvcc was not found at configure time)";
  return std::nullopt;
}

std::span<const Suite> validation_suites() { return {}; }

std::optional<GemmSpeed> measure_gemm_speed(int, int, int, int, std::string& why) {
  find_device(why);
  return std::nullopt;
}

std::optional<std::vector<StepTensor>> device_train_step(const TrainStepSetup&, const TrainStepInputs&,
                                                         const std::vector<StepTensor>&, const DeviceStepOptions&,
                                                         std::string& why) {
  find_device(why);
  return std::nullopt;
}

}  // namespace mpsim::cuda
