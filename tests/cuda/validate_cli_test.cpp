// SPDX-License-Identifier: MIT
// `mpsim validate` as a subprocess, with or without a GPU: without one it exits 3 with a
// message; with one it validates and writes JSON. Usage errors exit 2 either way.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "mpsim/cuda/validate.hpp"
#include "process.hpp"

using mpsim::test::ProcessResult;
using mpsim::test::run_mpsim;

namespace {
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("validate runs a suite on the GPU, or exits 3 with a message where there is none", "[cuda][cli]") {
  const std::string json_path = "test_cuda_validate_cli.json";
  std::remove(json_path.c_str());
  const ProcessResult r = run_mpsim({"validate", "--suite", "fp16.add", "--json", json_path});
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  std::string why;
  if (!mpsim::cuda::find_device(why)) {
    CHECK(r.exit_code == 3);
    CHECK(contains(r.err, "mpsim validate: "));
    CHECK(contains(r.err, "CUDA"));
    return;
  }
  CHECK(r.exit_code == 0);
  std::ifstream in(json_path);
  const nlohmann::json doc = nlohmann::json::parse(in);
  CHECK(!doc["device"]["name"].get<std::string>().empty());
  REQUIRE(doc["suites"].size() == 1);
  CHECK(doc["suites"][0]["cases"] == (std::uint64_t{1} << 32));
  CHECK(doc["total_mismatches"] == 0);
}

TEST_CASE("validate --list needs no device", "[cuda][cli]") {
  const ProcessResult r = run_mpsim({"validate", "--list"});
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "fp16.add"));
  CHECK(contains(r.out, "f32.to_e5m2.nosat"));
}

TEST_CASE("validate rejects an unknown suite and a bad mismatch limit with exit status 2", "[cuda][cli]") {
  const ProcessResult unknown = run_mpsim({"validate", "--suite", "fp17.add"});
  CHECK(unknown.exit_code == 2);
  CHECK(contains(unknown.err, "unknown suite 'fp17.add'"));
  CHECK(run_mpsim({"validate", "--max-mismatches", "65"}).exit_code == 2);
  CHECK(run_mpsim({"validate", "--max-mismatches", "-1"}).exit_code == 2);
}

TEST_CASE("validate train_step exports the step, then compares on the GPU or exits 3 without one", "[cuda][cli]") {
  const std::string dir = "test_cuda_validate_cli_step";
  std::remove((dir + "/manifest.json").c_str());
  const ProcessResult r = run_mpsim({"validate", "train_step", "--batch", "3", "--export", dir});
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  std::ifstream manifest_file(dir + "/manifest.json");
  REQUIRE(manifest_file);
  const nlohmann::json manifest = nlohmann::json::parse(manifest_file);
  CHECK(manifest["batch"] == 3);
  CHECK(manifest["emulated"].size() == 23);
  CHECK(manifest["parameters"].size() == 8);
  std::ifstream x(dir + "/x.f32", std::ios::binary | std::ios::ate);
  CHECK(x.tellg() == 3 * 784 * 4);
  std::string why;
  if (!mpsim::cuda::find_device(why)) {
    CHECK(r.exit_code == 3);
    CHECK(contains(r.err, "mpsim validate train_step: "));
    return;
  }
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "23 tensors"));
  CHECK(contains(r.out, " 0 mismatches"));
}

TEST_CASE("validate train_step rejects an unknown products model with exit status 2", "[cuda][cli]") {
  const ProcessResult r = run_mpsim({"validate", "train_step", "--products", "sm80"});
  CHECK(r.exit_code == 2);
}
