// SPDX-License-Identifier: MIT
// A file read as a stream of bytes, gzip-decompressed (zlib inflate) when it starts with the
// gzip magic 1f 8b, as is otherwise. Corrupt, truncated or trailing-garbage gzip streams throw
// DataError naming the file; zlib stays out of this header.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>

namespace mpsim::data {

class ByteSource {
 public:
  // Opens `path`; throws DataError when it is missing, a directory or unreadable.
  explicit ByteSource(const std::filesystem::path& path);
  ~ByteSource();
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;

  const std::filesystem::path& path() const;
  bool is_gzip() const;
  // Fills `out` from the decoded stream; returns the bytes written, fewer than out.size() only
  // at the clean end of the data. A gzip stream may hold several members (RFC 1952 2.2); bytes
  // after the last member that do not start another one are "trailing garbage" and throw.
  std::size_t read(std::span<std::uint8_t> out);
  // An upper bound on the decoded size, to cap allocations a corrupt header asks for: the file
  // size, or for gzip 1032 x the file size (deflate's largest compression ratio) plus slack.
  std::uint64_t decoded_size_bound() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace mpsim::data
