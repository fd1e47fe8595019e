// SPDX-License-Identifier: MIT
// The generic validation sweep: every thread takes case indices in a grid-stride loop, runs
// the native instruction and the emulator on the same operands and tallies mismatches in
// device memory. Only the tally leaves the card.
//
// A Case is a type with
//   static constexpr Format result_format();                     // the format both results are in
//   __device__ static Operands operands(std::uint64_t index);    // the inputs of case `index`
//   __device__ static std::uint32_t native(const Operands&);     // the hardware's result bits
//   __device__ static std::uint32_t emulated(const Operands&);   // mpsim's result bits
#pragma once

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>

#include <cuda_runtime.h>

#include "mpsim/cuda/mismatch.hpp"
#include "mpsim/cuda/validate.hpp"

namespace mpsim::cuda {

struct Operands {
  std::uint32_t v[3];
};

// Throws with the CUDA error's text.
inline void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(e));
}

__device__ inline void record_mismatch(Tally* tally, MismatchClass kind, std::uint64_t index, const Operands& in,
                                       std::uint32_t expected, std::uint32_t actual, int limit) {
  const unsigned long long slot = atomicAdd(&tally->recorded, 1ull);
  if (slot < static_cast<unsigned long long>(limit)) {
    MismatchRecord& r = tally->records[slot];
    r.index = index;
    for (int i = 0; i < 3; ++i) r.operands[i] = in.v[i];
    r.expected = expected;
    r.actual = actual;
    r.kind = static_cast<std::uint32_t>(kind);
  }
}

// Cases [begin, end) of Case. Each thread counts its mismatches in registers and adds them to
// the tally once at the end.
template <class Case>
__global__ void sweep_kernel(std::uint64_t begin, std::uint64_t end, Tally* tally, int limit) {
  constexpr Format f = Case::result_format();
  unsigned long long counts[mismatch_classes] = {0, 0, 0};
  const std::uint64_t stride = std::uint64_t{gridDim.x} * blockDim.x;
  for (std::uint64_t i = begin + std::uint64_t{blockIdx.x} * blockDim.x + threadIdx.x; i < end; i += stride) {
    const Operands in = Case::operands(i);
    const std::uint32_t actual = Case::native(in);
    const std::uint32_t expected = Case::emulated(in);
    if (actual != expected) {
      const MismatchClass kind = classify_mismatch(f, expected, actual);
      ++counts[static_cast<int>(kind) - 1];
      record_mismatch(tally, kind, i, in, expected, actual, limit);
    }
  }
  for (int c = 0; c < mismatch_classes; ++c) {
    if (counts[c]) atomicAdd(&tally->counts[c], counts[c]);
  }
}

// The host side of every validation kernel: allocates a zeroed Tally, calls
// launch(tally, limit, sms) between two CUDA events (sms: the device's multiprocessor count),
// and reports `cases` with the mismatch counts and at most `max_mismatches` (<= max_records)
// records, sorted by case index. `launch_error` and `sync_error` name the failing step.
template <class Launch>
SuiteReport run_timed(std::uint64_t cases, int max_mismatches, const char* launch_error, const char* sync_error,
                      Launch launch) {
  const int limit = std::clamp(max_mismatches, 0, max_records);
  Tally* tally = nullptr;
  check(cudaMalloc(&tally, sizeof(Tally)), "cudaMalloc");
  check(cudaMemset(tally, 0, sizeof(Tally)), "cudaMemset");
  int device = 0, sms = 0;
  check(cudaGetDevice(&device), "cudaGetDevice");
  check(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device), "cudaDeviceGetAttribute");
  cudaEvent_t start, stop;
  check(cudaEventCreate(&start), "cudaEventCreate");
  check(cudaEventCreate(&stop), "cudaEventCreate");
  check(cudaEventRecord(start), "cudaEventRecord");
  launch(tally, limit, sms);
  check(cudaGetLastError(), launch_error);
  check(cudaEventRecord(stop), "cudaEventRecord");
  check(cudaEventSynchronize(stop), sync_error);
  float ms = 0;
  check(cudaEventElapsedTime(&ms, start, stop), "cudaEventElapsedTime");
  Tally host{};
  check(cudaMemcpy(&host, tally, sizeof(Tally), cudaMemcpyDeviceToHost), "cudaMemcpy");
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  cudaFree(tally);

  SuiteReport r;
  r.cases = cases;
  for (int c = 0; c < mismatch_classes; ++c) r.mismatches[c] = host.counts[c];
  const auto kept = static_cast<int>(std::min<unsigned long long>(host.recorded, static_cast<unsigned long long>(limit)));
  r.first.assign(host.records, host.records + kept);
  std::sort(r.first.begin(), r.first.end(), [](const MismatchRecord& a, const MismatchRecord& b) { return a.index < b.index; });
  r.seconds = ms / 1000.0;
  return r;
}

// Runs cases [0, count) of Case on the current device and reports the mismatches.
template <class Case>
SuiteReport run_sweep(std::uint64_t count, int max_mismatches) {
  return run_timed(count, max_mismatches, "sweep launch", "sweep", [count](Tally* tally, int limit, int sms) {
    constexpr int threads = 256;
    const std::uint64_t blocks_needed = (count + threads - 1) / threads;
    const unsigned blocks = static_cast<unsigned>(std::min<std::uint64_t>(blocks_needed, std::uint64_t(sms) * 16));
    sweep_kernel<Case><<<blocks, threads>>>(0, count, tally, limit);
  });
}

}  // namespace mpsim::cuda
