// Bar charts: stacked series per category, category names vertical.
#include <plplot/plplot.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <tuple>

#include "chart_parts.h"
#include "earshot/plots/charts.h"
#include "earshot/util/error.h"
#include "plot_page.h"

namespace earshot::plots {
namespace {

constexpr double kTextPx = 13;
constexpr double kCategoryPx = 26;  // one bar and its gap; fits a vertical name
constexpr double kPlotHeightPx = 380;
constexpr double kLeftPx = 90, kRightPx = 30;
constexpr size_t kMaxNameChars = 32;

void Validate(const std::string& png, const std::vector<std::string>& categories,
              const std::vector<Series>& stacked) {
  if (categories.empty()) ThrowBadData(png + ": bar chart with no categories");
  if (stacked.empty()) ThrowBadData(png + ": bar chart with no series");
  for (size_t s = 0; s < stacked.size(); ++s) {
    const Series& series = stacked[s];
    const std::string what = png + ": series " + std::to_string(s) +
                             (series.name.empty() ? "" : " '" + series.name + "'");
    if (series.values.size() != categories.size()) {
      ThrowMismatch(what + " has " + std::to_string(series.values.size()) + " values for " +
                    std::to_string(categories.size()) + " categories");
    }
    for (size_t i = 0; i < series.values.size(); ++i) {
      const double v = series.values[i];
      if (!std::isfinite(v) || (stacked.size() > 1 && v < 0)) {
        ThrowBadData(what + ", category '" + categories[i] + "': value " + std::to_string(v) +
                     (std::isfinite(v) ? " (stacked bars need values >= 0)" : ""));
      }
    }
  }
}

// `y_range` fixes the value axis; otherwise it spans 0 and every bar.
void DrawBarChart(const std::string& png, const std::string& title, const std::string& x_label,
                  const std::string& y_label, const std::vector<std::string>& categories,
                  const std::vector<Series>& stacked,
                  std::optional<std::pair<double, double>> y_range) {
  Validate(png, categories, stacked);
  const size_t n = categories.size();
  std::vector<std::string> names;
  double longest = 0;
  for (const auto& c : categories) {
    names.push_back(PlText(Shorten(c, kMaxNameChars)));
    longest = std::max(longest, TextWidthPx(Shorten(c, kMaxNameChars), kTextPx));
  }
  std::vector<std::string> legend;
  for (const Series& s : stacked) {
    if (!s.name.empty() || stacked.size() > 1) legend.push_back(s.name);
  }

  const double top = legend.empty() ? 50 : 84;
  const double bottom = 10 + longest + 18 + kTextPx + 16;
  const int width = static_cast<int>(std::max(640.0, 180 + kCategoryPx * n));
  const int height = static_cast<int>(top + kPlotHeightPx + bottom);

  double low = 0, high = 0;
  for (size_t i = 0; i < n; ++i) {
    double total = 0;
    for (const Series& s : stacked) total += s.values[i];
    low = std::min(low, total);
    high = std::max(high, total);
  }
  if (y_range) {
    std::tie(low, high) = *y_range;
  } else {
    if (high == low) high = low + 1;
    high += 0.05 * (high - low);
  }

  PlotPage page(png, width, height);
  page.SetTextPx(kTextPx);
  page.ViewportPx(kLeftPx, kRightPx, bottom, top);
  plwind(0, static_cast<double>(n), low, high);
  DrawFrame("bc", "bcnstv");
  std::vector<double> base(n, 0.0);
  for (size_t s = 0; s < stacked.size(); ++s) {
    for (size_t i = 0; i < n; ++i) {
      const double v = stacked[s].values[i];
      const PLFLT x0 = i + 0.12, x1 = i + 0.88, y0 = base[i], y1 = base[i] + v;
      const PLFLT xs[] = {x0, x1, x1, x0}, ys[] = {y0, y0, y1, y1};
      plcol0(SeriesColour(s));
      plfill(4, xs, ys);
      base[i] = y1;
    }
  }
  plcol0(kInk);
  plbox("bc", 0, 0, "bc", 0, 0);  // the frame again, over the bars' edges
  for (size_t i = 0; i < n; ++i) {
    // Vertical text sits right of its baseline: shift it back by a third of
    // its height to centre it under the bar.
    const double bar_px = (page.width() - kLeftPx - kRightPx) / static_cast<double>(n);
    plmtex("bv", page.Disp(8), (i + 0.5 + 0.33 * kTextPx / bar_px) / n, 1.0, names[i].c_str());
  }
  DrawAxisLabel(page, "b", x_label, bottom - 18);
  DrawAxisLabel(page, "l", y_label, 62);
  if (!legend.empty()) DrawLegendAbove(page, legend, LegendKind::kBoxes, 8);
  DrawTitle(page, title, top - 30);
  page.Finish();
}

}  // namespace

void BarChart(const std::string& png, const std::string& title, const std::string& x_label,
              const std::string& y_label, const std::vector<std::string>& categories,
              const std::vector<Series>& stacked) {
  DrawBarChart(png, title, x_label, y_label, categories, stacked, std::nullopt);
}

void ClassScoreChart(const std::string& png, const std::string& title, const std::string& y_label,
                     const std::vector<std::string>& classes, const std::vector<double>& scores) {
  for (size_t i = 0; i < scores.size(); ++i) {
    if (scores[i] < 0 || scores[i] > 1) {
      ThrowBadData(png + ": class '" + (i < classes.size() ? classes[i] : std::to_string(i)) +
                   "' scores " + std::to_string(scores[i]) + ", outside [0, 1]");
    }
  }
  DrawBarChart(png, title, "class", y_label, classes, {{"", scores}}, std::make_pair(0.0, 1.0));
}

}  // namespace earshot::plots
