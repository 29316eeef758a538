// Pieces several charts draw the same way: titles, axis labels, legends,
// colour maps and colour scales. All draw on the current PlotPage.
#pragma once

#include <string>
#include <vector>

#include "plot_page.h"

namespace earshot::plots {

// The title centred above the viewport, `above_px` over its top edge.
void DrawTitle(PlotPage& page, const std::string& title, double above_px);

// An axis label centred along one side of the viewport ("b", "l", "r", "t"),
// `away_px` from the edge.
void DrawAxisLabel(PlotPage& page, const char* side, const std::string& label, double away_px);

// Light grid lines at the major ticks, then the frame and ticks of the
// current window. Options as plbox's.
void DrawFrame(const char* x_options, const char* y_options);

// A one-row legend centred above the viewport, `above_px` over its top.
// Entries are filled boxes (bars) or lines.
enum class LegendKind { kBoxes, kLines };
void DrawLegendAbove(PlotPage& page, const std::vector<std::string>& names, LegendKind kind,
                     double above_px);

// cmap1 ramps: white to deep blue for counts (dark text stays readable on
// the low end), dark purple to pale yellow for feature images.
enum class ColourMap { kCounts, kFeatures };
void UseColourMap(ColourMap map);

// A vertical colour scale from `low` to `high` in a viewport given by its
// margins in pixels, with numbers on its right and a label beyond them.
void DrawColourScale(PlotPage& page, double low, double high, const std::string& label, double left,
                     double right, double bottom, double top);

}  // namespace earshot::plots
