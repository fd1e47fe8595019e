// SPDX-License-Identifier: MIT
// `mpsim validate train_step [--batch N] [--seed S] [--products M] [--json FILE] [--export DIR] [--device-dlogits]`:
// one training step of the benchmark MLP under amp-fp16, emulated on the CPU and run by mpsim's
// CUDA kernels, every tensor compared bit for bit (train_step.hpp); --export writes the batch,
// the weights and the emulated tensors as raw files for scripts/validate_train_step_torch.py.
// Exit status as `mpsim validate`: 0 every element matched, 1 mismatches, 2 usage error, 3 no GPU
// (--export alone works without one: the export is written before the device is looked for).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

namespace mpsim::cli {

struct TrainStepValidateOptions {
  bool requested = false;   // the subcommand was given
  int batch = 64;
  std::uint64_t seed = 1;
  std::string products = "fp32-sequential";  // or "sm90": amp-fp16 with tensor-core products
  std::string json;         // the per-tensor report as JSON
  std::string export_dir;   // raw files of the step (manifest.json, *.f32, labels.i32)
  bool device_dlogits = false;  // the device's backward starts from its own logits gradient
};

CLI::App* add_validate_train_step_command(CLI::App& validate, TrainStepValidateOptions& options);
int run_validate_train_step_command(const TrainStepValidateOptions& options, std::ostream& out, std::ostream& err);

}  // namespace mpsim::cli
