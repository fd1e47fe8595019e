// SPDX-License-Identifier: MIT
// Checkpoint serialisation (layout in checkpoint.hpp).
#include "mpsim/train/checkpoint.hpp"

#include <zlib.h>

#include <bit>
#include <cstring>
#include <stdexcept>

#include "mpsim/data/atomic_file.hpp"
#include "mpsim/format/named_formats.hpp"

namespace mpsim::train {
namespace {

constexpr char magic[8] = {'M', 'P', 'S', 'I', 'M', 'C', 'K', 'P'};
constexpr std::uint32_t version = 1;

class Writer {
 public:
  template <class T>
  void put(T x) {
    static_assert(std::is_trivially_copyable_v<T>);
    char bytes[sizeof(T)];
    std::memcpy(bytes, &x, sizeof(T));  // little-endian hosts only (x86-64)
    out_.append(bytes, sizeof(T));
  }
  void put_text(std::string_view s, bool wide = false) {
    if (wide) put<std::uint64_t>(s.size());
    else put<std::uint32_t>(static_cast<std::uint32_t>(s.size()));
    out_.append(s);
  }
  void put_tensors(const std::vector<NamedTensor>& list) {
    put<std::uint32_t>(static_cast<std::uint32_t>(list.size()));
    for (const NamedTensor& t : list) {
      put_text(t.name);
      put_text(format_name(t.tensor.format()));
      put<std::uint32_t>(static_cast<std::uint32_t>(t.tensor.rank()));
      for (const std::int64_t d : t.tensor.shape()) put<std::int64_t>(d);
      put<std::uint64_t>(t.tensor.size());
      for (const float v : t.tensor.values()) put<std::uint32_t>(std::bit_cast<std::uint32_t>(v));
    }
  }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  Reader(std::string_view bytes, const std::filesystem::path& file) : bytes_(bytes), file_(file) {}
  [[noreturn]] void fail(const std::string& problem) const {
    throw std::runtime_error(file_.string() + ": " + problem);
  }
  template <class T>
  T get() {
    if (bytes_.size() - at_ < sizeof(T)) fail("truncated checkpoint");
    T x;
    std::memcpy(&x, bytes_.data() + at_, sizeof(T));
    at_ += sizeof(T);
    return x;
  }
  std::string get_text(bool wide = false) {
    const std::uint64_t n = wide ? get<std::uint64_t>() : get<std::uint32_t>();
    if (n > bytes_.size() - at_) fail("truncated checkpoint");
    std::string s(bytes_.substr(at_, n));
    at_ += n;
    return s;
  }
  std::vector<NamedTensor> get_tensors() {
    std::vector<NamedTensor> list;
    const std::uint32_t count = get<std::uint32_t>();
    for (std::uint32_t i = 0; i < count; ++i) {
      std::string name = get_text();
      const std::string format = get_text();
      const std::optional<Format> f = find_format(format);
      if (!f) fail("tensor '" + name + "' has an unknown format '" + format + "'");
      const std::uint32_t rank = get<std::uint32_t>();
      if (rank > 8) fail("tensor '" + name + "' has rank " + std::to_string(rank));
      Shape shape;
      std::uint64_t elements = 1;
      for (std::uint32_t d = 0; d < rank; ++d) {
        const std::int64_t extent = get<std::int64_t>();
        if (extent < 0 || extent > (std::int64_t{1} << 32)) fail("tensor '" + name + "' has a bad dimension");
        shape.push_back(extent);
        elements *= static_cast<std::uint64_t>(extent);
      }
      const std::uint64_t stored = get<std::uint64_t>();
      if (stored != elements) fail("tensor '" + name + "': element count disagrees with its shape");
      if (stored * 4 > bytes_.size() - at_) fail("truncated checkpoint");
      Tensor t(*f, shape);
      for (float& v : t.values()) v = std::bit_cast<float>(get<std::uint32_t>());
      list.push_back({std::move(name), std::move(t)});
    }
    return list;
  }
  bool at_end() const { return at_ == bytes_.size(); }

 private:
  std::string_view bytes_;
  const std::filesystem::path& file_;
  std::size_t at_ = 0;
};

std::uint32_t crc32_of(std::string_view bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes uInt lengths: feed in pieces below 1 GiB.
  for (std::size_t at = 0; at < bytes.size();) {
    const std::size_t n = std::min<std::size_t>(bytes.size() - at, std::size_t{1} << 30);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + at), static_cast<uInt>(n));
    at += n;
  }
  return static_cast<std::uint32_t>(crc);
}

}  // namespace

void save_checkpoint(const std::filesystem::path& file, const Checkpoint& c) {
  Writer w;
  w.bytes().append(magic, sizeof magic);
  w.put<std::uint32_t>(version);
  w.put_text(c.config_json, true);
  const Trainer::Snapshot& s = c.snapshot;
  w.put<std::int64_t>(s.next_step);
  w.put<std::uint64_t>(s.stochastic_index);
  w.put<double>(s.scaler.scale);
  w.put<std::int64_t>(s.scaler.growth_tracker);
  w.put<std::int32_t>(s.scaler.hysteresis_left);
  w.put<std::int64_t>(s.scaler.steps);
  w.put<std::int64_t>(s.optimizer_steps);
  w.put_tensors(s.parameters);
  w.put_tensors(s.optimizer);
  w.put_tensors(s.fp8);
  w.put<std::uint32_t>(crc32_of(w.bytes()));
  data::write_file_atomically(file, w.bytes());
}

Checkpoint load_checkpoint(const std::filesystem::path& file) {
  const std::string bytes = data::read_whole_file(file);
  Reader r(bytes, file);
  if (bytes.size() < sizeof magic + 8 || std::memcmp(bytes.data(), magic, sizeof magic) != 0) {
    r.fail("not an mpsim checkpoint (no MPSIMCKP header)");
  }
  std::uint32_t stored_crc;
  std::memcpy(&stored_crc, bytes.data() + bytes.size() - 4, 4);
  if (crc32_of(std::string_view(bytes).substr(0, bytes.size() - 4)) != stored_crc) {
    r.fail("checksum mismatch: the checkpoint is damaged");
  }
  Reader body(std::string_view(bytes).substr(0, bytes.size() - 4), file);
  for (std::size_t i = 0; i < sizeof magic; ++i) body.get<char>();
  if (const std::uint32_t v = body.get<std::uint32_t>(); v != version) {
    body.fail("checkpoint version " + std::to_string(v) + ", this mpsim reads version " + std::to_string(version));
  }
  Checkpoint c;
  c.config_json = body.get_text(true);
  Trainer::Snapshot& s = c.snapshot;
  s.next_step = body.get<std::int64_t>();
  s.stochastic_index = body.get<std::uint64_t>();
  s.scaler.scale = body.get<double>();
  s.scaler.growth_tracker = body.get<std::int64_t>();
  s.scaler.hysteresis_left = body.get<std::int32_t>();
  s.scaler.steps = body.get<std::int64_t>();
  s.optimizer_steps = body.get<std::int64_t>();
  s.parameters = body.get_tensors();
  s.optimizer = body.get_tensors();
  s.fp8 = body.get_tensors();
  if (!body.at_end()) body.fail("trailing bytes after the last tensor list");
  return c;
}

}  // namespace mpsim::train
