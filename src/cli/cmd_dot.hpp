// SPDX-License-Identifier: MIT
// `mpsim dot --in FORMAT [--acc FORMAT] --model MODEL`: what an accumulation model (e.g. the
// sm90 tensor core) computes for dot products read from stdin, one per line.
#pragma once

#include <cstdio>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "mpsim/format/format.hpp"
#include "mpsim/tensor/accumulation_model.hpp"

namespace mpsim::cli {

struct DotOptions {
  std::string in;
  std::string acc;  // empty: the model's own accumulator
  std::string model;
  bool flags = false;
};

CLI::App* add_dot_command(CLI::App& app, DotOptions& options);

// Returns 0, 1 after the first malformed line, or 2 when --acc or --in does not suit the model.
int run_dot_command(const DotOptions& options, std::FILE* in, std::FILE* out, std::ostream& err);

// The line loop: each line holds 2k+1 hex words (a[0..k), b[0..k) in `in_format`, then c in the
// model's accumulator format); writes one result per line. Returns 0, or 1 after reporting the
// first malformed line on `err`.
int run_dot(const AccumulationModel& m, const Format& in_format, bool print_flags, std::FILE* in, std::FILE* out,
            std::ostream& err);

}  // namespace mpsim::cli
