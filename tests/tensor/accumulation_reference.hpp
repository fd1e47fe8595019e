// SPDX-License-Identifier: MIT
// An independent reference for every accumulation model: operands decoded into exact
// Boost.Multiprecision integers (tests/support/oracle), every step's exact value computed here
// and rounded by the oracle's own rounding. Shares no code with src/mpsim/ops or round/.
#pragma once

#include <cstdint>
#include <vector>

#include "mpsim/format/format.hpp"
#include "mpsim/round/status.hpp"
#include "mpsim/tensor/accumulation_model.hpp"

namespace mpsim::reference {

// c + sum_k a[k] * b[k] under model m, with the same contract as mpsim::dot (DAZ/FTZ not
// modelled: the tests use environments without them).
Result dot(const AccumulationModel& m, const Format& in, const std::vector<std::uint64_t>& a,
           const std::vector<std::uint64_t>& b, std::uint64_t c);

}  // namespace mpsim::reference
