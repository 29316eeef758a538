// PNG charts drawn with PLplot's cairo driver. Every chart has a title and
// labelled axes, and stays readable with 41 classes.
//
//   plots::BarChart("counts.png", "Clips per class", "class", "clips", names, {counts});
#pragma once

#include <string>
#include <vector>

namespace earshot::plots {

struct Series {
  std::string name;            // legend entry; empty for a single series
  std::vector<double> values;  // one per category or x position
};

// Bars per category; several series are stacked (e.g. verified / not).
void BarChart(const std::string& png, const std::string& title, const std::string& x_label,
              const std::string& y_label, const std::vector<std::string>& categories,
              const std::vector<Series>& stacked);

// Histogram of values in `bins` equal bins between their min and max;
// several series are overlaid (e.g. train vs test lengths).
void Histogram(const std::string& png, const std::string& title, const std::string& x_label,
               const std::vector<Series>& values, int bins);

// Lines over x (training curves: loss and accuracy per epoch).
void LineChart(const std::string& png, const std::string& title, const std::string& x_label,
               const std::string& y_label, const std::vector<double>& x,
               const std::vector<Series>& lines);

// A matrix as a heat map with the counts written in the cells (confusion
// matrix: rows true, columns predicted).
void HeatMap(const std::string& png, const std::string& title, const std::string& x_label,
             const std::string& y_label, const std::vector<std::string>& row_names,
             const std::vector<std::string>& col_names, const std::vector<double>& values,
             bool annotate);

// A waveform over time in seconds, and a zoom on its first `zoom_samples`
// samples below it (0 = no zoom).
void Waveform(const std::string& png, const std::string& title, const std::vector<float>& samples,
              int sample_rate, int zoom_samples);

// A feature image (spectrogram, mel, MFCC): rows bins (low at the bottom),
// columns frames; `hop_seconds` scales the time axis.
void FeatureImage(const std::string& png, const std::string& title, const std::string& y_label,
                  const std::vector<float>& values, int rows, int cols, double hop_seconds);

}  // namespace earshot::plots
