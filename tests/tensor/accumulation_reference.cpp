// SPDX-License-Identifier: MIT
// The reference of accumulation_reference.hpp. Values are oracle::Value (finite: sig * 2^exp
// exactly); each model step computes its exact result as a signed dyadic number here and
// rounds it with oracle::round.
#include "accumulation_reference.hpp"

#include <algorithm>
#include <stdexcept>

#include "oracle.hpp"

namespace mpsim::reference {
namespace {

using oracle::cpp_int;
using oracle::Value;
using VKind = oracle::Kind;

// (-1)^neg * mag * 2^exp
struct Dyadic {
  bool neg = false;
  cpp_int mag = 0;
  int exp = 0;
};

Dyadic dyadic(const Value& v) { return v.kind == VKind::zero ? Dyadic{v.sign, 0, 0} : Dyadic{v.sign, v.sig, v.exp}; }

Dyadic plus(const Dyadic& a, const Dyadic& b) {
  if (a.mag == 0) return b;
  if (b.mag == 0) return a;
  const int m = std::min(a.exp, b.exp);
  const cpp_int x = a.mag << (a.exp - m), y = b.mag << (b.exp - m);
  if (a.neg == b.neg) return {a.neg, x + y, m};
  if (x >= y) return {a.neg, x - y, m};
  return {b.neg, y - x, m};
}

std::uint64_t sign_bit(const Format& f, bool s) { return s ? std::uint64_t{1} << (f.storage_bits() - 1) : 0; }
std::uint64_t inf_bits(const Format& f, bool s) {
  return sign_bit(f, s) | (((std::uint64_t{1} << f.exponent_bits) - 1) << f.fraction_bits);
}

// A step's outcome accumulated into a running status.
struct Status {
  std::uint8_t flags = 0, events = 0;
  std::uint64_t keep(const Result& r) {
    flags |= r.flags;
    events |= r.events;
    return r.bits;
  }
};

Result round_dyadic(const Format& f, const Env& env, const Dyadic& d) {
  oracle::Magnitude m;
  m.num = d.mag;
  m.exp = d.exp;
  return oracle::round(f, env, d.neg, m, 0);
}

// NaN operands, x86 order: the first NaN, quieted; invalid when any is signaling.
bool nan_result(const Format& out, const Env& env, std::initializer_list<const Value*> vs, Result& r) {
  const Value* first = nullptr;
  for (const Value* v : vs) {
    if (v->kind == VKind::signaling_nan) r.flags |= flag::invalid;
    if (oracle::is_nan(*v) && !first) first = v;
  }
  if (!first) return false;
  r.bits = oracle::propagated_nan(out, env, *first);
  return true;
}

Result invalid(const Format& out, const Env& env) {
  return {oracle::default_nan(out, env), flag::invalid, event::nan_created};
}

bool zero_sign_of_cancellation(const Env& env) { return env.rounding == Rounding::downward; }

// x + y rounded once to `out` (x, y of any formats).
Result add(const Format& out, const Env& env, const Value& x, const Value& y) {
  Result r;
  if (nan_result(out, env, {&x, &y}, r)) return r;
  if (x.kind == VKind::infinity || y.kind == VKind::infinity) {
    if (x.kind == y.kind && x.sign != y.sign) return invalid(out, env);
    return {inf_bits(out, x.kind == VKind::infinity ? x.sign : y.sign), 0, 0};
  }
  if (x.kind == VKind::zero && y.kind == VKind::zero) {
    return {sign_bit(out, x.sign == y.sign ? x.sign : zero_sign_of_cancellation(env)), 0, 0};
  }
  const Dyadic s = plus(dyadic(x), dyadic(y));
  if (s.mag == 0) return {sign_bit(out, zero_sign_of_cancellation(env)), 0, 0};
  return round_dyadic(out, env, s);
}

Value negated(Value v) {
  v.sign = !v.sign;
  return v;
}

// x - y: IEEE subtraction negates y's value, but a NaN y propagates with its own sign.
Result subtract(const Format& out, const Env& env, const Value& x, const Value& y) {
  return add(out, env, x, oracle::is_nan(y) ? y : negated(y));
}

// a * b rounded once to `out`.
Result mul(const Format& out, const Env& env, const Value& a, const Value& b) {
  Result r;
  if (nan_result(out, env, {&a, &b}, r)) return r;
  const bool s = a.sign != b.sign;
  if (a.kind == VKind::infinity || b.kind == VKind::infinity) {
    if (a.kind == VKind::zero || b.kind == VKind::zero) return invalid(out, env);
    return {inf_bits(out, s), 0, 0};
  }
  if (a.kind == VKind::zero || b.kind == VKind::zero) return {sign_bit(out, s), 0, 0};
  return round_dyadic(out, env, {s, a.sig * b.sig, a.exp + b.exp});
}

// a * b + c rounded once to `out`; 0 * inf is invalid even with a NaN c (the core's contract).
Result fma(const Format& out, const Env& env, const Value& a, const Value& b, const Value& c) {
  Result r;
  const bool zero_times_inf = (a.kind == VKind::zero && b.kind == VKind::infinity) ||
                              (a.kind == VKind::infinity && b.kind == VKind::zero);
  if (zero_times_inf && !oracle::is_nan(a) && !oracle::is_nan(b)) return invalid(out, env);
  if (nan_result(out, env, {&a, &b, &c}, r)) return r;
  const bool ps = a.sign != b.sign;
  const bool pinf = a.kind == VKind::infinity || b.kind == VKind::infinity;
  if (pinf || c.kind == VKind::infinity) {
    if (pinf && c.kind == VKind::infinity && ps != c.sign) return invalid(out, env);
    return {inf_bits(out, pinf ? ps : c.sign), 0, 0};
  }
  const bool pzero = a.kind == VKind::zero || b.kind == VKind::zero;
  const Dyadic p = pzero ? Dyadic{ps, 0, 0} : Dyadic{ps, a.sig * b.sig, a.exp + b.exp};
  if (pzero && c.kind == VKind::zero) return {sign_bit(out, ps == c.sign ? ps : zero_sign_of_cancellation(env)), 0, 0};
  const Dyadic s = plus(p, dyadic(c));
  if (s.mag == 0) return {sign_bit(out, zero_sign_of_cancellation(env)), 0, 0};
  return round_dyadic(out, env, s);
}

// x rounded once to `out`.
Result convert(const Format& out, const Env& env, const Value& x) {
  Result r;
  if (nan_result(out, env, {&x}, r)) return r;
  if (x.kind == VKind::infinity) return {inf_bits(out, x.sign), 0, 0};
  if (x.kind == VKind::zero) return {sign_bit(out, x.sign), 0, 0};
  return round_dyadic(out, env, dyadic(x));
}

class Model {
 public:
  Model(const AccumulationModel& m, const Format& in, const std::vector<std::uint64_t>& a,
        const std::vector<std::uint64_t>& b)
      : m_(m), in_(in), acc_(*m.accumulator), a_(a), b_(b) {}
  Status status;

  Value acc_value(std::uint64_t bits) const { return oracle::decode(acc_, bits); }

  std::uint64_t step(std::uint64_t acc, std::size_t k) {
    if (!m_.product && m_.fused) return status.keep(fma(acc_, m_.env, a(k), b(k), acc_value(acc)));
    const auto [t, f] = term(k);
    return status.keep(add(acc_, m_.env, acc_value(acc), oracle::decode(*f, t)));
  }
  std::uint64_t sum(std::uint64_t x, std::uint64_t y) {
    return status.keep(add(acc_, m_.env, acc_value(x), acc_value(y)));
  }
  std::uint64_t difference(std::uint64_t x, std::uint64_t y) {
    return status.keep(subtract(acc_, m_.env, acc_value(x), acc_value(y)));
  }
  std::uint64_t run(std::uint64_t s, std::size_t lo, std::size_t hi) {
    for (std::size_t k = lo; k < hi; ++k) s = step(s, k);
    return s;
  }
  std::uint64_t tree(std::size_t lo, std::size_t n, std::size_t leaf) {
    if (n <= leaf) return run(0, lo, lo + n);
    return sum(tree(lo, n / 2, leaf), tree(lo + n / 2, n - n / 2, leaf));
  }
  std::uint64_t kahan(std::uint64_t c) {
    std::uint64_t s = c, comp = 0;
    for (std::size_t k = 0; k < a_.size(); ++k) {
      std::uint64_t y;
      if (!m_.product && m_.fused) {
        y = status.keep(fma(acc_, m_.env, a(k), b(k), negated(acc_value(comp))));
      } else {
        const auto [t, f] = term(k);
        y = status.keep(subtract(acc_, m_.env, oracle::decode(*f, t), acc_value(comp)));
      }
      const std::uint64_t next = sum(s, y);
      comp = difference(difference(next, s), y);
      s = next;
    }
    return s;
  }

 private:
  Value a(std::size_t k) const { return oracle::decode(in_, a_[k]); }
  Value b(std::size_t k) const { return oracle::decode(in_, b_[k]); }
  std::pair<std::uint64_t, const Format*> term(std::size_t k) {
    const Format* f = m_.product ? m_.product : &acc_;
    std::uint64_t p = status.keep(mul(*f, m_.env, a(k), b(k)));
    if (!m_.fused && !(*f == acc_)) {
      p = status.keep(convert(acc_, m_.env, oracle::decode(*f, p)));
      f = &acc_;
    }
    return {p, f};
  }

  const AccumulationModel& m_;
  const Format& in_;
  const Format& acc_;
  const std::vector<std::uint64_t>& a_;
  const std::vector<std::uint64_t>& b_;
};

// --- tensor core ----------------------------------------------------------------------

// The stored significand and the alignment exponent (emin for subnormals) from the fields.
struct Stored {
  cpp_int sig;
  int exp;
};
Stored stored(const Format& f, std::uint64_t bits) {
  const oracle::Fields x = oracle::fields_of(f, bits);
  if (x.exponent == 0) return {cpp_int(x.fraction), 1 - f.bias};
  return {(cpp_int(1) << f.fraction_bits) + x.fraction, static_cast<int>(x.exponent) - f.bias};
}

Result tensor_core_block(const TensorCoreBlock& tc, const Format& in, const Format& acc, const Env& env,
                         const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b, std::size_t lo,
                         std::size_t hi, std::uint64_t c) {
  struct Term {
    bool neg;
    int exp;        // alignment exponent
    cpp_int sig;    // value = sig * 2^lsb
    int lsb;
  };
  std::vector<Term> terms;
  bool nan = false, inv = false, pinf = false, ninf = false;
  const Value vc = oracle::decode(acc, c);
  if (oracle::is_nan(vc)) nan = true, inv = inv || vc.kind == VKind::signaling_nan;
  if (vc.kind == VKind::infinity) (vc.sign ? ninf : pinf) = true;
  if (vc.kind == VKind::finite) {
    const Stored s = stored(acc, c);
    terms.push_back({vc.sign, s.exp, s.sig, s.exp - acc.fraction_bits});
  }
  for (std::size_t k = lo; k < hi; ++k) {
    const Value va = oracle::decode(in, a[k]), vb = oracle::decode(in, b[k]);
    if (oracle::is_nan(va) || oracle::is_nan(vb)) {
      nan = true;
      inv = inv || va.kind == VKind::signaling_nan || vb.kind == VKind::signaling_nan;
      continue;
    }
    const bool i = va.kind == VKind::infinity || vb.kind == VKind::infinity;
    const bool z = va.kind == VKind::zero || vb.kind == VKind::zero;
    if (i && z) inv = true;
    else if (i) (va.sign != vb.sign ? ninf : pinf) = true;
    else if (!z) {
      const Stored x = stored(in, a[k]), y = stored(in, b[k]);
      terms.push_back({va.sign != vb.sign, x.exp + y.exp, x.sig * y.sig, x.exp + y.exp - 2 * in.fraction_bits});
    }
  }
  if (pinf && ninf) inv = true;
  if (nan || inv) return {oracle::default_nan(acc, env), inv ? flag::invalid : std::uint8_t{0},
                          nan ? std::uint8_t{0} : event::nan_created};
  if (pinf || ninf) return {inf_bits(acc, ninf), 0, 0};

  int E = tc.exponent_floor;
  for (const Term& t : terms) E = std::max(E, t.exp);
  const int unit = E - tc.fraction_bits;
  cpp_int total = 0;
  bool dropped = false;
  for (const Term& t : terms) {
    // floor(sig * 2^(lsb - unit)) on the magnitude: truncation toward zero.
    cpp_int n;
    if (t.lsb >= unit) {
      n = t.sig << (t.lsb - unit);
    } else {
      n = t.sig >> (unit - t.lsb);
      dropped = dropped || (n << (unit - t.lsb)) != t.sig;
    }
    total += t.neg ? cpp_int(-n) : n;
  }
  const std::uint8_t trunc = dropped ? flag::inexact : std::uint8_t{0};
  if (total == 0) return {0, trunc, 0};
  Env round_env = env;
  round_env.rounding = tc.rounding;
  const bool neg = total < 0;
  Result r = round_dyadic(acc, round_env, {neg, neg ? cpp_int(-total) : total, unit});
  if (r.events & event::overflowed) r.bits = inf_bits(acc, neg);
  if ((r.bits & ~sign_bit(acc, true)) == 0) r.bits = 0;
  r.flags |= trunc;
  return r;
}

}  // namespace

Result dot(const AccumulationModel& m, const Format& in, const std::vector<std::uint64_t>& a,
           const std::vector<std::uint64_t>& b, std::uint64_t c) {
  if (a.size() != b.size()) throw std::invalid_argument("reference::dot: lengths differ");
  if (a.empty()) return {c, 0, 0};
  const std::size_t k = a.size();
  if (m.tensor_core) {
    Status st;
    const auto n = static_cast<std::size_t>(m.tensor_core->terms);
    for (std::size_t lo = 0; lo < k; lo += n) {
      c = st.keep(tensor_core_block(*m.tensor_core, in, *m.accumulator, m.env, a, b, lo, std::min(k, lo + n), c));
    }
    return {c, st.flags, st.events};
  }
  Model model(m, in, a, b);
  const std::size_t block = static_cast<std::size_t>(std::max(1, m.block));
  std::uint64_t r = 0;
  if (m.kahan) {
    r = model.kahan(c);
  } else if (m.order == SumOrder::sequential) {
    r = model.run(c, 0, k);
  } else if (m.order == SumOrder::pairwise) {
    r = model.sum(c, model.tree(0, k, block));
  } else if (m.order == SumOrder::blocked) {
    r = c;
    for (std::size_t lo = 0; lo < k; lo += block) r = model.sum(r, model.run(0, lo, std::min(k, lo + block)));
  } else {
    std::uint64_t chunks = 0;
    for (std::size_t lo = 0; lo < k; lo += block) chunks = model.sum(chunks, model.run(0, lo, std::min(k, lo + block)));
    r = model.sum(c, chunks);
  }
  return {r, model.status.flags, model.status.events};
}

}  // namespace mpsim::reference
