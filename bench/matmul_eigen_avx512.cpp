// SPDX-License-Identifier: MIT
// Eigen's float32 GEMM compiled with AVX-512 and FMA (bench/CMakeLists.txt sets the flags for
// this file only): the strongest native baseline on this machine for matmul.cpp. Registered only
// where the CPU has AVX-512F.
#include <Eigen/Core>

#include <random>
#include <vector>

#include "benchmarks.hpp"

namespace mpsim::bench {

bool eigen_avx512_runs_here() { return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma"); }

void run_eigen_avx512_gemm(benchmark::State& state, int n) {
  using M = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Eigen::setNbThreads(1);
  std::mt19937_64 rng(seed_a);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  M A(n, n), B(n, n);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) A(i, j) = normal(rng), B(i, j) = normal(rng);
  }
  M C = M::Zero(n, n);
  for (auto _ : state) {
    C.noalias() += A * B;
    benchmark::DoNotOptimize(C.data());
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * n * n * n, benchmark::Counter::kIsIterationInvariantRate,
                                                 benchmark::Counter::kIs1000);
}

}  // namespace mpsim::bench
