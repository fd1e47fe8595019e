// SPDX-License-Identifier: MIT
// TrainingConfig: everything that decides the bits of a training run (model, data, policy,
// scaler, optimizer, batches, seed) plus the settings that do not (threads, counting,
// checkpoint period). A run directory records it as config.json; --resume reads it back.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mpsim/train/optimizer.hpp"

namespace mpsim::train {

struct TrainingConfig {
  std::string model = "mlp";                    // mlp | cnn
  std::vector<int> hidden = {256, 128, 100};    // MLP hidden widths (Fashion-MNIST benchmark MLP)
  std::string data = "fashion-mnist";           // fashion-mnist | spirals | a directory of MNIST-format IDX files
  std::size_t train_limit = 0;                  // > 0: only the first N training samples
  std::size_t test_limit = 0;                   // > 0: only the first N test samples
  std::string policy = "fp32";                  // a preset name or a .toml/.json policy file
  std::string scaler;                           // a loss-scaler preset; empty: the policy's own
  double scale = 0.0;                           // > 0: the scaler's initial (static: fixed) scale
  OptimizerConfig optimizer{};
  int epochs = 1;
  std::size_t batch = 128;
  std::uint64_t seed = 0;
  // Settings that never change a result bit (probes add files, never change a step):
  int threads = 1;
  bool count = true;                            // count rounding events (per-step CSV columns)
  std::int64_t checkpoint_every = 0;            // steps between checkpoints; 0: at each epoch end only
  std::int64_t probe_every = 0;                 // > 0: steps with step % probe_every == 0 are probed
  bool probe_shadow = false;                    //   with a binary32 shadow (shadow.csv)
  bool probe_lost_updates = false;              //   with lost-update counts (updates.csv)

  // Empty when usable, else what is wrong (unknown model, epochs < 1, batch 0, ...).
  std::string problem() const;
};

// config.json: every field, one JSON object; from_json rejects unknown keys and wrong types
// with std::runtime_error naming the key.
std::string to_json(const TrainingConfig& config);
TrainingConfig training_config_from_json(std::string_view json);
// True when a and b give the same bits (threads, count, checkpoint period and probes may differ).
bool same_results(const TrainingConfig& a, const TrainingConfig& b);

}  // namespace mpsim::train
