// SPDX-License-Identifier: MIT
// The host side of the CUDA backend: the device found, the table of validation suites, and
// what one suite reports. Plain C++ (no CUDA headers), so the CLI and tests compile with g++;
// a build without CUDA links no_cuda.cpp, whose table is empty.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mpsim/cuda/mismatch.hpp"

namespace mpsim::cuda {

// True when this build contains the CUDA kernels (MPSIM_CUDA=ON).
bool built_with_cuda();

struct DeviceInfo {
  std::string name;           // e.g. "NVIDIA H100 80GB HBM3"
  int compute_major = 0, compute_minor = 0;
  int multiprocessors = 0;
  std::string driver_version;   // the kernel driver, e.g. "580.159.04" (NVML-free: from /proc when readable)
  int driver_cuda_version = 0;  // cudaDriverGetVersion, e.g. 13000
  int runtime_version = 0;      // cudaRuntimeGetVersion, e.g. 13000
};

// The first CUDA device, or nothing with the reason in `why` (no device, no driver, built without CUDA).
std::optional<DeviceInfo> find_device(std::string& why);

struct SuiteReport {
  std::string name;
  std::uint64_t cases = 0;
  std::uint64_t mismatches[mismatch_classes] = {0, 0, 0};  // value, sign_of_zero, nan_pattern
  std::vector<MismatchRecord> first;  // at most the limit asked for, sorted by case index
  double seconds = 0;                 // device time of the sweep (CUDA events), all launches
  std::uint64_t total_mismatches() const { return mismatches[0] + mismatches[1] + mismatches[2]; }
};

// One comparison of the emulator with the hardware. `operand_hex_digits` and
// `result_hex_digits` size the bit patterns in reports (2 for FP8, 4 for 16-bit, 8 for binary32).
struct Suite {
  const char* name;         // "<operand format>.<operation>[.<mode>]", e.g. "fp16.add", "f32.to_bf16.rz"
  const char* native;       // the CUDA intrinsic compared, e.g. "__hadd_rn"
  const char* emulated;     // the emulator call, e.g. "add(binary16, a, b, nvidia_env)"
  const char* inputs;       // which inputs, e.g. "all 2^32 pairs"
  int operand_count;
  int operand_hex_digits;
  int result_hex_digits;
  SuiteReport (*run)(int max_mismatches);
  bool explicit_only = false;  // a self-check that must mismatch: run only when named, never by default
};

// Every suite this build can run (empty without CUDA), in report order.
std::span<const Suite> validation_suites();

// Suites whose name equals `selector` or starts with `selector` followed by '.', e.g. "bf16"
// or "f32.to_e4m3"; empty when none matches.
std::vector<const Suite*> select_suites(std::span<const Suite> all, const std::string& selector);

}  // namespace mpsim::cuda
