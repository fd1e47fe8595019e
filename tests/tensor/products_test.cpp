// SPDX-License-Identifier: MIT
// Tensor matmul, batched matmul and sums: each element equals dot() of its row and column
// under the model, counts reach the context, and operands that do not fit are refused.
#include <catch2/catch.hpp>

#include <random>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/tensor/dot.hpp"
#include "mpsim/tensor/elementwise.hpp"
#include "mpsim/tensor/products.hpp"

using namespace mpsim;

namespace {

Tensor random_tensor(const Format& f, Shape shape, std::uint32_t seed) {
  std::mt19937 gen(seed);
  std::vector<float> v(element_count(shape));
  for (float& x : v) x = std::ldexp(static_cast<float>(static_cast<int>(gen() % 2001) - 1000), -static_cast<int>(gen() % 24));
  Context ctx;
  return tensor_from_floats(f, std::move(shape), v, ctx);
}

// dot() of row i of a and column j of b (flat offsets given), started from c_bits.
std::uint64_t dot_of(const AccumulationModel& model, const Tensor& a, std::size_t a0, const Tensor& b, std::size_t b0,
                     std::size_t k, std::size_t n, std::uint64_t c_bits) {
  std::vector<std::uint64_t> row, col;
  for (std::size_t t = 0; t < k; ++t) {
    row.push_back(a.bits(a0 + t));
    col.push_back(b.bits(b0 + t * n));
  }
  return dot(model, a.format(), row, col, c_bits).bits;
}

}  // namespace

TEST_CASE("tensor matmul equals dot() of every row and column under each preset", "[tensor]") {
  const std::string preset = GENERATE(as<std::string>{}, "fp32-sequential", "fp16-accumulate", "sm90", "kahan");
  const Format& in = GENERATE(binary16, bfloat16);
  CAPTURE(preset, in.name);
  const AccumulationModel model = accumulation_preset(preset);
  const Tensor a = random_tensor(in, {5, 37}, 1), b = random_tensor(in, {37, 3}, 2);
  EventCounts counts;
  Context ctx{.counters = &counts};
  const Tensor c = matmul(a, b, model, ctx, {.threads = 2});
  REQUIRE(c.shape() == Shape{5, 3});
  REQUIRE(c.format() == *model.accumulator);
  for (std::size_t i = 0; i < 5; ++i)
    for (std::size_t j = 0; j < 3; ++j) CHECK(c.bits(i * 3 + j) == dot_of(model, a, i * 37, b, j, 37, 3, 0));
  CHECK(counts.operations == 15);
}

TEST_CASE("matmul with an accumulator tensor starts every element from it", "[tensor]") {
  const AccumulationModel model = accumulation_preset("fp32-sequential");
  const Tensor a = random_tensor(binary16, {2, 4}, 3), b = random_tensor(binary16, {4, 2}, 4);
  const Tensor c0 = random_tensor(binary32, {2, 2}, 5);
  Context ctx;
  const Tensor c = matmul(a, b, c0, model, ctx);
  for (std::size_t i = 0; i < 2; ++i)
    for (std::size_t j = 0; j < 2; ++j) CHECK(c.bits(i * 2 + j) == dot_of(model, a, i * 4, b, j, 4, 2, c0.bits(i * 2 + j)));
}

TEST_CASE("batched matmul multiplies each pair of matrices independently", "[tensor]") {
  const AccumulationModel model = accumulation_preset("sm90");
  const Tensor a = random_tensor(bfloat16, {3, 2, 20}, 6), b = random_tensor(bfloat16, {3, 20, 4}, 7);
  Context ctx;
  const Tensor c = batched_matmul(a, b, model, ctx);
  REQUIRE(c.shape() == Shape{3, 2, 4});
  for (std::size_t t = 0; t < 3; ++t)
    for (std::size_t i = 0; i < 2; ++i)
      for (std::size_t j = 0; j < 4; ++j)
        CHECK(c.bits(t * 8 + i * 4 + j) == dot_of(model, a, t * 40 + i * 20, b, t * 80 + j, 20, 4, 0));
}

TEST_CASE("sums name their model: whole tensor, columns and rows", "[tensor]") {
  const AccumulationModel model = accumulation_preset("fp16-accumulate");
  const Tensor x = random_tensor(binary16, {6, 7}, 8);
  Context ctx;
  const Tensor ones = tensor_from_floats(binary16, {7}, std::vector<float>(7, 1.0f), ctx);
  const Tensor rows = sum(x, 1, model, ctx), cols = sum(x, 0, model, ctx), all = sum(x, model, ctx);
  REQUIRE(rows.shape() == Shape{6, 1});
  REQUIRE(cols.shape() == Shape{1, 7});
  for (std::size_t i = 0; i < 6; ++i) CHECK(rows.bits(i) == dot_of(model, x, i * 7, ones, 0, 7, 1, 0));
  for (std::size_t j = 0; j < 7; ++j) {
    std::vector<std::uint64_t> col, one;
    for (std::size_t i = 0; i < 6; ++i) col.push_back(x.bits(i * 7 + j)), one.push_back(0x3C00);
    CHECK(cols.bits(j) == dot(model, binary16, col, one, 0).bits);
  }
  std::vector<std::uint64_t> flat, one;
  for (std::size_t i = 0; i < x.size(); ++i) flat.push_back(x.bits(i)), one.push_back(0x3C00);
  CHECK(all.bits(0) == dot(model, binary16, flat, one, 0).bits);
}

TEST_CASE("products refuse operands that do not fit, naming the shapes", "[tensor]") {
  const AccumulationModel model = accumulation_preset("fp32-sequential");
  Context ctx;
  const Tensor a(binary16, {2, 3}), b(binary16, {4, 2}), bf(bfloat16, {3, 2});
  CHECK_THROWS_WITH(matmul(a, b, model, ctx), Catch::Contains("[2, 3]") && Catch::Contains("[4, 2]"));
  CHECK_THROWS_WITH(matmul(a, bf, model, ctx), Catch::Contains("bfloat16"));
  CHECK_THROWS_WITH(matmul(a, Tensor(binary16, {3, 2}), Tensor(binary16, {2, 2}), model, ctx), Catch::Contains("binary32"));
  CHECK_THROWS_WITH(matmul(a, Tensor(binary16, {3, 2}), Tensor(binary32, {2, 3}), model, ctx), Catch::Contains("[2, 2]"));
  CHECK_THROWS_WITH(batched_matmul(Tensor(binary16, {2, 2, 3}), Tensor(binary16, {3, 3, 2}), model, ctx),
                    Catch::Contains("cannot multiply"));
  CHECK_THROWS_WITH(sum(a, 2, model, ctx), Catch::Contains("axis 2"));
}
