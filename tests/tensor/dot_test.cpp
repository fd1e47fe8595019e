// SPDX-License-Identifier: MIT
// Every accumulation model of dot() against the independent Boost reference
// (accumulation_reference.hpp), bit for bit with flags and events, on random and adversarial
// vectors of fp16 and bf16 inputs and lengths 1 .. 1000.
#include <catch2/catch.hpp>

#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "accumulation_reference.hpp"
#include "mpsim/format/named_formats.hpp"
#include "mpsim/tensor/dot.hpp"

using namespace mpsim;

namespace {

// The kinds of vectors each model is checked on.
enum class Shape { random, wide, cancelling, subnormal, tiny, overflowing, special, zeros };
constexpr Shape shapes[] = {Shape::random, Shape::wide,        Shape::cancelling, Shape::subnormal,
                            Shape::tiny,   Shape::overflowing, Shape::special,    Shape::zeros};
const char* shape_name(Shape s) {
  static const char* names[] = {"random", "wide", "cancelling", "subnormal", "tiny", "overflowing", "special", "zeros"};
  return names[static_cast<int>(s)];
}

struct Case {
  std::vector<std::uint64_t> a, b;
  std::uint64_t c = 0;
};

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : rng_(seed) {}

  std::uint64_t bits(int n) { return n >= 64 ? rng_() : rng_() & ((std::uint64_t{1} << n) - 1); }
  bool coin(int one_in) { return rng_() % static_cast<std::uint64_t>(one_in) == 0; }

  // A finite value of f with a biased exponent in [lo, hi] (0 = subnormal or zero).
  std::uint64_t finite(const Format& f, int lo, int hi) {
    const int e = lo + static_cast<int>(rng_() % static_cast<std::uint64_t>(hi - lo + 1));
    return (bits(1) << (f.storage_bits() - 1)) | (static_cast<std::uint64_t>(e) << f.fraction_bits) |
           bits(f.fraction_bits);
  }
  std::uint64_t special(const Format& f) {
    const std::uint64_t sign = bits(1) << (f.storage_bits() - 1);
    switch (rng_() % 4) {
      case 0: return sign | f.exponent_mask();                                 // +-inf
      case 1: return sign | f.exponent_mask() | f.quiet_bit() | bits(3);       // quiet NaN
      case 2: return sign | f.exponent_mask() | 1 | (bits(2) << 1);            // signaling NaN
      default: return sign;                                                    // +-0
    }
  }

  Case make(Shape shape, const Format& in, const Format& acc, std::size_t k) {
    Case x;
    const int top = in.exponent_field_max() - 1;
    const int mid = in.bias;
    const int accmid = acc.bias;
    auto input = [&](int lo, int hi) { return finite(in, lo, hi); };
    for (std::size_t i = 0; i < k; ++i) {
      switch (shape) {
        case Shape::random: x.a.push_back(input(mid - 3, mid + 3)), x.b.push_back(input(mid - 3, mid + 3)); break;
        case Shape::wide: x.a.push_back(input(0, top)), x.b.push_back(input(0, top)); break;
        case Shape::cancelling:
          if (i % 2 == 1) {  // the negated previous product, sometimes perturbed in its last bit
            x.a.push_back(x.a[i - 1]);
            x.b.push_back((x.b[i - 1] ^ in.sign_mask()) ^ (coin(3) ? 1 : 0));
          } else {
            x.a.push_back(input(mid - 8, mid + 8)), x.b.push_back(input(mid - 8, mid + 8));
          }
          break;
        case Shape::subnormal: x.a.push_back(input(0, 2)), x.b.push_back(input(0, mid)); break;
        case Shape::tiny:  // products around the exponent floors (2^-133 bf16 -> fp32, 2^-21 fp16 -> fp16)
          x.a.push_back(input(0, mid / 2)), x.b.push_back(input(0, mid / 2 + 2));
          break;
        case Shape::overflowing: x.a.push_back(input(top - 2, top)), x.b.push_back(input(mid, top)); break;
        case Shape::special:
          x.a.push_back(coin(8) ? special(in) : input(mid - 4, mid + 4));
          x.b.push_back(coin(8) ? special(in) : input(mid - 4, mid + 4));
          break;
        case Shape::zeros:
          x.a.push_back(bits(1) << (in.storage_bits() - 1));
          x.b.push_back(coin(2) ? input(mid - 2, mid + 2) : bits(1) << (in.storage_bits() - 1));
          break;
      }
    }
    switch (shape) {
      case Shape::zeros: x.c = bits(1) << (acc.storage_bits() - 1); break;
      case Shape::special: x.c = coin(4) ? special(acc) : finite(acc, accmid - 4, accmid + 4); break;
      case Shape::subnormal: x.c = finite(acc, 0, 1); break;
      case Shape::tiny: x.c = coin(2) ? 0 : finite(acc, 0, 2); break;
      case Shape::wide: x.c = finite(acc, 0, acc.exponent_field_max() - 1); break;
      default: x.c = finite(acc, accmid - 2, accmid + 2); break;
    }
    return x;
  }

 private:
  std::mt19937_64 rng_;
};

std::string hex_list(const std::vector<std::uint64_t>& v) {
  std::ostringstream s;
  s << std::hex;
  for (std::size_t i = 0; i < v.size() && i < 40; ++i) s << v[i] << ' ';
  if (v.size() > 40) s << "... (" << std::dec << v.size() << " elements)";
  return s.str();
}

// Checks `m` against the reference on every shape, both input formats and several lengths.
void check_model(const AccumulationModel& m, std::uint64_t seed) {
  Generator gen(seed);
  int compared = 0;
  for (const Format* in : {&binary16, &bfloat16}) {
    for (const std::size_t k : {1, 2, 15, 16, 17, 33, 64, 100, 1000}) {
      for (const Shape shape : shapes) {
        const int repeats = k >= 1000 ? 2 : 12;
        for (int r = 0; r < repeats; ++r) {
          const Case x = gen.make(shape, *in, *m.accumulator, k);
          const Result got = dot(m, *in, x.a, x.b, x.c);
          const Result want = reference::dot(m, *in, x.a, x.b, x.c);
          ++compared;
          if (got == want) continue;
          INFO("model " << m.name << ", inputs " << in->name << ", k " << k << ", " << shape_name(shape));
          INFO("a: " << hex_list(x.a));
          INFO("b: " << hex_list(x.b));
          INFO("c: " << std::hex << x.c);
          INFO("got " << std::hex << got.bits << " flags " << int(got.flags) << " events " << int(got.events)
                      << ", want " << want.bits << " flags " << int(want.flags) << " events " << int(want.events));
          CHECK(got == want);
          return;  // one report per model is enough
        }
      }
    }
  }
  CHECK(compared == 2 * 8 * (8 * 12 + 2));  // formats * shapes * (lengths * repeats + two 1000-term ones)
}

AccumulationModel variant(const std::string& preset, const std::string& name, auto&& change) {
  AccumulationModel m = accumulation_preset(preset);
  m.name = name;
  change(m);
  return m;
}

}  // namespace

TEST_CASE("fp32-sequential equals the reference's chain of fused steps", "[tensor][dot]") {
  check_model(accumulation_preset("fp32-sequential"), 1);
}

TEST_CASE("fp16-accumulate equals the reference's chain of fused steps", "[tensor][dot]") {
  check_model(accumulation_preset("fp16-accumulate"), 2);
}

TEST_CASE("chunked equals the reference's chunk sums of 64 terms", "[tensor][dot]") {
  check_model(accumulation_preset("chunked"), 3);
  check_model(variant("chunked", "chunked-5-fp32", [](auto& m) { m.block = 5, m.accumulator = &binary32; }), 13);
}

TEST_CASE("kahan equals the reference's compensated sum", "[tensor][dot]") {
  check_model(accumulation_preset("kahan"), 4);
  check_model(variant("kahan", "kahan-separate", [](auto& m) { m.fused = false; }), 14);
  check_model(variant("kahan", "kahan-bf16-products", [](auto& m) { m.product = &bfloat16; }), 24);
}

TEST_CASE("sm90 equals the reference's tensor-core block chain", "[tensor][dot][sm90]") {
  check_model(accumulation_preset("sm90"), 5);
  check_model(accumulation_preset("sm90-fp16"), 6);
  check_model(variant("sm90", "sm90-4-terms-rn", [](auto& m) {
                m.tensor_core->terms = 4, m.tensor_core->rounding = Rounding::nearest_even;
                m.env = ieee_env;
              }),
              15);
}

TEST_CASE("pairwise and blocked orders equal the reference", "[tensor][dot]") {
  check_model(variant("fp16-accumulate", "pairwise-8", [](auto& m) { m.order = SumOrder::pairwise, m.block = 8; }), 7);
  check_model(variant("fp16-accumulate", "pairwise-1", [](auto& m) { m.order = SumOrder::pairwise; }), 8);
  check_model(variant("fp32-sequential", "blocked-32", [](auto& m) { m.order = SumOrder::blocked, m.block = 32; }), 9);
}

TEST_CASE("rounded and separate products equal the reference", "[tensor][dot]") {
  check_model(variant("fp32-sequential", "separate", [](auto& m) { m.fused = false; }), 10);
  check_model(variant("fp32-sequential", "bf16-products", [](auto& m) { m.product = &bfloat16; }), 11);
  check_model(variant("fp16-accumulate", "fp32-products-separate",
                      [](auto& m) { m.product = &binary32, m.fused = false; }),
              12);
}

TEST_CASE("other environments equal the reference (directed rounding, canonical NaN)", "[tensor][dot]") {
  check_model(variant("fp16-accumulate", "downward", [](auto& m) { m.env.rounding = Rounding::downward; }), 16);
  check_model(variant("fp32-sequential", "toward-zero", [](auto& m) { m.env.rounding = Rounding::toward_zero; }), 17);
  check_model(variant("fp16-accumulate", "canonical-nan", [](auto& m) { m.env.nan = NanPolicy::canonical; }), 18);
  check_model(variant("fp32-sequential", "bf16-acc-upward",
                      [](auto& m) { m.accumulator = &bfloat16, m.env.rounding = Rounding::upward; }),
              19);
}
