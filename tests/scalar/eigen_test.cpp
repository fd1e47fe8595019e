// SPDX-License-Identifier: MIT
// Float<F> as an Eigen scalar: NumTraits limits, small fixed-size products whose evaluation
// order we can state, and an LU solve.
#include <catch2/catch.hpp>

#include <Eigen/Dense>
#include <bit>
#include <cstdint>
#include <limits>

#include "mpsim/scalar/eigen.hpp"

using namespace mpsim;

namespace {

half_t h(std::uint64_t bits) { return half_t::from_bits(bits); }

}  // namespace

TEST_CASE("NumTraits of half_t give binary16's epsilon, limits and digits", "[scalar][eigen][fp16]") {
  using N = Eigen::NumTraits<half_t>;
  CHECK(N::epsilon().bits() == 0x1400);    // 2^-10
  CHECK(N::highest().bits() == 0x7BFF);    // 65504
  CHECK(N::lowest().bits() == 0xFBFF);     // -65504
  CHECK(N::infinity().bits() == 0x7C00);   // +inf
  CHECK(N::quiet_NaN().bits() == 0x7FFF);  // NVIDIA's canonical NaN
  CHECK(N::digits() == 11);
  CHECK(N::digits10() == 3);
  CHECK(N::max_digits10() == 5);
  CHECK(N::min_exponent() == -14);
  CHECK(N::max_exponent() == 15);
  CHECK(static_cast<double>(N::epsilon()) == 0x1p-10);
  CHECK(static_cast<double>(N::highest()) == 65504.0);
}

TEST_CASE("NumTraits of float32_t agree with std::numeric_limits<float>", "[scalar][eigen][fp32]") {
  using N = Eigen::NumTraits<float32_t>;
  using L = std::numeric_limits<float>;
  CHECK(std::bit_cast<std::uint32_t>(static_cast<float>(N::epsilon())) == std::bit_cast<std::uint32_t>(L::epsilon()));
  CHECK(static_cast<double>(N::highest()) == L::max());
  CHECK(static_cast<double>(N::lowest()) == L::lowest());
  CHECK(static_cast<double>(N::infinity()) == L::infinity());
  CHECK(std::isnan(static_cast<double>(N::quiet_NaN())));
  CHECK(N::digits() == L::digits);
  CHECK(N::digits10() == L::digits10);
  CHECK(N::max_digits10() == L::max_digits10);
}

TEST_CASE("NumTraits of bfloat16_t and e4m3_t", "[scalar][eigen][bf16][e4m3]") {
  CHECK(Eigen::NumTraits<bfloat16_t>::epsilon().bits() == 0x3C00);  // 2^-7
  CHECK(Eigen::NumTraits<bfloat16_t>::highest().bits() == 0x7F7F);  // 3.39e38
  CHECK(Eigen::NumTraits<bfloat16_t>::digits() == 8);
  CHECK(Eigen::NumTraits<e4m3_t>::epsilon().bits() == 0x20);   // 2^-3
  CHECK(Eigen::NumTraits<e4m3_t>::highest().bits() == 0x7E);   // 448
  CHECK(Eigen::NumTraits<e4m3_t>::lowest().bits() == 0xFE);    // -448
  CHECK(Eigen::NumTraits<e4m3_t>::infinity().bits() == 0x7E);  // no inf: the largest finite value
  CHECK(Eigen::NumTraits<e4m3_t>::quiet_NaN().bits() == 0x7F);
}

TEST_CASE("a 2x2 half_t matrix-vector product is a*x0 + b*x1 in Float arithmetic", "[scalar][eigen][fp16]") {
  Context ctx;
  ScopedContext use(ctx);
  Eigen::Matrix<half_t, 2, 2> a;
  a << h(0x3C00), h(0x3555),   // 1, 0.33325
       h(0x4248), h(0xB800);   // 3.1406, -0.5
  Eigen::Matrix<half_t, 2, 1> x(h(0x3E00), h(0x4900));  // 1.5, 10
  const Eigen::Matrix<half_t, 2, 1> y = a * x;
  for (int i = 0; i < 2; ++i) CHECK(y(i).bits() == (a(i, 0) * x(0) + a(i, 1) * x(1)).bits());
}

// Eigen 3.4 evaluates a small fixed-size product coefficient by coefficient as a redux of the
// products (ProductEvaluators.h). With our NumTraits (ReadCost 1, AddCost = MulCost = 20) a
// length-3 redux costs 3 * 22 + 2 * 20 = 106 <= EIGEN_UNROLLING_LIMIT (110) and is unrolled by
// halving (Redux.h, redux_novec_unroller): p0 + (p1 + p2). Length 4 costs 148: a plain loop,
// ((p0 + p1) + p2) + p3.
TEST_CASE("a 3x3 half_t matrix-vector product sums its products as p0 + (p1 + p2)", "[scalar][eigen][fp16]") {
  Context ctx;
  ScopedContext use(ctx);
  const half_t one = h(0x3C00), quarter_ulp = h(0x1000);  // 1 and 2^-11, half an ulp of 1
  Eigen::Matrix<half_t, 3, 3> a = Eigen::Matrix<half_t, 3, 3>::Constant(one);
  const Eigen::Matrix<half_t, 3, 1> x(one, quarter_ulp, quarter_ulp);
  const Eigen::Matrix<half_t, 3, 1> y = a * x;
  // (1 + 2^-11) + 2^-11 = 1 (two ties to even), while 1 + (2^-11 + 2^-11) = 1 + 2^-10.
  CHECK(((one + quarter_ulp) + quarter_ulp).bits() == 0x3C00);
  for (int i = 0; i < 3; ++i) CHECK(y(i).bits() == 0x3C01);
  // Every coefficient of a general 3x3 product follows the same order.
  Eigen::Matrix<half_t, 3, 3> b;
  a << h(0x3C00), h(0x3555), h(0x1000),  //
       h(0xC248), h(0x3800), h(0x5140),  //
       h(0x0401), h(0xBBFF), h(0x2E66);
  b << h(0x3E00), h(0x4900), h(0x8C00),  //
       h(0x3C01), h(0xB555), h(0x3FFF),  //
       h(0x1400), h(0x4000), h(0x7000);
  const Eigen::Matrix<half_t, 3, 3> c = a * b;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      const half_t want = a(i, 0) * b(0, j) + (a(i, 1) * b(1, j) + a(i, 2) * b(2, j));
      CHECK(c(i, j).bits() == want.bits());
    }
}

TEST_CASE("a 4x4 half_t matrix-vector product sums its products left to right", "[scalar][eigen][fp16]") {
  Context ctx;
  ScopedContext use(ctx);
  const half_t one = h(0x3C00), quarter_ulp = h(0x1000);  // 1 and 2^-11
  const Eigen::Matrix<half_t, 4, 4> a = Eigen::Matrix<half_t, 4, 4>::Constant(one);
  const Eigen::Matrix<half_t, 4, 1> x(one, quarter_ulp, quarter_ulp, quarter_ulp);
  const Eigen::Matrix<half_t, 4, 1> y = a * x;
  // ((1 + 2^-11) + 2^-11) + 2^-11 = 1, while halving would give 1 + 2^-10 and right to left 1 + 2^-9.
  for (int i = 0; i < 4; ++i) CHECK(y(i).bits() == 0x3C00);
}

TEST_CASE("PartialPivLU solves a half_t system exactly when every step is exact", "[scalar][eigen][fp16]") {
  Context ctx;
  ScopedContext use(ctx);
  // Pivoting swaps rows 0 and 1; the multipliers 1/2 and 1/4 and all updates are exact.
  Eigen::Matrix<half_t, 3, 3> a;
  a << half_t(1), half_t(4), half_t(0),  //
       half_t(2), half_t(0), half_t(0),  //
       half_t(0), half_t(1), half_t(8);
  const Eigen::Matrix<half_t, 3, 1> b(half_t(9), half_t(2), half_t(26));  // a * (1, 2, 3)
  const Eigen::PartialPivLU<Eigen::Matrix<half_t, 3, 3>> lu(a);
  const Eigen::Matrix<half_t, 3, 1> x = lu.solve(b);
  CHECK(x(0).bits() == 0x3C00);  // 1
  CHECK(x(1).bits() == 0x4000);  // 2
  CHECK(x(2).bits() == 0x4200);  // 3
  CHECK(ctx.flags == 0);  // nothing was rounded
}

TEST_CASE("PartialPivLU solves a well-conditioned half_t system to a few ulps", "[scalar][eigen][fp16]") {
  Context ctx;
  ScopedContext use(ctx);
  Eigen::Matrix<half_t, 3, 3> a;
  a << half_t(4.0), half_t(1.0), half_t(2.0),  //
       half_t(1.0), half_t(5.0), half_t(1.0),  //
       half_t(2.0), half_t(1.0), half_t(6.0);
  const double want[3] = {1.0, -2.0, 0.5};
  const Eigen::Matrix<half_t, 3, 1> b(half_t(3.0), half_t(-8.5), half_t(3.0));  // a * want, exact
  const Eigen::Matrix<half_t, 3, 1> x = a.partialPivLu().solve(b);
  for (int i = 0; i < 3; ++i) CHECK(static_cast<double>(x(i)) == Approx(want[i]).margin(8 * 0x1p-10));
  CHECK((ctx.flags & flag::inexact) != 0);  // this one did round
}
