// SPDX-License-Identifier: MIT
// The environments and inputs the array tests sweep (check.hpp).
#include <cmath>
#include <limits>
#include <random>

#include "check.hpp"

namespace array_test {

std::string describe(const Env& env) {
  std::string s(rounding_name(env.rounding));
  if (env.flush_to_zero) s += " ftz";
  if (env.denormals_are_zero) s += " daz";
  if (env.tininess == Tininess::before_rounding) s += " tininess-before";
  if (env.nan == NanPolicy::canonical) s += " canonical-nan";
  if (env.overflow == Overflow::saturate) s += " saturate";
  if (env.overflow == Overflow::infinity) s += " overflow-infinity";
  if (env.stochastic_bits != 32) s += " stochastic_bits=" + std::to_string(env.stochastic_bits);
  return s;
}

std::vector<Env> envs_to_check() {
  std::vector<Env> envs;
  for (Rounding r : all_roundings) {
    const Env base{.rounding = r};
    envs.push_back(base);
    Env e = base;
    e.flush_to_zero = true;
    envs.push_back(e);
    e = base;
    e.denormals_are_zero = true;
    envs.push_back(e);
    e.flush_to_zero = true;
    envs.push_back(e);
    e = base;
    e.tininess = Tininess::before_rounding;
    envs.push_back(e);
    e.flush_to_zero = true;
    envs.push_back(e);
    e = base;
    e.nan = NanPolicy::canonical;
    envs.push_back(e);
    e = base;
    e.overflow = Overflow::saturate;
    envs.push_back(e);
    e = base;
    e.overflow = Overflow::infinity;
    envs.push_back(e);
    if (r == Rounding::stochastic) {
      for (int bits : {1, 7, 31}) {
        e = base;
        e.stochastic_bits = bits;
        envs.push_back(e);
      }
    }
  }
  return envs;
}

namespace {

void add_neighbours(std::vector<float>& out, float x) {
  for (float sign : {1.0f, -1.0f}) {
    float y = sign * x;
    out.push_back(y);
    float up = y, down = y;
    for (int k = 0; k < 2; ++k) {
      up = std::nextafter(up, std::numeric_limits<float>::infinity());
      down = std::nextafter(down, -std::numeric_limits<float>::infinity());
      out.push_back(up);
      out.push_back(down);
    }
  }
}

// Each value of `to` with storage pattern s, the halfway point to the next one, and their
// float neighbours.
void add_value_and_halfway(std::vector<float>& out, const Format& to, std::uint64_t s) {
  const float v = to_float(to, s);
  const float next = to_float(to, s + 1);
  if (!std::isfinite(v)) return;
  add_neighbours(out, v);
  if (std::isfinite(next)) {
    add_neighbours(out, v + (next - v) / 2);  // exact: p + 1 <= 24 bits
  } else {
    // Past the largest finite value: where it rounds to infinity under nearest (max + ulp/2).
    const float previous = to_float(to, s - 1);
    add_neighbours(out, v + (v - previous) / 2);
    add_neighbours(out, v + (v - previous));
  }
}

}  // namespace

std::vector<float> boundary_inputs(const Format& to) {
  std::vector<float> out;
  const std::uint64_t t = static_cast<std::uint64_t>(to.fraction_bits);
  const std::uint64_t max_finite = to.max_finite_bits();
  if (to.storage_bits() <= 8) {
    for (std::uint64_t s = 0; s <= max_finite; ++s) add_value_and_halfway(out, to, s);
  } else {
    const std::uint64_t one = static_cast<std::uint64_t>(to.bias) << t;
    for (std::uint64_t start : {std::uint64_t{0}, (std::uint64_t{1} << t) - 40, one - 20, max_finite - 40}) {
      for (std::uint64_t s = start; s < start + 41 && s <= max_finite; ++s) add_value_and_halfway(out, to, s);
    }
  }
  // Half the smallest subnormal and its neighbours (ties to zero), and 2^-25 .. 2^-23.
  add_neighbours(out, to_float(to, 1) / 2);
  for (int e = -27; e <= -23; ++e) add_neighbours(out, std::ldexp(1.0f, e));
  // binary32's own limits: subnormals (DAZ), the largest finite, infinity.
  for (std::uint32_t bits : {0x00000001u, 0x00000002u, 0x00400000u, 0x003FFFFFu, 0x007FFFFFu, 0x00800000u,
                             0x7F7FFFFFu, 0x7F800000u, 0x00000000u}) {
    out.push_back(std::bit_cast<float>(bits));
    out.push_back(std::bit_cast<float>(bits | 0x80000000u));
  }
  // NaNs: quiet and signaling, with payloads at the top, the bottom and everywhere.
  for (std::uint32_t bits : {0x7FC00000u, 0x7F800001u, 0x7FBFFFFFu, 0x7FFFFFFFu, 0x7FA00000u, 0x7FC12345u,
                             0x7F812345u, 0x7FE00001u, 0x7F802000u}) {
    out.push_back(std::bit_cast<float>(bits));
    out.push_back(std::bit_cast<float>(bits | 0x80000000u));
  }
  while (out.size() % 64) out.push_back(0.0f);
  return out;
}

std::vector<float> random_inputs(const Format& to, std::size_t n, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::uniform_int_distribution<std::uint32_t> bits;
  std::uniform_int_distribution<int> exponent(to.emin() - to.fraction_bits - 4, to.emax() + 2);
  std::vector<float> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t r = bits(gen);
    if (i % 3 == 0) {
      out[i] = std::bit_cast<float>(r);
    } else {
      const int e = exponent(gen);
      const std::uint32_t biased = static_cast<std::uint32_t>(e + 127);
      const std::uint32_t field = e < -126 ? 0 : biased;  // below binary32's range: a subnormal float
      std::uint32_t frac = r & 0x007FFFFFu;
      if (i % 3 == 2) frac &= ~((1u << (r >> 27)) - 1);  // short significands: many ties and exact values
      out[i] = std::bit_cast<float>((r & 0x80000000u) | (field << 23) | frac);
    }
  }
  return out;
}

}  // namespace array_test
