// SPDX-License-Identifier: MIT
// Plain or gzip files as byte streams: one input buffer, refilled with fread; gzip members are
// inflated with zlib (windowBits 16 + MAX_WBITS: gzip header and CRC-32/ISIZE trailer checked).
#include "mpsim/data/byte_source.hpp"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "mpsim/data/error.hpp"

namespace mpsim::data {

namespace {
constexpr std::uint8_t gzip_magic0 = 0x1f, gzip_magic1 = 0x8b;
constexpr std::size_t input_buffer_bytes = std::size_t{1} << 16;
}  // namespace

struct ByteSource::State {
  std::filesystem::path path;
  std::FILE* file = nullptr;
  std::uint64_t file_size = 0;
  // Input bytes not consumed yet are in[pos, len).
  std::vector<std::uint8_t> in = std::vector<std::uint8_t>(input_buffer_bytes);
  std::size_t pos = 0, len = 0;
  bool gzip = false;
  bool z_ready = false;   // inflateInit2 succeeded (inflateEnd is owed)
  bool finished = false;  // the decoded stream has ended
  z_stream z{};

  ~State() {
    if (z_ready) inflateEnd(&z);
    if (file) std::fclose(file);
  }

  // Moves unread input to the front and reads more; returns false at end of file.
  bool refill() {
    if (pos > 0) {
      std::memmove(in.data(), in.data() + pos, len - pos);
      len -= pos;
      pos = 0;
    }
    if (len == in.size()) return true;
    const std::size_t got = std::fread(in.data() + len, 1, in.size() - len, file);
    if (got == 0 && std::ferror(file)) throw file_error(path, std::string("read error (") + std::strerror(errno) + ")");
    len += got;
    return got > 0;
  }

  // After a gzip member ends: another member follows (true), the file ends (false), or garbage.
  bool another_member_follows() {
    while (len - pos < 2 && refill()) {
    }
    if (len == pos) return false;
    if (len - pos >= 2 && in[pos] == gzip_magic0 && in[pos + 1] == gzip_magic1) return true;
    std::uint64_t trailing = len - pos;
    pos = len;
    while (refill()) {
      trailing += len - pos;
      pos = len;
    }
    throw file_error(path, std::to_string(trailing) + " bytes of trailing garbage after the end of the gzip stream");
  }

  std::size_t read_plain(std::span<std::uint8_t> out) {
    std::size_t produced = 0;
    while (produced < out.size()) {
      if (pos == len && !refill()) break;
      const std::size_t n = std::min(out.size() - produced, len - pos);
      std::memcpy(out.data() + produced, in.data() + pos, n);
      pos += n;
      produced += n;
    }
    return produced;
  }

  [[noreturn]] void corrupt(const char* what) {
    throw file_error(path, std::string("corrupt gzip stream (zlib: ") + (what ? what : "no message") + ")");
  }

  std::size_t read_gzip(std::span<std::uint8_t> out) {
    std::size_t produced = 0;
    while (produced < out.size() && !finished) {
      if (pos == len && !refill())
        throw file_error(path, "truncated gzip stream: the file ends before the end of the compressed data");
      z.next_in = in.data() + pos;
      z.avail_in = static_cast<uInt>(len - pos);
      z.next_out = out.data() + produced;
      z.avail_out = static_cast<uInt>(std::min<std::size_t>(out.size() - produced, 1u << 30));
      const uInt out_before = z.avail_out;
      const int rc = inflate(&z, Z_NO_FLUSH);
      produced += out_before - z.avail_out;
      pos = len - z.avail_in;
      switch (rc) {
        case Z_OK:
          break;
        case Z_BUF_ERROR:  // no progress without more input: the loop refills
          if (pos != len) corrupt("no progress with input left");
          break;
        case Z_STREAM_END:
          if (another_member_follows()) {
            if (inflateReset(&z) != Z_OK) corrupt(z.msg);
          } else {
            finished = true;
          }
          break;
        case Z_NEED_DICT:
          corrupt("a preset dictionary is required");
        case Z_MEM_ERROR:
          throw file_error(path, "out of memory while inflating the gzip stream");
        default:  // Z_DATA_ERROR, Z_STREAM_ERROR
          corrupt(z.msg);
      }
    }
    return produced;
  }
};

ByteSource::ByteSource(const std::filesystem::path& path) : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.path = path;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw file_error(path, "no such file");
  if (std::filesystem::is_directory(path, ec)) throw file_error(path, "is a directory, not a file");
  s.file = std::fopen(path.c_str(), "rb");
  if (!s.file) throw file_error(path, std::string("cannot open (") + std::strerror(errno) + ")");
  const auto size = std::filesystem::file_size(path, ec);
  s.file_size = ec ? 0 : size;
  while (s.len < 2 && s.refill()) {
  }
  s.gzip = s.len >= 2 && s.in[0] == gzip_magic0 && s.in[1] == gzip_magic1;
  if (s.gzip) {
    if (inflateInit2(&s.z, 16 + MAX_WBITS) != Z_OK) throw file_error(path, "zlib could not start inflating");
    s.z_ready = true;
  }
}

ByteSource::~ByteSource() = default;

const std::filesystem::path& ByteSource::path() const { return state_->path; }
bool ByteSource::is_gzip() const { return state_->gzip; }

std::size_t ByteSource::read(std::span<std::uint8_t> out) {
  return state_->gzip ? state_->read_gzip(out) : state_->read_plain(out);
}

std::uint64_t ByteSource::decoded_size_bound() const {
  return state_->gzip ? state_->file_size * 1032 + 4096 : state_->file_size;
}

}  // namespace mpsim::data
