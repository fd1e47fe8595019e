// SPDX-License-Identifier: MIT
// Neighbours and ulps by stepping the magnitude bits.
#include "neighbours.hpp"

#include "mpsim/format/unpacked.hpp"

namespace mpsim::cli {
namespace {

bool finite_nonzero(const Format& f, std::uint64_t bits) { return is_finite_nonzero(unpack(f, bits).kind); }

std::uint64_t smallest_positive(const Format& f) {
  return f.subnormals && f.fraction_bits > 0 ? 1 : std::uint64_t{1} << f.fraction_bits;
}

}  // namespace

std::optional<std::uint64_t> next_up(const Format& f, std::uint64_t bits) {
  const Unpacked u = unpack(f, bits);
  if (is_nan(u.kind)) return std::nullopt;
  const std::uint64_t magnitude = bits & ~f.sign_mask();
  if (u.kind == Kind::infinity) {
    if (!u.sign) return std::nullopt;
    return f.sign_mask() | f.max_finite_bits();
  }
  if (u.kind == Kind::zero) return smallest_positive(f);
  if (!u.sign) {
    const std::uint64_t up = magnitude + 1;
    if (up > (f.storage_mask() >> 1)) return std::nullopt;
    const Kind k = unpack(f, up).kind;
    if (is_nan(k)) return std::nullopt;
    return up;
  }
  const std::uint64_t down = magnitude - 1;  // toward zero
  if (!finite_nonzero(f, down)) return f.sign_mask();  // -0
  return f.sign_mask() | down;
}

std::optional<std::uint64_t> next_down(const Format& f, std::uint64_t bits) {
  const auto up = next_up(f, bits ^ f.sign_mask());
  if (!up) return std::nullopt;
  return *up ^ f.sign_mask();
}

Dyadic ulp(const Format& f, std::uint64_t bits) {
  const std::uint64_t magnitude = bits & ~f.sign_mask();
  if (!finite_nonzero(f, magnitude)) return dyadic_of(f, smallest_positive(f));
  const std::uint64_t up = magnitude + 1;
  if (up <= (f.storage_mask() >> 1) && finite_nonzero(f, up)) return subtract(dyadic_of(f, up), dyadic_of(f, magnitude));
  return subtract(dyadic_of(f, magnitude), dyadic_of(f, magnitude - 1));
}

}  // namespace mpsim::cli
