// SPDX-License-Identifier: MIT
// The named accumulation presets and the check that a model can be evaluated.
#include "mpsim/tensor/accumulation_model.hpp"

#include <stdexcept>

#include "mpsim/format/named_formats.hpp"

namespace mpsim {
namespace {

AccumulationModel sequential_model(std::string name, const Format& acc) {
  AccumulationModel m;
  m.name = std::move(name);
  m.accumulator = &acc;
  m.env = ieee_env;
  return m;
}

std::string joined_names() {
  std::string s;
  for (const std::string& n : accumulation_preset_names()) s += (s.empty() ? "" : ", ") + n;
  return s;
}

}  // namespace

std::vector<std::string> accumulation_preset_names() {
  return {"fp32-sequential", "fp16-accumulate", "chunked", "kahan", "sm90", "sm90-fp16"};
}

AccumulationModel accumulation_preset(std::string_view name) {
  if (name == "fp32-sequential") return sequential_model("fp32-sequential", binary32);
  if (name == "fp16-accumulate") return sequential_model("fp16-accumulate", binary16);
  if (name == "chunked") {
    AccumulationModel m = sequential_model("chunked", binary16);
    m.order = SumOrder::chunked;
    m.block = 64;  // Wang et al. 2018: chunk length CL = 64
    return m;
  }
  if (name == "kahan") {
    AccumulationModel m = sequential_model("kahan", binary16);
    m.kahan = true;
    return m;
  }
  if (name == "sm90" || name == "sm90-fp16") {
    const bool fp16 = name == "sm90-fp16";
    AccumulationModel m;
    m.name = std::string(name);
    m.accumulator = fp16 ? &binary16 : &binary32;
    m.env = nvidia_env;
    m.tensor_core = TensorCoreBlock{.terms = 16,
                                    .fraction_bits = 25,
                                    .exponent_floor = fp16 ? -21 : -133,
                                    .rounding = fp16 ? Rounding::nearest_even : Rounding::toward_zero};
    return m;
  }
  throw std::invalid_argument("unknown accumulation model '" + std::string(name) + "'; accepted: " + joined_names());
}

std::string validate(const AccumulationModel& m) {
  if (!m.accumulator) return "the model has no accumulator format";
  if (m.env.rounding == Rounding::stochastic) return "stochastic rounding is not part of the accumulation models";
  if (m.tensor_core) {
    const TensorCoreBlock& tc = *m.tensor_core;
    if (m.product || m.kahan || m.order != SumOrder::sequential || !m.fused) {
      return "a tensor-core model has exact products, no Kahan compensation and the sequential chain of block steps";
    }
    if (tc.terms < 1 || tc.terms > (1 << 16)) return "TensorCoreBlock::terms must lie in 1..65536";
    if (tc.fraction_bits < 1 || tc.fraction_bits > 100) return "TensorCoreBlock::fraction_bits must lie in 1..100";
    if (tc.rounding == Rounding::stochastic) return "stochastic rounding is not part of the accumulation models";
    return {};
  }
  if (m.kahan && m.order != SumOrder::sequential) return "Kahan compensation is defined for the sequential order only";
  if ((m.order == SumOrder::blocked || m.order == SumOrder::chunked) && m.block < 1) {
    return "blocked and chunked orders need block >= 1";
  }
  return {};
}

}  // namespace mpsim
