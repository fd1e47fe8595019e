// SPDX-License-Identifier: MIT
// The exact reference: decode to exact values, compute exactly, round once by definition.
#include "oracle.hpp"

#include <algorithm>
#include <boost/multiprecision/integer.hpp>
#include <climits>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <stdexcept>

namespace mpsim::oracle {
namespace {

std::uint64_t low_mask(int n) { return n >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1; }

cpp_int pow2(int n) { return cpp_int(1) << n; }

// Sign of a * 2^ea - b * 2^eb for a, b >= 0.
int compare_scaled(const cpp_int& a, int ea, const cpp_int& b, int eb) {
  const int m = std::min(ea, eb);
  const cpp_int x = a << (ea - m);
  const cpp_int y = b << (eb - m);
  return x < y ? -1 : x > y ? 1 : 0;
}

int floor_half(int x) { return x >= 0 ? x / 2 : -((1 - x) / 2); }

int msb(const cpp_int& x) { return static_cast<int>(boost::multiprecision::msb(x)); }

std::uint64_t sign_bit(const Format& f, bool sign) {
  return sign ? std::uint64_t{1} << (f.exponent_bits + f.fraction_bits) : 0;
}
std::uint64_t all_but_sign(const Format& f) { return low_mask(f.exponent_bits + f.fraction_bits); }
std::uint64_t zero_bits(const Format& f, bool sign) { return sign_bit(f, sign); }
std::uint64_t infinity_bits(const Format& f, bool sign) {
  return sign_bit(f, sign) | (low_mask(f.exponent_bits) << f.fraction_bits);
}

bool saturating(const Format& f, const Env& env) {
  if (!f.infinities && f.nan == NanEncoding::none) return true;  // nothing else to give
  return env.overflow == Overflow::saturate || (env.overflow == Overflow::format_default && f.saturating);
}

// The format's NaN carrying `sign` (for results that are NaN because the format has no inf).
std::uint64_t signed_nan(const Format& f, const Env& env, bool sign) {
  if (env.nan == NanPolicy::canonical) return all_but_sign(f);
  if (f.nan == NanEncoding::all_ones) return sign_bit(f, sign) | all_but_sign(f);
  return infinity_bits(f, sign) | (std::uint64_t{1} << (f.fraction_bits - 1));
}

// n * 2^q (exactly representable, n > 0) as a bit pattern of f.
std::uint64_t encode(const Format& f, bool sign, cpp_int n, int q) {
  const int p = f.fraction_bits + 1;
  const int q_min = 1 - f.bias - p + 1;  // quantum of the subnormals
  while (n >= pow2(p)) {
    if (boost::multiprecision::bit_test(n, 0)) throw std::logic_error("encode: value needs more than p bits");
    n >>= 1;
    ++q;
  }
  while (n < pow2(p - 1) && q > q_min) {
    n <<= 1;
    --q;
  }
  Fields x{sign, 0, 0};
  if (n >= pow2(p - 1)) {
    const int biased = q + p - 1 + f.bias;
    if (biased < 1 || biased > static_cast<int>(low_mask(f.exponent_bits)))
      throw std::logic_error("encode: exponent out of range");
    x.exponent = static_cast<std::uint64_t>(biased);
    x.fraction = static_cast<std::uint64_t>(n - pow2(p - 1));
  } else {
    if (q != q_min || !f.subnormals) throw std::logic_error("encode: not a subnormal of this format");
    x.fraction = static_cast<std::uint64_t>(n);
  }
  return bits_of(f, x);
}

Result overflow_result(const Format& f, const Env& env, bool sign) {
  const Rounding m = env.rounding;
  const bool to_largest = m == Rounding::toward_zero || m == Rounding::to_odd || (m == Rounding::upward && sign) ||
                          (m == Rounding::downward && !sign) || saturating(f, env);
  Result o{0, flag::overflow | flag::inexact, event::overflowed};
  if (to_largest) {
    o.bits = sign_bit(f, sign) | largest_finite_bits(f);
  } else if (f.infinities) {
    o.bits = infinity_bits(f, sign);
  } else {
    o.bits = signed_nan(f, env, sign);
    o.events |= event::nan_created;
  }
  return o;
}

// An exactly infinite result (infinite operand, or division of a nonzero by zero).
Result infinite_result(const Format& f, const Env& env, bool sign, bool divide_by_zero) {
  if (f.infinities && !saturating(f, env))
    return {infinity_bits(f, sign), divide_by_zero ? flag::divide_by_zero : std::uint8_t{0}, 0};
  if (saturating(f, env)) {
    if (divide_by_zero) return {sign_bit(f, sign) | largest_finite_bits(f), flag::divide_by_zero, 0};
    return {sign_bit(f, sign) | largest_finite_bits(f), flag::overflow | flag::inexact, event::overflowed};
  }
  return {signed_nan(f, env, sign), divide_by_zero ? flag::divide_by_zero : flag::invalid, event::nan_created};
}

Result invalid(const Format& f, const Env& env, std::uint8_t events) {
  return {default_nan(f, env), flag::invalid, static_cast<std::uint8_t>(events | event::nan_created)};
}

Result with_events(Result r, std::uint8_t events) {
  r.events |= events;
  return r;
}

// Operand decoding under DAZ.
Value read(const Format& f, const Env& env, std::uint64_t bits, std::uint8_t& events, std::uint8_t flushed) {
  Value v = decode(f, bits);
  if (v.kind == Kind::finite && v.subnormal && env.denormals_are_zero) {
    v.kind = Kind::zero;
    v.sig = 0;
    v.exp = 0;
    v.subnormal = false;
    events |= flushed;
  }
  return v;
}

// NaN operands: invalid for any signaling one, the result is the first NaN quieted.
bool nan_operands(const Format& out, const Env& env, std::initializer_list<const Value*> operands, Result& r) {
  const Value* first = nullptr;
  for (const Value* v : operands) {
    if (v->kind == Kind::signaling_nan) r.flags |= flag::invalid;
    if (is_nan(*v) && first == nullptr) first = v;
  }
  if (first == nullptr) return false;
  r.bits = propagated_nan(out, env, *first);
  return true;
}

// A signed exact dyadic number (-1)^neg * mag * 2^exp.
struct Dyadic {
  bool neg = false;
  cpp_int mag = 0;
  int exp = 0;
};

Dyadic dyadic(const Value& v) {
  if (v.kind == Kind::zero) return {v.sign, 0, 0};
  return {v.sign, v.sig, v.exp};
}

Dyadic plus(const Dyadic& a, const Dyadic& b) {
  if (a.mag == 0) return b;
  if (b.mag == 0) return a;
  const int m = std::min(a.exp, b.exp);
  const cpp_int x = a.mag << (a.exp - m);
  const cpp_int y = b.mag << (b.exp - m);
  if (a.neg == b.neg) return {a.neg, x + y, m};
  if (x >= y) return {a.neg, x - y, m};
  return {b.neg, y - x, m};
}

Dyadic times(const Dyadic& a, const Dyadic& b) { return {a.neg != b.neg, a.mag * b.mag, a.exp + b.exp}; }

Result round_dyadic(const Format& f, const Env& env, const Dyadic& d, std::uint32_t random) {
  Magnitude m;
  m.num = d.mag;
  m.exp = d.exp;
  return round(f, env, d.neg, m, random);
}

// Sign of a - b for non-NaN values (zeros equal regardless of sign).
int compare_values(const Value& a, const Value& b) {
  auto rank = [](const Value& v) { return v.kind == Kind::infinity ? (v.sign ? -2 : 2) : 0; };
  if (rank(a) != 0 || rank(b) != 0) return rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0;
  const Dyadic diff = plus(dyadic(a), [&] {
    Dyadic nb = dyadic(b);
    nb.neg = !nb.neg;
    return nb;
  }());
  if (diff.mag == 0) return 0;
  return diff.neg ? -1 : 1;
}

bool downward_zero(const Env& env) { return env.rounding == Rounding::downward; }

Result add_values(const Format& f, const Env& env, const Value& a, Value b, bool negate_b, std::uint8_t events,
                  std::uint32_t random) {
  Result r;
  if (nan_operands(f, env, {&a, &b}, r)) return with_events(r, events);
  if (negate_b) b.sign = !b.sign;
  if (a.kind == Kind::infinity || b.kind == Kind::infinity) {
    if (a.kind == Kind::infinity && b.kind == Kind::infinity && a.sign != b.sign) return invalid(f, env, events);
    return with_events(infinite_result(f, env, a.kind == Kind::infinity ? a.sign : b.sign, false), events);
  }
  if (a.kind == Kind::zero && b.kind == Kind::zero)
    return {zero_bits(f, a.sign == b.sign ? a.sign : downward_zero(env)), 0, events};
  const Dyadic sum = plus(dyadic(a), dyadic(b));
  if (sum.mag == 0) return {zero_bits(f, downward_zero(env)), 0, events};
  return with_events(round_dyadic(f, env, sum, random), events);
}

Result select(const Format& f, std::uint64_t a, std::uint64_t b, bool want_min, bool prefer_number, const Env& env) {
  Result r;
  const Value va = read(f, env, a, r.events, event::flushed_input_a);
  const Value vb = read(f, env, b, r.events, event::flushed_input_b);
  auto as_bits = [&](const Value& v, std::uint64_t bits) { return v.kind == Kind::zero ? zero_bits(f, v.sign) : bits; };
  if (is_nan(va) || is_nan(vb)) {
    if (prefer_number && !(is_nan(va) && is_nan(vb))) {
      if (va.kind == Kind::signaling_nan || vb.kind == Kind::signaling_nan) r.flags |= flag::invalid;
      r.bits = is_nan(va) ? as_bits(vb, b) : as_bits(va, a);
      return r;
    }
    nan_operands(f, env, {&va, &vb}, r);
    return r;
  }
  int c = compare_values(va, vb);
  if (c == 0 && va.kind == Kind::zero && vb.kind == Kind::zero && va.sign != vb.sign) c = va.sign ? -1 : 1;
  const bool take_a = want_min ? c <= 0 : c >= 0;
  r.bits = take_a ? as_bits(va, a) : as_bits(vb, b);
  return r;
}

}  // namespace

// --- decoding ----------------------------------------------------------------------------

Fields fields_of(const Format& f, std::uint64_t bits) {
  const int t = f.fraction_bits, w = f.exponent_bits;
  return {((bits >> (t + w)) & 1) != 0, (bits >> t) & low_mask(w), bits & low_mask(t)};
}

std::uint64_t bits_of(const Format& f, const Fields& x) {
  const int t = f.fraction_bits, w = f.exponent_bits;
  return (std::uint64_t{x.sign} << (t + w)) | (x.exponent << t) | x.fraction;
}

Value decode(const Format& f, std::uint64_t bits) {
  const Fields x = fields_of(f, bits);
  const int t = f.fraction_bits;
  const std::uint64_t top = low_mask(f.exponent_bits);
  Value v;
  v.sign = x.sign;
  if (x.exponent == top) {
    if (f.infinities) {
      if (f.nan != NanEncoding::ieee) throw std::invalid_argument("oracle: inf without IEEE NaN is not supported");
      if (x.fraction == 0) {
        v.kind = Kind::infinity;
        return v;
      }
      v.kind = (x.fraction >> (t - 1)) & 1 ? Kind::quiet_nan : Kind::signaling_nan;
      v.payload = x.fraction;
      v.payload_bits = t;
      return v;
    }
    if (f.nan == NanEncoding::ieee) throw std::invalid_argument("oracle: IEEE NaN without inf is not supported");
    if (f.nan == NanEncoding::all_ones && x.fraction == low_mask(t)) {
      v.kind = Kind::quiet_nan;
      v.payload = x.fraction;
      v.payload_bits = t;
      return v;
    }
    // otherwise an ordinary normal number of the top binade (E4M3: up to 448)
  }
  if (x.exponent == 0) {
    if (x.fraction == 0 || !f.subnormals) return v;  // zero
    v.kind = Kind::finite;
    v.subnormal = true;
    v.sig = x.fraction;
    v.exp = 1 - f.bias - t;
    return v;
  }
  v.kind = Kind::finite;
  v.sig = (cpp_int(1) << t) + x.fraction;
  v.exp = static_cast<int>(x.exponent) - f.bias - t;
  return v;
}

bool is_nan(const Value& v) { return v.kind == Kind::quiet_nan || v.kind == Kind::signaling_nan; }

cpp_rational to_rational(const Value& v) {
  if (v.kind == Kind::zero) return 0;
  if (v.kind != Kind::finite) throw std::invalid_argument("oracle: to_rational of a non-finite value");
  const cpp_rational mag = v.exp >= 0 ? cpp_rational(v.sig << v.exp) : cpp_rational(v.sig, pow2(-v.exp));
  return v.sign ? cpp_rational(-mag) : mag;
}

std::uint64_t largest_finite_bits(const Format& f) {
  const std::uint64_t all = all_but_sign(f);
  if (f.infinities || f.nan == NanEncoding::ieee) return (low_mask(f.exponent_bits) << f.fraction_bits) - 1;
  if (f.nan == NanEncoding::all_ones) return all - 1;
  return all;
}

// --- rounding ----------------------------------------------------------------------------

std::pair<cpp_int, bool> Magnitude::floor_scaled(int s) const {
  if (shape == Shape::quotient) {
    const int t = exp + s;
    if (den == 1) {
      if (t >= 0) return {num << t, true};
      const cpp_int q = num >> -t;
      return {q, (q << -t) == num};
    }
    cpp_int n = num, d = den;
    if (t >= 0)
      n <<= t;
    else
      d <<= -t;
    cpp_int q, r;
    boost::multiprecision::divide_qr(n, d, q, r);
    return {q, r == 0};
  }
  // floor(sqrt(y)) == floor(sqrt(floor(y))) for y >= 0, and sqrt(y) is an integer only when y
  // is an integer perfect square.
  const int t = exp + 2 * s;
  cpp_int y;
  bool lost = false;
  if (t >= 0) {
    y = num << t;
  } else {
    y = num >> -t;
    lost = (y << -t) != num;
  }
  cpp_int rem;
  const cpp_int root = boost::multiprecision::sqrt(y, rem);
  return {root, !lost && rem == 0};
}

int Magnitude::exponent() const {
  int e = shape == Shape::quotient ? msb(num) - msb(den) + exp : floor_half(msb(num) + exp);
  while (floor_scaled(-e).first == 0) --e;        // |v| < 2^e
  while (floor_scaled(-(e + 1)).first != 0) ++e;  // |v| >= 2^(e+1)
  return e;
}

Rounded round_to_quantum(const Magnitude& m, int qe, bool negative, const Env& env, std::uint32_t random) {
  constexpr int extra = 40;  // fraction bits examined: the half, and 32 stochastic bits
  const auto [scaled, exact] = m.floor_scaled(extra - qe);
  Rounded r;
  r.n = scaled >> extra;
  const auto fraction = static_cast<std::uint64_t>(scaled & cpp_int(low_mask(extra)));
  const std::uint64_t half = std::uint64_t{1} << (extra - 1);
  r.inexact = fraction != 0 || !exact;
  if (!r.inexact) return r;
  const int vs_half = (fraction > half || (fraction == half && !exact)) ? 1 : fraction == half ? 0 : -1;
  bool up = false;
  switch (env.rounding) {
    case Rounding::nearest_even:
      up = vs_half > 0 || (vs_half == 0 && boost::multiprecision::bit_test(r.n, 0));
      break;
    case Rounding::nearest_away:
      up = vs_half >= 0;
      break;
    case Rounding::toward_zero:
      break;
    case Rounding::upward:
      up = !negative;
      break;
    case Rounding::downward:
      up = negative;
      break;
    case Rounding::to_odd:
      r.n |= 1;
      return r;
    case Rounding::stochastic: {
      const int k = env.stochastic_bits;
      if (k < 1 || k > 32) throw std::invalid_argument("oracle: stochastic_bits must be 1..32");
      const std::uint64_t top_k = fraction >> (extra - k);  // floor(r * 2^k)
      up = top_k + (random & low_mask(k)) >= (std::uint64_t{1} << k);
      break;
    }
  }
  if (up) r.n += 1;
  return r;
}

Result round(const Format& f, const Env& env, bool sign, const Magnitude& m, std::uint32_t random) {
  const int p = f.fraction_bits + 1;
  const int emin = 1 - f.bias;
  const int e = m.exponent();

  bool tiny = e < emin;
  if (tiny && env.tininess == Tininess::after_rounding) {
    const int q_unbounded = e - p + 1;  // p bits, exponent range unbounded
    const Rounded u = round_to_quantum(m, q_unbounded, sign, env, random);
    tiny = compare_scaled(u.n, q_unbounded, 1, emin) < 0;
  }
  if (tiny && (env.flush_to_zero || !f.subnormals))
    return {zero_bits(f, sign), flag::underflow | flag::inexact, event::underflow_to_zero};

  const int qe = std::max(e, emin) - p + 1;
  const Rounded r = round_to_quantum(m, qe, sign, env, random);
  const Value largest = decode(f, largest_finite_bits(f));
  if (compare_scaled(r.n, qe, largest.sig, largest.exp) > 0) return overflow_result(f, env, sign);

  Result out;
  if (r.inexact) out.flags |= flag::inexact;
  if (tiny && r.inexact) out.flags |= flag::underflow;
  if (r.n == 0) {
    out.bits = zero_bits(f, sign);
    out.events |= event::underflow_to_zero;
    return out;
  }
  out.bits = encode(f, sign, r.n, qe);
  if (compare_scaled(r.n, qe, 1, emin) < 0) out.events |= event::subnormal_result;
  return out;
}

// --- NaN results -------------------------------------------------------------------------

std::uint64_t default_nan(const Format& f, const Env& env) {
  if (env.nan == NanPolicy::canonical) return all_but_sign(f);
  if (f.nan == NanEncoding::all_ones) return sign_bit(f, true) | all_but_sign(f);
  return infinity_bits(f, true) | (std::uint64_t{1} << (f.fraction_bits - 1));
}

std::uint64_t propagated_nan(const Format& f, const Env& env, const Value& nan) {
  if (env.nan == NanPolicy::canonical) return all_but_sign(f);
  if (f.nan == NanEncoding::all_ones) return sign_bit(f, nan.sign) | all_but_sign(f);
  const int t = f.fraction_bits;
  const std::uint64_t aligned =
      t >= nan.payload_bits ? nan.payload << (t - nan.payload_bits) : nan.payload >> (nan.payload_bits - t);
  return infinity_bits(f, nan.sign) | aligned | (std::uint64_t{1} << (t - 1));
}

// --- operations --------------------------------------------------------------------------

Result add(const Format& f, std::uint64_t a, std::uint64_t b, const Env& env, std::uint32_t random) {
  std::uint8_t ev = 0;
  const Value va = read(f, env, a, ev, event::flushed_input_a);
  const Value vb = read(f, env, b, ev, event::flushed_input_b);
  return add_values(f, env, va, vb, false, ev, random);
}

Result sub(const Format& f, std::uint64_t a, std::uint64_t b, const Env& env, std::uint32_t random) {
  std::uint8_t ev = 0;
  const Value va = read(f, env, a, ev, event::flushed_input_a);
  const Value vb = read(f, env, b, ev, event::flushed_input_b);
  return add_values(f, env, va, vb, true, ev, random);
}

Result mul(const Format& f, std::uint64_t a, std::uint64_t b, const Env& env, std::uint32_t random) {
  std::uint8_t ev = 0;
  const Value va = read(f, env, a, ev, event::flushed_input_a);
  const Value vb = read(f, env, b, ev, event::flushed_input_b);
  Result r;
  if (nan_operands(f, env, {&va, &vb}, r)) return with_events(r, ev);
  const bool sign = va.sign != vb.sign;
  const bool inf = va.kind == Kind::infinity || vb.kind == Kind::infinity;
  const bool zero = va.kind == Kind::zero || vb.kind == Kind::zero;
  if (inf && zero) return invalid(f, env, ev);
  if (inf) return with_events(infinite_result(f, env, sign, false), ev);
  if (zero) return {zero_bits(f, sign), 0, ev};
  return with_events(round_dyadic(f, env, times(dyadic(va), dyadic(vb)), random), ev);
}

Result div(const Format& f, std::uint64_t a, std::uint64_t b, const Env& env, std::uint32_t random) {
  std::uint8_t ev = 0;
  const Value va = read(f, env, a, ev, event::flushed_input_a);
  const Value vb = read(f, env, b, ev, event::flushed_input_b);
  Result r;
  if (nan_operands(f, env, {&va, &vb}, r)) return with_events(r, ev);
  const bool sign = va.sign != vb.sign;
  if (va.kind == Kind::infinity && vb.kind == Kind::infinity) return invalid(f, env, ev);
  if (va.kind == Kind::zero && vb.kind == Kind::zero) return invalid(f, env, ev);
  if (va.kind == Kind::infinity) return with_events(infinite_result(f, env, sign, false), ev);
  if (vb.kind == Kind::zero) return with_events(infinite_result(f, env, sign, true), ev);
  if (vb.kind == Kind::infinity || va.kind == Kind::zero) return {zero_bits(f, sign), 0, ev};
  Magnitude m;
  m.num = va.sig;
  m.den = vb.sig;
  m.exp = va.exp - vb.exp;
  return with_events(round(f, env, sign, m, random), ev);
}

Result sqrt(const Format& f, std::uint64_t a, const Env& env, std::uint32_t random) {
  std::uint8_t ev = 0;
  const Value va = read(f, env, a, ev, event::flushed_input_a);
  Result r;
  if (nan_operands(f, env, {&va}, r)) return with_events(r, ev);
  if (va.kind == Kind::zero) return {zero_bits(f, va.sign), 0, ev};  // sqrt(-0) = -0
  if (va.sign) return invalid(f, env, ev);
  if (va.kind == Kind::infinity) return with_events(infinite_result(f, env, false, false), ev);
  Magnitude m;
  m.shape = Magnitude::Shape::square_root;
  m.num = va.sig;
  m.exp = va.exp;
  return with_events(round(f, env, false, m, random), ev);
}

Result fma(const Format& f, std::uint64_t a, std::uint64_t b, std::uint64_t c, const Env& env, std::uint32_t random) {
  std::uint8_t ev = 0;
  const Value va = read(f, env, a, ev, event::flushed_input_a);
  const Value vb = read(f, env, b, ev, event::flushed_input_b);
  const Value vc = read(f, env, c, ev, event::flushed_input_c);
  const bool zero_times_inf =
      (va.kind == Kind::zero && vb.kind == Kind::infinity) || (va.kind == Kind::infinity && vb.kind == Kind::zero);
  if (zero_times_inf) return invalid(f, env, ev);  // even when c is a (quiet) NaN
  Result r;
  if (nan_operands(f, env, {&va, &vb, &vc}, r)) return with_events(r, ev);
  const bool ps = va.sign != vb.sign;
  const bool product_inf = va.kind == Kind::infinity || vb.kind == Kind::infinity;
  if (product_inf && vc.kind == Kind::infinity && ps != vc.sign) return invalid(f, env, ev);
  if (product_inf) return with_events(infinite_result(f, env, ps, false), ev);
  if (vc.kind == Kind::infinity) return with_events(infinite_result(f, env, vc.sign, false), ev);
  const Dyadic product = times(dyadic(va), dyadic(vb));
  if (product.mag == 0 && vc.kind == Kind::zero) return {zero_bits(f, ps == vc.sign ? ps : downward_zero(env)), 0, ev};
  Dyadic p = product;
  p.neg = ps;
  const Dyadic sum = plus(p, dyadic(vc));
  if (sum.mag == 0) return {zero_bits(f, downward_zero(env)), 0, ev};
  return with_events(round_dyadic(f, env, sum, random), ev);
}

Result convert(const Format& to, const Format& from, std::uint64_t bits, const Env& env, std::uint32_t random) {
  std::uint8_t ev = 0;
  const Value v = read(from, env, bits, ev, event::flushed_input_a);
  Result r;
  if (nan_operands(to, env, {&v}, r)) return with_events(r, ev);
  if (v.kind == Kind::infinity) return with_events(infinite_result(to, env, v.sign, false), ev);
  if (v.kind == Kind::zero) return {zero_bits(to, v.sign), 0, ev};
  return with_events(round_dyadic(to, env, dyadic(v), random), ev);
}

Result from_int(const Format& f, std::int64_t x, const Env& env, std::uint32_t random) {
  if (x == 0) return {0, 0, 0};
  const cpp_int value = x;
  return round_dyadic(f, env, {x < 0, boost::multiprecision::abs(value), 0}, random);
}

IntOutcome to_int(const Format& f, std::uint64_t bits, int width, const Env& env, bool exact, std::uint32_t random) {
  std::uint8_t ev = 0;
  const Value v = read(f, env, bits, ev, event::flushed_input_a);
  const std::int64_t indefinite = width == 32 ? std::int64_t{INT32_MIN} : std::int64_t{INT64_MIN};
  if (v.kind == Kind::infinity || is_nan(v)) return {indefinite, flag::invalid, ev};
  if (v.kind == Kind::zero) return {0, 0, ev};
  Magnitude m;
  m.num = v.sig;
  m.exp = v.exp;
  const Rounded r = round_to_quantum(m, 0, v.sign, env, random);
  const cpp_int value = v.sign ? cpp_int(-r.n) : r.n;
  if (value < -pow2(width - 1) || value > pow2(width - 1) - 1) return {indefinite, flag::invalid, ev};
  return {static_cast<std::int64_t>(value), exact && r.inexact ? flag::inexact : std::uint8_t{0}, ev};
}

CompareOutcome compare(const Format& f, std::uint64_t a, std::uint64_t b, bool signaling, const Env& env) {
  CompareOutcome r;
  const Value va = read(f, env, a, r.events, event::flushed_input_a);
  const Value vb = read(f, env, b, r.events, event::flushed_input_b);
  if (is_nan(va) || is_nan(vb)) {
    if (signaling || va.kind == Kind::signaling_nan || vb.kind == Kind::signaling_nan) r.flags = flag::invalid;
    r.order = Order::unordered;
    return r;
  }
  const int c = compare_values(va, vb);
  r.order = c < 0 ? Order::less : c > 0 ? Order::greater : Order::equal;
  return r;
}

Result minimum(const Format& f, std::uint64_t a, std::uint64_t b, const Env& env) {
  return select(f, a, b, true, false, env);
}
Result maximum(const Format& f, std::uint64_t a, std::uint64_t b, const Env& env) {
  return select(f, a, b, false, false, env);
}
Result minimum_number(const Format& f, std::uint64_t a, std::uint64_t b, const Env& env) {
  return select(f, a, b, true, true, env);
}
Result maximum_number(const Format& f, std::uint64_t a, std::uint64_t b, const Env& env) {
  return select(f, a, b, false, true, env);
}

std::uint64_t neg(const Format& f, std::uint64_t a) {
  Fields x = fields_of(f, a);
  x.sign = !x.sign;
  return bits_of(f, x);
}
std::uint64_t abs(const Format& f, std::uint64_t a) {
  Fields x = fields_of(f, a);
  x.sign = false;
  return bits_of(f, x);
}
std::uint64_t copysign(const Format& f, std::uint64_t magnitude, std::uint64_t sign) {
  Fields x = fields_of(f, magnitude);
  x.sign = fields_of(f, sign).sign;
  return bits_of(f, x);
}

Class classify(const Format& f, std::uint64_t a) {
  const Value v = decode(f, a);
  switch (v.kind) {
    case Kind::signaling_nan:
      return Class::signaling_nan;
    case Kind::quiet_nan:
      return Class::quiet_nan;
    case Kind::infinity:
      return v.sign ? Class::negative_infinity : Class::positive_infinity;
    case Kind::zero:
      return v.sign ? Class::negative_zero : Class::positive_zero;
    case Kind::finite:
      break;
  }
  if (v.subnormal) return v.sign ? Class::negative_subnormal : Class::positive_subnormal;
  return v.sign ? Class::negative_normal : Class::positive_normal;
}

// --- diagnostics -------------------------------------------------------------------------

std::string hex(std::uint64_t bits, int storage_bits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%0*llX", (storage_bits + 3) / 4, static_cast<unsigned long long>(bits));
  return buf;
}

std::string describe(const Format& f, std::uint64_t bits) {
  const Value v = decode(f, bits);
  std::string s = hex(bits, f.storage_bits()) + " (";
  const char* sign = v.sign ? "-" : "+";
  switch (v.kind) {
    case Kind::zero:
      s += std::string(sign) + "0";
      break;
    case Kind::infinity:
      s += std::string(sign) + "inf";
      break;
    case Kind::quiet_nan:
    case Kind::signaling_nan:
      s += std::string(sign) + (v.kind == Kind::quiet_nan ? "qNaN" : "sNaN") + " payload " +
           hex(v.payload, v.payload_bits);
      break;
    case Kind::finite: {
      char buf[64];
      const double approx = std::ldexp(static_cast<double>(v.sig), v.exp);
      std::snprintf(buf, sizeof buf, "%s%s*2^%d ~ %s%.17g", sign, v.sig.str().c_str(), v.exp, sign, approx);
      s += buf;
      if (v.subnormal) s += ", subnormal";
      break;
    }
  }
  return s + ")";
}

std::string describe(const Env& env, std::uint32_t random) {
  static constexpr const char* modes[] = {"nearest_even", "toward_zero", "upward",    "downward",
                                          "nearest_away", "to_odd",      "stochastic"};
  static constexpr const char* overflows[] = {"format_default", "infinity", "saturate"};
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "rounding=%s tininess=%s ftz=%d daz=%d nan=%s overflow=%s stochastic_bits=%d random=0x%08X",
                modes[static_cast<int>(env.rounding)], env.tininess == Tininess::after_rounding ? "after" : "before",
                env.flush_to_zero, env.denormals_are_zero, env.nan == NanPolicy::propagate ? "propagate" : "canonical",
                overflows[static_cast<int>(env.overflow)], env.stochastic_bits, random);
  return buf;
}

std::string describe(const Format& f, const Result& r) {
  char buf[64];
  std::snprintf(buf, sizeof buf, " flags 0x%02X events 0x%02X", r.flags, r.events);
  return describe(f, r.bits) + buf;
}

}  // namespace mpsim::oracle
