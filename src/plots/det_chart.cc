// The DET curve: false-reject rate against false alarms per hour, log x.
#include <plplot/plplot.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "chart_parts.h"
#include "earshot/plots/charts.h"
#include "earshot/util/error.h"
#include "plot_page.h"

namespace earshot::plots {

double DetChartFloor(const std::vector<Curve>& curves, double target) {
  double least = target > 0 ? target : INFINITY;
  for (const Curve& c : curves) {
    for (double x : c.x) {
      if (x > 0) least = std::min(least, x);
    }
  }
  return std::isfinite(least) ? least / 2 : 0.1;
}

void DetChart(const std::string& png, const std::string& title, const std::vector<Curve>& curves,
              double target) {
  if (curves.empty()) ThrowBadData(png + ": DET chart with no curves");
  for (size_t s = 0; s < curves.size(); ++s) {
    const Curve& c = curves[s];
    if (c.x.empty() || c.x.size() != c.y.size()) {
      ThrowMismatch(png + ": curve " + std::to_string(s) + " '" + c.name + "' has " + std::to_string(c.x.size()) +
                    " x values and " + std::to_string(c.y.size()) + " y values");
    }
    for (size_t i = 0; i < c.x.size(); ++i) {
      if (!(c.x[i] >= 0) || !std::isfinite(c.x[i]) || !(c.y[i] >= 0 && c.y[i] <= 1)) {
        ThrowBadData(png + ": curve '" + c.name + "' point " + std::to_string(i) + " (" + std::to_string(c.x[i]) +
                     ", " + std::to_string(c.y[i]) + ") is not a rate per hour and a rate in [0, 1]");
      }
    }
  }
  const double floor = DetChartFloor(curves, target);
  double most = std::max(floor, target);
  for (const Curve& c : curves) most = std::max(most, *std::max_element(c.x.begin(), c.x.end()));
  const double lo = std::log10(floor), hi = std::max(std::log10(most * 1.5), lo + 1);
  std::vector<std::string> legend;
  for (const Curve& c : curves) legend.push_back(c.name);

  const double top = curves.size() > 1 ? 84 : 50;
  PlotPage page(png, 800, 500);
  page.SetTextPx(13);
  page.ViewportPx(90, 30, 62, top);
  plwind(lo, hi, 0.0, 1.0);
  plcol0(kGrid);
  plwidth(1.0);
  plbox("gl", 0, 0, "g", 0, 0);
  plcol0(kInk);
  plbox("bcnstl", 0, 0, "bcnstv", 0, 0);
  if (target >= 0) {
    const PLFLT xs[] = {std::log10(std::max(target, floor)), std::log10(std::max(target, floor))};
    const PLFLT ys[] = {0.0, 1.0};
    pllsty(2);
    plline(2, xs, ys);
    pllsty(1);
  }
  for (size_t s = 0; s < curves.size(); ++s) {
    const Curve& c = curves[s];
    std::vector<size_t> order(c.x.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return c.x[a] != c.x[b] ? c.x[a] < c.x[b] : c.y[a] > c.y[b];
    });
    std::vector<PLFLT> xs, ys;
    for (size_t i : order) {
      xs.push_back(std::log10(std::max(c.x[i], floor)));
      ys.push_back(c.y[i]);
    }
    plcol0(SeriesColour(s));
    plwidth(2.0);
    if (xs.size() > 1) plline(static_cast<PLINT>(xs.size()), xs.data(), ys.data());
    plpoin(static_cast<PLINT>(xs.size()), xs.data(), ys.data(), 17);
    plwidth(1.0);
  }
  char zero[64];
  std::snprintf(zero, sizeof zero, "%.3g", floor);
  DrawAxisLabel(page, "b", std::string("false alarms per hour (none drawn at ") + zero + ")", 40);
  DrawAxisLabel(page, "l", "false-reject rate", 62);
  if (curves.size() > 1) DrawLegendAbove(page, legend, LegendKind::kLines, 8);
  DrawTitle(page, title, top - 30);
  page.Finish();
}

}  // namespace earshot::plots
