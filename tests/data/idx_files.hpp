// SPDX-License-Identifier: MIT
// Test helpers: a scratch directory, and IDX files written byte by byte (plain, or gzip through
// zlib's gzwrite, which the reader does not use), so tests can build any well-formed or broken file.
#pragma once

#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace mpsim::data::test {

using Bytes = std::vector<std::uint8_t>;

// A fresh directory under the system temp dir, removed with everything in it at scope exit.
struct ScratchDir {
  std::filesystem::path path;
  explicit ScratchDir(const std::string& name)
      : path(std::filesystem::temp_directory_path() / ("mpsim-data-" + name + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::filesystem::path operator/(const std::string& file) const { return path / file; }
};

// 00 00 type rank, the extents big-endian, then `data`.
inline Bytes idx_bytes(std::uint8_t type, const std::vector<std::uint32_t>& extents, const Bytes& data) {
  Bytes out = {0, 0, type, static_cast<std::uint8_t>(extents.size())};
  for (std::uint32_t e : extents)
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(e >> shift));
  out.insert(out.end(), data.begin(), data.end());
  return out;
}
inline Bytes idx_images(std::uint32_t n, std::uint32_t rows, std::uint32_t cols, const Bytes& pixels) {
  return idx_bytes(0x08, {n, rows, cols}, pixels);
}
inline Bytes idx_labels(const Bytes& labels) {
  return idx_bytes(0x08, {static_cast<std::uint32_t>(labels.size())}, labels);
}

inline void write_plain(const std::filesystem::path& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

inline Bytes read_plain(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void write_gzip(const std::filesystem::path& path, const Bytes& bytes) {
  gzFile file = gzopen(path.c_str(), "wb1");
  if (!file) throw std::runtime_error("cannot gzopen " + path.string());
  if (!bytes.empty() && gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())) != static_cast<int>(bytes.size()))
    throw std::runtime_error("gzwrite failed on " + path.string());
  if (gzclose(file) != Z_OK) throw std::runtime_error("gzclose failed on " + path.string());
}

}  // namespace mpsim::data::test
