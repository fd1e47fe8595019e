// SPDX-License-Identifier: MIT
// ProbeLog (probe_log.hpp): atomic replacement by a block copy of the committed bytes.
#include "mpsim/train/probe_log.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "mpsim/data/atomic_file.hpp"

namespace mpsim::train {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what, int error = 0) {
  throw std::runtime_error(path.string() + ": " + what + (error ? std::string(": ") + std::strerror(error) : ""));
}

}  // namespace

ProbeLog::ProbeLog(std::filesystem::path path, std::string header) : path_(std::move(path)), header_(std::move(header)) {}

void ProbeLog::create() {
  data::write_file_atomically(path_, header_ + "\n");
  committed_ = header_.size() + 1;
  pending_.clear();
}

void ProbeLog::resume(std::int64_t end_step) {
  std::ifstream in(path_, std::ios::binary);
  if (!in) fail(path_, "cannot open (the run probes steps, so its directory should hold this file)", errno);
  std::string line;
  if (!std::getline(in, line) || line != header_) fail(path_, "not a " + path_.filename().string() + " of this mpsim");
  std::uintmax_t offset = line.size() + 1;
  while (std::getline(in, line)) {
    if (in.eof()) fail(path_, "the last row has no newline");  // atomic writes never leave one
    std::int64_t step = -1;
    const auto r = std::from_chars(line.data(), line.data() + line.size(), step);
    if (r.ec != std::errc{} || r.ptr == line.data() + line.size() || *r.ptr != ',') {
      fail(path_, "malformed row '" + line.substr(0, 80) + "'");
    }
    if (step >= end_step) break;
    offset += line.size() + 1;
  }
  committed_ = offset;
  pending_.clear();
}

void ProbeLog::flush() {
  if (pending_.empty() && std::filesystem::file_size(path_) == committed_) return;
  std::ifstream in(path_, std::ios::binary);
  if (!in) fail(path_, "cannot open", errno);
  data::AtomicFileWriter out(path_);
  std::vector<char> block(1 << 20);
  for (std::uintmax_t left = committed_; left > 0;) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uintmax_t>(left, block.size()));
    if (!in.read(block.data(), static_cast<std::streamsize>(n))) fail(path_, "shorter than its committed rows");
    out.write({block.data(), n});
    left -= n;
  }
  out.write(pending_);
  out.commit();
  committed_ += pending_.size();
  pending_.clear();
}

}  // namespace mpsim::train
