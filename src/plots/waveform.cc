// Waveform plots: the whole clip over seconds, and a zoom on its loudest
// stretch.
#include <plplot/plplot.h>

#include <algorithm>
#include <cmath>

#include "chart_parts.h"
#include "earshot/plots/charts.h"
#include "earshot/util/error.h"
#include "plot_page.h"

namespace earshot::plots {
namespace {

constexpr int kWidth = 1000;
constexpr double kLeft = 90, kRight = 30, kPanel = 220;

// Draws samples[0, count) over x = x_start + index * x_step. Long signals become a
// min/max envelope per pixel column: the same picture, far fewer segments.
void DrawSignal(const float* samples, size_t count, double x_start, double x_step, double columns) {
  std::vector<PLFLT> xs, ys;
  const size_t per_column = static_cast<size_t>(count / columns);
  if (per_column < 2) {
    for (size_t i = 0; i < count; ++i) {
      xs.push_back(x_start + i * x_step);
      ys.push_back(samples[i]);
    }
  } else {
    for (size_t start = 0; start < count; start += per_column) {
      const size_t end = std::min(count, start + per_column);
      const auto [lo, hi] = std::minmax_element(samples + start, samples + end);
      xs.insert(xs.end(), {x_start + start * x_step, x_start + start * x_step});
      ys.insert(ys.end(), {*lo, *hi});
    }
  }
  plline(static_cast<PLINT>(xs.size()), xs.data(), ys.data());
}

// samples[0, count) drawn from x = x_start in steps of x_step.
void Panel(PlotPage& page, const float* samples, size_t count, double x_start, double x_step,
           double x_end, double bottom, double top, const std::string& title,
           const std::string& x_label) {
  page.ViewportPx(kLeft, kRight, bottom, top);
  float peak = 0;
  for (size_t i = 0; i < count; ++i) peak = std::max(peak, std::fabs(samples[i]));
  const double y = peak > 0 ? 1.08 * peak : 1.0;
  plwind(x_start, x_end, -y, y);
  DrawFrame("bcnst", "bcnstv");
  plcol0(SeriesColour(0));
  DrawSignal(samples, count, x_start, x_step, kWidth - kLeft - kRight);
  DrawAxisLabel(page, "b", x_label, 38);
  DrawAxisLabel(page, "l", "amplitude", 62);
  DrawTitle(page, title, 14);
}

}  // namespace

size_t LoudestWindowStart(const std::vector<float>& samples, size_t zoom) {
  if (zoom == 0 || samples.size() <= zoom) return 0;
  // energy[i] = sum of squares of samples[0, i).
  std::vector<double> energy(samples.size() + 1, 0.0);
  for (size_t i = 0; i < samples.size(); ++i) {
    energy[i + 1] = energy[i] + static_cast<double>(samples[i]) * samples[i];
  }
  const size_t last = samples.size() - zoom;
  double best = 0.0;
  for (size_t s = 0; s <= last; ++s) best = std::max(best, energy[s + zoom] - energy[s]);
  if (best <= 0.0) return 0;
  // Every window within rounding of the best holds the whole loudest
  // stretch: the middle one centres it.
  const double floor = best * (1.0 - 1e-9);
  size_t first = last + 1, end = 0;
  for (size_t s = 0; s <= last; ++s) {
    if (energy[s + zoom] - energy[s] >= floor) {
      first = std::min(first, s);
      end = s;
    }
  }
  return first + (end - first) / 2;
}

void Waveform(const std::string& png, const std::string& title, const std::vector<float>& samples,
              int sample_rate, int zoom_samples) {
  if (samples.empty()) ThrowBadData(png + ": waveform with no samples");
  if (sample_rate <= 0) {
    ThrowOption(png + ": sample rate should be > 0. Given: " + std::to_string(sample_rate));
  }
  if (zoom_samples < 0) {
    ThrowOption(png + ": zoom samples should be >= 0. Given: " + std::to_string(zoom_samples));
  }
  for (size_t i = 0; i < samples.size(); ++i) {
    if (!std::isfinite(samples[i])) {
      ThrowBadData(png + ": sample " + std::to_string(i) + " is " + std::to_string(samples[i]));
    }
  }
  const size_t zoom = std::min(samples.size(), static_cast<size_t>(zoom_samples));
  // Title band, panel, ticks and axis label; the zoom adds a gap for its
  // title and a second panel.
  const int height = static_cast<int>(50 + kPanel + 60 + (zoom > 0 ? 90 + kPanel : 0));

  PlotPage page(png, kWidth, height);
  page.SetTextPx(13);
  const double seconds = static_cast<double>(samples.size()) / sample_rate;
  Panel(page, samples.data(), samples.size(), 0.0, 1.0 / sample_rate, seconds, height - 50 - kPanel,
        50, title, "time (s)");
  if (zoom > 0) {
    const size_t start = LoudestWindowStart(samples, zoom);
    const size_t end = start + zoom;
    page.SetTextPx(13);
    Panel(page, samples.data() + start, zoom, static_cast<double>(start), 1.0,
          static_cast<double>(zoom > 1 ? end - 1 : end), 60, height - 60 - kPanel,
          "samples " + std::to_string(start) + "-" + std::to_string(end - 1) + ", the loudest " +
              std::to_string(zoom),
          "sample");
  }
  page.Finish();
}

}  // namespace earshot::plots
