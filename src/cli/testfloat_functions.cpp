// SPDX-License-Identifier: MIT
// TestFloat function names: <fmt>_<op>, <fmt>_to_<fmt>, <fmt>_to_i32/i64, i32/i64_to_<fmt>.
#include "testfloat_functions.hpp"

#include <array>

#include "mpsim/format/named_formats.hpp"

namespace mpsim::cli {
namespace {

struct NamedFormat {
  std::string_view name;
  const Format* format;
};
// TestFloat's type names, plus e4m3 and e5m2 for OCP FP8.
constexpr std::array<NamedFormat, 6> types{{
    {"f16", &binary16}, {"bf16", &bfloat16}, {"f32", &binary32},
    {"f64", &binary64}, {"e4m3", &fp8_e4m3}, {"e5m2", &fp8_e5m2},
}};

struct NamedOp {
  std::string_view name;
  TestfloatOp op;
  int operands;
};
constexpr std::array<NamedOp, 14> float_ops{{
    {"add", TestfloatOp::add, 2},
    {"sub", TestfloatOp::sub, 2},
    {"mul", TestfloatOp::mul, 2},
    {"div", TestfloatOp::div, 2},
    {"sqrt", TestfloatOp::sqrt, 1},
    {"mulAdd", TestfloatOp::mul_add, 3},
    {"eq", TestfloatOp::eq, 2},
    {"le", TestfloatOp::le, 2},
    {"lt", TestfloatOp::lt, 2},
    {"eq_signaling", TestfloatOp::eq_signaling, 2},
    {"le_quiet", TestfloatOp::le_quiet, 2},
    {"lt_quiet", TestfloatOp::lt_quiet, 2},
    {"to_i32", TestfloatOp::to_i32, 1},
    {"to_i64", TestfloatOp::to_i64, 1},
}};

const Format* find_type(std::string_view name) {
  for (const NamedFormat& t : types)
    if (t.name == name) return t.format;
  return nullptr;
}

bool is_comparison(TestfloatOp op) { return op >= TestfloatOp::eq && op <= TestfloatOp::lt_quiet; }

}  // namespace

std::optional<TestfloatFunction> find_testfloat_function(std::string_view name) {
  // i32_to_<fmt>, i64_to_<fmt>
  for (const int width : {32, 64}) {
    const std::string_view prefix = width == 32 ? "i32_to_" : "i64_to_";
    if (!name.starts_with(prefix)) continue;
    const Format* out = find_type(name.substr(prefix.size()));
    if (!out) return std::nullopt;
    return TestfloatFunction{width == 32 ? TestfloatOp::from_i32 : TestfloatOp::from_i64, nullptr, out, 1,
                             width / 4, hex_digits(*out)};
  }
  const auto underscore = name.find('_');
  if (underscore == std::string_view::npos) return std::nullopt;
  const Format* in = find_type(name.substr(0, underscore));
  if (!in) return std::nullopt;
  const std::string_view rest = name.substr(underscore + 1);
  for (const NamedOp& op : float_ops) {
    if (op.name != rest) continue;
    TestfloatFunction fn{op.op, in, in, op.operands, hex_digits(*in), hex_digits(*in)};
    if (is_comparison(op.op)) fn.out = nullptr, fn.result_digits = 1;
    if (op.op == TestfloatOp::to_i32) fn.out = nullptr, fn.result_digits = 8;
    if (op.op == TestfloatOp::to_i64) fn.out = nullptr, fn.result_digits = 16;
    return fn;
  }
  if (rest.starts_with("to_")) {
    const Format* out = find_type(rest.substr(3));
    if (!out || out == in) return std::nullopt;
    return TestfloatFunction{TestfloatOp::convert, in, out, 1, hex_digits(*in), hex_digits(*out)};
  }
  return std::nullopt;
}

std::vector<std::string> testfloat_function_names() {
  std::vector<std::string> names;
  for (const NamedFormat& t : types) {
    for (const NamedOp& op : float_ops) names.push_back(std::string(t.name) + "_" + std::string(op.name));
    for (const NamedFormat& u : types)
      if (u.format != t.format) names.push_back(std::string(t.name) + "_to_" + std::string(u.name));
  }
  for (const std::string_view prefix : {"i32_to_", "i64_to_"})
    for (const NamedFormat& t : types) names.push_back(std::string(prefix).append(t.name));
  return names;
}

std::string testfloat_names_help() {
  std::string help = "<fmt>_{";
  for (const NamedOp& op : float_ops) help.append(op.name).append(",");
  help.back() = '}';
  return help + ", <fmt>_to_<fmt> (two different formats), i32_to_<fmt>, i64_to_<fmt>; "
         "<fmt> is one of f16 bf16 f32 f64 e4m3 e5m2 ('mpsim testfloat --list' prints every name)";
}

}  // namespace mpsim::cli
