// SPDX-License-Identifier: MIT
// fp16 and bf16 unary operations over all 2^16 inputs: hsqrt, hrcp (as 1/x rounded once),
// __hneg, __habs, and the widening to float (__half2float, __bfloat162float), against the
// emulator under nvidia_sm90_env; and self-checks under nvidia_env, whose NaN options are
// IEEE's (neg/abs as bit operations, bf16 -> f32 quieting), which must differ in NaN patterns.
#include "mpsim/cuda/native16.cuh"
#include "mpsim/cuda/suites.hpp"
#include "mpsim/cuda/sweep.cuh"
#include "mpsim/ops/convert.hpp"
#include "mpsim/ops/div.hpp"
#include "mpsim/ops/sign.hpp"
#include "mpsim/ops/sqrt.hpp"

namespace mpsim::cuda {
namespace {

enum class UnaryOp { sqrt, rcp, neg, abs, to_f32 };

// `emulator_env`: nvidia_sm90_env, or nvidia_env for the self-checks.
template <class T, UnaryOp op, const Env& emulator_env = nvidia_sm90_env>
struct UnaryCase {
  using N = Native16<T>;
  static constexpr Format result_format() { return op == UnaryOp::to_f32 ? binary32 : N::format(); }
  __device__ static Operands operands(std::uint64_t i) { return {{static_cast<std::uint32_t>(i), 0, 0}}; }
  __device__ static std::uint32_t native(const Operands& in) {
    const T a = N::from_bits(in.v[0]);
    if constexpr (op == UnaryOp::sqrt) return N::bits(hsqrt(a));
    if constexpr (op == UnaryOp::rcp) return N::bits(hrcp(a));
    if constexpr (op == UnaryOp::neg) return N::bits(__hneg(a));
    if constexpr (op == UnaryOp::abs) return N::bits(__habs(a));
    if constexpr (op == UnaryOp::to_f32) return float_bits(static_cast<float>(a));  // __half2float / __bfloat162float
  }
  __device__ static std::uint32_t emulated(const Operands& in) {
    constexpr Format f = N::format();
    constexpr Format f32 = binary32;
    constexpr Env env = emulator_env;  // a device-side copy of the host constant
    // 1.0: biased exponent = bias, fraction 0 (binary16 0x3C00, bfloat16 0x3F80).
    constexpr std::uint64_t one = static_cast<std::uint64_t>(f.bias) << f.fraction_bits;
    if constexpr (op == UnaryOp::sqrt) return static_cast<std::uint32_t>(mpsim::sqrt(f, in.v[0], env).bits);
    if constexpr (op == UnaryOp::rcp) return static_cast<std::uint32_t>(mpsim::div(f, one, in.v[0], env).bits);
    if constexpr (op == UnaryOp::neg) return static_cast<std::uint32_t>(mpsim::neg(f, in.v[0], env).bits);
    if constexpr (op == UnaryOp::abs) return static_cast<std::uint32_t>(mpsim::abs(f, in.v[0], env).bits);
    if constexpr (op == UnaryOp::to_f32) return static_cast<std::uint32_t>(mpsim::convert(f32, f, in.v[0], env).bits);
  }
};

template <class T, UnaryOp op>
SuiteReport run(int max_mismatches) {
  return run_sweep<UnaryCase<T, op>>(std::uint64_t{1} << 16, max_mismatches);
}

// The self-checks: the same sweep under nvidia_env (the NaN options at their IEEE defaults).
// They must report exactly the NaN-pattern counts that docs/validation.md recorded before the
// options existed, and nothing else.
template <class T, UnaryOp op>
SuiteReport run_ieee_options_self_check(int max_mismatches) {
  return run_sweep<UnaryCase<T, op, nvidia_env>>(std::uint64_t{1} << 16, max_mismatches);
}

}  // namespace

void add_unary_suites(std::vector<Suite>& out) {
  const char* all = "all 2^16 inputs";
  out.push_back({"fp16.sqrt", "hsqrt", "sqrt(binary16, a, nvidia_sm90_env)", all, 1, 4, 4, run<__half, UnaryOp::sqrt>});
  out.push_back({"fp16.rcp", "hrcp", "div(binary16, 1, a, nvidia_sm90_env)", all, 1, 4, 4, run<__half, UnaryOp::rcp>});
  out.push_back({"fp16.neg", "__hneg", "neg(binary16, a, nvidia_sm90_env): NaN as an addition", all, 1, 4, 4,
                 run<__half, UnaryOp::neg>});
  out.push_back({"fp16.abs", "__habs", "abs(binary16, a, nvidia_sm90_env): NaN as an addition", all, 1, 4, 4,
                 run<__half, UnaryOp::abs>});
  out.push_back({"fp16.to_f32", "__half2float", "convert(binary32, binary16, a, nvidia_sm90_env)", all, 1, 4, 8,
                 run<__half, UnaryOp::to_f32>});
  out.push_back({"bf16.sqrt", "hsqrt", "sqrt(bfloat16, a, nvidia_sm90_env)",
                 all, 1, 4, 4, run<__nv_bfloat16, UnaryOp::sqrt>});
  out.push_back({"bf16.rcp", "hrcp", "div(bfloat16, 1, a, nvidia_sm90_env)",
                 all, 1, 4, 4, run<__nv_bfloat16, UnaryOp::rcp>});
  out.push_back({"bf16.neg", "__hneg", "neg(bfloat16, a, nvidia_sm90_env): NaN as an addition", all, 1, 4, 4,
                 run<__nv_bfloat16, UnaryOp::neg>});
  out.push_back({"bf16.abs", "__habs", "abs(bfloat16, a, nvidia_sm90_env): NaN as an addition", all, 1, 4, 4,
                 run<__nv_bfloat16, UnaryOp::abs>});
  out.push_back({"bf16.to_f32", "__bfloat162float", "convert(binary32, bfloat16, a, nvidia_sm90_env): NaN bits kept",
                 all, 1, 4, 8, run<__nv_bfloat16, UnaryOp::to_f32>});
  out.push_back({"selftest.fp16.neg.ieee_sign_op", "__hneg",
                 "neg(binary16, a, nvidia_env): must differ in NaN patterns", all, 1, 4, 4,
                 run_ieee_options_self_check<__half, UnaryOp::neg>, true});
  out.push_back({"selftest.bf16.to_f32.ieee_widening", "__bfloat162float",
                 "convert(binary32, bfloat16, a, nvidia_env): must differ in NaN patterns", all, 1, 4, 8,
                 run_ieee_options_self_check<__nv_bfloat16, UnaryOp::to_f32>, true});
}

}  // namespace mpsim::cuda
