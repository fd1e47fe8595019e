// SPDX-License-Identifier: MIT
// Inside the CUDA backend: each suite file appends its suites to the table (device.cu builds
// the table in this order). To add a family (tensor cores, a training step), write a file
// with one such function and call it from validation_suites().
#pragma once

#include <vector>

#include "mpsim/cuda/validate.hpp"

namespace mpsim::cuda {

void add_arith_suites(std::vector<Suite>& out);    // arith_suites.cu: fp16/bf16 add sub mul div
void add_unary_suites(std::vector<Suite>& out);    // unary_suites.cu: sqrt rcp neg abs, to float
void add_fma_suites(std::vector<Suite>& out);      // fma_suites.cu: __hfma on random + adversarial triples
void add_convert_suites(std::vector<Suite>& out);  // convert_suites.cu: float -> fp16/bf16, 4 modes
void add_fp8_suites(std::vector<Suite>& out);      // fp8_suites.cu: conversions to and from E4M3/E5M2
void add_tensor_core_suites(std::vector<Suite>& out);  // tensor_core_suites.cu: mma.sync chains vs the sm90 model

}  // namespace mpsim::cuda
