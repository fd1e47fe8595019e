// SPDX-License-Identifier: MIT
// Format ranges for plots (format_ranges.hpp).
#include "format_ranges.hpp"

#include <cmath>
#include <sstream>

#include "mpsim/format/named_formats.hpp"
#include "mpsim/instrument/log2_histogram.hpp"

namespace mpsim::experiments {

const std::vector<Format>& plotted_formats() {
  static const std::vector<Format> formats{binary16, bfloat16, fp8_e4m3, fp8_e5m2};
  return formats;
}

std::string markers_csv() {
  std::ostringstream csv;
  csv.precision(17);
  csv << "format,marker,log2,value\n";
  for (const Format& f : plotted_formats()) {
    const FormatMarkers m = format_markers(f);
    csv << f.name << ",min_subnormal," << m.min_subnormal_exponent << "," << std::ldexp(1.0, m.min_subnormal_exponent) << "\n";
    csv << f.name << ",min_normal," << m.min_normal_exponent << "," << std::ldexp(1.0, m.min_normal_exponent) << "\n";
    csv << f.name << ",max_finite," << std::log2(m.max_finite) << "," << m.max_finite << "\n";
    csv << f.name << ",flush_threshold," << std::log2(m.flush_threshold) << "," << m.flush_threshold << "\n";
  }
  return csv.str();
}

std::string gnuplot_format_ranges(double x_min, double x_max) {
  std::ostringstream g;
  const FormatMarkers h = format_markers(binary16);
  const double h_max = std::log2(h.max_finite);
  auto clip = [&](double x) { return std::min(std::max(x, x_min), x_max); };
  g << "# fp16: subnormals [2^" << h.min_subnormal_exponent << ", 2^" << h.min_normal_exponent << "), normals up to "
    << h.max_finite << "\n";
  g << "set object 1 rect from " << clip(h.min_subnormal_exponent) << ", graph 0 to " << clip(h.min_normal_exponent)
    << ", graph 0.80 behind fillcolor rgb '#f6c48f' fillstyle solid 0.45 noborder\n";
  g << "set object 2 rect from " << clip(h.min_normal_exponent) << ", graph 0 to " << clip(h_max)
    << ", graph 0.80 behind fillcolor rgb '#a9dba0' fillstyle solid 0.40 noborder\n";
  g << "set label 'fp16 subnormal' at " << clip(h.min_subnormal_exponent + 0.3) << ", graph 0.77 font ',9'\n";
  g << "set label 'fp16 normal' at " << clip(h.min_normal_exponent + 0.5) << ", graph 0.77 font ',9'\n";
  const double flush = std::log2(h.flush_threshold);
  if (flush > x_min && flush < x_max) {
    g << "set arrow from " << flush << ", graph 0 to " << flush
      << ", graph 0.80 nohead dashtype 2 linewidth 1.5 linecolor rgb '#c0392b'\n";
    g << "set label 'fp16 flushes |x| <= 2^{" << flush << "} to 0' at " << flush - 0.3
      << ", graph 0.77 right front textcolor rgb '#c0392b' font ',9'\n";
  }
  // One bar per format along the top: its representable magnitudes [min subnormal, max finite].
  int row = 0;
  for (const Format& f : plotted_formats()) {
    const FormatMarkers m = format_markers(f);
    const double lo = m.min_subnormal_exponent, hi = std::log2(m.max_finite);
    const double y = 0.83 + 0.042 * row++;
    if (hi < x_min || lo > x_max) continue;
    g << "set arrow from " << clip(lo) << ", graph " << y << " to " << clip(hi) << ", graph " << y << " "
      << (lo < x_min ? "backhead" : "nohead") << " linewidth 3 linecolor rgb '#34495e'\n";
    g << "set label '" << f.name << " [2^{" << lo << "}, " << m.max_finite << "]' at " << clip(lo) + 0.3 << ", graph "
      << y + 0.016 << " font ',8'\n";
  }
  return g.str();
}

}  // namespace mpsim::experiments
