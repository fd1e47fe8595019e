// SPDX-License-Identifier: MIT
// ProbeLog: rows appended at each flush, committed rows copied across the 1 MiB blocks intact;
// resume keeps the rows of steps before the checkpoint and drops the rest; damaged or missing
// files are refused with the file's name.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "mpsim/data/atomic_file.hpp"
#include "mpsim/train/probe_log.hpp"

using mpsim::train::ProbeLog;
namespace fs = std::filesystem;

namespace {

fs::path fresh_file(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("mpsim-probe-log-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::remove(dir / name);
  return dir / name;
}

}  // namespace

TEST_CASE("probe log: flushes append, resume drops the rows from the checkpoint's step on", "[train][probe]") {
  const fs::path file = fresh_file("log.csv");
  ProbeLog log(file, "step,x");
  log.create();
  CHECK(mpsim::data::read_whole_file(file) == "step,x\n");
  log.pending() += "0,a\n1,b\n";
  log.flush();
  log.pending() += "2,c\n3,d\n";
  log.flush();
  CHECK(log.pending().empty());
  CHECK(mpsim::data::read_whole_file(file) == "step,x\n0,a\n1,b\n2,c\n3,d\n");

  ProbeLog resumed(file, "step,x");
  resumed.resume(2);
  CHECK(mpsim::data::read_whole_file(file) == "step,x\n0,a\n1,b\n2,c\n3,d\n");  // untouched until flushed
  resumed.flush();
  CHECK(mpsim::data::read_whole_file(file) == "step,x\n0,a\n1,b\n");
  resumed.pending() += "2,C\n";
  resumed.flush();
  CHECK(mpsim::data::read_whole_file(file) == "step,x\n0,a\n1,b\n2,C\n");
  for (const auto& entry : fs::directory_iterator(file.parent_path())) {
    CHECK(entry.path().string().find(".tmp-") == std::string::npos);
  }
  fs::remove_all(file.parent_path());
}

TEST_CASE("probe log: rows beyond one copy block survive each flush byte for byte", "[train][probe]") {
  const fs::path file = fresh_file("big.csv");
  ProbeLog log(file, "step,payload");
  log.create();
  std::string expected = "step,payload\n";
  for (int round = 0; round < 3; ++round) {
    std::string rows;
    for (int i = 0; i < 60000; ++i) rows += std::to_string(round * 60000 + i) + ",abcdefghij\n";
    log.pending() += rows;
    expected += rows;
    log.flush();
  }
  REQUIRE(expected.size() > 2u << 20);
  CHECK(mpsim::data::read_whole_file(file) == expected);
  ProbeLog resumed(file, "step,payload");
  resumed.resume(150000);
  resumed.flush();
  CHECK(mpsim::data::read_whole_file(file) == expected.substr(0, expected.find("\n150000,") + 1));
  fs::remove_all(file.parent_path());
}

TEST_CASE("probe log: a missing file, another header or a malformed row is refused", "[train][probe]") {
  const fs::path file = fresh_file("bad.csv");
  ProbeLog log(file, "step,x");
  CHECK_THROWS_WITH(log.resume(0), Catch::Contains("bad.csv") && Catch::Contains("cannot open"));
  mpsim::data::write_file_atomically(file, "step,y\n");
  CHECK_THROWS_WITH(log.resume(0), Catch::Contains("not a bad.csv"));
  mpsim::data::write_file_atomically(file, "step,x\n0,a\nzero,b\n");
  CHECK_THROWS_WITH(log.resume(5), Catch::Contains("malformed row 'zero,b'"));
  mpsim::data::write_file_atomically(file, "step,x\n0,a\n1,b");
  CHECK_THROWS_WITH(log.resume(5), Catch::Contains("no newline"));
  fs::remove_all(file.parent_path());
}
