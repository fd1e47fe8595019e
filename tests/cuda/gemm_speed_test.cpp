// SPDX-License-Identifier: MIT
// cuBLAS GEMM timing on the GPU (skipped without one, see device_main.cpp): positive, plausible
// times and the sizes echoed; bad sizes refused with a reason.
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

#include "mpsim/cuda/gemm_speed.hpp"

using mpsim::cuda::measure_gemm_speed;

TEST_CASE("measure_gemm_speed times the fp32, fp16 and bf16 GEMMs", "[cuda][device]") {
  std::string why;
  const auto s = measure_gemm_speed(1024, 512, 256, 5, why);
  INFO(why);
  REQUIRE(s);
  CHECK_FALSE(s->device.empty());
  CHECK(s->m == 1024);
  CHECK(s->n == 512);
  CHECK(s->k == 256);
  for (double t : {s->seconds_fp32, s->seconds_fp16, s->seconds_bf16}) {
    CHECK(t > 0);
    CHECK(t < 1.0);
  }
  CHECK(s->tflops_fp16 == Approx(2.0 * 1024 * 512 * 256 / s->seconds_fp16 / 1e12));
}

TEST_CASE("measure_gemm_speed refuses sizes and repeats out of range", "[cuda][device]") {
  std::string why;
  CHECK_FALSE(measure_gemm_speed(0, 8, 8, 3, why));
  CHECK(why.find("sizes") != std::string::npos);
  CHECK_FALSE(measure_gemm_speed(8, 8, 8, 0, why));
  CHECK(why.find("repeats") != std::string::npos);
}

// Hidden (run by name: test_cuda_gemm_speed "[.report]"): the table docs/validation.md records.
TEST_CASE("report the GEMM speeds of square sizes", "[cuda][device][.report]") {
  std::string why;
  std::printf("m n k repeats seconds_fp32 seconds_fp16 seconds_bf16 tflops_fp32 tflops_fp16 tflops_bf16 device\n");
  for (int size : {256, 1024, 2048, 4096, 8192}) {
    const auto s = measure_gemm_speed(size, size, size, 20, why);
    INFO(why);
    REQUIRE(s);
    std::printf("%d %d %d %d %.6e %.6e %.6e %.2f %.2f %.2f %s\n", s->m, s->n, s->k, s->repeats, s->seconds_fp32,
                s->seconds_fp16, s->seconds_bf16, s->tflops_fp32, s->tflops_fp16, s->tflops_bf16, s->device.c_str());
  }
}
