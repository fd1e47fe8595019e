// SPDX-License-Identifier: MIT
// measure_gemm_speed (gemm_speed.hpp): cublasGemmEx with CUBLAS_COMPUTE_32F for float, __half
// and __nv_bfloat16 inputs, timed one GEMM at a time with CUDA events; the median is kept.
#include "mpsim/cuda/gemm_speed.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

#include <cublas_v2.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include "mpsim/cuda/validate.hpp"

namespace mpsim::cuda {
namespace {

constexpr int warm_up_runs = 3;

// A device buffer freed on every path.
struct DeviceBuffer {
  void* p = nullptr;
  ~DeviceBuffer() {
    if (p) cudaFree(p);
  }
};

struct Handles {
  cublasHandle_t blas = nullptr;
  cudaEvent_t start = nullptr, stop = nullptr;
  ~Handles() {
    if (blas) cublasDestroy(blas);
    if (start) cudaEventDestroy(start);
    if (stop) cudaEventDestroy(stop);
  }
};

// x[i] = a value in [-1, 1) from a hash of i (deterministic, no generator state).
template <class T>
__global__ void fill_kernel(T* x, std::uint64_t count) {
  for (std::uint64_t i = blockIdx.x * std::uint64_t{blockDim.x} + threadIdx.x; i < count;
       i += std::uint64_t{gridDim.x} * blockDim.x) {
    std::uint64_t h = (i + 1) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 29;
    const float v = static_cast<float>(h >> 40) * 0x1p-23f - 1.0f;  // 24 bits -> [-1, 1)
    x[i] = T(v);
  }
}

template <class T>
bool fill(void* x, std::uint64_t count) {
  fill_kernel<T><<<1024, 256>>>(static_cast<T*>(x), count);
  return cudaGetLastError() == cudaSuccess;
}

struct Gemm {
  cudaDataType_t type;
  std::size_t element_bytes;
  bool (*fill)(void*, std::uint64_t);
};

// Median seconds of one GEMM of `g`'s type, or a negative value with `why` set.
double time_gemm(const Handles& h, const Gemm& g, int m, int n, int k, int repeats, std::string& why) {
  const auto mm = static_cast<std::uint64_t>(m), nn = static_cast<std::uint64_t>(n), kk = static_cast<std::uint64_t>(k);
  DeviceBuffer a, b, c;
  if (cudaMalloc(&a.p, mm * kk * g.element_bytes) != cudaSuccess || cudaMalloc(&b.p, kk * nn * g.element_bytes) != cudaSuccess ||
      cudaMalloc(&c.p, mm * nn * g.element_bytes) != cudaSuccess) {
    cudaGetLastError();
    why = "cudaMalloc failed: the matrices do not fit on the device";
    return -1;
  }
  if (!g.fill(a.p, mm * kk) || !g.fill(b.p, kk * nn) || cudaMemset(c.p, 0, mm * nn * g.element_bytes) != cudaSuccess) {
    why = "filling the matrices failed";
    return -1;
  }
  const float alpha = 1.0f, beta = 0.0f;
  // Column-major C (m x n) = A (m x k) B (k x n).
  auto gemm = [&] {
    return cublasGemmEx(h.blas, CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &alpha, a.p, g.type, m, b.p, g.type, k, &beta, c.p,
                        g.type, m, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);
  };
  for (int i = 0; i < warm_up_runs; ++i) {
    if (gemm() != CUBLAS_STATUS_SUCCESS) {
      why = "cublasGemmEx failed";
      return -1;
    }
  }
  std::vector<double> seconds;
  for (int i = 0; i < repeats; ++i) {
    cudaEventRecord(h.start);
    const cublasStatus_t s = gemm();
    cudaEventRecord(h.stop);
    float ms = 0;
    if (s != CUBLAS_STATUS_SUCCESS || cudaEventSynchronize(h.stop) != cudaSuccess ||
        cudaEventElapsedTime(&ms, h.start, h.stop) != cudaSuccess) {
      why = "cublasGemmEx or its timing failed";
      return -1;
    }
    seconds.push_back(ms * 1e-3);
  }
  std::sort(seconds.begin(), seconds.end());
  const std::size_t mid = seconds.size() / 2;
  return seconds.size() % 2 ? seconds[mid] : (seconds[mid - 1] + seconds[mid]) / 2;
}

}  // namespace

std::optional<GemmSpeed> measure_gemm_speed(int m, int n, int k, int repeats, std::string& why) {
  for (const int size : {m, n, k}) {
    if (size < 1 || size > 65536) {
      why = "GEMM sizes must lie in 1..65536";
      return std::nullopt;
    }
  }
  if (repeats < 1 || repeats > 1000) {
    why = "repeats must lie in 1..1000";
    return std::nullopt;
  }
  const std::optional<DeviceInfo> device = find_device(why);
  if (!device) return std::nullopt;
  Handles h;
  if (cublasCreate(&h.blas) != CUBLAS_STATUS_SUCCESS) {
    why = "cublasCreate failed";
    return std::nullopt;
  }
  // No TF32 for the float GEMM: the default math mode with COMPUTE_32F (not COMPUTE_32F_FAST_TF32).
  if (cublasSetMathMode(h.blas, CUBLAS_DEFAULT_MATH) != CUBLAS_STATUS_SUCCESS ||
      cudaEventCreate(&h.start) != cudaSuccess || cudaEventCreate(&h.stop) != cudaSuccess) {
    why = "cublasSetMathMode or cudaEventCreate failed";
    return std::nullopt;
  }
  const Gemm fp32{CUDA_R_32F, sizeof(float), fill<float>};
  const Gemm fp16{CUDA_R_16F, sizeof(__half), fill<__half>};
  const Gemm bf16{CUDA_R_16BF, sizeof(__nv_bfloat16), fill<__nv_bfloat16>};
  GemmSpeed s{.device = device->name, .m = m, .n = n, .k = k, .repeats = repeats};
  s.seconds_fp32 = time_gemm(h, fp32, m, n, k, repeats, why);
  if (s.seconds_fp32 < 0) return std::nullopt;
  s.seconds_fp16 = time_gemm(h, fp16, m, n, k, repeats, why);
  if (s.seconds_fp16 < 0) return std::nullopt;
  s.seconds_bf16 = time_gemm(h, bf16, m, n, k, repeats, why);
  if (s.seconds_bf16 < 0) return std::nullopt;
  const double flops = 2.0 * m * n * k;
  s.tflops_fp32 = flops / s.seconds_fp32 / 1e12;
  s.tflops_fp16 = flops / s.seconds_fp16 / 1e12;
  s.tflops_bf16 = flops / s.seconds_bf16 / 1e12;
  return s;
}

}  // namespace mpsim::cuda
