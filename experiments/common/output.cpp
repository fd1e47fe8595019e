// SPDX-License-Identifier: MIT
// The staging directory, atomic files and gnuplot rendering of an experiment run (output.hpp).
#include "output.hpp"

#include <system_error>

#include "mpsim/data/atomic_file.hpp"
#include "process.hpp"

namespace mpsim::experiments {
namespace fs = std::filesystem;

Output::Output(fs::path out) : final_(std::move(out)) {
  if (final_.empty()) throw std::runtime_error("experiment output: empty directory name");
  if (!final_.has_filename()) final_ = final_.parent_path();
  staging_ = final_;
  staging_ += ".partial";
  std::error_code ec;
  fs::remove_all(staging_, ec);
  if (ec) throw std::runtime_error(staging_.string() + ": cannot remove a stale staging directory: " + ec.message());
  fs::create_directories(staging_, ec);
  if (ec) throw std::runtime_error(staging_.string() + ": cannot create: " + ec.message());
}

Output::~Output() {
  if (finished_) return;
  std::error_code ec;
  fs::remove_all(staging_, ec);  // nothing half-written stays behind; errors here cannot be reported
}

void Output::write(std::string_view name, std::string_view text) {
  data::write_file_atomically(staging_ / fs::path(name), text);
}

namespace {

struct Terminal {
  const char* extension;
  const char* setting;
};
// pngcairo and svg need no X server (gnuplot-nox, FACTS.md 10).
constexpr Terminal png{"png", "set terminal pngcairo size 1200,760 enhanced font 'Sans,11'"};
constexpr Terminal svg{"svg", "set terminal svg size 1200,760 enhanced font 'Sans,11' background '#ffffff'"};

}  // namespace

void Output::plot(std::string_view name, std::string_view script) {
  const std::string base(name);
  // The script is self-contained: `gnuplot NAME.gp` in the run directory redraws NAME.png.
  write(base + ".gp", "# " + base + ": drawn by mpsim; run `gnuplot " + base + ".gp` in this directory to redraw " +
                          base + ".png\nif (!exists(\"mpsim_terminal\")) { " + png.setting + "; set output '" + base +
                          ".png' }\n" + std::string(script));
  for (const Terminal& t : {png, svg}) {
    const std::string target = base + "." + t.extension;
    const std::string log = base + "." + t.extension + ".log";
    const int rc = run_program(
        {"gnuplot", "-e", std::string("mpsim_terminal = 1; ") + t.setting + "; set output '" + target + ".tmp'", base + ".gp"},
        staging_, staging_ / log);
    std::string message;
    try {
      message = data::read_whole_file(staging_ / log);
    } catch (const std::runtime_error&) {
    }
    std::error_code ec;
    fs::remove(staging_ / log, ec);
    if (rc == 127) {
      // The data and the script are the results; a machine without gnuplot still gets them.
      if (summary_.value("plots_not_drawn", std::string()).empty()) {
        summary_["plots_not_drawn"] = "gnuplot was not found on PATH (scripts/setup.sh installs gnuplot-nox); "
                                      "run `gnuplot NAME.gp` in the run directory to draw them";
        say("plots not drawn: gnuplot not found; the .gp scripts beside the data draw them");
      }
      fs::remove(staging_ / (target + ".tmp"), ec);
      return;
    }
    if (rc != 0) throw std::runtime_error("gnuplot failed on " + base + ".gp (status " + std::to_string(rc) + "): " + message);
    fs::rename(staging_ / (target + ".tmp"), staging_ / target, ec);
    if (ec) throw std::runtime_error((staging_ / target).string() + ": " + ec.message());
  }
}

void Output::finish() {
  write("summary.json", summary_.dump(2) + "\n");
  std::string text;
  for (const std::string& l : lines_) text += l + "\n";
  write("summary.txt", text);
  std::error_code ec;
  if (fs::exists(final_)) {
    fs::path old = final_;
    old += ".old";
    fs::remove_all(old, ec);
    fs::rename(final_, old, ec);
    if (ec) throw std::runtime_error(final_.string() + ": cannot move the previous run aside: " + ec.message());
    fs::rename(staging_, final_, ec);
    if (ec) throw std::runtime_error(final_.string() + ": " + ec.message());
    fs::remove_all(old, ec);
  } else {
    fs::rename(staging_, final_, ec);
    if (ec) throw std::runtime_error(final_.string() + ": " + ec.message());
  }
  finished_ = true;
}

}  // namespace mpsim::experiments
