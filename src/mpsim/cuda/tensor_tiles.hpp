// SPDX-License-Identifier: MIT
// The input tiles of the tensor-core validation: A (16 x K, fp16 or bf16), B (K x 8) and the
// initial accumulator C (16 x N, N = 8 for mma.m16n8k16 or 16 for wmma; fp32 or fp16), every element a pure function of (tile index,
// matrix, position), host and device alike, so a mismatch found on the card can be rebuilt on
// the host. Random words: Philox4x32-10 with key tile_seed and counter
// (tile low 32 bits, tile high 32 bits, matrix, position).
//
//   A[row][k]: position row * K + k        B[k][col]: position k * N + col     C: row * N + col
//
// The kind of a tile is tile mod 9:
//   random        finite normal inputs, exponents in a small range; c finite
//   cancelling    A[r][2j+1] = -A[r][2j] moved by -1..+1 in its last bit, B[2j+1][n] = B[2j][n]:
//                 products cancel in pairs, leaving residues far below the largest product
//   spread        input exponents uniform over the whole format (subnormals included), c anywhere
//                 in the products' range: terms far below E are truncated away
//   near_floor    product exponents around the alignment floor (-133 fp32 / -21 fp16 output)
//                 or as low as the inputs reach; subnormal inputs; c = +-0 three times in four
//                 (a nonzero c, even subnormal, sets E >= emin and hides the floor), else subnormal
//   overflow      product exponents near the accumulator's emax, c near its largest finite value
//   specials      random inputs with one in eight replaced by +-0, +-inf, NaNs (quiet, payloads,
//                 signaling) or the largest finite value; c special one time in four
//   zeros         three inputs in four are +-0 (many all-zero blocks), c = +-0 three times in four
//   uniform_bits  every bit pattern equally likely (NaN and inf included)
//   boundary      every 16th product (k mod 16 = 0) lands exactly on a rounding boundary of the
//                 output's smallest subnormals: A[r][k] = +-2^(base - h), B[k][n] = m_n * 2^h, so
//                 the product is m_n * 2^base; for an fp16 output (round to nearest) base =
//                 -25 and m_n = 1, 3, 5, 7 (ties between subnormals), for fp32 (toward zero)
//                 base = -149 and m_n = 1..4 (exact subnormals). The other products are tiny
//                 (value around 2^(floor - 25), the alignment unit: products of subnormals
//                 with fractions 1..7 where the inputs reach no lower, as fp16; mixed signs,
//                 half of the inputs zero) and c = +-0: whether their truncated sum keeps bits decides the rounding,
//                 so the result depends on the floor and the 25 alignment bits.
#pragma once

#include <array>
#include <cstdint>

#include "mpsim/cuda/fma_triples.hpp"
#include "mpsim/format/format.hpp"
#include "mpsim/round/stochastic.hpp"

namespace mpsim::cuda {

inline constexpr std::uint64_t tile_seed = 0x6D7073696D746331ull;  // "mpsimtc1"
inline constexpr int tile_m = 16, tile_block = 16;  // one step of m16n8k16 / m16n16k16 adds 16 products

enum class TileKind : std::uint8_t {
  random, cancelling, spread, near_floor, overflow, specials, zeros, uniform_bits, boundary
};
inline constexpr int tile_kinds = 9;

MPSIM_HD constexpr TileKind tile_kind(std::uint64_t tile) { return static_cast<TileKind>(tile % tile_kinds); }

// What one suite's tiles are made of. `exponent_floor` is the model's alignment floor for this
// accumulator (the near_floor kind aims at it).
struct TileSpec {
  Format in;
  Format acc;
  int k = 16;  // chain length, a multiple of tile_block
  int exponent_floor = -133;
  int n = 8;   // columns of B and C: 8 (mma.m16n8k16) or 16 (wmma 16x16x16)
};

enum class TileMatrix : std::uint32_t { a = 0, b = 1, c = 2 };

namespace detail {

MPSIM_HD constexpr std::array<std::uint32_t, 4> tile_words(std::uint64_t tile, TileMatrix m, std::uint32_t position) {
  return philox4x32_10(
      {static_cast<std::uint32_t>(tile), static_cast<std::uint32_t>(tile >> 32), static_cast<std::uint32_t>(m), position},
      {static_cast<std::uint32_t>(tile_seed), static_cast<std::uint32_t>(tile_seed >> 32)});
}

MPSIM_HD constexpr int clamp_int(int x, int lo, int hi) { return x < lo ? lo : x > hi ? hi : x; }

// A value of format f with the given sign, unbiased exponent (clamped to the finite normal
// range; below it the pattern is subnormal) and random fraction bits.
MPSIM_HD constexpr std::uint32_t finite_with_exponent(const Format& f, bool sign, int exponent, std::uint32_t fraction) {
  const int top = f.exponent_field_max() - 1;
  return pack_fields(f, sign, exponent + f.bias, fraction, top);
}

// A special value of f chosen by `which` (0..7): +0, -0, +inf, -inf, the canonical quiet NaN,
// a quiet NaN with a random payload and sign, a signaling NaN, the largest finite value.
MPSIM_HD constexpr std::uint32_t special_value(const Format& f, std::uint32_t which, std::uint32_t r) {
  const auto sign = static_cast<std::uint32_t>(f.sign_mask());
  const auto inf = static_cast<std::uint32_t>(f.infinity_bits());
  const auto quiet = static_cast<std::uint32_t>(f.quiet_bit());
  const auto frac = static_cast<std::uint32_t>(f.fraction_mask());
  switch (which % 8) {
    case 0: return 0;
    case 1: return sign;
    case 2: return inf;
    case 3: return sign | inf;
    case 4: return inf | frac;                                        // 0x7FFF / 0x7FFFFFFF
    case 5: return ((r >> 31) ? sign : 0) | inf | quiet | (r & frac);  // quiet, any payload
    case 6: {
      const std::uint32_t payload = r & (quiet - 1);
      return ((r >> 31) ? sign : 0) | inf | (payload ? payload : 1);  // signaling
    }
    default: return static_cast<std::uint32_t>(f.max_finite_bits()) | ((r >> 31) ? sign : 0);
  }
}

// An input of a `random` tile: exponent in [-6, 6] (fp32 output) or [-5, 2] (fp16 output, so
// that sums of 16 products mostly stay finite).
MPSIM_HD constexpr std::uint32_t random_input(const TileSpec& s, const std::array<std::uint32_t, 4>& r) {
  const bool fp16_out = s.acc.exponent_bits == 5;
  const int e = fp16_out ? in_range(r[1], -5, 2) : in_range(r[1], -6, 6);
  return finite_with_exponent(s.in, r[0] >> 31, e, r[2]);
}

// An input whose product with its partner has exponent near `target` (clamped to what two
// inputs reach): A takes half of the target, B the other half, each moved by -2..+2 and clamped
// to the normal range; one time in four the exponent field is replaced by 0 (a subnormal).
MPSIM_HD constexpr std::uint32_t input_for_product(const TileSpec& s, const std::array<std::uint32_t, 4>& r,
                                                   TileMatrix m, int target) {
  const int emin = s.in.emin(), emax = s.in.emax();
  const int t = clamp_int(target, 2 * emin, 2 * emax);
  const int half = t >= 0 ? t / 2 : -((1 - t) / 2);  // floor(t / 2)
  const int e = clamp_int((m == TileMatrix::a ? half : t - half) + in_range(r[1], -2, 2), emin, emax);
  std::uint32_t bits = finite_with_exponent(s.in, r[0] >> 31, e, r[2]);
  if ((r[3] & 3) == 0) bits &= static_cast<std::uint32_t>(s.in.sign_mask() | s.in.fraction_mask());
  return bits;
}

// The target exponent of the products of index k: one draw per (tile, k), shared by every row
// of A and column of B, so that each product A[r][k] * B[k][n] lands near it.
MPSIM_HD constexpr int product_target(const TileSpec& s, TileKind kind, std::uint64_t tile, int k) {
  const auto r = tile_words(tile, TileMatrix::c, 0x10000u + static_cast<std::uint32_t>(k));
  if (kind == TileKind::near_floor) return s.exponent_floor + in_range(r[0], -24, 6);
  if (kind == TileKind::boundary) return s.exponent_floor - 25 + in_range(r[0], -5, 5);
  return s.acc.emax() + in_range(r[0], -3, 1);  // overflow
}

// The boundary product of a `boundary` tile at (row, col) of A or B (see the top of this file).
// Whether the output rounds to nearest is read from the accumulator (fp16: yes, fp32: no), as
// the sm90 presets have it.
MPSIM_HD constexpr std::uint32_t boundary_input(const TileSpec& s, std::uint64_t tile, TileMatrix m, int row, int col) {
  const bool nearest = s.acc.exponent_bits == 5;
  const int base = s.acc.emin() - s.acc.fraction_bits - (nearest ? 1 : 0);  // -25 or -149
  const int h = base >= 0 ? base / 2 : -((1 - base) / 2);                      // floor(base / 2)
  if (m == TileMatrix::a) {
    const bool sign = tile_words(tile, TileMatrix::a, 0x20000u + static_cast<std::uint32_t>(row))[0] >> 31;
    return finite_with_exponent(s.in, sign, base - h, 0);
  }
  // m * 2^h with m = 1, 3, 5, 7 (nearest) or 1, 2, 3, 4: m = 2^e * 1.f
  const int mult = nearest ? 2 * (col % 4) + 1 : col % 4 + 1;
  const int e = mult >= 4 ? 2 : mult >= 2 ? 1 : 0;
  const auto fraction = static_cast<std::uint32_t>((mult - (1 << e)) << (s.in.fraction_bits - e));
  return finite_with_exponent(s.in, false, h + e, fraction);
}

}  // namespace detail

// Element (row, col) of A (16 x K, row = 0..15, col = k) or B (K x N, row = k, col = 0..N-1).
MPSIM_HD constexpr std::uint32_t tile_input(const TileSpec& s, std::uint64_t tile, TileMatrix m, int row, int col) {
  using namespace detail;
  const TileKind kind = tile_kind(tile);
  const int k = m == TileMatrix::a ? col : row;
  const auto position = static_cast<std::uint32_t>(m == TileMatrix::a ? row * s.k + col : row * s.n + col);
  const auto r = tile_words(tile, m, position);
  const auto mask = static_cast<std::uint32_t>(s.in.storage_mask());
  switch (kind) {
    case TileKind::random: return random_input(s, r);
    case TileKind::cancelling: {
      if (k % 2 == 0) return random_input(s, r);
      if (m == TileMatrix::b) return random_input(s, tile_words(tile, m, position - s.n));  // B[k-1][col]
      const std::uint32_t partner = random_input(s, tile_words(tile, m, position - 1));
      const int nudge = in_range(r[3], -1, 1);
      return (static_cast<std::uint32_t>(partner ^ s.in.sign_mask()) + static_cast<std::uint32_t>(nudge)) & mask;
    }
    case TileKind::spread:
      return pack_fields(s.in, r[0] >> 31, in_range(r[1], 0, s.in.exponent_field_max() - 1), r[2],
                         s.in.exponent_field_max() - 1);
    case TileKind::near_floor:
    case TileKind::overflow: return input_for_product(s, r, m, product_target(s, kind, tile, k));
    case TileKind::specials:
      if ((r[3] & 7) == 0) return special_value(s.in, r[3] >> 3, r[2]);
      return random_input(s, r);
    case TileKind::zeros:
      if ((r[3] & 3) != 0) return (r[0] >> 31) ? static_cast<std::uint32_t>(s.in.sign_mask()) : 0;
      return random_input(s, r);
    case TileKind::boundary:
      if (k % tile_block == 0) return boundary_input(s, tile, m, row, col);
      if ((r[3] & 4) == 0) return (r[0] >> 31) ? static_cast<std::uint32_t>(s.in.sign_mask()) : 0;
      if (product_target(s, kind, tile, k) < 2 * s.in.emin()) {
        // Below what normal inputs reach (fp16): subnormals with fractions 1..7, products
        // 2^-48 .. 49 * 2^-48 for fp16, around the fp16 output's unit 2^-46.
        return pack_fields(s.in, r[0] >> 31, 0, 1 + r[2] % 7, 0);
      }
      return input_for_product(s, r, m, product_target(s, kind, tile, k));
    case TileKind::uniform_bits: break;
  }
  return r[0] & mask;
}

// The initial accumulator C[row][col] (format s.acc).
MPSIM_HD constexpr std::uint32_t tile_accumulator(const TileSpec& s, std::uint64_t tile, int row, int col) {
  using namespace detail;
  const TileKind kind = tile_kind(tile);
  const auto r = tile_words(tile, TileMatrix::c, static_cast<std::uint32_t>(row * s.n + col));
  const Format& f = s.acc;
  const int top = f.exponent_field_max() - 1;
  const bool sign = r[0] >> 31;
  switch (kind) {
    case TileKind::random: return finite_with_exponent(f, sign, in_range(r[1], -6, 6), r[2]);
    case TileKind::cancelling: return finite_with_exponent(f, sign, in_range(r[1], -20, 0), r[2]);
    case TileKind::spread: {
      // Anywhere in the products' exponent range (clamped to the accumulator's finite range).
      const int lo = 2 * s.in.emin() - 4, hi = 2 * s.in.emax() + 2;
      return finite_with_exponent(f, sign, in_range(r[1], lo, hi), r[2]);
    }
    case TileKind::near_floor:
      if ((r[3] & 3) != 0) return sign ? static_cast<std::uint32_t>(f.sign_mask()) : 0;
      return pack_fields(f, sign, 0, r[2], top);  // subnormal (or zero)
    case TileKind::boundary: return sign ? static_cast<std::uint32_t>(f.sign_mask()) : 0;
    case TileKind::overflow: return finite_with_exponent(f, sign, f.emax() - in_range(r[1], 0, 2), r[2]);
    case TileKind::specials:
      if ((r[3] & 3) == 0) return special_value(f, r[3] >> 2, r[2]);
      return finite_with_exponent(f, sign, in_range(r[1], -6, 6), r[2]);
    case TileKind::zeros:
      if ((r[3] & 3) != 0) return sign ? static_cast<std::uint32_t>(f.sign_mask()) : 0;
      return finite_with_exponent(f, sign, in_range(r[1], -6, 6), r[2]);
    case TileKind::uniform_bits: break;
  }
  return r[0] & static_cast<std::uint32_t>(f.storage_mask());
}

}  // namespace mpsim::cuda
