// Histograms: several series counted on shared bins and overlaid.
#include <plplot/plplot.h>

#include <algorithm>
#include <cmath>

#include "chart_parts.h"
#include "earshot/plots/charts.h"
#include "earshot/util/error.h"
#include "plot_page.h"

namespace earshot::plots {

void Histogram(const std::string& png, const std::string& title, const std::string& x_label,
               const std::vector<Series>& values, int bins) {
  if (bins < 1)
    ThrowOption(png + ": histogram bins should be >= 1. Given: " + std::to_string(bins));
  if (values.empty()) ThrowBadData(png + ": histogram with no series");
  double lo = INFINITY, hi = -INFINITY;
  for (size_t s = 0; s < values.size(); ++s) {
    for (size_t i = 0; i < values[s].values.size(); ++i) {
      const double v = values[s].values[i];
      if (!std::isfinite(v)) {
        ThrowBadData(png + ": series " + std::to_string(s) + ", value " + std::to_string(i) +
                     " is " + std::to_string(v));
      }
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (!(hi >= lo)) ThrowBadData(png + ": histogram with no values");
  if (hi == lo) {  // one distinct value: a unit-wide bin around it
    lo -= 0.5;
    hi += 0.5;
  }
  const double step = (hi - lo) / bins;
  std::vector<std::vector<double>> counts(values.size(), std::vector<double>(bins, 0.0));
  double top_count = 1;
  for (size_t s = 0; s < values.size(); ++s) {
    for (double v : values[s].values) {
      const int b = std::min(bins - 1, static_cast<int>((v - lo) / step));  // max in last bin
      top_count = std::max(top_count, ++counts[s][b]);
    }
  }
  std::vector<std::string> legend;
  for (const Series& s : values) {
    if (!s.name.empty() || values.size() > 1) legend.push_back(s.name);
  }

  const double top = legend.empty() ? 50 : 84, bottom = 62, left = 90, right = 30;
  PlotPage page(png, 800, 500);
  page.SetTextPx(13);
  page.ViewportPx(left, right, bottom, top);
  plwind(lo, hi, 0, top_count * 1.05);
  DrawFrame("bcnst", "bcnstv");
  for (size_t s = 0; s < values.size(); ++s) {
    const int colour = SeriesColour(s);
    // Translucent fill so overlaid series stay visible, then a solid outline.
    PLINT r, g, b;
    PLFLT alpha;
    plgcol0a(colour, &r, &g, &b, &alpha);
    plscol0a(colour, r, g, b, 0.45);
    plcol0(colour);
    std::vector<PLFLT> xs, ys;
    for (int i = 0; i < bins; ++i) {
      const PLFLT x0 = lo + i * step, x1 = lo + (i + 1) * step, y = counts[s][i];
      if (y > 0) {
        const PLFLT bx[] = {x0, x1, x1, x0}, by[] = {0, 0, y, y};
        plfill(4, bx, by);
      }
      xs.insert(xs.end(), {x0, x1});
      ys.insert(ys.end(), {y, y});
    }
    xs.insert(xs.begin(), lo);
    ys.insert(ys.begin(), 0);
    xs.push_back(hi);
    ys.push_back(0);
    plscol0a(colour, r, g, b, 1.0);
    plcol0(colour);
    plwidth(1.5);
    plline(static_cast<PLINT>(xs.size()), xs.data(), ys.data());
    plwidth(1.0);
  }
  plcol0(kInk);
  plbox("bc", 0, 0, "bc", 0, 0);
  DrawAxisLabel(page, "b", x_label, 40);
  DrawAxisLabel(page, "l", "count", 62);
  if (!legend.empty()) DrawLegendAbove(page, legend, LegendKind::kBoxes, 8);
  DrawTitle(page, title, top - 30);
  page.Finish();
}

}  // namespace earshot::plots
