// SPDX-License-Identifier: MIT
// fp16 and bf16 add, sub, mul, div over all 2^32 operand pairs: the `_rn` intrinsics (never
// contracted into an fma, FACTS.md 1) and `__hdiv` against the emulator under nvidia_sm90_env.
#include "mpsim/cuda/native16.cuh"
#include "mpsim/cuda/suites.hpp"
#include "mpsim/cuda/sweep.cuh"
#include "mpsim/ops/add.hpp"
#include "mpsim/ops/div.hpp"
#include "mpsim/ops/mul.hpp"

namespace mpsim::cuda {
namespace {

enum class BinaryOp { add, sub, mul, div };

// Case index i = a << 16 | b: a is the high half, b the low half.
// `env` is the emulator's environment: nvidia_sm90_env, or ieee_env for the self-check.
template <class T, BinaryOp op, const Env& emulator_env = nvidia_sm90_env>
struct BinaryCase {
  using N = Native16<T>;
  static constexpr Format result_format() { return N::format(); }
  __device__ static Operands operands(std::uint64_t i) {
    return {{static_cast<std::uint32_t>(i >> 16), static_cast<std::uint32_t>(i & 0xFFFF), 0}};
  }
  __device__ static std::uint32_t native(const Operands& in) {
    const T a = N::from_bits(in.v[0]), b = N::from_bits(in.v[1]);
    if constexpr (op == BinaryOp::add) return N::bits(__hadd_rn(a, b));
    if constexpr (op == BinaryOp::sub) return N::bits(__hsub_rn(a, b));
    if constexpr (op == BinaryOp::mul) return N::bits(__hmul_rn(a, b));
    if constexpr (op == BinaryOp::div) return N::bits(__hdiv(a, b));
  }
  __device__ static std::uint32_t emulated(const Operands& in) {
    constexpr Format f = N::format();
    constexpr Env env = emulator_env;  // a device-side copy of the host constant
    if constexpr (op == BinaryOp::add) return static_cast<std::uint32_t>(mpsim::add(f, in.v[0], in.v[1], env).bits);
    if constexpr (op == BinaryOp::sub) return static_cast<std::uint32_t>(mpsim::sub(f, in.v[0], in.v[1], env).bits);
    if constexpr (op == BinaryOp::mul) return static_cast<std::uint32_t>(mpsim::mul(f, in.v[0], in.v[1], env).bits);
    if constexpr (op == BinaryOp::div) return static_cast<std::uint32_t>(mpsim::div(f, in.v[0], in.v[1], env).bits);
  }
};

constexpr std::uint64_t all_pairs = std::uint64_t{1} << 32;

template <class T, BinaryOp op>
SuiteReport run(int max_mismatches) {
  return run_sweep<BinaryCase<T, op>>(all_pairs, max_mismatches);
}

// The self-check: the same sweep against the x86 NaN rule, which the hardware does not follow
// (FACTS.md 1). It must report NaN-pattern mismatches and nothing else.
SuiteReport run_ieee_nan_self_check(int max_mismatches) {
  return run_sweep<BinaryCase<__half, BinaryOp::add, ieee_env>>(all_pairs, max_mismatches);
}

}  // namespace

void add_arith_suites(std::vector<Suite>& out) {
  const char* pairs = "all 2^32 pairs";
  out.push_back({"fp16.add", "__hadd_rn", "add(binary16, a, b, nvidia_sm90_env)",
                 pairs, 2, 4, 4, run<__half, BinaryOp::add>});
  out.push_back({"fp16.sub", "__hsub_rn", "sub(binary16, a, b, nvidia_sm90_env)",
                 pairs, 2, 4, 4, run<__half, BinaryOp::sub>});
  out.push_back({"fp16.mul", "__hmul_rn", "mul(binary16, a, b, nvidia_sm90_env)",
                 pairs, 2, 4, 4, run<__half, BinaryOp::mul>});
  out.push_back({"fp16.div", "__hdiv", "div(binary16, a, b, nvidia_sm90_env)",
                 pairs, 2, 4, 4, run<__half, BinaryOp::div>});
  out.push_back({"bf16.add", "__hadd_rn", "add(bfloat16, a, b, nvidia_sm90_env)", pairs, 2, 4, 4,
                 run<__nv_bfloat16, BinaryOp::add>});
  out.push_back({"bf16.sub", "__hsub_rn", "sub(bfloat16, a, b, nvidia_sm90_env)", pairs, 2, 4, 4,
                 run<__nv_bfloat16, BinaryOp::sub>});
  out.push_back({"bf16.mul", "__hmul_rn", "mul(bfloat16, a, b, nvidia_sm90_env)", pairs, 2, 4, 4,
                 run<__nv_bfloat16, BinaryOp::mul>});
  out.push_back({"bf16.div", "__hdiv", "div(bfloat16, a, b, nvidia_sm90_env)", pairs, 2, 4, 4,
                 run<__nv_bfloat16, BinaryOp::div>});
  out.push_back({"selftest.fp16.add.ieee_nan", "__hadd_rn", "add(binary16, a, b, ieee_env): must differ in NaN patterns",
                 pairs, 2, 4, 4, run_ieee_nan_self_check, true});
}

}  // namespace mpsim::cuda
