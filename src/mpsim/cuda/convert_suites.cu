// SPDX-License-Identifier: MIT
// Every float32 (all 2^32 bit patterns) converted to fp16 and bf16 in the four rounding modes
// the hardware offers: __float2half_rn/_rz/_rd/_ru and __float2bfloat16_rn/_rz/_rd/_ru.
#include "mpsim/cuda/native16.cuh"
#include "mpsim/cuda/suites.hpp"
#include "mpsim/cuda/sweep.cuh"
#include "mpsim/ops/convert.hpp"

namespace mpsim::cuda {
namespace {

constexpr Env with_rounding(Env env, Rounding mode) {
  env.rounding = mode;
  return env;
}

template <class T, Rounding mode>
struct FromFloatCase {
  using N = Native16<T>;
  static constexpr Format result_format() { return N::format(); }
  __device__ static Operands operands(std::uint64_t i) { return {{static_cast<std::uint32_t>(i), 0, 0}}; }
  __device__ static std::uint32_t native(const Operands& in) {
    const float x = float_from_bits(in.v[0]);
    if constexpr (std::is_same_v<T, __half>) {
      if constexpr (mode == Rounding::nearest_even) return N::bits(__float2half_rn(x));
      if constexpr (mode == Rounding::toward_zero) return N::bits(__float2half_rz(x));
      if constexpr (mode == Rounding::downward) return N::bits(__float2half_rd(x));
      if constexpr (mode == Rounding::upward) return N::bits(__float2half_ru(x));
    } else {
      if constexpr (mode == Rounding::nearest_even) return N::bits(__float2bfloat16_rn(x));
      if constexpr (mode == Rounding::toward_zero) return N::bits(__float2bfloat16_rz(x));
      if constexpr (mode == Rounding::downward) return N::bits(__float2bfloat16_rd(x));
      if constexpr (mode == Rounding::upward) return N::bits(__float2bfloat16_ru(x));
    }
  }
  __device__ static std::uint32_t emulated(const Operands& in) {
    constexpr Format f = N::format();
    constexpr Format f32 = binary32;
    constexpr Env env = with_rounding(nvidia_sm90_env, mode);
    return static_cast<std::uint32_t>(mpsim::convert(f, f32, in.v[0], env).bits);
  }
};

template <class T, Rounding mode>
SuiteReport run(int max_mismatches) {
  return run_sweep<FromFloatCase<T, mode>>(std::uint64_t{1} << 32, max_mismatches);
}

}  // namespace

void add_convert_suites(std::vector<Suite>& out) {
  const char* all = "all 2^32 float32 patterns";
  using R = Rounding;
  out.push_back({"f32.to_fp16.rn", "__float2half_rn", "convert(binary16, binary32, x, nvidia_sm90_env)", all, 1, 8, 4,
                 run<__half, R::nearest_even>});
  out.push_back({"f32.to_fp16.rz", "__float2half_rz", "... rounding toward_zero", all, 1, 8, 4, run<__half, R::toward_zero>});
  out.push_back({"f32.to_fp16.rd", "__float2half_rd", "... rounding downward", all, 1, 8, 4, run<__half, R::downward>});
  out.push_back({"f32.to_fp16.ru", "__float2half_ru", "... rounding upward", all, 1, 8, 4, run<__half, R::upward>});
  out.push_back({"f32.to_bf16.rn", "__float2bfloat16_rn", "convert(bfloat16, binary32, x, nvidia_sm90_env)", all,
                 1, 8, 4,
                 run<__nv_bfloat16, R::nearest_even>});
  out.push_back({"f32.to_bf16.rz", "__float2bfloat16_rz", "... rounding toward_zero", all, 1, 8, 4,
                 run<__nv_bfloat16, R::toward_zero>});
  out.push_back({"f32.to_bf16.rd", "__float2bfloat16_rd", "... rounding downward", all, 1, 8, 4,
                 run<__nv_bfloat16, R::downward>});
  out.push_back({"f32.to_bf16.ru", "__float2bfloat16_ru", "... rounding upward", all, 1, 8, 4,
                 run<__nv_bfloat16, R::upward>});
}

}  // namespace mpsim::cuda
