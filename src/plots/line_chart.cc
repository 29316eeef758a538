// Line charts: training curves and other series over a shared x.
#include <plplot/plplot.h>

#include <algorithm>
#include <cmath>

#include "chart_parts.h"
#include "earshot/plots/charts.h"
#include "earshot/util/error.h"
#include "plot_page.h"

namespace earshot::plots {

AxisRange LineChartXRange(const std::vector<double>& x) {
  if (x.empty()) return {};
  const auto [lo, hi] = std::minmax_element(x.begin(), x.end());
  if (*hi > *lo) return {*lo, *hi};
  return {*lo - 1, *lo + 1};
}

AxisRange LineChartYRange(const std::vector<Series>& lines) {
  double lo = INFINITY, hi = -INFINITY;
  for (const Series& s : lines) {
    for (double v : s.values) {
      if (std::isfinite(v)) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    }
  }
  if (!(hi >= lo)) return {};
  const double pad = hi > lo ? 0.06 * (hi - lo) : 0.5;
  AxisRange r{lo - pad, hi + pad};
  if (lo >= 0) r.lo = std::max(0.0, r.lo);
  if (lo >= 0 && hi <= 1) r.hi = std::min(1.0, r.hi);
  return r;
}

void LineChart(const std::string& png, const std::string& title, const std::string& x_label,
               const std::string& y_label, const std::vector<double>& x,
               const std::vector<Series>& lines) {
  if (x.empty()) ThrowBadData(png + ": line chart with no x values");
  if (lines.empty()) ThrowBadData(png + ": line chart with no lines");
  for (size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i]))
      ThrowBadData(png + ": x value " + std::to_string(i) + " is " + std::to_string(x[i]));
  }
  bool any = false;
  for (size_t s = 0; s < lines.size(); ++s) {
    if (lines[s].values.size() != x.size()) {
      ThrowMismatch(png + ": line " + std::to_string(s) + " '" + lines[s].name + "' has " +
                    std::to_string(lines[s].values.size()) + " values for " +
                    std::to_string(x.size()) + " x values");
    }
    for (double v : lines[s].values) any = any || std::isfinite(v);
  }
  if (!any) ThrowBadData(png + ": every line value is NaN");
  const AxisRange xr = LineChartXRange(x), yr = LineChartYRange(lines);
  std::vector<std::string> legend;
  for (const Series& s : lines) {
    if (!s.name.empty() || lines.size() > 1) legend.push_back(s.name);
  }

  const double top = legend.empty() ? 50 : 84;
  PlotPage page(png, 800, 500);
  page.SetTextPx(13);
  page.ViewportPx(90, 30, 62, top);
  plwind(xr.lo, xr.hi, yr.lo, yr.hi);
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
