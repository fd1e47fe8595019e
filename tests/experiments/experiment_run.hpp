// SPDX-License-Identifier: MIT
// Test helpers for experiments: run one in a fresh temp directory (quick version unless told)
// and read its files back.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <unistd.h>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/experiment.hpp"
#include "common/runner.hpp"
#include "mpsim/data/atomic_file.hpp"

namespace mpsim::test {

struct ExperimentRun {
  int status = -1;
  std::string out, err;
  std::filesystem::path dir;
};

inline std::filesystem::path fresh_temp_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("mpsim-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline ExperimentRun run_quick(const std::string& name, std::vector<std::string> sets = {},
                               experiments::Size size = experiments::Size::quick) {
  ExperimentRun r;
  r.dir = fresh_temp_dir(name) / "out";
  experiments::RunRequest request{.size = size, .config_file = {}, .sets = std::move(sets), .out = r.dir.string()};
  std::ostringstream out, err;
  r.status = experiments::run_experiment(*experiments::find_experiment(name), request, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

// Rows of a CSV file as maps column -> text (the header names the columns; no quoted commas).
inline std::vector<std::map<std::string, std::string>> read_csv(const std::filesystem::path& path) {
  std::istringstream in(data::read_whole_file(path));
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  std::stringstream h(line);
  for (std::string f; std::getline(h, f, ',');) header.push_back(f);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    std::stringstream s(line);
    std::map<std::string, std::string> row;
    std::size_t i = 0;
    for (std::string f; std::getline(s, f, ',');) row[header.at(i++)] = f;
    if (i < header.size()) row[header.back()] = row.count(header.back()) ? row[header.back()] : "";
    rows.push_back(std::move(row));
  }
  return rows;
}

inline nlohmann::json read_json(const std::filesystem::path& path) {
  return nlohmann::json::parse(data::read_whole_file(path));
}

// True when the file starts with the PNG signature (and is not just that) / is an SVG document.
inline bool is_png(const std::filesystem::path& path) {
  const std::string bytes = data::read_whole_file(path);
  return bytes.size() > 1000 && bytes.starts_with("\x89PNG\r\n\x1a\n");
}
inline bool is_svg(const std::filesystem::path& path) {
  const std::string text = data::read_whole_file(path);
  return text.find("<svg") != std::string::npos && text.find("</svg>") != std::string::npos;
}

}  // namespace mpsim::test
