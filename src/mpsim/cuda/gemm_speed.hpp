// SPDX-License-Identifier: MIT
// The speed of cuBLAS GEMMs on the first CUDA device, for the memory_and_speed experiment: what
// the emulated products cost is compared with what the card does natively. Plain C++ (no CUDA
// headers); a build without CUDA links the stub in no_cuda.cpp, which measures nothing.
#pragma once

#include <optional>
#include <string>

namespace mpsim::cuda {

struct GemmSpeed {
  std::string device;  // e.g. "NVIDIA H100 80GB HBM3"
  int m = 0, n = 0, k = 0;
  int repeats = 0;
  // Median seconds of one C (m x n) = A (m x k) B (k x n), CUDA events around each GEMM after
  // warm-up, all three with float32 accumulation (CUBLAS_COMPUTE_32F):
  double seconds_fp32 = 0;  // float inputs and output, no TF32 (CUBLAS_DEFAULT_MATH, COMPUTE_32F)
  double seconds_fp16 = 0;  // __half inputs and output, tensor cores
  double seconds_bf16 = 0;  // __nv_bfloat16 inputs and output, tensor cores
  // 2 m n k / seconds / 1e12.
  double tflops_fp32 = 0, tflops_fp16 = 0, tflops_bf16 = 0;
};

// Times the three GEMMs of size m x n x k (each 1..65536) `repeats` times (1..1000) after three
// warm-up runs, on inputs filled on the device with small values (uniform in [-1, 1)). Nothing,
// with the reason in `why`, when the sizes are out of range, no device is found, the matrices
// do not fit, or cuBLAS fails (the call named).
std::optional<GemmSpeed> measure_gemm_speed(int m, int n, int k, int repeats, std::string& why);

}  // namespace mpsim::cuda
