// SPDX-License-Identifier: MIT
// Precision policies from TOML or JSON files, and every policy as JSON. A TOML file is first
// turned into the same JSON tree, so both formats share one reader and one set of messages.
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <toml++/toml.h>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/round/rounding_name.hpp"
#include "mpsim/train/precision_policy.hpp"

namespace mpsim::train {
namespace {

using json = nlohmann::json;

// ---- names of enumerations (rounding modes reuse round/rounding_name.hpp) ----

constexpr Rounding all_roundings[] = {Rounding::nearest_even, Rounding::toward_zero, Rounding::upward,
                                      Rounding::downward,     Rounding::nearest_away, Rounding::to_odd,
                                      Rounding::stochastic};
constexpr UpdateRounding all_updates[] = {UpdateRounding::nearest, UpdateRounding::stochastic, UpdateRounding::kahan};

std::string_view tininess_name(Tininess t) { return t == Tininess::after_rounding ? "after_rounding" : "before_rounding"; }
std::string_view nan_policy_name(NanPolicy n) { return n == NanPolicy::propagate ? "propagate" : "canonical"; }
std::string_view overflow_name(Overflow o) {
  switch (o) {
    case Overflow::format_default: return "format_default";
    case Overflow::infinity: return "infinity";
    case Overflow::saturate: return "saturate";
  }
  return "?";
}
std::string_view order_name(SumOrder o) {
  switch (o) {
    case SumOrder::sequential: return "sequential";
    case SumOrder::pairwise: return "pairwise";
    case SumOrder::blocked: return "blocked";
    case SumOrder::chunked: return "chunked";
  }
  return "?";
}

// ---- the reader: one JSON tree, errors name the file and the dotted key ----

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& key, const std::string& problem) const {
    throw std::runtime_error(file_ + ": key '" + key + "': " + problem);
  }
  const std::string& file() const { return file_; }

  std::string text(const std::string& key, const json& v) const {
    if (!v.is_string()) fail(key, "expected a string, got " + std::string(v.type_name()));
    return v.get<std::string>();
  }
  bool boolean(const std::string& key, const json& v) const {
    if (!v.is_boolean()) fail(key, "expected true or false, got " + std::string(v.type_name()));
    return v.get<bool>();
  }
  int integer(const std::string& key, const json& v, long long lo, long long hi) const {
    if (!v.is_number_integer()) fail(key, "expected an integer, got " + std::string(v.type_name()));
    const long long x = v.get<long long>();
    if (x < lo || x > hi) fail(key, std::to_string(x) + " is outside " + std::to_string(lo) + ".." + std::to_string(hi));
    return static_cast<int>(x);
  }
  void table(const std::string& key, const json& v) const {
    if (!v.is_object()) fail(key, "expected a table, got " + std::string(v.type_name()));
  }
  // Throws on the first key of v not in `known`.
  void only_keys(const std::string& where, const json& v, std::initializer_list<std::string_view> known) const {
    for (const auto& item : v.items()) {
      bool found = false;
      for (std::string_view k : known) found = found || item.key() == k;
      if (!found) {
        std::string list;
        for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
        fail(where.empty() ? item.key() : where + "." + item.key(), "unknown key (accepted here: " + list + ")");
      }
    }
  }
  // One of the names, as the enumerator its index maps to.
  template <class E, std::size_t N, class NameOf>
  E choice(const std::string& key, const json& v, const E (&values)[N], NameOf name_of) const {
    const std::string s = text(key, v);
    std::string list;
    for (E e : values) {
      if (name_of(e) == s) return e;
      list += (list.empty() ? "" : ", ") + std::string(name_of(e));
    }
    fail(key, "unknown name '" + s + "' (accepted: " + list + ")");
  }

 private:
  std::string file_;
};

// The named-format table entry where f is one (so named formats print by name), else an owned copy.
const Format* keep_format(PrecisionPolicy& policy, const Format& f) {
  for (const Format* named : named_formats)
    if (*named == f) return named;
  auto owned = std::make_shared<const Format>(f);
  policy.owned_formats.push_back(owned);
  return owned.get();
}

const Format* read_format(const Reader& r, PrecisionPolicy& policy, const std::string& key, const json& v) {
  const std::string name = r.text(key, v);
  const std::optional<Format> f = find_format(name);
  if (!f) r.fail(key, "unknown format '" + name + "' (accepted: " + std::string(format_names_help()) + ")");
  return keep_format(policy, *f);
}

Env read_env(const Reader& r, const std::string& key, const json& v, Env env) {
  r.table(key, v);
  r.only_keys(key, v, {"rounding", "flush_to_zero", "denormals_are_zero", "tininess", "nan", "overflow", "stochastic_bits"});
  for (const auto& [k, x] : v.items()) {
    const std::string at = key + "." + k;
    if (k == "rounding") env.rounding = r.choice(at, x, all_roundings, rounding_name);
    if (k == "flush_to_zero") env.flush_to_zero = r.boolean(at, x);
    if (k == "denormals_are_zero") env.denormals_are_zero = r.boolean(at, x);
    if (k == "tininess") {
      constexpr Tininess all[] = {Tininess::after_rounding, Tininess::before_rounding};
      env.tininess = r.choice(at, x, all, tininess_name);
    }
    if (k == "nan") {
      constexpr NanPolicy all[] = {NanPolicy::propagate, NanPolicy::canonical};
      env.nan = r.choice(at, x, all, nan_policy_name);
    }
    if (k == "overflow") {
      constexpr Overflow all[] = {Overflow::format_default, Overflow::infinity, Overflow::saturate};
      env.overflow = r.choice(at, x, all, overflow_name);
    }
    if (k == "stochastic_bits") env.stochastic_bits = r.integer(at, x, 1, 32);
  }
  return env;
}

// A preset name, or a table of fields over `model` (or over the table's own "preset").
AccumulationModel read_model(const Reader& r, PrecisionPolicy& policy, const std::string& key, const json& v,
                             AccumulationModel model) {
  auto preset = [&](const std::string& at, const json& x) {
    try {
      return accumulation_preset(r.text(at, x));
    } catch (const std::invalid_argument& e) {
      r.fail(at, e.what());
    }
  };
  if (v.is_string()) return preset(key, v);
  r.table(key, v);
  r.only_keys(key, v, {"preset", "name", "product", "accumulator", "env", "order", "block", "fused", "kahan", "tensor_core"});
  if (v.contains("preset")) model = preset(key + ".preset", v.at("preset"));
  // A model with fields changed is no longer the preset it started from: named "custom" unless
  // the file names it.
  if (v.size() > (v.contains("preset") ? 1u : 0u) && !v.contains("name")) model.name = "custom";
  for (const auto& [k, x] : v.items()) {
    const std::string at = key + "." + k;
    if (k == "name") model.name = r.text(at, x);
    if (k == "product")
      model.product = (x.is_string() && x.get<std::string>() == "exact") ? nullptr : read_format(r, policy, at, x);
    if (k == "accumulator") model.accumulator = read_format(r, policy, at, x);
    if (k == "env") model.env = read_env(r, at, x, model.env);
    if (k == "order") {
      constexpr SumOrder all[] = {SumOrder::sequential, SumOrder::pairwise, SumOrder::blocked, SumOrder::chunked};
      model.order = r.choice(at, x, all, order_name);
    }
    if (k == "block") model.block = r.integer(at, x, 0, 1 << 30);
    if (k == "fused") model.fused = r.boolean(at, x);
    if (k == "kahan") model.kahan = r.boolean(at, x);
    if (k == "tensor_core") {
      if (x.is_null() || (x.is_boolean() && !x.get<bool>())) {
        model.tensor_core.reset();
        continue;
      }
      r.table(at, x);
      r.only_keys(at, x, {"terms", "fraction_bits", "exponent_floor", "rounding"});
      TensorCoreBlock tc = model.tensor_core.value_or(TensorCoreBlock{});
      for (const auto& [tk, tx] : x.items()) {
        const std::string tat = at + "." + tk;
        if (tk == "terms") tc.terms = r.integer(tat, tx, 1, 1 << 16);
        if (tk == "fraction_bits") tc.fraction_bits = r.integer(tat, tx, 1, 100);
        if (tk == "exponent_floor") tc.exponent_floor = r.integer(tat, tx, -100000, 100000);
        if (tk == "rounding") tc.rounding = r.choice(tat, tx, all_roundings, rounding_name);
      }
      model.tensor_core = tc;
    }
  }
  if (std::string e = validate(model); !e.empty()) r.fail(key, "invalid accumulation model: " + e);
  return model;
}

void read_layers(const Reader& r, PrecisionPolicy& policy, const json& v) {
  r.table("layers", v);
  r.only_keys("layers", v, {"activations", "gradients", "weight_gradients", "forward_operands", "backward_operands",
                            "products", "reductions", "env"});
  nn::LayerPrecision& l = policy.layers;
  for (const auto& [k, x] : v.items()) {
    const std::string at = "layers." + k;
    if (k == "activations") l.activations = read_format(r, policy, at, x);
    if (k == "gradients") l.gradients = read_format(r, policy, at, x);
    if (k == "weight_gradients") l.weight_gradients = read_format(r, policy, at, x);
    if (k == "forward_operands") l.forward_operands = read_format(r, policy, at, x);
    if (k == "backward_operands") l.backward_operands = read_format(r, policy, at, x);
    if (k == "products") l.products = read_model(r, policy, at, x, l.products);
    if (k == "reductions") l.reductions = read_model(r, policy, at, x, l.reductions);
    if (k == "env") l.env = read_env(r, at, x, l.env);
  }
}

void read_fp8(const Reader& r, PrecisionPolicy& policy, const json& v) {
  if (v.is_null() || (v.is_boolean() && !v.get<bool>())) {
    policy.fp8.reset();
    return;
  }
  r.table("fp8", v);
  r.only_keys("fp8", v, {"history", "algorithm", "margin"});
  DelayedScaling d = policy.fp8.value_or(DelayedScaling{});
  for (const auto& [k, x] : v.items()) {
    const std::string at = "fp8." + k;
    if (k == "history") d.history = r.integer(at, x, 1, 1 << 24);
    if (k == "margin") d.margin = r.integer(at, x, -64, 64);
    if (k == "algorithm") {
      const std::string a = r.text(at, x);
      if (a != "max" && a != "most_recent") r.fail(at, "unknown name '" + a + "' (accepted: max, most_recent)");
      d.most_recent = a == "most_recent";
    }
  }
  policy.fp8 = d;
}

PrecisionPolicy read_policy(const Reader& r, const json& doc, const std::string& default_name) {
  r.table("(top level)", doc);
  r.only_keys("", doc, {"base", "name", "parameters", "optimizer_state", "update", "scaler", "layers", "fp8"});
  PrecisionPolicy policy = precision_policy("fp32");
  if (doc.contains("base")) {
    const std::string base = r.text("base", doc.at("base"));
    try {
      policy = precision_policy(base);
    } catch (const std::invalid_argument& e) {
      r.fail("base", e.what());
    }
  }
  policy.name = default_name;
  for (const auto& [k, x] : doc.items()) {
    if (k == "name") policy.name = r.text(k, x);
    if (k == "parameters") policy.parameters = read_format(r, policy, k, x);
    if (k == "optimizer_state") policy.optimizer_state = read_format(r, policy, k, x);
    if (k == "update") policy.update = r.choice(k, x, all_updates, update_rounding_name);
    if (k == "scaler") policy.scaler = r.text(k, x);
    if (k == "layers") read_layers(r, policy, x);
    if (k == "fp8") read_fp8(r, policy, x);
  }
  if (std::string e = validate(policy); !e.empty()) throw std::runtime_error(r.file() + ": invalid policy: " + e);
  return policy;
}

// ---- TOML as a JSON tree ----

json toml_to_json(const toml::node& node) {
  if (const toml::table* t = node.as_table()) {
    json j = json::object();
    for (const auto& [k, v] : *t) j[std::string(k.str())] = toml_to_json(v);
    return j;
  }
  if (const toml::array* a = node.as_array()) {
    json j = json::array();
    for (const toml::node& v : *a) j.push_back(toml_to_json(v));
    return j;
  }
  if (const auto* s = node.as_string()) return s->get();
  if (const auto* i = node.as_integer()) return i->get();
  if (const auto* f = node.as_floating_point()) return f->get();
  if (const auto* b = node.as_boolean()) return b->get();
  return std::string("(date/time)");  // TOML dates have no meaning here: rejected as a wrong type
}

// ---- JSON output ----

json format_json(const Format* f) { return f ? json(format_name(*f)) : json("exact"); }

json env_json(const Env& e) {
  return {{"rounding", rounding_name(e.rounding)},     {"flush_to_zero", e.flush_to_zero},
          {"denormals_are_zero", e.denormals_are_zero}, {"tininess", tininess_name(e.tininess)},
          {"nan", nan_policy_name(e.nan)},             {"overflow", overflow_name(e.overflow)},
          {"stochastic_bits", e.stochastic_bits}};
}

json model_json(const AccumulationModel& m) {
  json j{{"name", m.name},   {"product", format_json(m.product)}, {"accumulator", format_json(m.accumulator)},
         {"env", env_json(m.env)}, {"order", order_name(m.order)}, {"block", m.block},
         {"fused", m.fused}, {"kahan", m.kahan}};
  if (m.tensor_core) {
    const TensorCoreBlock& tc = *m.tensor_core;
    j["tensor_core"] = {{"terms", tc.terms}, {"fraction_bits", tc.fraction_bits},
                        {"exponent_floor", tc.exponent_floor}, {"rounding", rounding_name(tc.rounding)}};
  } else {
    j["tensor_core"] = nullptr;
  }
  return j;
}

}  // namespace

PrecisionPolicy load_precision_policy(const std::filesystem::path& file) {
  const std::string name = file.string();
  const Reader reader(name);
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error(name + ": cannot open the policy file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  json doc;
  if (file.extension() == ".toml") {
    try {
      doc = toml_to_json(toml::parse(buffer.str(), name));
    } catch (const toml::parse_error& e) {
      std::ostringstream where;
      where << e.source().begin;
      throw std::runtime_error(name + ": TOML syntax error at " + where.str() + ": " + std::string(e.description()));
    }
  } else if (file.extension() == ".json") {
    try {
      doc = json::parse(buffer.str());
    } catch (const json::parse_error& e) {
      throw std::runtime_error(name + ": JSON syntax error: " + e.what());
    }
  } else {
    throw std::runtime_error(name + ": a policy file must end in .toml or .json");
  }
  return read_policy(reader, doc, file.stem().string());
}

std::string to_json(const PrecisionPolicy& p) {
  const nn::LayerPrecision& l = p.layers;
  json layers{{"activations", format_json(l.activations)},
              {"gradients", format_json(l.gradients)},
              {"weight_gradients", format_json(l.weight_gradients)},
              {"forward_operands", format_json(l.forward_operands)},
              {"backward_operands", format_json(l.backward_operands)},
              {"products", model_json(l.products)},
              {"reductions", model_json(l.reductions)},
              {"env", env_json(l.env)}};
  json j{{"name", p.name},
         {"parameters", format_json(p.parameters)},
         {"optimizer_state", format_json(p.optimizer_state)},
         {"update", update_rounding_name(p.update)},
         {"scaler", p.scaler},
         {"layers", layers}};
  if (p.fp8) {
    j["fp8"] = {{"history", p.fp8->history},
                {"algorithm", p.fp8->most_recent ? "most_recent" : "max"},
                {"margin", p.fp8->margin}};
  } else {
    j["fp8"] = nullptr;
  }
  return j.dump(2);
}

}  // namespace mpsim::train
