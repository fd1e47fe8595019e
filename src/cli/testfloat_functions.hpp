// SPDX-License-Identifier: MIT
// The TestFloat function names `mpsim testfloat` accepts ("f16_add", "f32_to_bf16",
// "i32_to_e4m3", ...): what each computes, on which formats, and its field widths.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mpsim/format/format.hpp"

namespace mpsim::cli {

enum class TestfloatOp : std::uint8_t {
  add, sub, mul, div, sqrt, mul_add,             // result in the operands' format
  eq, le, lt, eq_signaling, le_quiet, lt_quiet,  // result 0 or 1
  to_i32, to_i64,                                // float -> integer
  from_i32, from_i64,                            // integer -> float
  convert,                                       // float -> float of another format
};

struct TestfloatFunction {
  TestfloatOp op = TestfloatOp::add;
  const Format* in = nullptr;   // operand format (null for integer operands)
  const Format* out = nullptr;  // result format (null for integer and boolean results)
  int operands = 2;
  int operand_digits = 4;  // hex digits of every operand
  int result_digits = 4;   // hex digits of the result (1 for comparisons)
};

// Hex digits of a field holding a value of this format: 2 (FP8), 4 (16-bit), 8, 16.
constexpr int hex_digits(const Format& f) { return (f.storage_bits() + 3) / 4; }

std::optional<TestfloatFunction> find_testfloat_function(std::string_view name);

// Every accepted name, in a stable order.
std::vector<std::string> testfloat_function_names();

// One paragraph describing the accepted names, for error messages and --help.
std::string testfloat_names_help();

}  // namespace mpsim::cli
