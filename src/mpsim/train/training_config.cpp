// SPDX-License-Identifier: MIT
// TrainingConfig checks and its JSON form (nlohmann-json: the run directory's config.json).
#include "mpsim/train/training_config.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <stdexcept>

namespace mpsim::train {
namespace {

using nlohmann::json;

json as_json(const TrainingConfig& c) {
  const OptimizerConfig& o = c.optimizer;
  return json{{"model", c.model},
              {"hidden", c.hidden},
              {"data", c.data},
              {"train_limit", c.train_limit},
              {"test_limit", c.test_limit},
              {"policy", c.policy},
              {"scaler", c.scaler},
              {"scale", c.scale},
              {"optimizer",
               {{"kind", std::string(optimizer_name(o.kind))},
                {"learning_rate", o.learning_rate},
                {"momentum", o.momentum},
                {"weight_decay", o.weight_decay},
                {"beta1", o.beta1},
                {"beta2", o.beta2},
                {"epsilon", o.epsilon}}},
              {"epochs", c.epochs},
              {"batch", c.batch},
              {"seed", c.seed},
              {"threads", c.threads},
              {"count", c.count},
              {"checkpoint_every", c.checkpoint_every},
              {"probe_every", c.probe_every},
              {"probe_shadow", c.probe_shadow},
              {"probe_lost_updates", c.probe_lost_updates}};
}

// Reads key `k` of object `j` into `out`, naming the key when the type is wrong.
template <class T>
void read(const json& j, const char* k, T& out, const std::string& where) {
  const auto it = j.find(k);
  if (it == j.end()) return;  // absent: the default
  try {
    out = it->get<T>();
  } catch (const json::exception&) {
    throw std::runtime_error(where + k + ": wrong type (" + std::string(it->type_name()) + ")");
  }
}

void reject_unknown(const json& j, std::initializer_list<const char*> known, const std::string& where) {
  for (const auto& [key, value] : j.items()) {
    bool found = false;
    for (const char* k : known) found = found || key == k;
    if (!found) throw std::runtime_error(where + key + ": unknown key");
  }
}

}  // namespace

std::string TrainingConfig::problem() const {
  if (model != "mlp" && model != "cnn") return "unknown model '" + model + "' (accepted: mlp, cnn)";
  for (const int w : hidden) {
    if (w < 1 || w > 1 << 16) return "hidden widths must lie in [1, 65536]";
  }
  if (epochs < 1) return "epochs must be at least 1";
  if (batch < 1 || batch > 1 << 20) return "batch must lie in [1, 1048576]";
  if (threads < 1 || threads > 256) return "threads must lie in [1, 256]";
  if (checkpoint_every < 0) return "checkpoint_every must not be negative";
  if (probe_every < 0) return "probe_every must not be negative";
  if ((probe_shadow || probe_lost_updates) && probe_every == 0)
    return "probe_shadow and probe_lost_updates need probe_every > 0 (--probe-every N)";
  if (!(scale >= 0) || !std::isfinite(scale)) return "scale must be a finite number >= 0";
  return validate(optimizer);
}

std::string to_json(const TrainingConfig& config) { return as_json(config).dump(2) + "\n"; }

TrainingConfig training_config_from_json(std::string_view text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    throw std::runtime_error(std::string("config.json: not JSON: ") + e.what());
  }
  if (!j.is_object()) throw std::runtime_error("config.json: not a JSON object");
  const std::string where = "config.json: ";
  reject_unknown(j,
                 {"model", "hidden", "data", "train_limit", "test_limit", "policy", "scaler", "scale", "optimizer",
                  "epochs", "batch", "seed", "threads", "count", "checkpoint_every", "probe_every", "probe_shadow",
                  "probe_lost_updates"},
                 where);
  TrainingConfig c;
  read(j, "model", c.model, where);
  read(j, "hidden", c.hidden, where);
  read(j, "data", c.data, where);
  read(j, "train_limit", c.train_limit, where);
  read(j, "test_limit", c.test_limit, where);
  read(j, "policy", c.policy, where);
  read(j, "scaler", c.scaler, where);
  read(j, "scale", c.scale, where);
  read(j, "epochs", c.epochs, where);
  read(j, "batch", c.batch, where);
  read(j, "seed", c.seed, where);
  read(j, "threads", c.threads, where);
  read(j, "count", c.count, where);
  read(j, "checkpoint_every", c.checkpoint_every, where);
  read(j, "probe_every", c.probe_every, where);
  read(j, "probe_shadow", c.probe_shadow, where);
  read(j, "probe_lost_updates", c.probe_lost_updates, where);
  if (const auto it = j.find("optimizer"); it != j.end()) {
    const std::string w = where + "optimizer.";
    if (!it->is_object()) throw std::runtime_error(where + "optimizer: not an object");
    reject_unknown(*it, {"kind", "learning_rate", "momentum", "weight_decay", "beta1", "beta2", "epsilon"}, w);
    std::string kind(optimizer_name(c.optimizer.kind));
    read(*it, "kind", kind, w);
    try {
      c.optimizer.kind = optimizer_kind(kind);
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(w + "kind: " + e.what());
    }
    read(*it, "learning_rate", c.optimizer.learning_rate, w);
    read(*it, "momentum", c.optimizer.momentum, w);
    read(*it, "weight_decay", c.optimizer.weight_decay, w);
    read(*it, "beta1", c.optimizer.beta1, w);
    read(*it, "beta2", c.optimizer.beta2, w);
    read(*it, "epsilon", c.optimizer.epsilon, w);
  }
  if (const std::string p = c.problem(); !p.empty()) throw std::runtime_error(where + p);
  return c;
}

bool same_results(const TrainingConfig& a, const TrainingConfig& b) {
  TrainingConfig x = a, y = b;
  x.threads = y.threads = 1;
  x.count = y.count = true;
  x.checkpoint_every = y.checkpoint_every = 0;
  x.probe_every = y.probe_every = 0;
  x.probe_shadow = y.probe_shadow = false;
  x.probe_lost_updates = y.probe_lost_updates = false;
  return to_json(x) == to_json(y);
}

}  // namespace mpsim::train
