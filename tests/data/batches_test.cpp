// SPDX-License-Identifier: MIT
// Deterministic batches (src/mpsim/data/batches.hpp): epoch orders are permutations fixed by
// (seed, epoch), batches cover the epoch, a resumed run sees the same batches.
#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>

#include "mpsim/data/batches.hpp"
#include "mpsim/data/error.hpp"
#include "mpsim/data/synthetic.hpp"

using namespace mpsim::data;

namespace {
bool is_permutation_of_range(const std::vector<std::size_t>& order) {
  std::vector<std::size_t> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < sorted.size(); ++i)
    if (sorted[i] != i) return false;
  return true;
}
}  // namespace

TEST_CASE("an epoch order is a permutation fixed by seed and epoch", "[data][batches]") {
  for (std::size_t n : {0u, 1u, 2u, 7u, 1000u}) {
    INFO("n = " << n);
    const auto order = epoch_permutation(n, 5, 0);
    CHECK(order.size() == n);
    CHECK(is_permutation_of_range(order));
  }
  const auto e0 = epoch_permutation(1000, 5, 0);
  CHECK(epoch_permutation(1000, 5, 0) == e0);
  CHECK(epoch_permutation(1000, 5, 1) != e0);
  CHECK(epoch_permutation(1000, 6, 0) != e0);
  std::vector<std::size_t> identity(1000);
  std::iota(identity.begin(), identity.end(), std::size_t{0});
  CHECK(e0 != identity);
}

TEST_CASE("epoch orders are spread evenly: each sample visits each position about equally", "[data][batches]") {
  // 4000 epochs of n = 4: each of the 4 positions of sample 0 should appear ~1000 times.
  std::vector<int> position_counts(4, 0);
  for (std::uint64_t epoch = 0; epoch < 4000; ++epoch) {
    const auto order = epoch_permutation(4, 1, epoch);
    ++position_counts[static_cast<std::size_t>(std::find(order.begin(), order.end(), 0) - order.begin())];
  }
  for (int c : position_counts) CHECK(std::abs(c - 1000) < 130);  // ~4.7 sigma (sigma = 27)
}

TEST_CASE("batches cover the epoch in order, keeping or dropping the last partial batch", "[data][batches]") {
  const BatchOptions keep{.batch_size = 4, .shuffle = true, .drop_last = false, .seed = 9};
  const EpochBatches epoch(10, keep, 3);
  REQUIRE(epoch.batch_count() == 3);
  std::vector<std::size_t> seen;
  for (std::size_t k = 0; k < epoch.batch_count(); ++k) {
    const auto b = epoch.batch(k);
    CHECK(b.size() == (k < 2 ? 4u : 2u));
    seen.insert(seen.end(), b.begin(), b.end());
  }
  CHECK(seen == epoch_permutation(10, 9, 3));
  BatchOptions drop = keep;
  drop.drop_last = true;
  const EpochBatches dropped(10, drop, 3);
  CHECK(dropped.batch_count() == 2);
  CHECK(std::vector<std::size_t>(dropped.batch(1).begin(), dropped.batch(1).end()) ==
        std::vector<std::size_t>(epoch.batch(1).begin(), epoch.batch(1).end()));
  CHECK_THROWS_AS(dropped.batch(2), DataError);
  CHECK(EpochBatches(12, drop, 0).batch_count() == 3);  // exact multiple: nothing dropped
  BatchOptions in_order = keep;
  in_order.shuffle = false;
  const EpochBatches plain(10, in_order, 3);
  CHECK(std::vector<std::size_t>(plain.batch(2).begin(), plain.batch(2).end()) == std::vector<std::size_t>{8, 9});
  CHECK_THROWS_AS(EpochBatches(10, BatchOptions{.batch_size = 0}, 0), DataError);
}

TEST_CASE("a run resumed at any step sees the batches of an uninterrupted run", "[data][batches]") {
  const BatchOptions options{.batch_size = 3, .seed = 77};
  const std::size_t n = 11, per_epoch = EpochBatches(n, options, 0).batch_count();
  // Uninterrupted: 3 epochs, one EpochBatches per epoch, steps in order.
  std::vector<std::vector<std::size_t>> straight;
  for (std::uint64_t e = 0; e < 3; ++e) {
    const EpochBatches epoch(n, options, e);
    for (std::size_t k = 0; k < epoch.batch_count(); ++k)
      straight.emplace_back(epoch.batch(k).begin(), epoch.batch(k).end());
  }
  // Resumed: a fresh object for each step, built from the step number alone.
  for (std::size_t step = 0; step < straight.size(); ++step) {
    const EpochBatches epoch(n, options, step / per_epoch);
    const auto b = epoch.batch(step % per_epoch);
    REQUIRE(std::vector<std::size_t>(b.begin(), b.end()) == straight[step]);
  }
}

TEST_CASE("gather copies the rows of the chosen samples", "[data][batches]") {
  const Dataset spirals = make_spirals({.arms = 2, .points_per_arm = 5, .seed = 1});
  Batch batch;
  const std::vector<std::size_t> pick = {7, 0, 7};
  gather(spirals, pick, batch);
  CHECK(batch.count == 3);
  CHECK(batch.inputs == std::vector<float>{spirals.inputs[14], spirals.inputs[15], spirals.inputs[0], spirals.inputs[1],
                                           spirals.inputs[14], spirals.inputs[15]});
  CHECK(batch.labels == std::vector<int>{spirals.labels[7], spirals.labels[0], spirals.labels[7]});
  CHECK(batch.targets.empty());
  const Dataset regression = make_teacher_student({.samples = 4, .inputs = 2, .hidden = 3, .outputs = 2});
  const std::vector<std::size_t> last = {3};
  gather(regression, last, batch);
  CHECK(batch.inputs == std::vector<float>{regression.inputs[6], regression.inputs[7]});
  CHECK(batch.targets == std::vector<float>{regression.targets[6], regression.targets[7]});
  CHECK(batch.labels.empty());
  const std::vector<std::size_t> beyond = {4};
  CHECK_THROWS_AS(gather(regression, beyond, batch), DataError);
}
