// Feature images: spectrograms, mel and MFCC matrices over time.
#include <plplot/plplot.h>

#include <algorithm>
#include <cmath>

#include "chart_parts.h"
#include "earshot/plots/charts.h"
#include "earshot/util/error.h"
#include "plot_page.h"

namespace earshot::plots {

void FeatureImage(const std::string& png, const std::string& title, const std::string& y_label,
                  const std::vector<float>& values, int rows, int cols, double hop_seconds) {
  if (rows < 1 || cols < 1) {
    ThrowBadData(png + ": feature image of " + std::to_string(rows) + " x " + std::to_string(cols) +
                 " has no cells");
  }
  if (values.size() != static_cast<size_t>(rows) * static_cast<size_t>(cols)) {
    ThrowMismatch(png + ": " + std::to_string(values.size()) + " values for " +
                  std::to_string(rows) + " x " + std::to_string(cols));
  }
  if (!(hop_seconds > 0)) {
    ThrowOption(png + ": hop should be > 0 seconds. Given: " + std::to_string(hop_seconds));
  }
  float lo = INFINITY, hi = -INFINITY;
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      ThrowBadData(png + ": bin " + std::to_string(i / cols) + ", frame " +
                   std::to_string(i % cols) + " is " + std::to_string(values[i]));
    }
    lo = std::min(lo, values[i]);
    hi = std::max(hi, values[i]);
  }
  if (hi == lo) hi = lo + 1;

  // plimage wants columns of the picture (frames) as the outer index.
  std::vector<std::vector<PLFLT>> by_frame(cols, std::vector<PLFLT>(rows));
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) by_frame[c][r] = values[static_cast<size_t>(r) * cols + c];
  }
  std::vector<const PLFLT*> pointers;
  for (const auto& frame : by_frame) pointers.push_back(frame.data());

  const double seconds = cols * hop_seconds;
  const double left = 90, right = 150, bottom = 62, top = 50;
  PlotPage page(png, 900, 460);
  UseColourMap(ColourMap::kFeatures);
  page.SetTextPx(13);
  page.ViewportPx(left, right, bottom, top);
  plwind(0, seconds, 0, rows);
  plimage(pointers.data(), cols, rows, 0, seconds, 0, rows, lo, hi, 0, seconds, 0, rows);
  plcol0(kInk);
  plbox("bcnst", 0, 0, "bcnstv", 0, 0);
  DrawAxisLabel(page, "b", "time (s)", 40);
  DrawAxisLabel(page, "l", y_label, 62);
  DrawTitle(page, title, 24);
  DrawColourScale(page, lo, hi, "value", page.width() - right + 24, 90, bottom, top);
  page.Finish();
}

std::vector<float> StandardizeRows(const std::vector<float>& values, int rows, int cols) {
  if (rows < 0 || cols < 0 || values.size() != static_cast<size_t>(rows) * static_cast<size_t>(cols)) {
    ThrowMismatch(std::to_string(values.size()) + " values for " + std::to_string(rows) + " x " +
                  std::to_string(cols));
  }
  std::vector<float> out(values.size(), 0.0f);
  for (int r = 0; r < rows; ++r) {
    const float* row = values.data() + static_cast<size_t>(r) * cols;
    double mean = 0.0, square = 0.0;
    for (int c = 0; c < cols; ++c) mean += row[c];
    mean /= cols;
    for (int c = 0; c < cols; ++c) square += (row[c] - mean) * (row[c] - mean);
    const double sd = std::sqrt(square / cols);
    if (!(sd > 0)) continue;
    for (int c = 0; c < cols; ++c) {
      out[static_cast<size_t>(r) * cols + c] = static_cast<float>((row[c] - mean) / sd);
    }
  }
  return out;
}

}  // namespace earshot::plots
