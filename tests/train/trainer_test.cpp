// SPDX-License-Identifier: MIT
// The training step: same seed => same bits for any thread count; a snapshot restored into a
// fresh Trainer continues exactly; an overflowing step is skipped and leaves the weights alone;
// a NaN in the data is refused; checkpoint files round-trip and refuse damage.
#include <bit>
#include <cmath>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "mpsim/data/synthetic.hpp"
#include "mpsim/train/checkpoint.hpp"
#include "mpsim/train/trainer.hpp"

using namespace mpsim;
using namespace mpsim::train;

namespace {

data::Dataset spirals(std::size_t points_per_arm = 200) {
  return data::make_spirals({.arms = 3, .points_per_arm = points_per_arm, .turns = 1.0, .noise = 0.05, .seed = 3});
}

TrainingConfig small(const std::string& policy) {
  TrainingConfig c;
  c.data = "spirals";
  c.hidden = {24, 16};
  c.policy = policy;
  c.optimizer.kind = OptimizerKind::adam;
  c.optimizer.learning_rate = 0.01;
  c.epochs = 2;
  c.batch = 32;
  c.seed = 7;
  return c;
}

// Every parameter's bits, in order.
std::vector<std::uint32_t> weight_bits(Trainer& t) {
  std::vector<std::uint32_t> bits;
  for (const nn::Parameter* p : t.parameters()) {
    for (const float v : p->value.values()) bits.push_back(std::bit_cast<std::uint32_t>(v));
  }
  return bits;
}

std::vector<StepRecord> run_steps(Trainer& t, std::int64_t n) {
  std::vector<StepRecord> records;
  for (std::int64_t i = 0; i < n && !t.finished(); ++i) records.push_back(t.step());
  return records;
}

void check_same(const std::vector<StepRecord>& a, const std::vector<StepRecord>& b) {
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO("step " << i);
    CHECK(std::bit_cast<std::uint32_t>(a[i].loss) == std::bit_cast<std::uint32_t>(b[i].loss));
    CHECK(a[i].scale == b[i].scale);
    CHECK(a[i].skipped == b[i].skipped);
    CHECK(a[i].events == b[i].events);
  }
}

}  // namespace

TEST_CASE("training gives the same bits for 1 and 3 threads", "[train][trainer]") {
  const data::Dataset set = spirals();
  for (const char* policy : {"fp32", "amp-fp16", "pure-bf16-sr"}) {
    INFO(policy);
    TrainingConfig one = small(policy), three = small(policy);
    three.threads = 3;
    Trainer a(one, set), b(three, set);
    check_same(run_steps(a, 30), run_steps(b, 30));
    CHECK(weight_bits(a) == weight_bits(b));
  }
}

TEST_CASE("a restored snapshot continues exactly like the uninterrupted run", "[train][trainer]") {
  const data::Dataset set = spirals();
  for (const char* policy : {"amp-fp16", "pure-fp16-sr", "fp8"}) {
    INFO(policy);
    Trainer whole(small(policy), set);
    const std::vector<StepRecord> first = run_steps(whole, 13);
    const Trainer::Snapshot s = whole.snapshot();
    const std::vector<StepRecord> rest = run_steps(whole, 40);

    // Through a checkpoint file, into a fresh trainer.
    const auto file = std::filesystem::temp_directory_path() / ("mpsim-trainer-test-" + std::string(policy) + ".bin");
    save_checkpoint(file, {to_json(small(policy)), s});
    Trainer resumed(small(policy), set);
    resumed.restore(load_checkpoint(file).snapshot);
    std::filesystem::remove(file);
    CHECK(resumed.next_step() == 13);
    check_same(rest, run_steps(resumed, 40));
    CHECK(weight_bits(whole) == weight_bits(resumed));
  }
}

TEST_CASE("a step whose scaled gradients overflow is skipped and the scale backs off", "[train][trainer]") {
  const data::Dataset set = spirals();
  TrainingConfig c = small("amp-fp16");
  c.scaler = "pytorch";
  c.scale = 1e30;  // gradients times 1e30 overflow fp16 at once
  Trainer t(c, set);
  const std::vector<std::uint32_t> before = weight_bits(t);
  const StepRecord r = t.step();
  CHECK(r.found_inf);
  CHECK(r.skipped);
  CHECK(r.scale == static_cast<double>(1e30f));
  CHECK(t.scaler().scale() == static_cast<double>(1e30f * 0.5f));
  CHECK(weight_bits(t) == before);
  CHECK(r.events.overflowed > 0);
}

TEST_CASE("pure fp16 without loss scaling counts gradients lost to underflow", "[train][trainer]") {
  const data::Dataset set = spirals();
  TrainingConfig c = small("pure-fp16");
  c.scaler = "none";
  Trainer t(c, set);
  std::uint64_t lost = 0;
  for (const StepRecord& r : run_steps(t, 20)) lost += r.events.underflow_to_zero + r.events.subnormal_results;
  CHECK(lost > 0);
}

TEST_CASE("the trainer refuses NaN data, regression sets and mismatched snapshots", "[train][trainer]") {
  data::Dataset set = spirals(20);
  set.inputs[7] = std::nanf("");
  CHECK_THROWS_WITH(Trainer(small("fp32"), set), Catch::Contains("sample 3") && Catch::Contains("NaN"));
  const data::Dataset good = spirals(20);
  Trainer mlp(small("fp32"), good);
  TrainingConfig wider = small("fp32");
  wider.hidden = {25, 16};
  Trainer other(wider, good);
  CHECK_THROWS_WITH(other.restore(mlp.snapshot()), Catch::Contains("does not match"));
  TrainingConfig bad = small("fp32");
  bad.epochs = 0;
  CHECK_THROWS_WITH(Trainer(bad, good), Catch::Contains("epochs"));
}

TEST_CASE("checkpoint files refuse damage and truncation", "[train][checkpoint]") {
  const data::Dataset set = spirals(20);
  Trainer t(small("amp-bf16"), set);
  run_steps(t, 3);
  const auto file = std::filesystem::temp_directory_path() / "mpsim-checkpoint-damage-test.bin";
  save_checkpoint(file, {"{}", t.snapshot()});
  std::string bytes;
  {
    std::ifstream in(file, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const Checkpoint back = load_checkpoint(file);
  CHECK(back.snapshot.next_step == 3);
  CHECK(back.config_json == "{}");
  for (const std::size_t at : {std::size_t{9}, bytes.size() / 3, bytes.size() - 5}) {
    std::string damaged = bytes;
    damaged[at] ^= 1;
    std::ofstream(file, std::ios::binary) << damaged;
    CHECK_THROWS_WITH(load_checkpoint(file), Catch::Contains("checksum mismatch"));
  }
  std::ofstream(file, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  CHECK_THROWS_WITH(load_checkpoint(file), Catch::Contains("mpsim-checkpoint-damage-test.bin"));
  std::filesystem::remove(file);
  CHECK_THROWS_WITH(load_checkpoint(file), Catch::Contains("cannot open"));
}

TEST_CASE("training configs round-trip through JSON and name bad keys", "[train][config]") {
  TrainingConfig c = small("amp-fp16");
  c.threads = 2;
  c.scale = 1024;
  const TrainingConfig back = training_config_from_json(to_json(c));
  CHECK(to_json(back) == to_json(c));
  CHECK(same_results(c, small("amp-fp16")) == false);  // the scale differs
  TrainingConfig d = c;
  d.threads = 5;
  d.checkpoint_every = 9;
  CHECK(same_results(c, d));
  CHECK_THROWS_WITH(training_config_from_json("{\"epoch\": 3}"), Catch::Contains("epoch: unknown key"));
  CHECK_THROWS_WITH(training_config_from_json("{\"batch\": \"big\"}"), Catch::Contains("batch: wrong type"));
  CHECK_THROWS_WITH(training_config_from_json("{\"optimizer\": {\"kind\": \"lion\"}}"), Catch::Contains("lion"));
  CHECK_THROWS_WITH(training_config_from_json("[1"), Catch::Contains("not JSON"));
}
