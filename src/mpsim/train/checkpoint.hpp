// SPDX-License-Identifier: MIT
// Checkpoint files: a Trainer::Snapshot and the config it belongs to, in one binary file
// written atomically (temp + rename) and closed by a CRC-32, so a run killed at any moment
// leaves the previous checkpoint or the new one, and a damaged file is refused, never half-read.
//
//   "MPSIMCKP" | u32 version=1 | u64 n, n bytes config JSON | i64 next_step | u64 stochastic index
//   | f64 scale | i64 growth tracker | i32 hysteresis left | i64 scaler steps | i64 optimizer steps
//   | 3 tensor lists (parameters, optimizer, fp8): u32 count, then per tensor
//       u32 n + name | u32 n + format name | u32 rank + i64 dims | u64 count + count u32 float bits
//   | u32 CRC-32 of every byte before it
// All integers little-endian.
#pragma once

#include <filesystem>
#include <string>

#include "mpsim/train/trainer.hpp"

namespace mpsim::train {

struct Checkpoint {
  std::string config_json;  // to_json(TrainingConfig) of the run
  Trainer::Snapshot snapshot;
};

void save_checkpoint(const std::filesystem::path& file, const Checkpoint& checkpoint);
// Throws std::runtime_error naming the file and the problem: missing, not a checkpoint, another
// version, truncated, checksum mismatch, unknown format name, inconsistent sizes.
Checkpoint load_checkpoint(const std::filesystem::path& file);

}  // namespace mpsim::train
