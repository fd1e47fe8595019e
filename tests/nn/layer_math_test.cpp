// SPDX-License-Identifier: MIT
// The shared layer arithmetic: round_into's same-format copy is bit-identical to cast() (values,
// flags, counts), the precision's Env is used, and operand formats combine as documented.
#include <catch2/catch.hpp>

#include <limits>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/nn/layer_math.hpp"
#include "mpsim/tensor/elementwise.hpp"

using namespace mpsim;
using namespace mpsim::nn;

TEST_CASE("nn: round_into equals cast() bit for bit, with the same counts", "[nn][layer_math]") {
  const Format& f = GENERATE(binary32, binary16);
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<std::vector<float>> cases{{1.5f, -0.0f, 0.0f, inf, -3.0f},           // the copy path
                                        {1.5f, 1e-40f, 2.0f},                      // a binary32 subnormal
                                        {1.0f, std::numeric_limits<float>::quiet_NaN()},
                                        {1.0f, 1e-6f}};                            // a binary16 subnormal
  for (const auto& values : cases) {
    Context c0;
    const Tensor x = tensor_from_floats(f, {static_cast<std::int64_t>(values.size())}, values, c0);
    LayerPrecision precision;
    EventCounts ours, theirs;
    Context ctx{.counters = &ours};
    Pass pass{precision, ctx};
    const Tensor a = round_into(x, f, pass);
    Context reference{.counters = &theirs};
    const Tensor b = cast(x, f, reference);
    for (std::size_t i = 0; i < a.size(); ++i) CHECK(a.bits(i) == b.bits(i));
    CHECK(ours == theirs);
    CHECK(ctx.flags == reference.flags);
  }
}

TEST_CASE("nn: round_into rounds under the precision's Env, not the context's", "[nn][layer_math]") {
  LayerPrecision precision;
  precision.env.rounding = Rounding::toward_zero;
  Context ctx;  // nearest even
  Pass pass{precision, ctx};
  Context c0;
  const std::vector<float> v{1.0f + 0x1.8p-11f};  // 1 + 0.75 ulp of binary16: up to nearest, down toward zero
  const Tensor x = tensor_from_floats(binary32, {1}, v, c0);
  CHECK(round_into(x, binary16, pass).value(0) == 1.0f);
  CHECK(ctx.env.rounding == Rounding::nearest_even);  // restored
  CHECK(pass.operand("k", x, binary16).values.value(0) == 1.0f);
}

TEST_CASE("nn: common operand format holds both operands exactly", "[nn][layer_math]") {
  CHECK(common_operand_format(fp8_e4m3, fp8_e5m2) == binary16);
  CHECK(common_operand_format(binary16, binary16) == binary16);
  CHECK(common_operand_format(binary16, bfloat16) == binary32);
  CHECK(common_operand_format(fp8_e4m3, bfloat16) == bfloat16);
  CHECK(holds_every_value(binary16, fp8_e5m2));
  CHECK_FALSE(holds_every_value(bfloat16, binary16));
  CHECK_FALSE(holds_every_value(binary16, bfloat16));
}

TEST_CASE("nn: products skip counting only where nothing but inexact can happen", "[nn][layer_math]") {
  using namespace mpsim;
  const AccumulationModel fp32 = accumulation_preset("fp32-sequential");
  // Adversarial fp16 operands: subnormals, the largest finite, cancelling pairs.
  const int m = 5, n = 6, k = 40;
  std::vector<float> a(m * k), b(k * n), c(m * n, 0.0f);
  for (int i = 0; i < m * k; ++i) {
    const float v[] = {0x1p-24f, -0x1p-24f, 65504.0f, -65504.0f, 0x1.ff8p-15f, 1.0f, -0x1p-14f, 3.0f};
    a[i] = v[(i * 7) % 8];
  }
  for (int i = 0; i < k * n; ++i) {
    const float v[] = {0x1p-24f, 65504.0f, -0x1p-24f, 0x1p-20f, -1.0f, 0x1p-15f};
    b[i] = v[(i * 5) % 6];
  }
  c[3] = 0x1p-100f;
  c[7] = -0x1p124f;
  REQUIRE(nn::only_inexact_possible(fp32, binary16, m, n, k, a.data(), k, b.data(), n, c.data(), n));
  // The counted product's own events agree: no flag but inexact, one record per element.
  std::vector<float> counted = c;
  const MatmulOutcome o = matmul(fp32, binary16, m, n, k, a.data(), k, b.data(), n, counted.data(), n);
  CHECK((o.flags & ~flag::inexact) == 0);
  CHECK(o.counts.operations == static_cast<std::uint64_t>(m * n));
  CHECK(o.counts.underflow_to_zero + o.counts.subnormal_results + o.counts.overflowed + o.counts.underflow == 0);

  auto refuses = [&](const AccumulationModel& model, const Format& in, std::vector<float> aa, std::vector<float> cc) {
    return !nn::only_inexact_possible(model, in, m, n, k, aa.data(), k, b.data(), n, cc.data(), n);
  };
  CHECK(refuses(fp32, bfloat16, a, c));                               // bf16 products can be tiny (and overflow)
  // Tiny products alone: e6m40's last bit is 2^-70 (products 2^-140) while its max is ~2^32.
  CHECK(refuses(fp32, *find_format("e6m40"), a, c));
  CHECK(refuses(accumulation_preset("sm90"), binary16, a, c));        // tensor-core truncation: another model
  CHECK(refuses(accumulation_preset("fp16-accumulate"), binary16, a, c));
  std::vector<float> with_inf = a;
  with_inf[11] = std::numeric_limits<float>::infinity();
  CHECK(refuses(fp32, binary16, with_inf, c));
  std::vector<float> tiny_c = c;
  tiny_c[0] = 0x1p-101f;
  CHECK(refuses(fp32, binary16, a, tiny_c));
  std::vector<float> huge_c = c;
  huge_c[0] = 0x1p125f;
  CHECK(refuses(fp32, binary16, a, huge_c));
}
