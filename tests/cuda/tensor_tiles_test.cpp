// SPDX-License-Identifier: MIT
// The tensor-core tile generator: deterministic, inside the formats, and each kind produces
// what tensor_tiles.hpp promises, checked on the host with values decoded by to_double and with
// the sm90 model's own block step (one step of 16 products per output element).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

#include "mpsim/cuda/tensor_tiles.hpp"
#include "mpsim/format/named_formats.hpp"
#include "mpsim/ops/convert.hpp"
#include "mpsim/tensor/accumulation_model.hpp"
#include "mpsim/tensor/tensor_core_block.hpp"

using namespace mpsim;
using mpsim::cuda::tile_accumulator;
using mpsim::cuda::tile_input;
using mpsim::cuda::tile_kind;
using mpsim::cuda::TileKind;
using mpsim::cuda::TileMatrix;
using mpsim::cuda::TileSpec;

namespace {

// The suites' three input/accumulator pairs, each with its preset's floor, k = 16.
struct Combo {
  TileSpec spec;
  const char* preset;
};
std::vector<Combo> combos() {
  return {{{binary16, binary32, 16, -133}, "sm90"}, {{bfloat16, binary32, 16, -133}, "sm90"},
          {{binary16, binary16, 16, -21}, "sm90-fp16"}};
}

// What one 16x8 tile of one step gives under the model: each element's result, and the tile's
// products as doubles.
struct StepOutcome {
  std::vector<std::uint64_t> result, c;
  std::vector<double> largest_product;  // per element: max |A[r][k] * B[k][n]| over k
};

// `tc`: the preset's block, or a changed one.
StepOutcome run_step(const Combo& combo, std::uint64_t tile, const TensorCoreBlock* tc = nullptr) {
  const TileSpec& s = combo.spec;
  AccumulationModel m = accumulation_preset(combo.preset);
  if (tc) m.tensor_core = *tc;
  StepOutcome out;
  for (int row = 0; row < cuda::tile_m; ++row) {
    for (int col = 0; col < s.n; ++col) {
      std::uint64_t a[16], b[16];
      double largest = 0;
      for (int k = 0; k < 16; ++k) {
        a[k] = tile_input(s, tile, TileMatrix::a, row, k);
        b[k] = tile_input(s, tile, TileMatrix::b, k, col);
        largest = std::fmax(largest, std::fabs(to_double(s.in, a[k]) * to_double(s.in, b[k])));
      }
      const std::uint64_t c = tile_accumulator(s, tile, row, col);
      out.c.push_back(c);
      out.result.push_back(tensor_core_step(*m.tensor_core, s.in, s.acc, m.env, a, b, 16, c).bits);
      out.largest_product.push_back(largest);
    }
  }
  return out;
}

bool is_nan_bits(const Format& f, std::uint64_t bits) { return std::isnan(to_double(f, bits)); }

}  // namespace

TEST_CASE("tiles are a pure function of the tile index and stay within their formats", "[cuda][tensor]") {
  for (const Combo& combo : combos()) {
    const TileSpec& s = combo.spec;
    for (std::uint64_t tile = 0; tile < 64; ++tile) {
      for (int i = 0; i < 16; ++i) {
        const auto a = tile_input(s, tile, TileMatrix::a, i, (i * 7) % 16);
        CHECK(a == tile_input(s, tile, TileMatrix::a, i, (i * 7) % 16));
        CHECK(a <= s.in.storage_mask());
        CHECK(tile_input(s, tile, TileMatrix::b, i, i % 8) <= s.in.storage_mask());
        CHECK(tile_accumulator(s, tile, i, i % 8) <= s.acc.storage_mask());
      }
    }
    // Different tiles of one kind differ.
    CHECK(tile_input(s, 0, TileMatrix::a, 0, 0) != tile_input(s, cuda::tile_kinds, TileMatrix::a, 0, 0));
  }
}

TEST_CASE("the tile kind cycles with the tile index", "[cuda][tensor]") {
  CHECK(tile_kind(0) == TileKind::random);
  CHECK(tile_kind(1) == TileKind::cancelling);
  CHECK(tile_kind(4) == TileKind::overflow);
  CHECK(tile_kind(7) == TileKind::uniform_bits);
  CHECK(tile_kind(8) == TileKind::boundary);
  CHECK(tile_kind(9 * 1000 + 5) == TileKind::specials);
}

TEST_CASE("cancelling tiles pair their products with opposite signs", "[cuda][tensor]") {
  for (const Combo& combo : combos()) {
  for (const int n : {8, 16}) {  // mma.m16n8k16 and wmma 16x16x16 tiles
    const TileSpec s{combo.spec.in, combo.spec.acc, 64, combo.spec.exponent_floor, n};
    const std::uint64_t tile = 9 * 3 + 1;
    REQUIRE(tile_kind(tile) == TileKind::cancelling);
    for (int r = 0; r < 16; ++r) {
      for (int j = 0; j < 32; ++j) {
        const auto even = tile_input(s, tile, TileMatrix::a, r, 2 * j);
        const auto odd = tile_input(s, tile, TileMatrix::a, r, 2 * j + 1);
        const double x = to_double(s.in, even), y = to_double(s.in, odd);
        CHECK(x * y < 0);
        CHECK(std::fabs(x + y) <= std::ldexp(std::fabs(x), -s.in.fraction_bits + 1));
      }
    }
    for (int j = 0; j < 32; ++j) {
      for (int col = 0; col < n; ++col) {
        CHECK(tile_input(s, tile, TileMatrix::b, 2 * j, col) == tile_input(s, tile, TileMatrix::b, 2 * j + 1, col));
      }
    }
  }
  }
}

TEST_CASE("each tile kind produces the results it is meant to probe", "[cuda][tensor]") {
  for (const Combo& combo : combos()) {
    const TileSpec& s = combo.spec;
    int cancelled = 0, cancel_samples = 0, infinite = 0, nans = 0, plus_zero_from_minus_c = 0, near_floor = 0,
        floor_samples = 0, subnormal_inputs = 0, spread_wide = 0;
    for (std::uint64_t tile = 0; tile < cuda::tile_kinds * 16; ++tile) {
      const StepOutcome o = run_step(combo, tile);
      for (std::size_t e = 0; e < o.result.size(); ++e) {
        const double v = to_double(s.acc, o.result[e]);
        switch (tile_kind(tile)) {
          case TileKind::cancelling:
            ++cancel_samples;
            if (std::fabs(v) < std::ldexp(o.largest_product[e], -6)) ++cancelled;
            break;
          case TileKind::overflow: infinite += std::isinf(v); break;
          case TileKind::specials: nans += std::isnan(v); break;
          case TileKind::zeros:
            plus_zero_from_minus_c += o.c[e] == s.acc.sign_mask() && o.result[e] == 0;
            break;
          case TileKind::near_floor:
            ++floor_samples;
            // The largest product at most 2^12 above the floor (target <= floor + 6, each input moved by
            // up to 2, significand product < 4), or as low as the inputs reach.
            if (o.largest_product[e] == 0 ||
                std::ilogb(o.largest_product[e]) <= std::max(s.exponent_floor, 2 * s.in.emin()) + 12) {
              ++near_floor;
            }
            break;
          case TileKind::spread: spread_wide += std::isfinite(v); break;
          default: break;
        }
      }
      if (tile_kind(tile) == TileKind::near_floor) {
        for (int k = 0; k < 16; ++k) subnormal_inputs += (tile_input(s, tile, TileMatrix::a, 0, k) & s.in.exponent_mask()) == 0;
      }
    }
    INFO(s.in.name << " -> " << s.acc.name << ": cancelled " << cancelled << "/" << cancel_samples << ", inf "
                   << infinite << ", NaN " << nans << ", +0 from c = -0 " << plus_zero_from_minus_c << ", near floor "
                   << near_floor << "/" << floor_samples << ", subnormal inputs " << subnormal_inputs);
    CHECK(cancelled > cancel_samples / 2);
    CHECK(nans > 100);
    CHECK(plus_zero_from_minus_c > 50);
    CHECK(near_floor > floor_samples * 9 / 10);
    CHECK(subnormal_inputs > 20);
    CHECK(spread_wide > 0);
    // Sums overflow where the inputs reach the accumulator's range: fp16 or bf16 into fp16 / fp32.
    if (s.in.emax() * 2 >= s.acc.emax()) {
      CHECK(infinite > 100);
    }
    // NaN results are the canonical pattern of the accumulator under nvidia_env.
    const StepOutcome specials = run_step(combo, 5);
    for (const std::uint64_t r : specials.result) {
      if (is_nan_bits(s.acc, r)) CHECK(r == (s.acc.infinity_bits() | s.acc.fraction_mask()));
    }
  }
}

TEST_CASE("boundary tiles put every 16th product exactly on a rounding boundary of the smallest subnormals",
          "[cuda][tensor]") {
  const std::uint64_t tile = 9 * 5 + 8;
  REQUIRE(tile_kind(tile) == TileKind::boundary);
  // bf16 -> fp32 (toward zero): m * 2^-149, m = 1..4; fp16 -> fp16 (nearest): m * 2^-25, m = 1, 3, 5, 7.
  for (const Combo& combo : {combos()[1], combos()[2]}) {
    const TileSpec& s = combo.spec;
    const bool nearest = s.acc == binary16;
    for (int row = 0; row < 16; ++row) {
      for (int col = 0; col < 8; ++col) {
        const double p = to_double(s.in, tile_input(s, tile, TileMatrix::a, row, 16)) *
                         to_double(s.in, tile_input(s, tile, TileMatrix::b, 16, col));
        const double m = nearest ? 2 * (col % 4) + 1 : col % 4 + 1;
        CHECK(std::fabs(p) == std::ldexp(m, nearest ? -25 : -149));
      }
    }
  }
}

TEST_CASE("boundary tiles tell the floor and the alignment width apart", "[cuda][tensor]") {
  // The model with the floor 8 lower, or one alignment bit more or fewer, gives other bits for
  // some elements of these tiles (a single k = 16 step), so the GPU suites can see each parameter.
  for (const Combo& combo : {combos()[1], combos()[2]}) {
    const TensorCoreBlock preset = *accumulation_preset(combo.preset).tensor_core;
    TensorCoreBlock lower_floor = preset, more_bits = preset, fewer_bits = preset;
    lower_floor.exponent_floor -= 8;
    more_bits.fraction_bits = 26;
    fewer_bits.fraction_bits = 24;
    int floor_differs = 0, bits_differ = 0;
    for (std::uint64_t tile = 8; tile < 9 * 64; tile += 9) {
      const StepOutcome base = run_step(combo, tile);
      const StepOutcome f = run_step(combo, tile, &lower_floor);
      const StepOutcome m = run_step(combo, tile, &more_bits);
      const StepOutcome l = run_step(combo, tile, &fewer_bits);
      for (std::size_t e = 0; e < base.result.size(); ++e) {
        floor_differs += base.result[e] != f.result[e];
        bits_differ += base.result[e] != m.result[e] || base.result[e] != l.result[e];
      }
    }
    INFO(combo.spec.in.name << " -> " << combo.spec.acc.name << ": floor differs " << floor_differs
                            << ", bits differ " << bits_differ << " of " << 64 * 128);
    CHECK(floor_differs > 64 * 128 / 100);  // about 3% for fp16 -> fp16
    CHECK(bits_differ > 64 * 128 / 100);
  }
}
