// SPDX-License-Identifier: MIT
// The instruction sets array rounding can run on, and which of them this CPU has.
#pragma once

#include <string_view>
#include <vector>

namespace mpsim {

enum class Isa {
  portable,  // a loop over the scalar core: the specification
  avx2,      // AVX2 + F16C + FMA, 8 lanes
  avx512,    // AVX-512 F/BW/VL/DQ, 16 lanes
};

// Every Isa this CPU can run, portable first.
std::vector<Isa> available_isas();
// The widest available Isa.
Isa best_isa();
std::string_view isa_name(Isa isa);  // "portable", "avx2", "avx512"

}  // namespace mpsim
