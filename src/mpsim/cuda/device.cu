// SPDX-License-Identifier: MIT
// The CUDA build's entry points: the device found, and the table of suites in report order.
#include <algorithm>
#include <fstream>
#include <string>

#include <cuda_runtime.h>

#include "mpsim/cuda/suites.hpp"
#include "mpsim/cuda/validate.hpp"

namespace mpsim::cuda {
namespace {

// "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.159.04  Release Build ..."
// -> "580.159.04": the first word made of digits and at least two dots.
std::string kernel_driver_version() {
  std::ifstream in("/proc/driver/nvidia/version");
  std::string word;
  while (in >> word) {
    const bool digits_and_dots = word.find_first_not_of("0123456789.") == std::string::npos;
    if (digits_and_dots && std::count(word.begin(), word.end(), '.') >= 2) return word;
  }
  return "unknown";
}

}  // namespace

bool built_with_cuda() { return true; }

std::optional<DeviceInfo> find_device(std::string& why) {
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess || count == 0) {
    why = std::string("no usable CUDA device (") + (e != cudaSuccess ? cudaGetErrorString(e) : "none found") +
          "); the validation needs an sm_90 GPU and its driver";
    cudaGetLastError();  // clear the sticky error for later callers
    return std::nullopt;
  }
  cudaDeviceProp prop{};
  if (cudaGetDeviceProperties(&prop, 0) != cudaSuccess) {
    why = "cudaGetDeviceProperties failed";
    return std::nullopt;
  }
  DeviceInfo info;
  info.name = prop.name;
  info.compute_major = prop.major;
  info.compute_minor = prop.minor;
  info.multiprocessors = prop.multiProcessorCount;
  info.driver_version = kernel_driver_version();
  cudaDriverGetVersion(&info.driver_cuda_version);
  cudaRuntimeGetVersion(&info.runtime_version);
  if (prop.major != 9) {
    // The kernels are built for sm_90 only: another architecture cannot load them.
    why = "device " + info.name + " has compute capability " + std::to_string(prop.major) + "." +
          std::to_string(prop.minor) + "; this build has sm_90 code only";
    return std::nullopt;
  }
  return info;
}

std::span<const Suite> validation_suites() {
  static const std::vector<Suite> table = [] {
    std::vector<Suite> t;
    add_arith_suites(t);
    add_unary_suites(t);
    add_fma_suites(t);
    add_convert_suites(t);
    add_fp8_suites(t);
    add_tensor_core_suites(t);
    return t;
  }();
  return table;
}

}  // namespace mpsim::cuda
