// SPDX-License-Identifier: MIT
// ProbeLog (probe_log.hpp): atomic replacement by a block copy of the committed bytes.
#include "mpsim/train/probe_log.hpp"

#include <fcntl.h>
#include <unistd.h>

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

void write_all(int fd, const char* data, std::size_t size, const std::filesystem::path& path,
               const std::filesystem::path& temporary) {
  std::size_t written = 0;
  while (written < size) {
    const ssize_t n = ::write(fd, data + written, size - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      ::unlink(temporary.c_str());
      fail(path, "cannot write", error);
    }
    written += static_cast<std::size_t>(n);
  }
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
  const std::filesystem::path temporary = path_.string() + ".tmp-" + std::to_string(::getpid());
  std::ifstream in(path_, std::ios::binary);
  if (!in) fail(path_, "cannot open", errno);
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail(path_, "cannot create the temporary file", errno);
  std::vector<char> block(1 << 20);
  for (std::uintmax_t left = committed_; left > 0;) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uintmax_t>(left, block.size()));
    if (!in.read(block.data(), static_cast<std::streamsize>(n))) {
      ::close(fd);
      ::unlink(temporary.c_str());
      fail(path_, "shorter than its committed rows");
    }
    write_all(fd, block.data(), n, path_, temporary);
    left -= n;
  }
  write_all(fd, pending_.data(), pending_.size(), path_, temporary);
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    fail(path_, "cannot flush", error);
  }
  if (::rename(temporary.c_str(), path_.c_str()) != 0) {
    const int error = errno;
    ::unlink(temporary.c_str());
    fail(path_, "cannot rename the temporary file into place", error);
  }
  committed_ += pending_.size();
  pending_.clear();
}

}  // namespace mpsim::train
