// SPDX-License-Identifier: MIT
// round_array on float32 input gives exactly the scalar core's bits, flags and counts, on
// every instruction set this CPU has, for binary16, bfloat16, E4M3 and E5M2 in every mode and
// Env option the kernels cover: boundary values and a few million random floats.
#include "check.hpp"

using namespace array_test;

TEST_CASE("round_array matches the core at every format limit in every mode and Env on every ISA",
          "[array][round_array]") {
  for (const Format* f : simd_formats) {
    const std::vector<float> in = boundary_inputs(*f);
    for (const Env& env : envs_to_check()) {
      for (Isa isa : available_isas()) check_against_core(*f, env, in, isa, {.seed = 5, .stream = 6});
    }
  }
}

TEST_CASE("round_array matches the core on random floats in every mode on every ISA", "[array][round_array]") {
  constexpr std::size_t n = std::size_t{1} << 19;  // x 4 formats = 2M floats per mode
  std::uint64_t seed = 1;
  for (const Format* f : simd_formats) {
    const std::vector<float> in = random_inputs(*f, n, seed++);
    for (Rounding r : all_roundings) {
      for (Isa isa : available_isas()) check_against_core(*f, Env{.rounding = r}, in, isa, {.seed = 9, .stream = 2});
    }
  }
}

TEST_CASE("round_array matches the core on random floats under FTZ and DAZ and the other Env options",
          "[array][round_array]") {
  constexpr std::size_t n = std::size_t{1} << 14;
  std::uint64_t seed = 100;
  for (const Format* f : simd_formats) {
    const std::vector<float> in = random_inputs(*f, n, seed++);
    for (const Env& env : envs_to_check()) {
      for (Isa isa : available_isas()) check_against_core(*f, env, in, isa, {.seed = 3, .stream = 4});
    }
  }
}

TEST_CASE("round_array rounds to formats without a SIMD twin through the core", "[array][round_array]") {
  const Format e3m4{.name = "e3m4", .exponent_bits = 3, .fraction_bits = 4, .bias = 3};
  for (const Format* f : {&tf32, &binary32, &e3m4}) {
    const std::vector<float> in = random_inputs(*f, 1000, 77);
    for (Rounding r : all_roundings) check_against_core(*f, Env{.rounding = r}, in, best_isa());
  }
}
