// SPDX-License-Identifier: MIT
// Output: the directory an experiment run writes. Everything goes to a staging directory
// OUT.partial; finish() writes summary.json and renames it to OUT (an existing OUT is replaced
// only then), so a killed or failed run never leaves a half-written OUT. Plots are gnuplot
// scripts kept beside their data (edit and rerun `gnuplot NAME.gp` inside the directory) and
// rendered to PNG and SVG.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace mpsim::experiments {

class Output {
 public:
  // Creates OUT.partial (a stale one from a killed run is removed). Throws std::runtime_error
  // naming the path when it cannot be created.
  explicit Output(std::filesystem::path out);
  ~Output();  // a run that did not finish() removes its staging directory
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  const std::filesystem::path& final_dir() const { return final_; }
  const std::filesystem::path& staging_dir() const { return staging_; }

  // Writes NAME in the staging directory (atomically).
  void write(std::string_view name, std::string_view text);
  // Writes NAME.gp (`script`: gnuplot commands reading data files by their plain names, behind a
  // line that makes `gnuplot NAME.gp` draw NAME.png) and renders NAME.png and NAME.svg by running
  // gnuplot in the staging directory. Throws std::runtime_error with gnuplot's message when it
  // fails; without gnuplot on PATH it draws nothing and says so in the summary (the data and the
  // scripts are the results).
  void plot(std::string_view name, std::string_view script);

  // The run's key results, written as summary.json by finish().
  nlohmann::json& summary() { return summary_; }
  // A line of the short summary that the command prints at the end (kept in summary.txt too).
  void say(std::string line) { lines_.push_back(std::move(line)); }
  const std::vector<std::string>& lines() const { return lines_; }

  // Writes summary.json and summary.txt and moves the staging directory to OUT.
  void finish();

 private:
  std::filesystem::path final_;
  std::filesystem::path staging_;
  nlohmann::json summary_ = nlohmann::json::object();
  std::vector<std::string> lines_;
  bool finished_ = false;
};

}  // namespace mpsim::experiments
