// SPDX-License-Identifier: MIT
// Tests of CounterScope (scalar/context.hpp): nested scopes file a context's events under a
// slash-separated path and a step in a CounterRegistry, and restore the enclosing scope.
#include <catch2/catch.hpp>

#include "mpsim/instrument/counters.hpp"
#include "mpsim/scalar/context.hpp"
#include "mpsim/scalar/float.hpp"

using namespace mpsim;

namespace {

const half_t one = half_t::from_bits(0x3C00);       // 1.0
const half_t two = half_t::from_bits(0x4000);       // 2.0
const half_t tiny = half_t::from_bits(0x0400);      // 2^-14, the smallest normal
const half_t third = half_t::from_bits(0x3555);     // 0.33325..., 1/3 rounded

}  // namespace

TEST_CASE("nested counter scopes file events under fc2/weight_grad at step 37", "[instrument][scope]") {
  Context ctx;
  ScopedContext use(ctx);
  CounterRegistry reg;
  {
    CounterScope layer(reg, "fc2", 37);
    CHECK(ctx.scope_path == "fc2");
    (void)(one + two);  // exact: counted, no flags
    {
      CounterScope grad(reg, "weight_grad");
      CHECK(ctx.scope_path == "fc2/weight_grad");
      CHECK(ctx.step == 37);  // inherited from the enclosing scope
      (void)(tiny * tiny);    // 2^-28 underflows to +0
      (void)(one / third);    // inexact
    }
    CHECK(ctx.scope_path == "fc2");
    (void)(one / third);
  }
  CHECK(ctx.scope_path.empty());
  CHECK(ctx.step == -1);
  CHECK(ctx.counters == nullptr);
  (void)(one / third);  // outside every scope: not counted

  REQUIRE(reg.scopes().size() == 2);
  const EventCounts& layer = reg.at({"fc2", 37});
  const EventCounts& grad = reg.at({"fc2/weight_grad", 37});
  CHECK(layer.operations == 2);
  CHECK(layer.inexact == 1);
  CHECK(grad.operations == 2);
  CHECK(grad.inexact == 2);
  CHECK(grad.underflow == 1);
  CHECK(grad.underflow_to_zero == 1);
  CHECK(reg.total("fc2").operations == 4);
  CHECK(reg.total().operations == 4);
}

TEST_CASE("an inner counter scope may set its own step", "[instrument][scope]") {
  Context ctx;
  ScopedContext use(ctx);
  CounterRegistry reg;
  {
    CounterScope model(reg, "model", 1);
    {
      CounterScope step2(reg, "attn", 2);
      (void)(one / third);
    }
    CHECK(ctx.step == 1);
    (void)(one / third);
  }
  CHECK(reg.at({"model/attn", 2}).operations == 1);
  CHECK(reg.at({"model", 1}).operations == 1);
  CHECK(reg.scopes().size() == 2);
}

TEST_CASE("a counter scope restores the counters set on the context before it", "[instrument][scope]") {
  Context ctx;
  EventCounts own;
  ctx.counters = &own;
  ScopedContext use(ctx);
  CounterRegistry reg;
  {
    CounterScope s(reg, "inner");
    (void)(one / third);
  }
  CHECK(ctx.counters == &own);
  (void)(one / third);
  CHECK(own.operations == 1);
  CHECK(reg.at({"inner", -1}).operations == 1);
}

TEST_CASE("a counter scope acts on the context current when it was opened", "[instrument][scope]") {
  Context outer, inner;
  ScopedContext use_outer(outer);
  CounterRegistry reg;
  CounterScope s(reg, "outer_only");
  {
    ScopedContext use_inner(inner);
    (void)(one / third);  // inner context: no counters
  }
  (void)(one / third);
  CHECK(inner.counters == nullptr);
  CHECK(reg.at({"outer_only", -1}).operations == 1);
}
