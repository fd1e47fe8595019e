// SPDX-License-Identifier: MIT
// Float<F> operators give exactly the bits and flags of the ops/ function of the same name with
// the context's Env and the next word of its stochastic stream, for every bit pattern of the
// first operand (2^16 samples for binary32) against a set of second operands, in several Envs.
#include <catch2/catch.hpp>

#include <bit>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "mpsim/ops/ops.hpp"
#include "mpsim/scalar/context.hpp"
#include "mpsim/scalar/float.hpp"

using namespace mpsim;

namespace {

struct NamedEnv {
  const char* name;
  Env env;
};

const NamedEnv envs[] = {
    {"nearest_even", ieee_env},
    {"toward_zero, canonical NaN", Env{.rounding = Rounding::toward_zero, .nan = NanPolicy::canonical}},
    {"upward, FTZ, DAZ", Env{.rounding = Rounding::upward, .flush_to_zero = true, .denormals_are_zero = true}},
    {"downward, tininess before, saturate",
     Env{.rounding = Rounding::downward, .tininess = Tininess::before_rounding, .overflow = Overflow::saturate}},
    {"stochastic, 11 bits", Env{.rounding = Rounding::stochastic, .stochastic_bits = 11}},
};

Context context(const Env& env, std::uint64_t seed, std::uint64_t stream) {
  Context c;
  c.env = env;
  c.stochastic.seed = seed;
  c.stochastic.stream = stream;
  return c;
}

// The first operands: every pattern of a format of at most 16 bits, else 2^16 patterns whose
// top 16 bits run through every value and whose low bits are scrambled.
std::vector<std::uint64_t> first_operands(const Format& f) {
  std::vector<std::uint64_t> v;
  if (f.storage_bits() <= 16) {
    for (std::uint64_t a = 0; a <= f.storage_mask(); ++a) v.push_back(a);
  } else {
    for (std::uint64_t a = 0; a < 65536; ++a) v.push_back((a << (f.storage_bits() - 16)) | (((a * 0x9E3779B1u) >> 16) & 0xFFFF));
  }
  return v;
}

// Second operands: signed zeros and ones, subnormal and normal limits, the largest finite
// value, infinities and NaNs where the format has them, and two ordinary values.
std::vector<std::uint64_t> second_operands(const Format& f) {
  const std::uint64_t s = f.sign_mask(), one = static_cast<std::uint64_t>(f.bias) << f.fraction_bits;
  std::vector<std::uint64_t> v = {0,
                                  s,
                                  one,
                                  s | one,
                                  1,                               // smallest subnormal
                                  s | f.fraction_mask(),           // -(largest subnormal)
                                  std::uint64_t{1} << f.fraction_bits,  // smallest normal
                                  f.max_finite_bits(),
                                  s | (one - 1),                   // -(1 - ulp/2), the largest below 1
                                  (one + f.fraction_mask() / 3) + (std::uint64_t{2} << f.fraction_bits)};  // ~5.33
  if (f.infinities) v.push_back(s | f.infinity_bits());
  if (f.nan == NanEncoding::ieee) {
    v.push_back(f.exponent_mask() | f.quiet_bit() | 1);  // quiet NaN with a payload
    v.push_back(s | f.exponent_mask() | 1);              // signaling NaN
  } else if (f.nan == NanEncoding::all_ones) {
    v.push_back(f.storage_mask());  // -NaN
  }
  return v;
}

// Collects mismatches between Float<F> and ops/, remembering the first for the report.
class Comparison {
 public:
  explicit Comparison(Context& c) : ctx_(c) {}

  // Before an operation: clears the sticky flags, returns the random word the op will draw.
  std::uint32_t before() {
    ctx_.flags = 0;
    index_ = ctx_.stochastic.next_index;
    StochasticStream copy = ctx_.stochastic;
    return ctx_.env.rounding == Rounding::stochastic ? copy.draw() : 0;
  }
  // After it: the bits, the flags raised and the number of stochastic draws must match.
  void after(const char* op, std::uint64_t a, std::uint64_t b, std::uint64_t got, std::uint64_t want_bits,
             std::uint8_t want_flags, bool rounds) {
    const std::uint64_t draws = rounds && ctx_.env.rounding == Rounding::stochastic ? 1 : 0;
    const bool same = got == want_bits && ctx_.flags == want_flags && ctx_.stochastic.next_index == index_ + draws;
    ++checked_;
    if (same) return;
    if (mismatches_++ == 0) {
      std::ostringstream out;
      out << std::hex << op << "(0x" << a << ", 0x" << b << "): Float gave 0x" << got << " flags 0x"
          << int{ctx_.flags} << ", ops/ gives 0x" << want_bits << " flags 0x" << int{want_flags} << std::dec
          << ", draws " << ctx_.stochastic.next_index - index_ << " (want " << draws << ")";
      first_ = out.str();
    }
  }
  void after(const char* op, std::uint64_t a, std::uint64_t b, std::uint64_t got, const Result& want) {
    after(op, a, b, got, want.bits, want.flags, true);
  }
  void after(const char* op, std::uint64_t a, std::uint64_t b, bool got, const Predicate& want) {
    after(op, a, b, got, want.value, want.flags, false);
  }
  std::uint64_t mismatches() const { return mismatches_; }
  std::uint64_t checked() const { return checked_; }
  const std::string& first() const { return first_; }

 private:
  Context& ctx_;
  std::uint64_t index_ = 0, mismatches_ = 0, checked_ = 0;
  std::string first_;
};

template <const Format& F>
void check_arithmetic(const NamedEnv& named) {
  using T = Float<F>;
  const Env& env = named.env;
  Context ctx = context(env, 99, 5);
  ScopedContext use(ctx);
  Comparison cmp(ctx);
  const std::vector<std::uint64_t> partners = second_operands(F);
  for (std::uint64_t a : first_operands(F)) {
    const T x = T::from_bits(a);
    cmp.before();
    cmp.after("neg", a, 0, (-x).bits(), neg(F, a), 0, false);
    cmp.before();
    cmp.after("abs", a, 0, abs(x).bits(), mpsim::abs(F, a), 0, false);
    std::uint32_t r = cmp.before();
    cmp.after("sqrt", a, 0, sqrt(x).bits(), mpsim::sqrt(F, a, env, r));
    for (std::size_t j = 0; j < partners.size(); ++j) {
      const std::uint64_t b = partners[j], c = partners[(j + 3) % partners.size()];
      const T y = T::from_bits(b), z = T::from_bits(c);
      r = cmp.before();
      cmp.after("add", a, b, (x + y).bits(), add(F, a, b, env, r));
      r = cmp.before();
      cmp.after("sub", a, b, (x - y).bits(), sub(F, a, b, env, r));
      r = cmp.before();
      cmp.after("mul", a, b, (x * y).bits(), mul(F, a, b, env, r));
      r = cmp.before();
      cmp.after("div", a, b, (x / y).bits(), div(F, a, b, env, r));
      r = cmp.before();
      cmp.after("fma", a, b, fma(x, y, z).bits(), mpsim::fma(F, a, b, c, env, r));
      T acc = x;
      r = cmp.before();
      cmp.after("+=", a, b, (acc += y).bits(), add(F, a, b, env, r));
      cmp.before();
      const Result lo = minimum(F, a, b, env), hi = maximum(F, a, b, env);
      cmp.after("min", a, b, min(x, y).bits(), lo.bits, lo.flags, false);  // never rounds: draws nothing
      cmp.before();
      cmp.after("max", a, b, max(x, y).bits(), hi.bits, hi.flags, false);
      cmp.before();
      cmp.after("==", a, b, x == y, equal(F, a, b, Signaling::quiet, env));
      cmp.before();
      cmp.after("!=", a, b, x != y, Predicate{!equal(F, a, b, Signaling::quiet, env).value,
                                              equal(F, a, b, Signaling::quiet, env).flags, 0});
      cmp.before();
      cmp.after("<", a, b, x < y, less(F, a, b, Signaling::signaling, env));
      cmp.before();
      cmp.after("<=", a, b, x <= y, less_equal(F, a, b, Signaling::signaling, env));
      cmp.before();
      cmp.after(">", a, b, x > y, less(F, b, a, Signaling::signaling, env));
      cmp.before();
      cmp.after(">=", a, b, x >= y, less_equal(F, b, a, Signaling::signaling, env));
    }
  }
  INFO(F.name << " in " << named.name << ": " << cmp.first());
  CHECK(cmp.mismatches() == 0);
  CHECK(cmp.checked() > 0);
}

// Conversions into F from double, float, int, long and every other Float format, and out of
// F to float and double. (Float<F>(Float<F>) is the copy constructor: it copies the bits.)
template <const Format& F, const Format& G>
void check_from_float_format(Comparison& cmp, const Env& env) {
  if constexpr (&F == &G) return;
  for (std::uint64_t g : first_operands(G)) {
    const std::uint32_t r = cmp.before();
    cmp.after("Float<F>(Float<G>)", g, 0, Float<F>(Float<G>::from_bits(g)).bits(), convert(F, G, g, env, r));
  }
}

template <const Format& F>
void check_conversions(const NamedEnv& named) {
  using T = Float<F>;
  const Env& env = named.env;
  Context ctx = context(env, 7, 8);
  ScopedContext use(ctx);
  Comparison cmp(ctx);
  for (std::uint64_t i = 0; i < 65536; ++i) {
    const std::uint64_t scramble = (i * 0x9E3779B97F4A7C15ull) >> 16;
    // doubles of every exponent (the top 16 bits run through all values)
    const std::uint64_t d = (i << 48) | scramble;
    std::uint32_t r = cmp.before();
    cmp.after("Float(double)", d, 0, T(std::bit_cast<double>(d)).bits(), from_double(F, std::bit_cast<double>(d), env, r));
    const std::uint32_t f = static_cast<std::uint32_t>((i << 16) | (scramble & 0xFFFF));
    r = cmp.before();
    cmp.after("Float(float)", f, 0, T(std::bit_cast<float>(f)).bits(), from_float(F, std::bit_cast<float>(f), env, r));
    // ints: small ones, and scrambled ones over the whole 32-bit range
    const int small = static_cast<int>(i) - 32768, wide = static_cast<int>(static_cast<std::uint32_t>(scramble));
    r = cmp.before();
    cmp.after("Float(int)", static_cast<std::uint64_t>(small), 0, T(small).bits(), from_int(F, small, env, r));
    r = cmp.before();
    cmp.after("Float(int)", static_cast<std::uint64_t>(wide), 0, T(wide).bits(), from_int(F, wide, env, r));
    const long big = static_cast<long>(scramble << 16);
    r = cmp.before();
    cmp.after("Float(long)", static_cast<std::uint64_t>(big), 0, T(big).bits(), from_int(F, big, env, r));
  }
  for (std::uint64_t a : first_operands(F)) {
    const T x = T::from_bits(a);
    const std::uint32_t r = cmp.before();
    cmp.after("float(Float)", a, 0, std::bit_cast<std::uint32_t>(static_cast<float>(x)),
              convert(binary32, F, a, env, r));
    cmp.before();
    cmp.after("double(Float)", a, 0, std::bit_cast<std::uint64_t>(static_cast<double>(x)),
              std::bit_cast<std::uint64_t>(to_double(F, a)), 0, false);
  }
  check_from_float_format<F, binary16>(cmp, env);
  check_from_float_format<F, bfloat16>(cmp, env);
  check_from_float_format<F, fp8_e4m3>(cmp, env);
  check_from_float_format<F, fp8_e5m2>(cmp, env);
  check_from_float_format<F, binary32>(cmp, env);
  INFO(F.name << " in " << named.name << ": " << cmp.first());
  CHECK(cmp.mismatches() == 0);
}

template <const Format& F>
void check_format() {
  for (const NamedEnv& named : envs) {
    check_arithmetic<F>(named);
    check_conversions<F>(named);
  }
}

}  // namespace

TEST_CASE("half_t operators and conversions give the bits and flags of ops/", "[scalar][float][fp16]") {
  check_format<binary16>();
}

TEST_CASE("bfloat16_t operators and conversions give the bits and flags of ops/", "[scalar][float][bf16]") {
  check_format<bfloat16>();
}

TEST_CASE("e4m3_t operators and conversions give the bits and flags of ops/", "[scalar][float][e4m3]") {
  check_format<fp8_e4m3>();
}

TEST_CASE("e5m2_t operators and conversions give the bits and flags of ops/", "[scalar][float][e5m2]") {
  check_format<fp8_e5m2>();
}

TEST_CASE("float32_t operators and conversions give the bits and flags of ops/", "[scalar][float][fp32]") {
  check_format<binary32>();
}
