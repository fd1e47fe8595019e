// SPDX-License-Identifier: MIT
// FP8 conversions through cuda_fp8.h (the __nv_fp8_e4m3 / __nv_fp8_e5m2 types are built on
// these): every float32 and every fp16 and bf16 pattern to E4M3 and E5M2, with __NV_SATFINITE
// (what the __nv_fp8_* constructors use) and __NV_NOSAT; and all 256 FP8 patterns to fp16.
// The emulator runs under nvidia_sm90_env (its signed overflow NaN is __NV_NOSAT's); a
// self-check under nvidia_env (the NaN policy's positive NaN) must differ in NaN patterns.
#include <cuda_fp8.h>

#include "mpsim/cuda/native16.cuh"
#include "mpsim/cuda/suites.hpp"
#include "mpsim/cuda/sweep.cuh"
#include "mpsim/ops/convert.hpp"

namespace mpsim::cuda {
namespace {

enum class Source { f32, fp16, bf16 };
enum class Fp8 { e4m3, e5m2 };

constexpr Format fp8_format(Fp8 to) { return to == Fp8::e4m3 ? fp8_e4m3 : fp8_e5m2; }
constexpr Format source_format(Source s) {
  return s == Source::f32 ? binary32 : s == Source::fp16 ? binary16 : bfloat16;
}

// `base` (nvidia_sm90_env, or nvidia_env for the self-check) with the saturation mode as the
// overflow rule.
constexpr Env fp8_env(const Env& base, bool saturate) {
  Env env = base;
  env.overflow = saturate ? Overflow::saturate : Overflow::infinity;
  return env;
}

template <Source from, Fp8 to, bool saturate, const Env& base = nvidia_sm90_env>
struct ToFp8Case {
  static constexpr Format result_format() { return fp8_format(to); }
  __device__ static Operands operands(std::uint64_t i) { return {{static_cast<std::uint32_t>(i), 0, 0}}; }
  __device__ static std::uint32_t native(const Operands& in) {
    constexpr __nv_saturation_t sat = saturate ? __NV_SATFINITE : __NV_NOSAT;
    constexpr __nv_fp8_interpretation_t kind = to == Fp8::e4m3 ? __NV_E4M3 : __NV_E5M2;
    if constexpr (from == Source::f32) {
      return __nv_cvt_float_to_fp8(float_from_bits(in.v[0]), sat, kind);
    } else if constexpr (from == Source::fp16) {
      __half_raw h;
      h.x = static_cast<unsigned short>(in.v[0]);
      return __nv_cvt_halfraw_to_fp8(h, sat, kind);
    } else {
      __nv_bfloat16_raw h;
      h.x = static_cast<unsigned short>(in.v[0]);
      return __nv_cvt_bfloat16raw_to_fp8(h, sat, kind);
    }
  }
  __device__ static std::uint32_t emulated(const Operands& in) {
    constexpr Format out = fp8_format(to);
    constexpr Format src = source_format(from);
    constexpr Env env = fp8_env(base, saturate);
    return static_cast<std::uint32_t>(mpsim::convert(out, src, in.v[0], env).bits);
  }
};

template <Fp8 from>
struct Fp8ToHalfCase {
  static constexpr Format result_format() { return binary16; }
  __device__ static Operands operands(std::uint64_t i) { return {{static_cast<std::uint32_t>(i), 0, 0}}; }
  __device__ static std::uint32_t native(const Operands& in) {
    const __half_raw h =
        __nv_cvt_fp8_to_halfraw(static_cast<__nv_fp8_storage_t>(in.v[0]), from == Fp8::e4m3 ? __NV_E4M3 : __NV_E5M2);
    return h.x;
  }
  __device__ static std::uint32_t emulated(const Operands& in) {
    constexpr Format out = binary16;
    constexpr Format src = fp8_format(from);
    constexpr Env env = nvidia_sm90_env;
    return static_cast<std::uint32_t>(mpsim::convert(out, src, in.v[0], env).bits);
  }
};

template <Source from, Fp8 to, bool saturate>
SuiteReport run_to(int max_mismatches) {
  return run_sweep<ToFp8Case<from, to, saturate>>(std::uint64_t{1} << (from == Source::f32 ? 32 : 16), max_mismatches);
}
// The self-check: E4M3 __NV_NOSAT against the NaN policy's sign (positive under canonical).
SuiteReport run_nan_policy_sign_self_check(int max_mismatches) {
  return run_sweep<ToFp8Case<Source::f32, Fp8::e4m3, false, nvidia_env>>(std::uint64_t{1} << 32, max_mismatches);
}
template <Fp8 from>
SuiteReport run_from(int max_mismatches) {
  return run_sweep<Fp8ToHalfCase<from>>(256, max_mismatches);
}

}  // namespace

void add_fp8_suites(std::vector<Suite>& out) {
  const char* f32 = "all 2^32 float32 patterns";
  const char* h16 = "all 2^16 patterns";
  const char* cvt = "__nv_cvt_float_to_fp8";
  const char* sat = "convert(e4m3|e5m2, from, x, nvidia_sm90_env + overflow saturate)";
  const char* nosat = "convert(e4m3|e5m2, from, x, nvidia_sm90_env + overflow infinity)";
  using S = Source;
  using F = Fp8;
  out.push_back({"f32.to_e4m3.satfinite", cvt, sat, f32, 1, 8, 2, run_to<S::f32, F::e4m3, true>});
  out.push_back({"f32.to_e4m3.nosat", cvt, nosat, f32, 1, 8, 2, run_to<S::f32, F::e4m3, false>});
  out.push_back({"f32.to_e5m2.satfinite", cvt, sat, f32, 1, 8, 2, run_to<S::f32, F::e5m2, true>});
  out.push_back({"f32.to_e5m2.nosat", cvt, nosat, f32, 1, 8, 2, run_to<S::f32, F::e5m2, false>});
  const char* hcvt = "__nv_cvt_halfraw_to_fp8";
  out.push_back({"fp16.to_e4m3.satfinite", hcvt, sat, h16, 1, 4, 2, run_to<S::fp16, F::e4m3, true>});
  out.push_back({"fp16.to_e4m3.nosat", hcvt, nosat, h16, 1, 4, 2, run_to<S::fp16, F::e4m3, false>});
  out.push_back({"fp16.to_e5m2.satfinite", hcvt, sat, h16, 1, 4, 2, run_to<S::fp16, F::e5m2, true>});
  out.push_back({"fp16.to_e5m2.nosat", hcvt, nosat, h16, 1, 4, 2, run_to<S::fp16, F::e5m2, false>});
  const char* bcvt = "__nv_cvt_bfloat16raw_to_fp8";
  out.push_back({"bf16.to_e4m3.satfinite", bcvt, sat, h16, 1, 4, 2, run_to<S::bf16, F::e4m3, true>});
  out.push_back({"bf16.to_e4m3.nosat", bcvt, nosat, h16, 1, 4, 2, run_to<S::bf16, F::e4m3, false>});
  out.push_back({"bf16.to_e5m2.satfinite", bcvt, sat, h16, 1, 4, 2, run_to<S::bf16, F::e5m2, true>});
  out.push_back({"bf16.to_e5m2.nosat", bcvt, nosat, h16, 1, 4, 2, run_to<S::bf16, F::e5m2, false>});
  const char* all8 = "all 256 patterns";
  out.push_back({"e4m3.to_fp16", "__nv_cvt_fp8_to_halfraw", "convert(binary16, e4m3, x, nvidia_sm90_env)", all8, 1, 2,
                 4, run_from<F::e4m3>});
  out.push_back({"e5m2.to_fp16", "__nv_cvt_fp8_to_halfraw", "convert(binary16, e5m2, x, nvidia_sm90_env)", all8, 1, 2,
                 4, run_from<F::e5m2>});
  out.push_back({"selftest.f32.to_e4m3.nosat.nan_policy_sign", cvt,
                 "convert(e4m3, binary32, x, nvidia_env + overflow infinity): must differ in NaN patterns", f32, 1,
                 8, 2, run_nan_policy_sign_self_check, true});
}

}  // namespace mpsim::cuda
