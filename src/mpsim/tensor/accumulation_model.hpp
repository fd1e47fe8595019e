// SPDX-License-Identifier: MIT
// AccumulationModel: how a dot product of low-precision inputs is summed. Every matmul,
// batched matmul and reduction of mpsim names one; the same model and inputs give the same
// bits for any thread count and instruction set. dot.hpp is the specification of each model;
// docs/accumulation.md draws the orders.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mpsim/format/format.hpp"
#include "mpsim/round/env.hpp"

namespace mpsim {

// The order in which the k terms t_0 .. t_(k-1) of one output element and its initial
// accumulator c are added. "From zero" means the partial sum starts at +0.
enum class SumOrder : std::uint8_t {
  sequential,  // acc = c, then acc = acc + t_0, acc + t_1, ... in increasing k
  pairwise,    // S(range of n terms) = n <= block ? sequential from zero : S(first n/2 terms) + S(rest),
               // n/2 rounded down, block <= 0 read as 1; result = c + S(all)
  blocked,     // blocks of `block` consecutive terms summed sequentially from zero; acc = c, then
               // acc = acc + block sum in increasing k (a K-tiled GEMM with C loaded first)
  chunked,     // Wang et al. 2018: chunks of `block` terms summed sequentially from zero, the chunk
               // sums summed sequentially from zero, then result = c + that sum (C added last)
};

// The fused block step of a tensor core (FACTS.md 8; Khattak & Mikaitis 2025): `terms` exact
// products plus the accumulator are aligned to the largest term exponent E (floored at
// `exponent_floor`), each term truncated toward zero to `fraction_bits` bits below E, summed
// exactly, normalised once and rounded to the accumulator format with `rounding`.
// tensor_core_block.hpp is the step; dot.hpp chains the steps.
struct TensorCoreBlock {
  int terms = 16;
  int fraction_bits = 25;       // alignment bits kept below E (fp32's 23 + 2 extra bits), 1..100
  int exponent_floor = -133;    // -133 for an fp32 output, -21 for an fp16 output on sm_90
  Rounding rounding = Rounding::toward_zero;  // toward_zero for fp32 output, nearest_even for fp16
  friend bool operator==(const TensorCoreBlock&, const TensorCoreBlock&) = default;
};

struct AccumulationModel {
  std::string name;
  const Format* product = nullptr;   // null: products are exact; else each product is rounded to it
  const Format* accumulator = nullptr;
  Env env{};                         // rounding of every accumulation step (and of products)
  SumOrder order = SumOrder::sequential;
  int block = 0;                     // leaf/block/chunk length for pairwise, blocked, chunked
  bool fused = true;                 // acc + a*b rounded once (fma); false: product rounded to the accumulator first
  bool kahan = false;                // Kahan-compensated accumulation in the accumulator format (sequential only)
  std::optional<TensorCoreBlock> tensor_core;  // set: the order is a chain of tensor-core block steps
};

// Presets: "fp32-sequential", "fp16-accumulate", "chunked", "kahan", "sm90" (fp32 accumulator),
// "sm90-fp16" (fp16 accumulator). Throws std::invalid_argument naming the accepted presets.
AccumulationModel accumulation_preset(std::string_view name);
std::vector<std::string> accumulation_preset_names();

// Empty when dot() can evaluate the model, else what is wrong (no accumulator, block < 1 for
// blocked/chunked, Kahan with another order than sequential, a tensor core with a rounded
// product, Kahan or another order, TensorCoreBlock fields out of range, stochastic rounding).
std::string validate(const AccumulationModel& m);

}  // namespace mpsim
