// SPDX-License-Identifier: MIT
// neg, abs, copysign: quiet bit operations on the sign bit (IEEE 754-2019 5.5.1), no flags.
#pragma once

#include <cstdint>

#include "mpsim/format/format.hpp"

namespace mpsim {

constexpr std::uint64_t neg(const Format& f, std::uint64_t a) { return a ^ f.sign_mask(); }
constexpr std::uint64_t abs(const Format& f, std::uint64_t a) { return a & ~f.sign_mask(); }
constexpr std::uint64_t copysign(const Format& f, std::uint64_t magnitude, std::uint64_t sign) {
  return (magnitude & ~f.sign_mask()) | (sign & f.sign_mask());
}

}  // namespace mpsim
