// SPDX-License-Identifier: MIT
// The formats the suites sweep, each as the emulator's Format beside the reference's own
// description (reference/target.hpp), as constants so that sweeps compile for one format.
#pragma once

#include "mpsim/format/named_formats.hpp"
#include "reference/target.hpp"

namespace exhaustive {

struct PairFormat {
  const mpsim::Format& emu;
  const reference::Target& ref;
};

inline constexpr PairFormat fp16{mpsim::binary16, reference::ref_binary16};
inline constexpr PairFormat bf16{mpsim::bfloat16, reference::ref_bfloat16};
inline constexpr PairFormat e4m3{mpsim::fp8_e4m3, reference::ref_e4m3};
inline constexpr PairFormat e5m2{mpsim::fp8_e5m2, reference::ref_e5m2};
inline constexpr PairFormat tf32{mpsim::tf32, reference::ref_tf32};

}  // namespace exhaustive
