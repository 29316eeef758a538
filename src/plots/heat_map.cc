// Heat maps: a matrix of cells coloured by value, the values written in.
#include <plplot/plplot.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "chart_parts.h"
#include "earshot/plots/charts.h"
#include "earshot/util/error.h"
#include "plot_page.h"

namespace earshot::plots {
namespace {

constexpr size_t kMaxNameChars = 28;

std::string FormatCell(double v, bool integral) {
  char text[32];
  std::snprintf(text, sizeof text, integral ? "%.0f" : "%.2f", v);
  return text;
}

}  // namespace

void HeatMap(const std::string& png, const std::string& title, const std::string& x_label,
             const std::string& y_label, const std::vector<std::string>& row_names,
             const std::vector<std::string>& col_names, const std::vector<double>& values,
             bool annotate) {
  const size_t rows = row_names.size(), cols = col_names.size();
  if (rows == 0 || cols == 0) ThrowBadData(png + ": heat map with no rows or no columns");
  if (values.size() != rows * cols) {
    ThrowMismatch(png + ": " + std::to_string(values.size()) + " values for " +
                  std::to_string(rows) + " x " + std::to_string(cols) + " cells");
  }
  double lo = 0, hi = 0;
  bool integral = true;
  for (size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    if (!std::isfinite(v)) {
      ThrowBadData(png + ": cell (" + row_names[i / cols] + ", " + col_names[i % cols] + ") is " +
                   std::to_string(v));
    }
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    integral = integral && v == std::round(v);
  }
  if (hi == lo) hi = lo + 1;

  const double cell = std::clamp(600.0 / static_cast<double>(std::max(rows, cols)), 24.0, 60.0);
  const double label_px = std::min(13.0, 0.6 * cell);
  double row_extent = 0, col_extent = 0;
  for (const auto& s : row_names)
    row_extent = std::max(row_extent, TextWidthPx(Shorten(s, kMaxNameChars), label_px));
  for (const auto& s : col_names)
    col_extent = std::max(col_extent, TextWidthPx(Shorten(s, kMaxNameChars), label_px));
  const double left = 14 + 13 + 16 + row_extent + 8;
  const double bottom = 8 + col_extent + 16 + 13 + 12;
  const double right = 140, top = 56;
  const int width = static_cast<int>(left + cols * cell + right);
  const int height = static_cast<int>(top + rows * cell + bottom);

  PlotPage page(png, width, height);
  UseColourMap(ColourMap::kCounts);
  page.SetTextPx(label_px);
  page.ViewportPx(left, right, bottom, top);
  plwind(0, static_cast<double>(cols), 0, static_cast<double>(rows));
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < cols; ++c) {
      const PLFLT x0 = c, x1 = c + 1.0, y0 = rows - r - 1.0, y1 = rows - r * 1.0;
      const PLFLT xs[] = {x0, x1, x1, x0}, ys[] = {y0, y0, y1, y1};
      plcol1((values[r * cols + c] - lo) / (hi - lo));
      plfill(4, xs, ys);
    }
  }
  // Faint cell borders keep rows and columns traceable at 41 classes.
  plcol0(kGrid);
  for (size_t c = 1; c < cols; ++c) pljoin(c, 0, c, rows);
  for (size_t r = 1; r < rows; ++r) pljoin(0, r, cols, r);
  plcol0(kInk);
  plbox("bc", 0, 0, "bc", 0, 0);

  if (annotate) {
    size_t digits = 1;
    for (double v : values) digits = std::max(digits, FormatCell(v, integral).size());
    const double number_px =
        std::max(5.0, std::min(0.4 * cell, 0.9 * cell / DigitsWidthPx(digits, 1.0)));
    page.SetTextPx(number_px);
    for (size_t r = 0; r < rows; ++r) {
      for (size_t c = 0; c < cols; ++c) {
        const double v = values[r * cols + c];
        if (v == 0) continue;
        plcol0((v - lo) / (hi - lo) > 0.55 ? kLight : kInk);
        plptex(c + 0.5, rows - r - 0.5 - 0.3 * number_px / cell, 1, 0, 0.5,
               FormatCell(v, integral).c_str());
      }
    }
    page.SetTextPx(label_px);
  }
  plcol0(kInk);
  for (size_t r = 0; r < rows; ++r) {
    // Horizontal text hangs from its baseline: lower it by a third of its
    // height to centre it on the row.
    plmtex("lv", page.Disp(6), (rows - r - 0.5 - 0.33 * label_px / cell) / rows, 1.0,
           PlText(Shorten(row_names[r], kMaxNameChars)).c_str());
  }
  for (size_t c = 0; c < cols; ++c) {
    plmtex("bv", page.Disp(6), (c + 0.5 + 0.33 * label_px / cell) / cols, 1.0,
           PlText(Shorten(col_names[c], kMaxNameChars)).c_str());
  }
  page.SetTextPx(13);
  DrawAxisLabel(page, "b", x_label, bottom - 16);
  DrawAxisLabel(page, "l", y_label, left - 20);
  DrawTitle(page, title, 26);
  DrawColourScale(page, lo, hi, integral ? "count" : "value", width - right + 24, 90, bottom, top);
  page.Finish();
}

}  // namespace earshot::plots
