// SPDX-License-Identifier: MIT
// Next representable values (IEEE 754-2019 nextUp / nextDown) and the ulp of a finite
// value, on bit patterns of any format.
#pragma once

#include <cstdint>
#include <optional>

#include "dyadic.hpp"
#include "mpsim/format/format.hpp"

namespace mpsim::cli {

// The least value above `bits` (+0 and -0 alike go to the smallest positive value);
// nothing for NaN, +inf, or the largest finite value of a format without +inf.
std::optional<std::uint64_t> next_up(const Format& f, std::uint64_t bits);
// -next_up(-x).
std::optional<std::uint64_t> next_down(const Format& f, std::uint64_t bits);

// ulp(x) = the gap from |x| to the next larger magnitude (2^(max(e, emin) - p + 1) for
// |x| in [2^e, 2^(e+1))); at the largest finite value, the gap below it. Finite x only.
Dyadic ulp(const Format& f, std::uint64_t bits);

}  // namespace mpsim::cli
