// SPDX-License-Identifier: MIT
// `mpsim run` and `mpsim sweep` as a user meets them: listing, exit codes and messages for bad
// names and configs, and a sweep whose table has one row per case with each case's summary.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "common/process.hpp"
#include "experiment_run.hpp"

namespace fs = std::filesystem;
namespace {

struct Ran {
  int exit_code;
  std::string out;  // stdout and stderr together
  std::string err;  // the same text (one log)
};

// `mpsim args...` as a subprocess, its output read back from a log file.
Ran run_mpsim(std::vector<std::string> args) {
  args.insert(args.begin(), MPSIM_CLI);
  const fs::path log = fs::temp_directory_path() / ("mpsim-cli-log-" + std::to_string(::getpid()));
  const int code = mpsim::experiments::run_program(args, fs::current_path(), log);
  const std::string text = mpsim::data::read_whole_file(log);
  fs::remove(log);
  return {code, text, text};
}

}  // namespace

TEST_CASE("mpsim run --list names every experiment with its question", "[experiments]") {
  const auto r = run_mpsim({"run", "--list"});
  CHECK(r.exit_code == 0);
  for (const auto& e : mpsim::experiments::experiments()) CHECK(r.out.find(std::string(e.name)) != std::string::npos);
}

TEST_CASE("mpsim run refuses unknown experiments, keys and files with exit 2", "[experiments]") {
  const auto unknown = run_mpsim({"run", "gradient_histogramm"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("unknown experiment 'gradient_histogramm'; accepted: gradient_histogram") != std::string::npos);
  const fs::path dir = mpsim::test::fresh_temp_dir("run-cli");
  const auto bad_key = run_mpsim({"run", "gradient_histogram", "--quick", "--set", "epoch=2", "--out", (dir / "a").string()});
  CHECK(bad_key.exit_code == 2);
  CHECK(bad_key.err.find("unknown key 'epoch'") != std::string::npos);
  CHECK(!fs::exists(dir / "a"));
  std::ofstream(dir / "bad.toml") << "epochs = 'three'\n";
  const auto bad_file = run_mpsim({"run", "gradient_histogram", "--config", (dir / "bad.toml").string()});
  CHECK(bad_file.exit_code == 2);
  CHECK(bad_file.err.find("'epochs' takes an integer") != std::string::npos);
  CHECK(run_mpsim({"run", "gradient_histogram", "--full", "--quick"}).exit_code == 2);
  const auto missing_data = run_mpsim({"run", "gradient_histogram", "--quick", "--set", "data=/nonexistent/dir",
                                       "--out", (dir / "b").string()});
  CHECK(missing_data.exit_code == 1);
  CHECK(missing_data.err.find("/nonexistent/dir") != std::string::npos);
  CHECK(!fs::exists(dir / "b"));
  fs::remove_all(dir);
}

TEST_CASE("mpsim sweep runs the product of the grid and tabulates each case's summary", "[experiments]") {
  const fs::path dir = mpsim::test::fresh_temp_dir("sweep");
  std::ofstream(dir / "grid.json") << R"({"seed": [1, 2], "max_scale_log2": [3, 8]})";
  const auto r = run_mpsim({"sweep", "gradient_histogram", "--grid", (dir / "grid.json").string(), "--quick", "--jobs",
                            "2", "--out", (dir / "sweep").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto rows = mpsim::test::read_csv(dir / "sweep" / "sweep.csv");
  REQUIRE(rows.size() == 4);
  std::set<std::pair<std::string, std::string>> cases;
  for (const auto& row : rows) {
    CHECK(row.at("status") == "0");
    cases.insert({row.at("seed"), row.at("max_scale_log2")});
    const auto summary = mpsim::test::read_json(dir / "sweep" / row.at("case") / "summary.json");
    CHECK(row.at("mlp.best_scale_log2") == std::to_string(summary["mlp"]["best_scale_log2"].get<int>()));
    CHECK(row.at("mlp.values") == std::to_string(summary["mlp"]["values"].get<std::int64_t>()));
    CHECK(summary["mlp"]["best_scale_log2"].get<int>() <= std::stoi(row.at("max_scale_log2")));
    const auto config = mpsim::test::read_json(dir / "sweep" / row.at("case") / "config.json");
    CHECK(std::to_string(config["seed"].get<int>()) == row.at("seed"));
  }
  CHECK(cases.size() == 4);
  std::ofstream(dir / "bad.json") << R"({"seed": []})";
  CHECK(run_mpsim({"sweep", "gradient_histogram", "--grid", (dir / "bad.json").string()}).exit_code == 2);
  std::ofstream(dir / "typo.json") << R"({"sed": [1]})";
  const auto typo = run_mpsim({"sweep", "gradient_histogram", "--grid", (dir / "typo.json").string()});
  CHECK(typo.exit_code == 2);
  CHECK(typo.err.find("unknown key 'sed'") != std::string::npos);
  fs::remove_all(dir);
}
