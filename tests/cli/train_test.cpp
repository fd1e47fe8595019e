// SPDX-License-Identifier: MIT
// `mpsim train` as a user runs it: a small spirals run leaves its run directory; a run killed
// with SIGKILL and resumed (with another thread count) ends with the same checkpoint and step
// log, byte for byte, as an uninterrupted run; bad arguments and files get clear errors.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

#include "process.hpp"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using mpsim::test::run_mpsim;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("mpsim-train-test-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(dir);
  return dir;
}

std::string contents(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A run long enough (about 2 s, mostly the fsync of each checkpoint) to be killed in the middle.
std::vector<std::string> long_run(const fs::path& dir) {
  return {"train", "--data", "spirals", "--hidden", "128,128", "--epochs", "3", "--batch", "8",
          "--policy", "amp-fp16", "--optimizer", "adam", "--lr", "0.003", "--seed", "11",
          "--checkpoint-every", "25", "--probe-every", "7", "--shadow", "--lost-updates", "--quiet", "--out", dir.string()};
}

std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  std::string f;
  while (std::getline(in, f, ',')) fields.push_back(f);
  return fields;
}

}  // namespace

TEST_CASE("a small spirals run writes every file of its run directory", "[cli][train]") {
  const fs::path dir = fresh_dir("small");
  const auto r = run_mpsim({"train", "--data", "spirals", "--hidden", "32,32", "--epochs", "2", "--batch", "64",
                            "--optimizer", "adam", "--lr", "0.01", "--quiet", "--out", dir.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("final train loss") != std::string::npos);
  CHECK(r.out.find("epoch 2:") != std::string::npos);
  for (const char* f : {"config.json", "policy.json", "steps.csv", "epochs.csv", "checkpoint.bin", "summary.json"}) {
    INFO(f);
    CHECK(fs::is_regular_file(dir / f));
  }
  // 3000 samples / 64 = 47 steps per epoch: a header and 94 rows; 2 epoch rows.
  CHECK(mpsim::test::lines_of(contents(dir / "steps.csv")).size() == 95);
  CHECK(mpsim::test::lines_of(contents(dir / "epochs.csv")).size() == 3);
  for (const auto& entry : fs::directory_iterator(dir)) {
    INFO(entry.path());
    CHECK(entry.path().string().find(".tmp-") == std::string::npos);  // no temporary left behind
  }
  // The same directory again is refused, not overwritten.
  const auto again = run_mpsim({"train", "--data", "spirals", "--quiet", "--out", dir.string()});
  CHECK(again.exit_code == 1);
  CHECK(again.err.find("already holds a run") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("a run with probes writes histograms.csv, shadow.csv and updates.csv", "[cli][train][probe]") {
  const fs::path dir = fresh_dir("probes");
  const auto r = run_mpsim({"train", "--data", "spirals", "--hidden", "32,32", "--epochs", "2", "--batch", "64",
                            "--policy", "pure-bf16", "--probe-every", "10", "--shadow", "--lost-updates", "--quiet",
                            "--out", dir.string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(contents(dir / "config.json").find("\"probe_every\": 10") != std::string::npos);
  // 94 steps: steps 0, 10, ..., 90 are probed.
  const std::vector<std::string> shadow = mpsim::test::lines_of(contents(dir / "shadow.csv"));
  const std::vector<std::string> updates = mpsim::test::lines_of(contents(dir / "updates.csv"));
  const std::vector<std::string> histograms = mpsim::test::lines_of(contents(dir / "histograms.csv"));
  REQUIRE(shadow.size() > 1);
  CHECK(shadow[0] == "step,layer,role,values,shadow_nonzero,lost_to_zero,to_nonfinite");
  CHECK(updates[0] == "step,parameter,elements,nonzero_updates,lost_updates");
  CHECK(histograms[0] == "step,layer,role,bin,exponent,lower_edge,count,positive,negative");
  CHECK(updates.size() == 1 + 10 * 6);  // 3 linear layers: 6 parameters per probed step
  std::map<std::string, std::uint64_t> values, counted;  // "step,layer,role"
  std::set<std::string> steps;
  for (std::size_t i = 1; i < shadow.size(); ++i) {
    const auto f = fields_of(shadow[i]);
    REQUIRE(f.size() == 7);
    steps.insert(f[0]);
    CHECK(std::stoll(f[0]) % 10 == 0);
    values[f[0] + "," + f[1] + "," + f[2]] = std::stoull(f[3]);
    CHECK(std::stoull(f[5]) <= std::stoull(f[4]));
  }
  CHECK(steps.size() == 10);
  for (std::size_t i = 1; i < histograms.size(); ++i) {
    const auto f = fields_of(histograms[i]);
    REQUIRE(f.size() == 9);
    CHECK(f[6] != "0");  // empty bins are left out
    counted[f[0] + "," + f[1] + "," + f[2]] += std::stoull(f[6]);
  }
  CHECK(counted == values);  // each histogram sums to the values its shadow row compared
  fs::remove_all(dir);
}

TEST_CASE("a run killed with SIGKILL and resumed ends bit-identical to an uninterrupted run", "[cli][train]") {
  const fs::path whole = fresh_dir("whole"), killed = fresh_dir("killed");
  const auto uninterrupted = run_mpsim(long_run(whole));
  INFO(uninterrupted.err);
  REQUIRE(uninterrupted.exit_code == 0);

  std::vector<std::string> args = long_run(killed);
  args.insert(args.begin(), MPSIM_CLI);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  REQUIRE(posix_spawn(&pid, MPSIM_CLI, nullptr, nullptr, argv.data(), environ) == 0);
  // Wait for a checkpoint and some steps beyond it, then kill without warning.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!fs::exists(killed / "checkpoint.bin") && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  REQUIRE(::kill(pid, SIGKILL) == 0);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE_FALSE(fs::exists(killed / "summary.json"));  // it really stopped in the middle

  const auto resumed = run_mpsim({"train", "--resume", killed.string(), "--threads", "2", "--quiet"});
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK(contents(killed / "checkpoint.bin") == contents(whole / "checkpoint.bin"));
  CHECK(contents(killed / "steps.csv") == contents(whole / "steps.csv"));
  CHECK(contents(killed / "config.json") == contents(whole / "config.json"));
  for (const char* probe_file : {"histograms.csv", "shadow.csv", "updates.csv"}) {
    INFO(probe_file);
    CHECK(contents(killed / probe_file).size() > 200);
    CHECK(contents(killed / probe_file) == contents(whole / probe_file));
  }
  fs::remove_all(whole);
  fs::remove_all(killed);
}

TEST_CASE("train reports bad arguments, bad config files and damaged checkpoints clearly", "[cli][train]") {
  CHECK(run_mpsim({"train", "--data", "spirals"}).exit_code == 2);  // neither --out nor --resume
  const auto no_period = run_mpsim({"train", "--data", "spirals", "--shadow", "--out", fresh_dir("shadow").string()});
  CHECK(no_period.exit_code == 2);
  CHECK(no_period.err.find("probe_every") != std::string::npos);
  const fs::path dir = fresh_dir("bad");
  auto r = run_mpsim({"train", "--model", "rnn", "--out", dir.string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("unknown model 'rnn'") != std::string::npos);
  r = run_mpsim({"train", "--policy", "fp17", "--data", "spirals", "--quiet", "--out", dir.string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("fp17") != std::string::npos);
  r = run_mpsim({"train", "--scaler", "torch", "--data", "spirals", "--quiet", "--out", dir.string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("torch") != std::string::npos);
  fs::remove_all(dir);
  r = run_mpsim({"train", "--data", "/nonexistent/mnist", "--quiet", "--out", dir.string()});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("unknown data set") != std::string::npos);
  fs::remove_all(dir);
  r = run_mpsim({"train", "--data", "spirals", "--lr", "-1", "--out", dir.string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("learning_rate") != std::string::npos);
  r = run_mpsim({"train", "--data", "spirals", "--model", "cnn", "--quiet", "--out", dir.string()});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("28 x 28") != std::string::npos);
  CHECK_FALSE(fs::exists(dir));  // nothing written for a run that cannot start
  r = run_mpsim({"train", "--hidden", "32,x", "--out", dir.string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("'x'") != std::string::npos);

  const fs::path config = fs::temp_directory_path() / ("mpsim-train-test-" + std::to_string(::getpid()) + ".toml");
  std::ofstream(config) << "model = \"mlp\"\nepochz = 3\n";
  r = run_mpsim({"train", "--config", config.string(), "--out", dir.string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("epochz: unknown key") != std::string::npos);
  std::ofstream(config) << "model = \"mlp\"\nepochs = \"three\"\n";
  r = run_mpsim({"train", "--config", config.string(), "--out", dir.string()});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("epochs: wrong type") != std::string::npos);
  fs::remove(config);

  // A finished small run, then its checkpoint damaged in one byte.
  REQUIRE(run_mpsim({"train", "--data", "spirals", "--hidden", "8", "--epochs", "1", "--batch", "500", "--quiet", "--out",
                     dir.string()})
              .exit_code == 0);
  std::string bytes = contents(dir / "checkpoint.bin");
  bytes[bytes.size() / 2] ^= 0x10;
  std::ofstream(dir / "checkpoint.bin", std::ios::binary) << bytes;
  r = run_mpsim({"train", "--resume", dir.string(), "--quiet"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("checksum mismatch") != std::string::npos);
  std::ofstream(dir / "checkpoint.bin", std::ios::binary) << "MPSIMCKP";
  r = run_mpsim({"train", "--resume", dir.string(), "--quiet"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("checkpoint.bin") != std::string::npos);
  fs::remove_all(dir);
}
