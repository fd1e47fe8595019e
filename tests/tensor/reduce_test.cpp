// SPDX-License-Identifier: MIT
// Sums under accumulation models: sum, row_sums and column_sums equal dot() with ones,
// element by element, for fast and generic models and several thread counts.
#include <catch2/catch.hpp>

#include <bit>
#include <random>
#include <vector>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/ops/convert.hpp"
#include "mpsim/tensor/dot.hpp"
#include "mpsim/tensor/reduce.hpp"

namespace mpsim {
namespace {

std::uint64_t bits_of(const Format& f, float x) {
  return f == binary32 ? std::bit_cast<std::uint32_t>(x) : from_float(f, x).bits;
}
float float_of(const Format& f, std::uint64_t b) {
  return f == binary32 ? std::bit_cast<float>(static_cast<std::uint32_t>(b)) : to_float(f, b);
}

// dot(model, in, x, ones, init) written out.
Result dot_with_ones(const AccumulationModel& m, const Format& in, const std::vector<float>& x, float init) {
  std::vector<std::uint64_t> a(x.size()), ones(x.size(), bits_of(in, 1.0f));
  for (std::size_t i = 0; i < x.size(); ++i) a[i] = bits_of(in, x[i]);
  return dot(m, in, a, ones, bits_of(*m.accumulator, init));
}

std::vector<float> values(const Format& f, std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 100.0f);
  std::vector<float> x(n);
  for (float& v : x) v = to_float(f, from_float(f, normal(rng)).bits);
  return x;
}

}  // namespace

TEST_CASE("sum equals dot with ones for every preset", "[tensor][reduce]") {
  for (const std::string& name : accumulation_preset_names()) {
    const AccumulationModel m = accumulation_preset(name);
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{100}, std::size_t{1000}}) {
      const std::vector<float> x = values(binary16, n, n + 1);
      MatmulOutcome o;
      const float got = sum(m, binary16, x, -0.0f, &o);
      const Result want = dot_with_ones(m, binary16, x, -0.0f);
      INFO(name << " n " << n);
      CHECK(std::bit_cast<std::uint32_t>(got) == std::bit_cast<std::uint32_t>(float_of(*m.accumulator, want.bits)));
      CHECK(o.counts.operations == 1);
      CHECK(o.flags == want.flags);
    }
  }
}

TEST_CASE("sum of negative zeros from -0 stays -0 under fp32-sequential", "[tensor][reduce]") {
  const std::vector<float> x(5, -0.0f);
  CHECK(std::bit_cast<std::uint32_t>(sum(accumulation_preset("fp32-sequential"), binary16, x, -0.0f)) == 0x80000000u);
}

TEST_CASE("row_sums and column_sums equal dot with ones per row and column", "[tensor][reduce]") {
  const int rows = 23, cols = 41, lda = 45;
  std::vector<float> a(static_cast<std::size_t>(rows) * lda, 0.0f);
  const std::vector<float> v = values(bfloat16, a.size(), 3);
  for (int i = 0; i < rows; ++i) {
    for (int j = 0; j < cols; ++j) a[i * lda + j] = v[i * lda + j];
  }
  for (const char* name : {"fp32-sequential", "sm90", "kahan"}) {
    const AccumulationModel m = accumulation_preset(name);
    for (int threads : {1, 3}) {
      std::vector<float> rs(rows, 0.0f), cs(cols, 0.0f);
      row_sums(m, bfloat16, rows, cols, a.data(), lda, rs.data(), {.threads = threads});
      column_sums(m, bfloat16, rows, cols, a.data(), lda, cs.data(), {.threads = threads});
      for (int i = 0; i < rows; ++i) {
        const std::vector<float> row(a.begin() + i * lda, a.begin() + i * lda + cols);
        CHECK(std::bit_cast<std::uint32_t>(rs[i]) ==
              std::bit_cast<std::uint32_t>(float_of(*m.accumulator, dot_with_ones(m, bfloat16, row, 0.0f).bits)));
      }
      for (int j = 0; j < cols; ++j) {
        std::vector<float> col(rows);
        for (int i = 0; i < rows; ++i) col[i] = a[i * lda + j];
        CHECK(std::bit_cast<std::uint32_t>(cs[j]) ==
              std::bit_cast<std::uint32_t>(float_of(*m.accumulator, dot_with_ones(m, bfloat16, col, 0.0f).bits)));
      }
    }
  }
}

}  // namespace mpsim
