// One PNG page drawn by PLplot, and the layout arithmetic every chart shares.
//
// PLplot keeps global state, so a PlotPage holds one process-wide mutex from
// construction to destruction and draws on a stream of its own; charts can
// be drawn from any thread, one at a time.
#pragma once

#include <mutex>
#include <string>
#include <vector>

namespace earshot::plots {

// cmap0 entries set on every page.
inline constexpr int kBackground = 0;
inline constexpr int kInk = 1;    // axes, text
inline constexpr int kGrid = 2;   // light grid lines
inline constexpr int kLight = 3;  // white text on dark cells
// Series colours: kSeriesBase + i % kSeriesColours.
inline constexpr int kSeriesBase = 4;
inline constexpr int kSeriesColours = 10;
int SeriesColour(size_t series);

class PlotPage {
 public:
  // Opens `png` for a width x height pixel image; throws kIo if the file
  // cannot be written. The image is written to `png`.tmp and moved into
  // place by Finish(), so a failed chart leaves no partial file.
  PlotPage(const std::string& png, int width, int height);
  ~PlotPage();
  PlotPage(const PlotPage&) = delete;
  PlotPage& operator=(const PlotPage&) = delete;

  // Ends the stream and moves the image into place.
  void Finish();

  int width() const { return width_; }
  int height() const { return height_; }

  // Text size for what is drawn next, in PLplot's character height as
  // pixels (the cairo font's em is about 1.45 times larger).
  void SetTextPx(double px);
  double text_px() const { return text_px_; }
  // A distance in pixels in units of the current text height (plmtex's disp).
  double Disp(double px) const { return px / text_px_; }

  // Viewport by its margins in pixels from the page edges.
  void ViewportPx(double left, double right, double bottom, double top);

 private:
  std::unique_lock<std::mutex> lock_;
  std::string png_, tmp_;
  int width_, height_;
  double text_px_ = 12;
  bool open_ = false;
};

// PLplot reads '#' as an escape; labels are shown as given.
std::string PlText(const std::string& s);

// Approximate width in pixels of `s` at `text_px` (a sans-serif average;
// PLplot 5.15 cannot measure strings before drawing them).
double TextWidthPx(const std::string& s, double text_px);
// Width of a number of `digits` characters: digits are wider than average.
double DigitsWidthPx(size_t digits, double text_px);

// Labels longer than `max_chars` are cut with an ellipsis.
std::string Shorten(const std::string& s, size_t max_chars);

}  // namespace earshot::plots
