// SPDX-License-Identifier: MIT
// The name of each rounding mode as mpsim spells it (CLI, benchmark and test names).
#pragma once

#include <string_view>

#include "mpsim/round/env.hpp"

namespace mpsim {

constexpr std::string_view rounding_name(Rounding mode) {
  switch (mode) {
    case Rounding::nearest_even: return "nearest_even";
    case Rounding::toward_zero: return "toward_zero";
    case Rounding::upward: return "upward";
    case Rounding::downward: return "downward";
    case Rounding::nearest_away: return "nearest_away";
    case Rounding::to_odd: return "to_odd";
    case Rounding::stochastic: return "stochastic";
  }
  return "?";
}

}  // namespace mpsim
