// SPDX-License-Identifier: MIT
// The experiment framework: config merging and its errors, and output directories that appear
// whole or not at all.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include "common/config.hpp"
#include "common/output.hpp"
#include "experiment_run.hpp"

using namespace mpsim::experiments;
namespace fs = std::filesystem;

namespace {
nlohmann::json defaults() {
  return {{"epochs", 1}, {"lr", 0.001}, {"policy", "fp32"}, {"models", {"mlp", "cnn"}}, {"full", false}};
}
}  // namespace

TEST_CASE("config: overrides replace defaults and keep their types", "[experiments]") {
  Config c(defaults());
  c.merge({{"epochs", 3}, {"lr", 1}}, "test");
  c.assign("policy=amp-fp16");
  c.assign("models=[\"cnn\"]");
  c.assign("full=true");
  c.assign("epochs=4.0");  // an integral number for an integer key
  CHECK(c.integer("epochs") == 4);
  CHECK(c.json()["epochs"].is_number_integer());
  CHECK(c.number("lr") == 1.0);
  CHECK(c.text("policy") == "amp-fp16");
  CHECK(c.texts("models") == std::vector<std::string>{"cnn"});
  CHECK(c.flag("full"));
}

TEST_CASE("config: unknown keys and wrong types are errors naming the key", "[experiments]") {
  Config c(defaults());
  CHECK_THROWS_WITH(c.merge({{"epoch", 3}}, "f.json"), Catch::Contains("unknown key 'epoch'") && Catch::Contains("epochs"));
  CHECK_THROWS_WITH(c.assign("epochs=2.5"), Catch::Contains("'epochs' takes an integer"));
  CHECK_THROWS_WITH(c.assign("lr=fast"), Catch::Contains("'lr' takes a number"));
  CHECK_THROWS_WITH(c.assign("models=[1,2]"), Catch::Contains("'models' takes a list"));
  CHECK_THROWS_WITH(c.assign("full=1"), Catch::Contains("'full' takes true/false"));
  CHECK_THROWS_WITH(c.assign("novalue"), Catch::Contains("expected key=value"));
  CHECK(c.integer("epochs") == 1);  // nothing applied by the failed merges
}

TEST_CASE("config: .toml and .json files merge, bad files name the file", "[experiments]") {
  const fs::path dir = mpsim::test::fresh_temp_dir("config");
  std::ofstream(dir / "a.toml") << "epochs = 7\nmodels = [\"cnn\"]\n";
  std::ofstream(dir / "b.json") << "{\"lr\": 0.5}";
  std::ofstream(dir / "bad.toml") << "epochs = = 7\n";
  std::ofstream(dir / "bad.json") << "{\"lr\": }";
  Config c(defaults());
  c.merge_file((dir / "a.toml").string());
  c.merge_file((dir / "b.json").string());
  CHECK(c.integer("epochs") == 7);
  CHECK(c.texts("models") == std::vector<std::string>{"cnn"});
  CHECK(c.number("lr") == 0.5);
  CHECK_THROWS_WITH(c.merge_file((dir / "bad.toml").string()), Catch::Contains("bad.toml:1"));
  CHECK_THROWS_WITH(c.merge_file((dir / "bad.json").string()), Catch::Contains("not valid JSON"));
  CHECK_THROWS_WITH(c.merge_file((dir / "missing.json").string()), Catch::Contains("missing.json"));
  CHECK_THROWS_WITH(c.merge_file((dir / "x.yaml").string()), Catch::Contains(".json or .toml"));
  fs::remove_all(dir);
}

TEST_CASE("output: files appear in OUT only when the run finishes, replacing an older run", "[experiments]") {
  const fs::path dir = mpsim::test::fresh_temp_dir("output");
  const fs::path out = dir / "run";
  fs::create_directories(out);
  std::ofstream(out / "old.txt") << "old";
  {
    Output o(out);
    o.write("data.csv", "a\n1\n");
    CHECK(fs::exists(dir / "run.partial" / "data.csv"));
    CHECK(fs::exists(out / "old.txt"));  // the old run stays until finish()
    o.summary()["x"] = 1;
    o.say("line");
    o.finish();
  }
  CHECK(!fs::exists(out / "old.txt"));
  CHECK(mpsim::test::read_json(out / "summary.json")["x"] == 1);
  CHECK(mpsim::data::read_whole_file(out / "summary.txt") == "line\n");
  CHECK(!fs::exists(dir / "run.partial"));
  {
    Output failed(dir / "failed");
    failed.write("data.csv", "a\n");
  }  // destroyed without finish(): a failed run
  CHECK(!fs::exists(dir / "failed"));
  CHECK(!fs::exists(dir / "failed.partial"));
  fs::remove_all(dir);
}

TEST_CASE("output: a plot renders to PNG and SVG, a bad script reports gnuplot's message", "[experiments]") {
  const fs::path dir = mpsim::test::fresh_temp_dir("plot");
  Output o(dir / "run");
  o.write("xy.dat", "1 1\n2 4\n3 9\n");
  o.plot("xy", "set title 'squares'\nplot 'xy.dat' using 1:2 with linespoints title 'x^2'\n");
  CHECK(mpsim::test::is_png(o.staging_dir() / "xy.png"));
  CHECK(mpsim::test::is_svg(o.staging_dir() / "xy.svg"));
  CHECK(fs::exists(o.staging_dir() / "xy.gp"));
  CHECK_THROWS_WITH(o.plot("bad", "plot 'missing.dat' using 1:2\n"), Catch::Contains("gnuplot failed on bad.gp"));
  fs::remove_all(dir);
}

TEST_CASE("registry: every experiment has a distinct name and its three sizes parse", "[experiments]") {
  std::set<std::string> names;
  for (const Experiment& e : experiments()) {
    CHECK(names.insert(std::string(e.name)).second);
    CHECK(find_experiment(e.name) == &e);
    Config c(e.defaults());
    CHECK_NOTHROW(Config(e.defaults()).merge(e.full(), "full"));
    CHECK_NOTHROW(Config(e.defaults()).merge(e.quick(), "quick"));
  }
  CHECK(find_experiment("nope") == nullptr);
}

TEST_CASE("output: without gnuplot the data and the scripts stay and the summary says so", "[experiments]") {
  const fs::path dir = mpsim::test::fresh_temp_dir("noplot");
  const std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  ::setenv("PATH", (dir / "empty").c_str(), 1);  // gnuplot cannot be found
  {
    Output o(dir / "run");
    o.write("xy.dat", "1 1\n2 4\n");
    CHECK_NOTHROW(o.plot("xy", "plot 'xy.dat' using 1:2\n"));
    o.finish();
  }
  ::setenv("PATH", path.c_str(), 1);
  CHECK(fs::exists(dir / "run" / "xy.gp"));
  CHECK(!fs::exists(dir / "run" / "xy.png"));
  CHECK(mpsim::test::read_json(dir / "run" / "summary.json")["plots_not_drawn"].get<std::string>().find("gnuplot") !=
        std::string::npos);
  fs::remove_all(dir);
}
