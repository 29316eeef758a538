// PNG charts drawn with PLplot's cairo driver. Every chart has a title and
// labelled axes, and stays readable with 41 classes.
//
//   plots::BarChart("counts.png", "Clips per class", "class", "clips", names, {counts});
//
// Charts may be drawn from several threads; they are drawn one at a time.
// An unwritable path, empty or mismatched data throw earshot::Error, and a
// failed chart leaves no file behind.
#pragma once

#include <string>
#include <vector>

namespace earshot::plots {

struct Series {
  std::string name;            // legend entry; empty for a single series
  std::vector<double> values;  // one per category or x position
};

// Bars per category; several series are stacked (e.g. verified / not) and
// named in a legend. Category names are written vertically; the image is
// max(640, 180 + 26 * categories) pixels wide, and taller when names are long
// (names beyond 32 characters are cut). Stacked values must be >= 0.
void BarChart(const std::string& png, const std::string& title, const std::string& x_label,
              const std::string& y_label, const std::vector<std::string>& categories,
              const std::vector<Series>& stacked);

// One bar per class on a fixed 0..1 scale (per-class accuracy or recall),
// laid out as BarChart.
void ClassScoreChart(const std::string& png, const std::string& title, const std::string& y_label,
                     const std::vector<std::string>& classes, const std::vector<double>& scores);

// Histogram of values in `bins` equal bins between their min and max;
// several series are overlaid, translucent, on the same bins (e.g. train vs
// test lengths). 800 x 500 pixels.
void Histogram(const std::string& png, const std::string& title, const std::string& x_label,
               const std::vector<Series>& values, int bins);

// Lines over x (training curves: loss and accuracy per epoch); each line has
// one value per x, NaN for a gap. 800 x 500 pixels; the axes are
// LineChartXRange and LineChartYRange.
void LineChart(const std::string& png, const std::string& title, const std::string& x_label,
               const std::string& y_label, const std::vector<double>& x,
               const std::vector<Series>& lines);

// One curve of an x-y chart: its own x values, one y per x.
struct Curve {
  std::string name;
  std::vector<double> x, y;
};

// A detection-error trade-off chart: per curve (a keyword, or all of
// them), false alarms per hour on a log x axis against the false-reject
// rate on a fixed 0..1 y axis, points joined in x order. x values of 0
// (no false alarm) are drawn at DetChartFloor, the left edge, and the x
// label says so; `target` >= 0 draws a dashed vertical line there (the
// rate thresholds were chosen for). 800 x 500 pixels.
void DetChart(const std::string& png, const std::string& title, const std::vector<Curve>& curves,
              double target);
// Where 0 sits on the log axis: half the smallest positive x of any curve
// (and of a positive target), 0.1 when there is none.
double DetChartFloor(const std::vector<Curve>& curves, double target);

// A matrix as a heat map with the counts written in the cells (confusion
// matrix: rows true, columns predicted). `values` is row-major, row 0 drawn
// at the top; a colour scale sits on the right. Cells are
// clamp(600 / max(rows, cols), 22, 60) pixels square and the numbers shrink
// with them; zero cells are left blank so the errors stand out. Whole
// numbers are written without decimals, others with two.
void HeatMap(const std::string& png, const std::string& title, const std::string& x_label,
             const std::string& y_label, const std::vector<std::string>& row_names,
             const std::vector<std::string>& col_names, const std::vector<double>& values,
             bool annotate);

// The axis ranges of a line chart. x: the values' span; a single x sits in
// the middle of [x - 1, x + 1]. y: the finite values' span padded by 6 %
// (0.5 either side when they are all equal), never below 0 when no value
// is negative and never above 1 when every value lies in [0, 1]
// (accuracies, shares).
struct AxisRange {
  double lo = 0.0;
  double hi = 1.0;
};
AxisRange LineChartXRange(const std::vector<double>& x);
AxisRange LineChartYRange(const std::vector<Series>& lines);

// Where a waveform's zoom of `zoom` samples starts: the window with the most
// energy (sum of squares), centred on the loudest stretch when several
// windows hold it all; 0 when the signal is silent or no longer than `zoom`.
size_t LoudestWindowStart(const std::vector<float>& samples, size_t zoom);

// A waveform over time in seconds, and below it a zoom on `zoom_samples`
// samples at LoudestWindowStart (0 = no zoom). 1000 pixels wide; 330 high,
// 640 with the zoom.
void Waveform(const std::string& png, const std::string& title, const std::vector<float>& samples,
              int sample_rate, int zoom_samples);

// A feature image (spectrogram, mel, MFCC): rows bins (low at the bottom),
// columns frames; `hop_seconds` scales the time axis. `values` is
// row-major [rows][cols]; a colour scale sits on the right. 900 x 460 pixels.
void FeatureImage(const std::string& png, const std::string& title, const std::string& y_label,
                  const std::vector<float>& values, int rows, int cols, double hop_seconds);

// Each row of a row-major [rows][cols] matrix scaled to zero mean and unit
// variance (a constant row becomes zeros): an MFCC image for display, where
// c0's scale would otherwise hide every other coefficient.
std::vector<float> StandardizeRows(const std::vector<float>& values, int rows, int cols);

}  // namespace earshot::plots
