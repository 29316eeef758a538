#include "chart_parts.h"

#include <plplot/plplot.h>

#include <cstring>

namespace earshot::plots {
namespace {

double ViewportHeightPx(const PlotPage& page) {
  PLFLT x0, x1, y0, y1;
  plgvpd(&x0, &x1, &y0, &y1);
  return (y1 - y0) * page.height();
}

}  // namespace

void DrawTitle(PlotPage& page, const std::string& title, double above_px) {
  const double saved = page.text_px();
  page.SetTextPx(saved * 1.35);
  plcol0(kInk);
  plmtex("t", page.Disp(above_px), 0.5, 0.5, PlText(title).c_str());
  page.SetTextPx(saved);
}

void DrawAxisLabel(PlotPage& page, const char* side, const std::string& label, double away_px) {
  plcol0(kInk);
  plmtex(side, page.Disp(away_px), 0.5, 0.5, PlText(label).c_str());
}

void DrawFrame(const char* x_options, const char* y_options) {
  // Grid lines only along axes with ticks: bar categories get none.
  auto grid = [](const char* options) { return std::strchr(options, 't') ? "g" : ""; };
  plcol0(kGrid);
  plwidth(1.0);
  plbox(grid(x_options), 0, 0, grid(y_options), 0, 0);
  plcol0(kInk);
  plbox(x_options, 0, 0, y_options, 0, 0);
}

void DrawLegendAbove(PlotPage& page, const std::vector<std::string>& names, LegendKind kind,
                     double above_px) {
  const int n = static_cast<int>(names.size());
  std::vector<std::string> escaped;
  for (const auto& s : names) escaped.push_back(PlText(s));
  std::vector<const char*> text;
  for (const auto& s : escaped) text.push_back(s.c_str());
  std::vector<PLINT> opts(names.size(),
                          kind == LegendKind::kBoxes ? PL_LEGEND_COLOR_BOX : PL_LEGEND_LINE);
  std::vector<PLINT> colours, patterns(names.size(), 0), styles(names.size(), 1),
      ink(names.size(), kInk);
  for (size_t i = 0; i < names.size(); ++i) colours.push_back(SeriesColour(i));
  std::vector<PLFLT> box_scales(names.size(), 0.9), widths(names.size(), 2.5);
  PLFLT legend_width, legend_height;
  pllegend(&legend_width, &legend_height, PL_LEGEND_BACKGROUND | PL_LEGEND_ROW_MAJOR,
           PL_POSITION_TOP | PL_POSITION_OUTSIDE, 0.0, above_px / ViewportHeightPx(page), 0.04,
           kBackground, kInk, 1, 1, n, n, opts.data(), 1.0, 1.0, 2.0, 0.0, ink.data(), text.data(),
           colours.data(), patterns.data(), box_scales.data(), widths.data(), colours.data(),
           styles.data(), widths.data(), nullptr, nullptr, nullptr, nullptr);
}

void UseColourMap(ColourMap map) {
  if (map == ColourMap::kCounts) {
    const PLFLT at[] = {0.0, 0.5, 1.0};
    const PLFLT r[] = {1.0, 0.42, 0.03}, g[] = {1.0, 0.68, 0.19}, b[] = {1.0, 0.84, 0.42};
    plscmap1n(256);
    plscmap1l(1, 3, at, r, g, b, nullptr);
  } else {
    const PLFLT at[] = {0.0, 0.3, 0.6, 0.85, 1.0};
    const PLFLT r[] = {0.04, 0.36, 0.82, 0.98, 1.0}, g[] = {0.04, 0.12, 0.28, 0.67, 0.98},
                b[] = {0.16, 0.47, 0.27, 0.16, 0.75};
    plscmap1n(256);
    plscmap1l(1, 5, at, r, g, b, nullptr);
  }
}

void DrawColourScale(PlotPage& page, double low, double high, const std::string& label, double left,
                     double right, double bottom, double top) {
  if (!(high > low)) high = low + 1;
  page.ViewportPx(left, right, bottom, top);
  plwind(0, 1, low, high);
  const int steps = 64;
  for (int i = 0; i < steps; ++i) {
    const PLFLT y0 = low + (high - low) * i / steps, y1 = low + (high - low) * (i + 1) / steps;
    const PLFLT xs[] = {0, 1, 1, 0}, ys[] = {y0, y0, y1, y1};
    plcol1((i + 0.5) / steps);
    plfill(4, xs, ys);
  }
  plcol0(kInk);
  plbox("bc", 0, 0, "b", 0, 0);
  plbox("", 0, 0, "cmtiv", 0, 0);  // ticks outside, so they do not cross the colours
  DrawAxisLabel(page, "r", label, 6.0 * page.text_px());
}

}  // namespace earshot::plots
