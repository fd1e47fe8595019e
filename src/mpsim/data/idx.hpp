// SPDX-License-Identifier: MIT
// IDX files (the MNIST format, yann.lecun.com/exdb/mnist), plain or gzip. Layout, big-endian:
//
//   offset 0: 00 00 TT RR        magic: two zero bytes, type code TT, rank RR
//   offset 4: D0 D0 D0 D0 ...    RR extents, 32-bit unsigned each
//   then:     the D0 x D1 x ... values, row-major, nothing after them
//
// Only type code 0x08 (unsigned byte) is read. Images have magic 2051 = 0x00000803 (rank 3:
// count x rows x cols), labels 2049 = 0x00000801 (rank 1: count).
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "mpsim/data/byte_source.hpp"

namespace mpsim::data {

inline constexpr std::uint32_t idx_images_magic = 2051;  // 0x00000803
inline constexpr std::uint32_t idx_labels_magic = 2049;  // 0x00000801

// An open IDX file whose header has been read and checked; the values are read in order.
class IdxFile {
 public:
  // Throws DataError naming the file for: a missing/unreadable file, an empty file, a file that
  // is neither IDX nor gzip, a corrupt gzip stream, an unsupported type code, a magic other than
  // `expected_magic`, a truncated header.
  IdxFile(const std::filesystem::path& path, std::uint32_t expected_magic);

  const std::filesystem::path& path() const { return source_.path(); }
  const std::vector<std::uint32_t>& extents() const { return extents_; }
  // Product of the extents: the number of data bytes the header promises.
  std::uint64_t value_count() const { return value_count_; }
  // min(value_count(), what the file could decode to): a safe size to reserve.
  std::uint64_t reservable_count() const;
  // Reads the next out.size() values (out.size() <= values left); throws DataError "truncated"
  // when the data ends first.
  void read(std::span<std::uint8_t> out);
  // After all values are read: throws DataError when bytes follow them (trailing garbage) or
  // the gzip stream behind them is truncated or fails its CRC check.
  void finish();

 private:
  std::string promise() const;  // "47040000 data bytes (60000 x 28 x 28)"
  ByteSource source_;
  std::vector<std::uint32_t> extents_;
  std::uint64_t value_count_ = 0;
  std::uint64_t values_read_ = 0;
};

// Images of an IDX file (magic 2051) as float32 pixel / 255 in [0, 1], count x rows x cols.
struct IdxImages {
  std::size_t count = 0, rows = 0, cols = 0;
  std::vector<float> pixels;
};
IdxImages read_idx_images(const std::filesystem::path& path);

// Labels of an IDX file (magic 2049), as stored (0..255; range checks belong to the data set).
std::vector<std::uint8_t> read_idx_labels(const std::filesystem::path& path);

}  // namespace mpsim::data
