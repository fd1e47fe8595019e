// SPDX-License-Identifier: MIT
// Files that are never seen half-written: the contents go to a temporary file in the same
// directory, which is flushed and then renamed over the destination (rename is atomic within a
// file system on POSIX). A reader sees the old file or the new one, never a mixture.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace mpsim::data {

// A file written in pieces and then put in place atomically: write() appends to PATH.tmp-PID,
// commit() flushes it (fsync) and renames it over PATH. Destroyed without commit() (an error, an
// exception), it removes the temporary file and PATH is untouched. Errors throw
// std::runtime_error naming PATH and the system's reason.
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(std::filesystem::path path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
  void write(std::string_view bytes);
  void commit();

 private:
  std::filesystem::path path_, temporary_;
  int fd_ = -1;
};

// Writes `contents` to `path` atomically (an AtomicFileWriter with one write). Throws std::runtime_error naming the path and the
// system's reason when the directory is missing or unwritable or the disk is full.
void write_file_atomically(const std::filesystem::path& path, std::string_view contents);

// The whole file as bytes; std::runtime_error naming the path when it cannot be read.
std::string read_whole_file(const std::filesystem::path& path);

}  // namespace mpsim::data
