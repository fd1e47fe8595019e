// SPDX-License-Identifier: MIT
// IDX reading (src/mpsim/data/idx.hpp, byte_source.hpp): well-formed plain and gzip files decode
// to the bytes written; every broken file gives a DataError naming the file and the problem.
#include <catch2/catch.hpp>

#include <functional>

#include "idx_files.hpp"
#include "mpsim/data/error.hpp"
#include "mpsim/data/idx.hpp"

using namespace mpsim::data;
using namespace mpsim::data::test;
using Catch::Matchers::Contains;

namespace {

// Every byte value once, as one 16 x 16 image, then a second image of 255 - value.
Bytes all_byte_values_twice() {
  Bytes pixels;
  for (int p = 0; p < 256; ++p) pixels.push_back(static_cast<std::uint8_t>(p));
  for (int p = 0; p < 256; ++p) pixels.push_back(static_cast<std::uint8_t>(255 - p));
  return pixels;
}

void require_error(const std::function<void()>& load, const std::filesystem::path& file, const std::string& problem) {
  try {
    load();
  } catch (const DataError& e) {
    INFO("message: " << e.what());
    CHECK_THAT(e.what(), Contains(file.string()) && Contains(problem));
    return;
  }
  FAIL("no DataError for " << file << " (expected \"" << problem << "\")");
}

}  // namespace

TEST_CASE("IDX images decode to pixel / 255 from plain and gzip files", "[data][idx]") {
  ScratchDir dir("idx-images");
  const Bytes pixels = all_byte_values_twice();
  write_plain(dir / "plain", idx_images(2, 16, 16, pixels));
  write_gzip(dir / "packed.gz", idx_images(2, 16, 16, pixels));
  for (const char* name : {"plain", "packed.gz"}) {
    INFO(name);
    const IdxImages images = read_idx_images(dir / name);
    REQUIRE(images.count == 2);
    REQUIRE(images.rows == 16);
    REQUIRE(images.cols == 16);
    REQUIRE(images.pixels.size() == pixels.size());
    for (std::size_t i = 0; i < pixels.size(); ++i) {
      // Reference: the quotient in float64, rounded once to float32 (exact in float64 to 2^-53
      // relative, far from a float32 tie for these quotients).
      REQUIRE(images.pixels[i] == static_cast<float>(static_cast<double>(pixels[i]) / 255.0));
    }
    CHECK(images.pixels[0] == 0.0f);    // byte 0
    CHECK(images.pixels[255] == 1.0f);  // byte 255
  }
}

TEST_CASE("IDX labels decode as stored, and a gzip file of several members is one stream", "[data][idx]") {
  ScratchDir dir("idx-labels");
  const Bytes labels = {9, 0, 0, 3, 0, 2, 7, 2, 5, 5, 255};
  write_gzip(dir / "labels.gz", idx_labels(labels));
  CHECK(read_idx_labels(dir / "labels.gz") == labels);
  // RFC 1952 2.2: a gzip file is a series of members; split the file across two of them.
  const Bytes whole = idx_labels(labels);
  write_gzip(dir / "a.gz", Bytes(whole.begin(), whole.begin() + 7));
  write_gzip(dir / "b.gz", Bytes(whole.begin() + 7, whole.end()));
  Bytes joined = read_plain(dir / "a.gz");
  const Bytes second = read_plain(dir / "b.gz");
  joined.insert(joined.end(), second.begin(), second.end());
  write_plain(dir / "two-members.gz", joined);
  CHECK(read_idx_labels(dir / "two-members.gz") == labels);
}

TEST_CASE("IDX data larger than the read chunk decodes completely", "[data][idx]") {
  ScratchDir dir("idx-large");
  Bytes pixels(3 * 200 * 300);  // 180,000 bytes: several 64 KiB chunks
  for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<std::uint8_t>((i * 7 + i / 300) % 256);
  write_gzip(dir / "large.gz", idx_images(3, 200, 300, pixels));
  const IdxImages images = read_idx_images(dir / "large.gz");
  REQUIRE(images.pixels.size() == pixels.size());
  for (std::size_t i = 0; i < pixels.size(); i += 997)
    REQUIRE(images.pixels[i] == static_cast<float>(static_cast<double>(pixels[i]) / 255.0));
  CHECK(images.pixels.back() == static_cast<float>(static_cast<double>(pixels.back()) / 255.0));
}

TEST_CASE("missing, empty and non-IDX files are errors naming the file", "[data][idx][errors]") {
  ScratchDir dir("idx-open");
  require_error([&] { read_idx_images(dir / "absent.gz"); }, dir / "absent.gz", "no such file");
  require_error([&] { read_idx_images(dir.path); }, dir.path, "is a directory");
  write_plain(dir / "empty", {});
  require_error([&] { read_idx_images(dir / "empty"); }, dir / "empty", "empty file");
  write_gzip(dir / "empty.gz", {});
  require_error([&] { read_idx_images(dir / "empty.gz"); }, dir / "empty.gz", "empty gzip content");
  write_plain(dir / "text", {'h', 'e', 'l', 'l', 'o'});
  require_error([&] { read_idx_images(dir / "text"); }, dir / "text", "not an IDX file: it starts with bytes 68 65 6c 6c");
  write_gzip(dir / "text.gz", {'h', 'e', 'l', 'l', 'o'});
  require_error([&] { read_idx_images(dir / "text.gz"); }, dir / "text.gz", "not an IDX file inside the gzip stream");
}

TEST_CASE("a wrong magic number or type code is an error naming both", "[data][idx][errors]") {
  ScratchDir dir("idx-magic");
  write_gzip(dir / "labels.gz", idx_labels({1, 2, 3}));
  require_error([&] { read_idx_images(dir / "labels.gz"); }, dir / "labels.gz",
                "wrong IDX magic number 2049 (unsigned byte, 1 dimension: labels); expected 2051 (unsigned byte, 3 dimensions: images)");
  write_plain(dir / "images", idx_images(1, 1, 2, {7, 8}));
  require_error([&] { read_idx_labels(dir / "images"); }, dir / "images", "wrong IDX magic number 2051");
  write_plain(dir / "float32", idx_bytes(0x0D, {1, 1, 1}, {0, 0, 0, 0}));
  require_error([&] { read_idx_images(dir / "float32"); }, dir / "float32",
                "unsupported IDX type code 0x0d (float32); this reader supports only 0x08 (unsigned byte)");
  write_plain(dir / "type07", idx_bytes(0x07, {1}, {0}));
  require_error([&] { read_idx_labels(dir / "type07"); }, dir / "type07", "unsupported IDX type code 0x07 (not an IDX type)");
}

TEST_CASE("truncated headers and data are errors saying how much was promised and found", "[data][idx][errors]") {
  ScratchDir dir("idx-truncated");
  const Bytes image = idx_images(3, 2, 2, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  write_plain(dir / "short-magic", Bytes(image.begin(), image.begin() + 3));
  require_error([&] { read_idx_images(dir / "short-magic"); }, dir / "short-magic", "truncated IDX header: 3 of 4 magic bytes");
  write_plain(dir / "short-extents", Bytes(image.begin(), image.begin() + 10));
  require_error([&] { read_idx_images(dir / "short-extents"); }, dir / "short-extents",
                "truncated IDX header: 6 of the 12 extent bytes");
  const Bytes cut(image.begin(), image.end() - 2);
  write_plain(dir / "short-data", cut);
  require_error([&] { read_idx_images(dir / "short-data"); }, dir / "short-data",
                "truncated data: the IDX header promises 12 data bytes (3 x 2 x 2), the data ends after 10 bytes");
  write_gzip(dir / "short-data.gz", cut);
  require_error([&] { read_idx_images(dir / "short-data.gz"); }, dir / "short-data.gz", "truncated data");
  // A header promising 2^32 x 2^32 x ... values is refused before anything is allocated.
  write_plain(dir / "huge", idx_bytes(0x08, {0xFFFFFFFF, 0xFFFFFFFF, 2}, {}));
  require_error([&] { read_idx_images(dir / "huge"); }, dir / "huge", "promises more than 2^32 values");
  // A plausible but unmet promise: 60000 x 28 x 28 with 12 bytes of data.
  write_plain(dir / "promise", idx_bytes(0x08, {60000, 28, 28}, Bytes(12, 1)));
  require_error([&] { read_idx_images(dir / "promise"); }, dir / "promise",
                "promises 47040000 data bytes (60000 x 28 x 28), the data ends after 12 bytes");
}

TEST_CASE("truncated and corrupt gzip streams are errors naming the file", "[data][idx][errors]") {
  ScratchDir dir("idx-gzip");
  Bytes pixels(4000);
  for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = static_cast<std::uint8_t>(i * i % 251);
  write_gzip(dir / "good.gz", idx_images(10, 20, 20, pixels));
  const Bytes good = read_plain(dir / "good.gz");
  REQUIRE(read_idx_images(dir / "good.gz").pixels.size() == 4000);

  write_plain(dir / "half.gz", Bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(good.size() / 2)));
  require_error([&] { read_idx_images(dir / "half.gz"); }, dir / "half.gz", "truncated gzip stream");
  // All data present, the 8-byte trailer (CRC-32, ISIZE) cut off: found when finishing.
  write_plain(dir / "no-trailer.gz", Bytes(good.begin(), good.end() - 8));
  require_error([&] { read_idx_images(dir / "no-trailer.gz"); }, dir / "no-trailer.gz", "truncated gzip stream");

  Bytes bad_crc = good;
  bad_crc[bad_crc.size() - 8] ^= 0x01;  // first byte of the CRC-32
  write_plain(dir / "bad-crc.gz", bad_crc);
  require_error([&] { read_idx_images(dir / "bad-crc.gz"); }, dir / "bad-crc.gz", "corrupt gzip stream (zlib: incorrect data check)");

  Bytes bad_method = good;
  bad_method[2] = 0x07;  // CM: 8 = deflate is the only method
  write_plain(dir / "bad-method.gz", bad_method);
  require_error([&] { read_idx_images(dir / "bad-method.gz"); }, dir / "bad-method.gz",
                "corrupt gzip stream (zlib: unknown compression method)");

  Bytes scrambled = good;
  // Scramble the middle of the deflate data (the IDX header, decoded from the start, stays intact).
  for (std::size_t i = scrambled.size() / 2; i < scrambled.size() / 2 + 40; ++i) scrambled[i] = static_cast<std::uint8_t>(0xA5 ^ i);
  write_plain(dir / "scrambled.gz", scrambled);
  require_error([&] { read_idx_images(dir / "scrambled.gz"); }, dir / "scrambled.gz", "corrupt gzip stream (zlib: ");
}

TEST_CASE("trailing garbage after the data or after the gzip stream is an error", "[data][idx][errors]") {
  ScratchDir dir("idx-trailing");
  Bytes longer = idx_labels({1, 2, 3});
  longer.insert(longer.end(), {4, 5});
  write_plain(dir / "longer", longer);
  require_error([&] { read_idx_labels(dir / "longer"); }, dir / "longer",
                "2 bytes of trailing garbage after the 3 data bytes (3) the IDX header promises");
  write_gzip(dir / "longer.gz", longer);
  require_error([&] { read_idx_labels(dir / "longer.gz"); }, dir / "longer.gz", "2 bytes of trailing garbage after the 3 data bytes");
  write_gzip(dir / "good.gz", idx_labels({1, 2, 3}));
  Bytes junk = read_plain(dir / "good.gz");
  junk.insert(junk.end(), {'j', 'u', 'n', 'k'});
  write_plain(dir / "junk.gz", junk);
  require_error([&] { read_idx_labels(dir / "junk.gz"); }, dir / "junk.gz", "4 bytes of trailing garbage after the end of the gzip stream");
}
