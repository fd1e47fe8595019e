// SPDX-License-Identifier: MIT
// Matrix products under accumulation models against Eigen's float32 GEMM in the same run.
// n x n x n products, n = 512, C starting at zero, A and B drawn from N(0, 1) and rounded to the
// input format. GFLOP/s counts 2 n^3 per product; times are wall clock (threads).
//   matmul/eigen_f32/512                     C.noalias() += A * B, Eigen::setNbThreads(1), the
//                                            project's flags (no -march: SSE2)
//   matmul/eigen_f32_avx512/512              the same compiled with AVX-512 + FMA (matmul_eigen_avx512.cpp)
//   matmul/MODEL/IN/512/threads:T            mpsim::matmul, count = false
//   matmul/MODEL/IN/512/threads:T/count      mpsim::matmul, count = true
#include <Eigen/Core>

#include <random>
#include <string>
#include <vector>

#include "benchmarks.hpp"
#include "mpsim/format/named_formats.hpp"
#include "mpsim/ops/convert.hpp"
#include "mpsim/tensor/matmul.hpp"

namespace mpsim::bench {

void run_eigen_avx512_gemm(benchmark::State& state, int n);  // matmul_eigen_avx512.cpp
bool eigen_avx512_runs_here();

namespace {

constexpr int size = 512;

std::vector<float> matrix(const Format& f, int n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> x(static_cast<std::size_t>(n) * n);
  for (float& v : x) v = to_float(f, from_float(f, normal(rng)).bits);
  return x;
}

void set_flops(benchmark::State& state, int n) {
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * n * n * n, benchmark::Counter::kIsIterationInvariantRate,
                                                 benchmark::Counter::kIs1000);
}

void eigen_gemm(benchmark::State& state) {
  using M = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Eigen::setNbThreads(1);
  const int n = size;
  const std::vector<float> a = matrix(binary32, n, seed_a), b = matrix(binary32, n, seed_b);
  M A = Eigen::Map<const M>(a.data(), n, n), B = Eigen::Map<const M>(b.data(), n, n);
  M C = M::Zero(n, n);
  for (auto _ : state) {
    C.noalias() += A * B;
    benchmark::DoNotOptimize(C.data());
    benchmark::ClobberMemory();
  }
  set_flops(state, n);
}

void mpsim_gemm(benchmark::State& state, const std::string& model_name, const Format* in, int threads, bool count) {
  const AccumulationModel model = accumulation_preset(model_name);
  const int n = size;
  const std::vector<float> a = matrix(*in, n, seed_a), b = matrix(*in, n, seed_b);
  std::vector<float> c(static_cast<std::size_t>(n) * n, 0.0f);
  const MatmulOptions options{.threads = threads, .count = count};
  state.SetLabel(std::string(matmul_path(model, *in, MatmulIsa::best, count)));
  for (auto _ : state) {
    // C restarts from zero so that every iteration sums the same values (not timed).
    state.PauseTiming();
    std::fill(c.begin(), c.end(), 0.0f);
    state.ResumeTiming();
    const MatmulOutcome o = matmul(model, *in, n, n, n, a.data(), n, b.data(), n, c.data(), n, options);
    benchmark::DoNotOptimize(o);
    benchmark::DoNotOptimize(c.data());
  }
  set_flops(state, n);
}

void register_matmul() {
  const std::string n = std::to_string(size);
  benchmark::RegisterBenchmark(("matmul/eigen_f32/" + n).c_str(), eigen_gemm)->UseRealTime()->Unit(benchmark::kMillisecond);
  if (eigen_avx512_runs_here()) {
    benchmark::RegisterBenchmark(("matmul/eigen_f32_avx512/" + n).c_str(),
                                 [](benchmark::State& s) { run_eigen_avx512_gemm(s, size); })
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
  struct Case {
    const char* model;
    const Format* in;
  };
  // Only the combinations with a fast path: the others run dot() per element (about 1000x slower).
  const Case cases[] = {{"fp32-sequential", &binary16}, {"fp32-sequential", &bfloat16}, {"sm90", &binary16},
                        {"sm90", &bfloat16},            {"fp16-accumulate", &binary16}};
  for (const Case& c : cases) {
    for (int threads : {1, 2}) {
      for (bool count : {false, true}) {
        if (count && matmul_path(accumulation_preset(c.model), *c.in, MatmulIsa::best, true) == "generic") continue;
        const std::string name = "matmul/" + std::string(c.model) + "/" + std::string(c.in->name) + "/" + n +
                                 "/threads:" + std::to_string(threads) + (count ? "/count" : "");
        benchmark::RegisterBenchmark(name.c_str(), mpsim_gemm, std::string(c.model), c.in, threads, count)
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond);
      }
    }
  }
}

const bool registered = (register_matmul(), true);

}  // namespace
}  // namespace mpsim::bench
