// SPDX-License-Identifier: MIT
// __hfma (fma.rn.f16 / fma.rn.bf16, one rounding) on 2^30 uniform and 2^30 adversarial
// triples per format (fma_triples.hpp), against fma(format, a, b, c, nvidia_sm90_env).
#include "mpsim/cuda/fma_triples.hpp"
#include "mpsim/cuda/native16.cuh"
#include "mpsim/cuda/suites.hpp"
#include "mpsim/cuda/sweep.cuh"
#include "mpsim/ops/fma.hpp"

namespace mpsim::cuda {
namespace {

template <class T>
struct FmaCase {
  using N = Native16<T>;
  static constexpr Format result_format() { return N::format(); }
  __device__ static Operands operands(std::uint64_t i) {
    constexpr Format f = N::format();
    const Triple t = fma_triple(f, i);
    return {{t.a, t.b, t.c}};
  }
  __device__ static std::uint32_t native(const Operands& in) {
    return N::bits(__hfma(N::from_bits(in.v[0]), N::from_bits(in.v[1]), N::from_bits(in.v[2])));
  }
  __device__ static std::uint32_t emulated(const Operands& in) {
    constexpr Format f = N::format();
    constexpr Env env = nvidia_sm90_env;
    return static_cast<std::uint32_t>(mpsim::fma(f, in.v[0], in.v[1], in.v[2], env).bits);
  }
};

template <class T>
SuiteReport run(int max_mismatches) {
  return run_sweep<FmaCase<T>>(fma_uniform_cases + fma_adversarial_cases, max_mismatches);
}

}  // namespace

void add_fma_suites(std::vector<Suite>& out) {
  const char* triples = "2^30 uniform + 2^30 adversarial triples (Philox4x32-10)";
  out.push_back({"fp16.fma", "__hfma", "fma(binary16, a, b, c, nvidia_sm90_env)", triples, 3, 4, 4, run<__half>});
  out.push_back({"bf16.fma", "__hfma", "fma(bfloat16, a, b, c, nvidia_sm90_env)", triples, 3, 4, 4,
                 run<__nv_bfloat16>});
}

}  // namespace mpsim::cuda
