// Line charts: training curves and other series over a shared x.
#include <plplot/plplot.h>

#include <algorithm>
#include <cmath>

#include "chart_parts.h"
#include "earshot/plots/charts.h"
#include "earshot/util/error.h"
#include "plot_page.h"

namespace earshot::plots {

void LineChart(const std::string& png, const std::string& title, const std::string& x_label,
               const std::string& y_label, const std::vector<double>& x,
               const std::vector<Series>& lines) {
  if (x.empty()) ThrowBadData(png + ": line chart with no x values");
  if (lines.empty()) ThrowBadData(png + ": line chart with no lines");
  for (size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i]))
      ThrowBadData(png + ": x value " + std::to_string(i) + " is " + std::to_string(x[i]));
  }
  double lo = INFINITY, hi = -INFINITY;
  for (size_t s = 0; s < lines.size(); ++s) {
    if (lines[s].values.size() != x.size()) {
      ThrowMismatch(png + ": line " + std::to_string(s) + " '" + lines[s].name + "' has " +
                    std::to_string(lines[s].values.size()) + " values for " +
                    std::to_string(x.size()) + " x values");
    }
    for (double v : lines[s].values) {
      if (std::isfinite(v)) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    }
  }
  if (!(hi >= lo)) ThrowBadData(png + ": every line value is NaN");
  const double pad = hi > lo ? 0.06 * (hi - lo) : 0.5;
  const auto [x_lo, x_hi] = std::minmax_element(x.begin(), x.end());
  const double x0 = *x_lo, x1 = *x_hi > *x_lo ? *x_hi : *x_lo + 1;
  std::vector<std::string> legend;
  for (const Series& s : lines) {
    if (!s.name.empty() || lines.size() > 1) legend.push_back(s.name);
  }

  const double top = legend.empty() ? 50 : 84;
  PlotPage page(png, 800, 500);
  page.SetTextPx(13);
  page.ViewportPx(90, 30, 62, top);
  plwind(x0, x1, lo - pad, hi + pad);
  DrawFrame("bcnst", "bcnstv");
  // Markers show single points and sparse epochs; NaN values split a line.
  const bool markers = x.size() <= 60;
  for (size_t s = 0; s < lines.size(); ++s) {
    plcol0(SeriesColour(s));
    plwidth(2.0);
    std::vector<PLFLT> xs, ys;
    auto flush = [&]() {
      if (xs.size() > 1) plline(static_cast<PLINT>(xs.size()), xs.data(), ys.data());
      if (markers && !xs.empty()) plpoin(static_cast<PLINT>(xs.size()), xs.data(), ys.data(), 17);
      xs.clear();
      ys.clear();
    };
    for (size_t i = 0; i < x.size(); ++i) {
      if (std::isfinite(lines[s].values[i])) {
        xs.push_back(x[i]);
        ys.push_back(lines[s].values[i]);
      } else {
        flush();
      }
    }
    flush();
    plwidth(1.0);
  }
  DrawAxisLabel(page, "b", x_label, 40);
  DrawAxisLabel(page, "l", y_label, 62);
  if (!legend.empty()) DrawLegendAbove(page, legend, LegendKind::kLines, 8);
  DrawTitle(page, title, top - 30);
  page.Finish();
}

}  // namespace earshot::plots
