// SPDX-License-Identifier: MIT
// Tensor: storage, shapes and the errors of operations on tensors that do not fit.
#include <catch2/catch.hpp>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/tensor/elementwise.hpp"
#include "mpsim/tensor/tensor.hpp"

using namespace mpsim;

TEST_CASE("a new tensor holds +0 in its format and knows its shape", "[tensor]") {
  const Tensor t(binary16, {2, 3});
  CHECK(t.rank() == 2);
  CHECK(t.size() == 6);
  CHECK(t.format() == binary16);
  for (std::size_t i = 0; i < t.size(); ++i) CHECK(t.bits(i) == 0);
  CHECK(t.matrix().rows() == 2);
  CHECK(t.matrix().cols() == 3);
}

TEST_CASE("formats whose values are not all floats are refused with a clear error", "[tensor]") {
  CHECK_THROWS_WITH(Tensor(binary64, {1}), Catch::Contains("binary64") && Catch::Contains("float32"));
  CHECK_THROWS_WITH(Tensor(*find_format("e8m24"), {1}), Catch::Contains("float32"));
  CHECK_NOTHROW(Tensor(tf32, {1}));
  CHECK_NOTHROW(Tensor(fp8_e4m3, {1}));
  CHECK_NOTHROW(Tensor(bfloat16, {1}));
}

TEST_CASE("bits() reads the element's bit pattern in the tensor's format", "[tensor]") {
  Context ctx;
  const std::vector<float> v{1.0f, -2.0f, 65504.0f, 0x1p-24f, -0.0f, 448.0f};
  const Tensor h = tensor_from_floats(binary16, {6}, v, ctx);
  CHECK(h.bits(0) == 0x3C00);
  CHECK(h.bits(1) == 0xC000);
  CHECK(h.bits(2) == 0x7BFF);
  CHECK(h.bits(3) == 0x0001);
  CHECK(h.bits(4) == 0x8000);
  const Tensor e = tensor_from_floats(fp8_e4m3, {6}, v, ctx);
  CHECK(e.bits(5) == 0x7E);  // 448 = 1.75 * 2^8: S.1111.110
}

TEST_CASE("shape mismatches name the operation and both shapes", "[tensor]") {
  Context ctx;
  const Tensor a(binary16, {2, 3}), b(binary16, {3, 2}), c(bfloat16, {2, 3});
  CHECK_THROWS_AS(add(a, b, ctx), ShapeError);
  CHECK_THROWS_WITH(add(a, b, ctx), Catch::Contains("add") && Catch::Contains("[2, 3]") && Catch::Contains("[3, 2]"));
  CHECK_THROWS_WITH(mul(a, c, ctx), Catch::Contains("binary16") && Catch::Contains("bfloat16") && Catch::Contains("cast"));
  CHECK_THROWS_WITH(Tensor(binary16, {3}).matrix(), Catch::Contains("rank-2"));
  CHECK_THROWS_WITH(a.reshaped({4, 2}), Catch::Contains("6 elements"));
  CHECK_THROWS_WITH(Tensor(binary16, {2, -1}), Catch::Contains("negative"));
  const std::vector<float> five(5, 1.0f);
  CHECK_THROWS_WITH(tensor_from_floats(binary16, {2, 3}, five, ctx), Catch::Contains("5 values"));
}

TEST_CASE("reshaping keeps the values in row-major order", "[tensor]") {
  Context ctx;
  const std::vector<float> v{1, 2, 3, 4, 5, 6};
  const Tensor a = tensor_from_floats(bfloat16, {2, 3}, v, ctx);
  const Tensor b = a.reshaped({3, 2});
  CHECK(b.matrix()(2, 1) == 6.0f);
  CHECK(b.matrix()(1, 0) == 3.0f);
  CHECK(a.matrix()(1, 0) == 4.0f);
}
