// SPDX-License-Identifier: MIT
// Precision policies from TOML and JSON files: overrides over a base preset, round trips through
// to_json, and one test per kind of bad input with the message it must give.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/train/precision_policy.hpp"

using namespace mpsim;
using namespace mpsim::train;
namespace fs = std::filesystem;

namespace {

// A file in a fresh temporary directory, removed with the object.
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& text) {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() / ("mpsim_policy_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(dir_);
    path_ = dir_ / name;
    std::ofstream(path_) << text;
  }
  ~TempFile() { fs::remove_all(dir_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path dir_, path_;
};

PrecisionPolicy load_text(const std::string& name, const std::string& text) {
  TempFile f(name, text);
  return load_precision_policy(f.path());
}

// The message of the runtime_error loading `text` throws ("" when it loads).
std::string error_of(const std::string& name, const std::string& text) {
  try {
    load_text(name, text);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a TOML policy overrides formats, rounding, models, update, fp8 and scaler of its base", "[train][policy]") {
  const PrecisionPolicy p = load_text("mine.toml", R"(
base = "amp-fp16"
optimizer_state = "bf16"
update = "stochastic"
scaler = "apex"
[layers]
activations = "e5m7"
products = "sm90"
[layers.env]
rounding = "toward_zero"
flush_to_zero = true
[layers.reductions]
preset = "fp16-accumulate"
order = "pairwise"
block = 8
[fp8]
history = 16
algorithm = "most_recent"
margin = 2
)");
  CHECK(p.name == "mine");  // the file's stem unless `name` is given
  CHECK(*p.parameters == binary32);  // from the base
  CHECK(*p.layers.gradients == binary16);
  CHECK(*p.optimizer_state == bfloat16);
  CHECK(p.optimizer_state == &bfloat16);  // named formats point into the table
  CHECK(p.update == UpdateRounding::stochastic);
  CHECK(p.scaler == "apex");
  CHECK(p.layers.activations->exponent_bits == 5);
  CHECK(p.layers.activations->fraction_bits == 7);
  CHECK(p.layers.activations->bias == 15);
  CHECK(p.layers.products.name == "sm90");
  CHECK(p.layers.products.tensor_core.has_value());
  CHECK(p.layers.env.rounding == Rounding::toward_zero);
  CHECK(p.layers.env.flush_to_zero);
  CHECK(p.layers.reductions.name == "custom");  // fields changed: no longer the preset
  CHECK(*p.layers.reductions.accumulator == binary16);
  CHECK(p.layers.reductions.order == SumOrder::pairwise);
  CHECK(p.layers.reductions.block == 8);
  REQUIRE(p.fp8);
  CHECK(p.fp8->history == 16);
  CHECK(p.fp8->most_recent);
  CHECK(p.fp8->margin == 2);
}

TEST_CASE("a user format outlives the file and every copy of the policy", "[train][policy]") {
  PrecisionPolicy copy;
  {
    const PrecisionPolicy p = load_text("p.json", R"({"base": "pure-fp16", "parameters": "e6m9", "name": "x"})");
    copy = p;
  }
  CHECK(copy.name == "x");
  CHECK(copy.parameters->exponent_bits == 6);
  CHECK(copy.parameters->fraction_bits == 9);
  CHECK(format_name(*copy.parameters) == "e6m9");
}

TEST_CASE("every preset and a customised policy survive to_json and back, in JSON", "[train][policy]") {
  std::vector<PrecisionPolicy> policies;
  for (const std::string& n : precision_policy_names()) policies.push_back(precision_policy(n));
  policies.push_back(load_text("custom.toml", R"(
base = "fp8"
parameters = "e8m9"
[layers.products]
preset = "sm90-fp16"
[layers.reductions]
product = "bf16"
fused = false
kahan = true
[layers.env]
nan = "canonical"
overflow = "saturate"
tininess = "before_rounding"
stochastic_bits = 12
denormals_are_zero = true
)"));
  for (const PrecisionPolicy& p : policies) {
    INFO(p.name);
    const std::string json = to_json(p);
    const PrecisionPolicy back = load_text("back.json", json);
    CHECK(to_json(back) == json);
    CHECK(back.name == p.name);
    CHECK(*back.parameters == *p.parameters);
    CHECK(*back.layers.forward_operands == *p.layers.forward_operands);
    CHECK(back.fp8.has_value() == p.fp8.has_value());
  }
  const nlohmann::json j = nlohmann::json::parse(to_json(policies.back()));
  CHECK(j["parameters"] == "e8m9");  // (e8m10 would print as tf32: the same fields)
  CHECK(j["layers"]["reductions"]["product"] == "bfloat16");
  CHECK(j["layers"]["reductions"]["kahan"] == true);
  CHECK(j["layers"]["products"]["tensor_core"]["exponent_floor"] == -21);
  CHECK(j["layers"]["env"]["stochastic_bits"] == 12);
  CHECK(j["fp8"]["history"] == 1024);
  CHECK(nlohmann::json::parse(to_json(precision_policy("fp32")))["fp8"].is_null());
}

TEST_CASE("TOML and JSON spell the same policy the same way", "[train][policy]") {
  const PrecisionPolicy t = load_text("same.toml", "base = \"pure-bf16\"\nupdate = \"kahan\"\nfp8 = false\n"
                                                   "[layers]\nbackward_operands = \"e5m2\"\n");
  const PrecisionPolicy j = load_text("same.json", R"({"base": "pure-bf16", "update": "kahan", "fp8": null,
                                                       "layers": {"backward_operands": "e5m2"}})");
  CHECK(to_json(t) == to_json(j));
}

TEST_CASE("bad policy files name the file, the key and the problem", "[train][policy]") {
  using Catch::Contains;
  CHECK_THAT(error_of("a.toml", "bsae = \"fp32\"\n"), Contains("a.toml") && Contains("key 'bsae'") && Contains("unknown key"));
  CHECK_THAT(error_of("a.toml", "[layers]\nactivation = \"fp16\"\n"), Contains("key 'layers.activation': unknown key"));
  CHECK_THAT(error_of("a.toml", "[layers]\nactivations = \"fp17\"\n"),
             Contains("key 'layers.activations': unknown format 'fp17'"));
  CHECK_THAT(error_of("a.toml", "[layers]\nactivations = 16\n"),
             Contains("key 'layers.activations': expected a string, got number"));
  CHECK_THAT(error_of("a.toml", "base = \"amp-fp32\"\n"), Contains("key 'base'") && Contains("unknown precision policy"));
  CHECK_THAT(error_of("a.toml", "update = \"round\"\n"),
             Contains("key 'update': unknown name 'round' (accepted: nearest, stochastic, kahan)"));
  CHECK_THAT(error_of("a.toml", "[layers.env]\nrounding = \"nearest\"\n"),
             Contains("key 'layers.env.rounding': unknown name 'nearest'") && Contains("nearest_even"));
  CHECK_THAT(error_of("a.toml", "[layers.env]\nflush_to_zero = 1\n"),
             Contains("key 'layers.env.flush_to_zero': expected true or false"));
  CHECK_THAT(error_of("a.toml", "[layers.env]\nstochastic_bits = 40\n"),
             Contains("key 'layers.env.stochastic_bits': 40 is outside 1..32"));
  CHECK_THAT(error_of("a.toml", "[layers]\nproducts = \"fp64-sequential\"\n"),
             Contains("key 'layers.products'") && Contains("unknown accumulation model"));
  CHECK_THAT(error_of("a.toml", "[layers.products]\norder = \"blocked\"\nblock = 0\n"),
             Contains("key 'layers.products': invalid accumulation model: blocked and chunked orders need block >= 1"));
  CHECK_THAT(error_of("a.toml", "[layers.products]\nnope = 1\n"), Contains("key 'layers.products.nope': unknown key"));
  CHECK_THAT(error_of("a.toml", "[fp8]\nalgorithm = \"mean\"\n"), Contains("key 'fp8.algorithm': unknown name 'mean'"));
  CHECK_THAT(error_of("a.toml", "[fp8]\nhistory = 0\n"), Contains("key 'fp8.history': 0 is outside"));
  CHECK_THAT(error_of("a.toml", "layers = 3\n"), Contains("key 'layers': expected a table"));
  CHECK_THAT(error_of("a.toml", "scaler = \"pytorhc\"\n"), Contains("a.toml: invalid policy: scaler 'pytorhc'"));
  CHECK_THAT(error_of("a.toml", "parameters = \"fp64\"\n"),
             Contains("invalid policy: parameters: format binary64 cannot be held in float32"));
  CHECK_THAT(error_of("a.toml", "base = \n"), Contains("a.toml: TOML syntax error at line 1"));
  CHECK_THAT(error_of("a.json", "{\"base\": }"), Contains("a.json: JSON syntax error"));
  CHECK_THAT(error_of("a.json", "[1, 2]"), Contains("expected a table"));
  CHECK_THAT(error_of("a.yaml", "base: fp32"), Contains("a.yaml: a policy file must end in .toml or .json"));
  CHECK_THROWS_WITH(load_precision_policy("/nonexistent/p.toml"), Contains("/nonexistent/p.toml: cannot open"));
}

TEST_CASE("resolve_precision_policy takes a preset name or a policy file", "[train][policy]") {
  TempFile f("r.toml", "base = \"amp-bf16\"\nname = \"from-file\"\n");
  CHECK(resolve_precision_policy(f.path().string()).name == "from-file");
  CHECK(resolve_precision_policy("pure-fp16-sr").update == UpdateRounding::stochastic);
}
