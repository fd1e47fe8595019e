// SPDX-License-Identifier: MIT
// The plain, slow specification of every accumulation model (dot.hpp).
#include "mpsim/tensor/dot.hpp"

#include <stdexcept>
#include <string>

#include "mpsim/ops/ops.hpp"
#include "mpsim/tensor/tensor_core_block.hpp"

namespace mpsim {
namespace {

// Evaluates one model on one (in, a, b); every rounding ORs its flags and events into `status`.
class Chain {
 public:
  Chain(const AccumulationModel& m, const Format& in, std::span<const std::uint64_t> a,
        std::span<const std::uint64_t> b)
      : m_(m), in_(in), acc_(*m.accumulator), a_(a), b_(b) {}

  std::uint8_t flags = 0, events = 0;

  std::uint64_t keep(const Result& r) {
    flags |= r.flags;
    events |= r.events;
    return r.bits;
  }

  // acc + t_k rounded once to the accumulator.
  std::uint64_t step(std::uint64_t acc, std::size_t k) {
    std::uint8_t ev = 0;
    if (exact_term()) {
      const Unpacked ua = detail::read_operand(in_, m_.env, a_[k], ev, event::flushed_input_a);
      const Unpacked ub = detail::read_operand(in_, m_.env, b_[k], ev, event::flushed_input_b);
      const Unpacked uc = detail::read_operand(acc_, m_.env, acc, ev, event::flushed_input_c);
      return keep(detail::fma_unpacked(acc_, m_.env, ua, ub, uc, ev, 0));
    }
    const std::uint64_t t = term(k);
    const Unpacked uacc = detail::read_operand(acc_, m_.env, acc, ev, event::flushed_input_a);
    const Unpacked ut = detail::read_operand(term_format(), m_.env, t, ev, event::flushed_input_b);
    return keep(detail::add_unpacked(acc_, m_.env, uacc, ut, false, ev, 0));
  }

  // x + y, both in the accumulator format.
  std::uint64_t add_acc(std::uint64_t x, std::uint64_t y) { return keep(add(acc_, x, y, m_.env)); }
  std::uint64_t sub_acc(std::uint64_t x, std::uint64_t y) { return keep(sub(acc_, x, y, m_.env)); }

  // acc = start, then acc + t_k for k in [lo, hi).
  std::uint64_t sequential(std::uint64_t start, std::size_t lo, std::size_t hi) {
    for (std::size_t k = lo; k < hi; ++k) start = step(start, k);
    return start;
  }

  std::uint64_t pairwise(std::size_t lo, std::size_t n, std::size_t leaf) {
    if (n <= leaf) return sequential(zero(), lo, lo + n);
    const std::size_t left = n / 2;
    return add_acc(pairwise(lo, left, leaf), pairwise(lo + left, n - left, leaf));
  }

  // Classic Kahan (1965) summation in the accumulator format, c as the first partial sum:
  //   sum = c, comp = +0;  for each k:  y = t_k - comp;  s = sum + y;  comp = (s - sum) - y;  sum = s
  // For an exact product, y = fma(a[k], b[k], -comp) (one rounding). The final comp is dropped.
  std::uint64_t kahan(std::uint64_t c) {
    std::uint64_t sum = c, comp = zero();
    for (std::size_t k = 0; k < a_.size(); ++k) {
      const std::uint64_t minus_comp = comp ^ acc_.sign_mask();
      std::uint64_t y;
      std::uint8_t ev = 0;
      if (exact_term()) {
        const Unpacked ua = detail::read_operand(in_, m_.env, a_[k], ev, event::flushed_input_a);
        const Unpacked ub = detail::read_operand(in_, m_.env, b_[k], ev, event::flushed_input_b);
        const Unpacked uc = detail::read_operand(acc_, m_.env, minus_comp, ev, event::flushed_input_c);
        y = keep(detail::fma_unpacked(acc_, m_.env, ua, ub, uc, ev, 0));
      } else {
        const Unpacked ut = detail::read_operand(term_format(), m_.env, term(k), ev, event::flushed_input_a);
        const Unpacked uc = detail::read_operand(acc_, m_.env, comp, ev, event::flushed_input_b);
        y = keep(detail::add_unpacked(acc_, m_.env, ut, uc, true, ev, 0));
      }
      const std::uint64_t s = add_acc(sum, y);
      comp = sub_acc(sub_acc(s, sum), y);
      sum = s;
    }
    return sum;
  }

  std::uint64_t tensor_core(std::uint64_t c) {
    const TensorCoreBlock& tc = *m_.tensor_core;
    const auto terms = static_cast<std::size_t>(tc.terms);
    for (std::size_t lo = 0; lo < a_.size(); lo += terms) {
      const std::size_t n = std::min(terms, a_.size() - lo);
      c = keep(tensor_core_step(tc, in_, acc_, m_.env, a_.data() + lo, b_.data() + lo, static_cast<int>(n), c));
    }
    return c;
  }

  std::uint64_t zero() const { return 0; }  // +0 in every format

 private:
  bool exact_term() const { return !m_.product && m_.fused; }
  const Format& term_format() const { return m_.fused ? *m_.product : acc_; }

  // t_k as bits of term_format(): rounded to the product format, then (not fused) to the accumulator.
  std::uint64_t term(std::size_t k) {
    std::uint8_t ev = 0;
    const Unpacked ua = detail::read_operand(in_, m_.env, a_[k], ev, event::flushed_input_a);
    const Unpacked ub = detail::read_operand(in_, m_.env, b_[k], ev, event::flushed_input_b);
    const Format& first = m_.product ? *m_.product : acc_;
    const std::uint64_t p = keep(detail::mul_unpacked(first, m_.env, ua, ub, ev, 0));
    if (m_.fused || first == acc_) return p;
    return keep(convert(acc_, first, p, m_.env));
  }

  const AccumulationModel& m_;
  const Format& in_;
  const Format& acc_;
  std::span<const std::uint64_t> a_, b_;
};

}  // namespace

Result dot(const AccumulationModel& m, const Format& in, std::span<const std::uint64_t> a,
           std::span<const std::uint64_t> b, std::uint64_t c) {
  if (const std::string problem = validate(m); !problem.empty()) {
    throw std::invalid_argument("dot: model '" + m.name + "': " + problem);
  }
  if (a.size() != b.size()) {
    throw std::invalid_argument("dot: a has " + std::to_string(a.size()) + " elements, b has " +
                                std::to_string(b.size()));
  }
  if (a.empty()) return {c, 0, 0};
  Chain chain(m, in, a, b);
  std::uint64_t r = 0;
  const std::size_t k = a.size();
  const auto block = static_cast<std::size_t>(m.block < 1 ? 1 : m.block);
  if (m.tensor_core) {
    r = chain.tensor_core(c);
  } else if (m.kahan) {
    r = chain.kahan(c);
  } else {
    switch (m.order) {
      case SumOrder::sequential: r = chain.sequential(c, 0, k); break;
      case SumOrder::pairwise: r = chain.add_acc(c, chain.pairwise(0, k, block)); break;
      case SumOrder::blocked:
        r = c;
        for (std::size_t lo = 0; lo < k; lo += block) {
          r = chain.add_acc(r, chain.sequential(chain.zero(), lo, std::min(k, lo + block)));
        }
        break;
      case SumOrder::chunked: {
        std::uint64_t chunks = chain.zero();
        for (std::size_t lo = 0; lo < k; lo += block) {
          chunks = chain.add_acc(chunks, chain.sequential(chain.zero(), lo, std::min(k, lo + block)));
        }
        r = chain.add_acc(c, chunks);
        break;
      }
    }
  }
  return {r, chain.flags, chain.events};
}

}  // namespace mpsim
