// SPDX-License-Identifier: MIT
// Names shared by the subcommands: formats, rounding modes and exception flags, and the
// CLI11 validators that turn an unknown name into a message listing the accepted ones.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "mpsim/format/format.hpp"
#include "mpsim/round/env.hpp"

namespace mpsim::cli {

// Accepts mpsim's names (nearest_even, toward_zero, upward, downward, nearest_away, to_odd,
// stochastic) and TestFloat's (near_even, minMag, max, min, near_maxMag, odd).
std::optional<Rounding> find_rounding(std::string_view name);
std::string_view rounding_name(Rounding mode);
std::string_view rounding_names_help();

// "inexact, underflow", or "none" when no flag is set (TestFloat bit values, round/status.hpp).
std::string flag_names(std::uint8_t flags);

// The format named `name` (find_format); throws CLI::ValidationError naming the accepted names.
Format parse_format(std::string_view name);

// A bit pattern as "0x" and upper-case hex digits, as many as the format's storage needs.
std::string hex_bits(const Format& f, std::uint64_t bits);

// Validators for CLI11 options taking a format or a rounding-mode name.
CLI::Validator format_name_validator();
CLI::Validator rounding_name_validator();

}  // namespace mpsim::cli
