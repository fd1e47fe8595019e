// SPDX-License-Identifier: MIT
// Element-wise tensor operations and casts give, element by element, the scalar core's bits,
// raise the OR of its flags, count exactly its events, and draw stochastic-rounding words in
// flat order from the context's stream.
#include <catch2/catch.hpp>

#include <random>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/ops/ops.hpp"
#include "mpsim/round/stochastic.hpp"
#include "mpsim/tensor/elementwise.hpp"

using namespace mpsim;

namespace {

// Values spread over fp16's and bf16's ranges: zeros, subnormals, overflow, a NaN, an inf.
std::vector<float> spread_values(std::size_t n, std::uint32_t seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> log2mag(-30.0f, 20.0f);
  std::vector<float> v(n);
  for (float& x : v) x = std::ldexp(1.0f + (gen() % 1024) / 1024.0f, static_cast<int>(log2mag(gen))) * ((gen() & 1) ? -1.0f : 1.0f);
  v[0] = 0.0f, v[1] = -0.0f, v[2] = std::numeric_limits<float>::infinity(), v[3] = std::numeric_limits<float>::quiet_NaN();
  return v;
}

struct Expected {
  std::vector<std::uint64_t> bits;
  EventCounts counts;
  std::uint8_t flags = 0;
};

}  // namespace

TEST_CASE("element-wise add, sub, mul, div, fma equal the scalar core element by element", "[tensor]") {
  const Format& f = GENERATE(binary16, bfloat16, fp8_e4m3, fp8_e5m2);
  const Rounding mode = GENERATE(Rounding::nearest_even, Rounding::toward_zero, Rounding::stochastic);
  CAPTURE(f.name, static_cast<int>(mode));
  const std::size_t n = 999;
  Context setup;
  const Tensor a = tensor_from_floats(f, {27, 37}, spread_values(n, 1), setup);
  const Tensor b = tensor_from_floats(f, {27, 37}, spread_values(n, 2), setup);
  const Tensor c = tensor_from_floats(f, {27, 37}, spread_values(n, 3), setup);

  auto check = [&](const char* name, auto tensor_op, auto scalar_op) {
    CAPTURE(name);
    EventCounts counts;
    Context ctx{.env = {.rounding = mode}, .counters = &counts, .stochastic = {.seed = 7, .stream = 3, .next_index = 100}};
    const Tensor r = tensor_op(ctx);
    Expected e;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t random = mode == Rounding::stochastic ? stochastic_bits_for(7, 3, 100 + i) : 0;
      const Result s = scalar_op(i, Env{.rounding = mode}, random);
      e.bits.push_back(s.bits);
      e.counts.record(s);
      e.flags |= s.flags;
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (r.bits(i) != e.bits[i]) FAIL_CHECK("element " << i << ": got " << r.bits(i) << ", expected " << e.bits[i]);
    }
    CHECK(counts == e.counts);
    CHECK(ctx.flags == e.flags);
    CHECK(ctx.stochastic.next_index == (mode == Rounding::stochastic ? 100 + n : 100));
  };
  check("add", [&](Context& x) { return add(a, b, x); }, [&](std::size_t i, Env env, std::uint32_t r) { return mpsim::add(f, a.bits(i), b.bits(i), env, r); });
  check("sub", [&](Context& x) { return sub(a, b, x); }, [&](std::size_t i, Env env, std::uint32_t r) { return mpsim::sub(f, a.bits(i), b.bits(i), env, r); });
  check("mul", [&](Context& x) { return mul(a, b, x); }, [&](std::size_t i, Env env, std::uint32_t r) { return mpsim::mul(f, a.bits(i), b.bits(i), env, r); });
  check("div", [&](Context& x) { return div(a, b, x); }, [&](std::size_t i, Env env, std::uint32_t r) { return mpsim::div(f, a.bits(i), b.bits(i), env, r); });
  check("fma", [&](Context& x) { return fma(a, b, c, x); },
        [&](std::size_t i, Env env, std::uint32_t r) { return mpsim::fma(f, a.bits(i), b.bits(i), c.bits(i), env, r); });
}

TEST_CASE("casts count their underflows and overflows like any rounding", "[tensor]") {
  const Format& to = GENERATE(binary16, bfloat16, fp8_e4m3, fp8_e5m2);
  const Rounding mode = GENERATE(Rounding::nearest_even, Rounding::upward, Rounding::stochastic);
  const bool daz = GENERATE(false, true);
  CAPTURE(to.name, static_cast<int>(mode), daz);
  const std::size_t n = 4096;
  Context setup;
  // Two sources: binary32 values, and binary16 values (whose subnormals DAZ must flush).
  for (const Format* from : {&binary32, &binary16}) {
    CAPTURE(from->name);
    const Tensor x = tensor_from_floats(*from, {static_cast<std::int64_t>(n)}, spread_values(n, 9), setup);
    EventCounts counts;
    const Env env{.rounding = mode, .denormals_are_zero = daz};
    Context ctx{.env = env, .counters = &counts, .stochastic = {.seed = 11, .stream = 5, .next_index = 0}};
    const Tensor y = cast(x, to, ctx);
    REQUIRE(y.format() == to);
    EventCounts expected;
    std::uint8_t flags = 0;
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t random = mode == Rounding::stochastic ? stochastic_bits_for(11, 5, i) : 0;
      const Result r = convert(to, *from, x.bits(i), env, random);
      expected.record(r);
      flags |= r.flags;
      mismatches += y.bits(i) != r.bits;
    }
    CHECK(mismatches == 0);
    CHECK(counts == expected);
    CHECK(ctx.flags == flags);
    CHECK(ctx.stochastic.next_index == (mode == Rounding::stochastic ? n : 0));
    if (*from == binary32 && to == binary16 && mode == Rounding::nearest_even) CHECK(counts.underflow_to_zero > 0);
  }
}

TEST_CASE("neg and abs flip and clear the sign bit only", "[tensor]") {
  Context ctx;
  const std::vector<float> v{1.5f, -0.0f, std::numeric_limits<float>::quiet_NaN(), -std::numeric_limits<float>::infinity()};
  const Tensor a = tensor_from_floats(binary16, {4}, v, ctx);
  const Tensor n = neg(a), m = abs(a);
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(n.bits(i) == (a.bits(i) ^ 0x8000));
    CHECK(m.bits(i) == (a.bits(i) & 0x7FFF));
  }
}

TEST_CASE("scale rounds the scalar into the tensor's format first, counted", "[tensor]") {
  EventCounts counts;
  Context ctx{.counters = &counts};
  const std::vector<float> v{1.0f, 2.0f};
  const Tensor a = tensor_from_floats(binary16, {2}, v, ctx);
  counts = {};
  const Tensor s = scale(a, 1e-8f, ctx);  // 1e-8 underflows to 0 in fp16 before the multiply
  CHECK(s.bits(0) == 0);
  CHECK(counts.underflow_to_zero == 1);
  CHECK(counts.operations == 3);
}
