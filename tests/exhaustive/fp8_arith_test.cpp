// SPDX-License-Identifier: MIT
// E4M3 and E5M2 add, sub, mul, div: all 2^16 operand pairs in the six deterministic modes and
// stochastic rounding (fixed random words), against the x87 and binary64 references, results
// and flags.
#include "pairs.hpp"

using namespace exhaustive;
using reference::Op;

namespace {
template <Op op, const PairFormat& F>
void check_all_modes() {
  for_each_mode<all_modes>([]<const ModeCase& M>() { check_all_pairs<op, F, M>(); });
}

// Every 8th pair (an odd-multiplier bijection of the 16-bit pair index) in every mode.
template <Op op, const PairFormat& F>
void check_some_modes() {
  for_each_mode<all_modes>([]<const ModeCase& M>() {
    const std::uint64_t count = 1 << 13;
    const Tally tally = sweep_pairs<op, F, M>(Wides::all, count, [](std::uint64_t k) {
      const std::uint32_t j = static_cast<std::uint32_t>(k * 0x9E37) & 0xFFFF;
      return (j >> 8) << 16 | (j & 0xFF);
    });
    INFO(M.name);
    require_clean(tally, count);
  });
}
}  // namespace

// clang-format off
TEST_CASE("every e4m3 pair adds like the reference in every mode", "[.][exhaustive][add][e4m3]") { check_all_modes<Op::add, e4m3>(); }
TEST_CASE("every e4m3 pair subtracts like the reference in every mode", "[.][exhaustive][sub][e4m3]") { check_all_modes<Op::sub, e4m3>(); }
TEST_CASE("every e4m3 pair multiplies like the reference in every mode", "[.][exhaustive][mul][e4m3]") { check_all_modes<Op::mul, e4m3>(); }
TEST_CASE("every e4m3 pair divides like the reference in every mode", "[.][exhaustive][div][e4m3]") { check_all_modes<Op::div, e4m3>(); }
TEST_CASE("every e5m2 pair adds like the reference in every mode", "[.][exhaustive][add][e5m2]") { check_all_modes<Op::add, e5m2>(); }
TEST_CASE("every e5m2 pair subtracts like the reference in every mode", "[.][exhaustive][sub][e5m2]") { check_all_modes<Op::sub, e5m2>(); }
TEST_CASE("every e5m2 pair multiplies like the reference in every mode", "[.][exhaustive][mul][e5m2]") { check_all_modes<Op::mul, e5m2>(); }
TEST_CASE("every e5m2 pair divides like the reference in every mode", "[.][exhaustive][div][e5m2]") { check_all_modes<Op::div, e5m2>(); }

TEST_CASE("e4m3 add sub mul div match the reference on every 8th pair in every mode", "[add][sub][mul][div][e4m3]") {
  check_some_modes<Op::add, e4m3>();
  check_some_modes<Op::sub, e4m3>();
  check_some_modes<Op::mul, e4m3>();
  check_some_modes<Op::div, e4m3>();
}
TEST_CASE("e5m2 add sub mul div match the reference on every 8th pair in every mode", "[add][sub][mul][div][e5m2]") {
  check_some_modes<Op::add, e5m2>();
  check_some_modes<Op::sub, e5m2>();
  check_some_modes<Op::mul, e5m2>();
  check_some_modes<Op::div, e5m2>();
}
// clang-format on
