// SPDX-License-Identifier: MIT
// HistogramProbe (histogram_probe.hpp).
#include "mpsim/train/histogram_probe.hpp"

#include "mpsim/instrument/csv_field.hpp"

namespace mpsim::train {

void HistogramProbe::observe(std::string_view layer, std::string_view role, const Tensor& t) {
  auto key = std::make_pair(std::string(layer), std::string(role));
  auto it = index_.find(key);
  if (it == index_.end()) {
    it = index_.emplace(key, entries_.size()).first;
    entries_.push_back({std::move(key.first), std::move(key.second), {}});
  }
  entries_[it->second].histogram.record(t.values());
}

const Log2Histogram* HistogramProbe::find(std::string_view layer, std::string_view role) const {
  const auto it = index_.find({std::string(layer), std::string(role)});
  return it == index_.end() ? nullptr : &entries_[it->second].histogram;
}

void HistogramProbe::clear() {
  entries_.clear();
  index_.clear();
}

std::string HistogramProbe::csv_header(bool with_step) {
  return std::string(with_step ? "step," : "") + "layer,role," + std::string(Log2Histogram::csv_header());
}

void HistogramProbe::append_csv_rows(std::string& out, std::int64_t step, bool skip_empty) const {
  for (const Entry& e : entries_) {
    std::string prefix = step >= 0 ? std::to_string(step) + "," : std::string();
    prefix += csv_field(e.layer) + "," + csv_field(e.role) + ",";
    e.histogram.append_csv_rows(out, prefix, skip_empty);
  }
}

std::string HistogramProbe::to_csv() const {
  std::string out = csv_header() + "\n";
  append_csv_rows(out);
  return out;
}

}  // namespace mpsim::train
