// SPDX-License-Identifier: MIT
// Run-time detection of the instruction sets (GCC/Clang __builtin_cpu_supports).
#include "mpsim/array/isa.hpp"

namespace mpsim {

namespace {
bool has_avx2() {
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("f16c") && __builtin_cpu_supports("fma");
}
bool has_avx512() {
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
}
}  // namespace

std::vector<Isa> available_isas() {
  std::vector<Isa> isas{Isa::portable};
  if (has_avx2()) isas.push_back(Isa::avx2);
  if (has_avx512()) isas.push_back(Isa::avx512);
  return isas;
}

Isa best_isa() { return available_isas().back(); }

std::string_view isa_name(Isa isa) {
  switch (isa) {
    case Isa::portable: return "portable";
    case Isa::avx2: return "avx2";
    case Isa::avx512: return "avx512";
  }
  return "unknown";
}

}  // namespace mpsim
