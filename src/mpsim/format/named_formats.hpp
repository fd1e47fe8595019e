// SPDX-License-Identifier: MIT
// The one table of named formats (IEEE 754-2019, OCP OFP8 v1.0, NVIDIA TF32) and lookup by name.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string_view>

#include "mpsim/format/format.hpp"

namespace mpsim {

inline constexpr Format binary16{.name = "binary16", .exponent_bits = 5, .fraction_bits = 10, .bias = 15};
inline constexpr Format bfloat16{.name = "bfloat16", .exponent_bits = 8, .fraction_bits = 7, .bias = 127};
inline constexpr Format binary32{.name = "binary32", .exponent_bits = 8, .fraction_bits = 23, .bias = 127};
inline constexpr Format binary64{.name = "binary64", .exponent_bits = 11, .fraction_bits = 52, .bias = 1023};
// OCP 8-bit floating point, E4M3 "FN": no infinities, only S.1111.111 is NaN, max 448.
inline constexpr Format fp8_e4m3{.name = "e4m3", .exponent_bits = 4, .fraction_bits = 3, .bias = 7,
                                 .infinities = false, .nan = NanEncoding::all_ones};
inline constexpr Format fp8_e5m2{.name = "e5m2", .exponent_bits = 5, .fraction_bits = 2, .bias = 15};
// TensorFloat-32: binary32's range with binary16's precision, held in 19 bits.
inline constexpr Format tf32{.name = "tf32", .exponent_bits = 8, .fraction_bits = 10, .bias = 127};

inline constexpr std::array<const Format*, 7> named_formats{&binary16, &bfloat16, &binary32, &binary64,
                                                            &fp8_e4m3, &fp8_e5m2, &tf32};

// Accepts the table's names, common aliases (fp16, half, bf16, fp32, float, fp64, double,
// fp8_e4m3, fp8_e5m2) and "eXmY" for an IEEE-style format with X exponent and Y fraction
// bits (bias 2^(X-1)-1), optionally suffixed "-sat" (saturating) or "-noinf" / "-nosub".
// Returns nothing for an unknown or invalid name.
std::optional<Format> find_format(std::string_view name);

// One line naming what find_format accepts, for error messages.
std::string_view format_names_help();

}  // namespace mpsim
