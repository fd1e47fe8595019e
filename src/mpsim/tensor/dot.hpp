// SPDX-License-Identifier: MIT
// dot: one output element c + sum_k a[k]*b[k] under an AccumulationModel. This is the
// specification every fast matmul/reduction kernel must match bit for bit (result, flags,
// events); it is written plainly with the core ops and is not meant to be fast.
#pragma once

#include <cstdint>
#include <span>

#include "mpsim/format/format.hpp"
#include "mpsim/round/status.hpp"
#include "mpsim/tensor/accumulation_model.hpp"

namespace mpsim {

// a and b hold bit patterns of format `in` (same length k), c and the result bit patterns of
// m.accumulator. Result.flags / Result.events are the OR over every rounding of the chain.
// k == 0 returns c unchanged with no flags. Throws std::invalid_argument when a and b differ
// in length or validate(m) is not empty.
//
// Terms: t_k = a[k]*b[k] exact; rounded to *m.product when set; when !m.fused, rounded (again)
// to the accumulator. A step "acc + t" rounds once: fma(a[k], b[k], acc) for an exact product,
// else add(acc, t) (operands in this order: NaN payloads come from a, b, then acc under
// NanPolicy::propagate). Orders: see SumOrder; Kahan and the tensor core in docs/accumulation.md.
Result dot(const AccumulationModel& m, const Format& in, std::span<const std::uint64_t> a,
           std::span<const std::uint64_t> b, std::uint64_t c);

}  // namespace mpsim
