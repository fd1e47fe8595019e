// SPDX-License-Identifier: MIT
// The IDX header checks and the streaming readers of images and labels.
#include "mpsim/data/idx.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>

#include "mpsim/data/error.hpp"

namespace mpsim::data {

namespace {

constexpr std::uint8_t unsigned_byte_type = 0x08;
// No IDX file this reader accepts promises more than this many values (4 GiB).
constexpr std::uint64_t max_value_count = std::uint64_t{1} << 32;

const char* type_name(std::uint8_t code) {
  switch (code) {
    case 0x08: return "unsigned byte";
    case 0x09: return "signed byte";
    case 0x0B: return "int16";
    case 0x0C: return "int32";
    case 0x0D: return "float32";
    case 0x0E: return "float64";
    default: return nullptr;
  }
}

std::string hex_byte(std::uint8_t b) {
  char text[8];
  std::snprintf(text, sizeof text, "%02x", b);
  return text;
}

// "2051 (unsigned byte, 3 dimensions: images)"
std::string describe_magic(std::uint32_t magic) {
  const auto code = static_cast<std::uint8_t>(magic >> 8);
  const unsigned rank = magic & 0xff;
  const char* type = type_name(code);
  std::string text = std::to_string(magic) + " (" + (type ? type : "unknown type") + ", " + std::to_string(rank) +
                     (rank == 1 ? " dimension" : " dimensions");
  if (magic == idx_images_magic) text += ": images";
  if (magic == idx_labels_magic) text += ": labels";
  return text + ")";
}

std::uint32_t big_endian_u32(const std::uint8_t* b) {
  return std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 | std::uint32_t{b[3]};
}

}  // namespace

IdxFile::IdxFile(const std::filesystem::path& path, std::uint32_t expected_magic) : source_(path) {
  std::array<std::uint8_t, 4> magic{};
  const std::size_t got = source_.read(magic);
  if (got == 0) throw file_error(path, source_.is_gzip() ? "empty gzip content (expected an IDX header)" : "empty file (expected an IDX header)");
  if (got < magic.size()) throw file_error(path, "truncated IDX header: " + std::to_string(got) + " of 4 magic bytes");
  if (magic[0] != 0 || magic[1] != 0) {
    std::string start;
    for (std::uint8_t b : magic) {
      if (!start.empty()) start += ' ';
      start += hex_byte(b);
    }
    throw file_error(path, std::string("not an IDX file") + (source_.is_gzip() ? " inside the gzip stream" : "") + ": it starts with bytes " +
                               start + " (an IDX file starts with 00 00, a gzip file with 1f 8b)");
  }
  if (magic[2] != unsigned_byte_type) {
    const char* type = type_name(magic[2]);
    throw file_error(path, "unsupported IDX type code 0x" + hex_byte(magic[2]) + " (" + (type ? type : "not an IDX type") +
                               "); this reader supports only 0x08 (unsigned byte)");
  }
  const std::uint32_t found = big_endian_u32(magic.data());
  if (found != expected_magic)
    throw file_error(path, "wrong IDX magic number " + describe_magic(found) + "; expected " + describe_magic(expected_magic));

  const std::size_t rank = magic[3];
  std::vector<std::uint8_t> header(4 * rank);
  const std::size_t header_got = source_.read(header);
  if (header_got < header.size())
    throw file_error(path, "truncated IDX header: " + std::to_string(header_got) + " of the " + std::to_string(header.size()) +
                               " extent bytes that follow the magic number");
  value_count_ = 1;
  for (std::size_t i = 0; i < rank; ++i) {
    extents_.push_back(big_endian_u32(header.data() + 4 * i));
    value_count_ *= extents_.back();  // < 2^64: checked against max_value_count after each factor
    if (value_count_ > max_value_count)
      throw file_error(path, "the IDX header promises more than 2^32 values (extents so far " + promise() +
                                 "); this reader accepts at most 2^32");
  }
}

std::string IdxFile::promise() const {
  std::string dims;
  for (std::uint32_t e : extents_) {
    if (!dims.empty()) dims += " x ";
    dims += std::to_string(e);
  }
  return std::to_string(value_count_) + " data bytes (" + dims + ")";
}

std::uint64_t IdxFile::reservable_count() const { return std::min(value_count_, source_.decoded_size_bound()); }

void IdxFile::read(std::span<std::uint8_t> out) {
  const std::size_t got = source_.read(out);
  values_read_ += got;
  if (got < out.size())
    throw file_error(path(), "truncated data: the IDX header promises " + promise() + ", the data ends after " +
                                 std::to_string(values_read_) + " bytes");
}

void IdxFile::finish() {
  std::array<std::uint8_t, 4096> rest;
  std::uint64_t trailing = 0;
  for (std::size_t got; (got = source_.read(rest)) > 0;) trailing += got;
  if (trailing > 0)
    throw file_error(path(), std::to_string(trailing) + " bytes of trailing garbage after the " + promise() +
                                 " the IDX header promises");
}

IdxImages read_idx_images(const std::filesystem::path& path) {
  IdxFile file(path, idx_images_magic);
  IdxImages images;
  images.count = file.extents()[0];
  images.rows = file.extents()[1];
  images.cols = file.extents()[2];
  // pixel / 255 correctly rounded to float32, for each of the 256 byte values.
  std::array<float, 256> scaled;
  for (int p = 0; p < 256; ++p) scaled[p] = static_cast<float>(p) / 255.0f;
  images.pixels.reserve(file.reservable_count());
  std::array<std::uint8_t, std::size_t{1} << 16> chunk;
  for (std::uint64_t left = file.value_count(); left > 0;) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left, chunk.size()));
    file.read(std::span(chunk.data(), n));
    const std::size_t at = images.pixels.size();
    images.pixels.resize(at + n);
    float* out = images.pixels.data() + at;
    for (std::size_t i = 0; i < n; ++i) out[i] = scaled[chunk[i]];
    left -= n;
  }
  file.finish();
  return images;
}

std::vector<std::uint8_t> read_idx_labels(const std::filesystem::path& path) {
  IdxFile file(path, idx_labels_magic);
  std::vector<std::uint8_t> labels;
  labels.reserve(file.reservable_count());
  std::array<std::uint8_t, std::size_t{1} << 16> chunk;
  for (std::uint64_t left = file.value_count(); left > 0;) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left, chunk.size()));
    file.read(std::span(chunk.data(), n));
    labels.insert(labels.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(n));
    left -= n;
  }
  file.finish();
  return labels;
}

}  // namespace mpsim::data
