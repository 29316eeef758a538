#include "plot_page.h"

#include <plplot/plplot.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "earshot/util/error.h"

namespace earshot::plots {
namespace {

std::mutex& PlplotMutex() {
  static std::mutex m;
  return m;
}

// The cairo drivers draw at 72 dpi: one point is one pixel.
constexpr double kMmPerPx = 25.4 / 72.0;

// Distinct, colour-blind tolerant series colours.
constexpr int kSeriesRgb[kSeriesColours][3] = {
    {31, 119, 180}, {255, 127, 14},  {44, 160, 44},   {214, 39, 40},  {148, 103, 189},
    {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}};

size_t Utf8Length(const std::string& s) {
  size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

}  // namespace

int SeriesColour(size_t series) { return kSeriesBase + static_cast<int>(series % kSeriesColours); }

PlotPage::PlotPage(const std::string& png, int width, int height)
    : lock_(PlplotMutex()), png_(png), tmp_(png + ".tmp"), width_(width), height_(height) {
  if (width < 16 || height < 16) {
    ThrowOption(png + ": image size " + std::to_string(width) + " x " + std::to_string(height) +
                " is too small");
  }
  // PLplot asks on stdin and then exits when it cannot open its file, so the
  // path is tried here first.
  std::FILE* probe = std::fopen(tmp_.c_str(), "wb");
  if (!probe) ThrowIo(png + ": cannot write the chart (" + std::strerror(errno) + ")");
  std::fclose(probe);

  PLINT stream = 0;
  plmkstrm(&stream);
  plsdev("pngcairo");
  plsfnam(tmp_.c_str());
  plspage(0, 0, width, height, 0, 0);
  plscmap0n(kSeriesBase + kSeriesColours);
  plscol0(kBackground, 255, 255, 255);
  plscol0(kInk, 0, 0, 0);
  plscol0(kGrid, 225, 225, 225);
  plscol0(kLight, 255, 255, 255);
  for (int i = 0; i < kSeriesColours; ++i) {
    plscol0(kSeriesBase + i, kSeriesRgb[i][0], kSeriesRgb[i][1], kSeriesRgb[i][2]);
  }
  plinit();
  open_ = true;
  pladv(0);
  plcol0(kInk);
  SetTextPx(text_px_);
}

PlotPage::~PlotPage() {
  if (open_) {
    plend1();
    std::remove(tmp_.c_str());
  }
}

void PlotPage::Finish() {
  plend1();
  open_ = false;
  struct stat st {};
  if (stat(tmp_.c_str(), &st) != 0 || st.st_size == 0) {
    std::remove(tmp_.c_str());
    ThrowIo(png_ + ": PLplot wrote no image");
  }
  if (std::rename(tmp_.c_str(), png_.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    std::remove(tmp_.c_str());
    ThrowIo(png_ + ": cannot move the chart into place (" + reason + ")");
  }
}

void PlotPage::SetTextPx(double px) {
  text_px_ = px;
  plschr(px * kMmPerPx, 1.0);
}

void PlotPage::ViewportPx(double left, double right, double bottom, double top) {
  plvpor(left / width_, 1.0 - right / width_, bottom / height_, 1.0 - top / height_);
}

std::string PlText(const std::string& s) {
  std::string out;
  for (char ch : s) {
    out += ch;
    if (ch == '#') out += '#';
  }
  return out;
}

double TextWidthPx(const std::string& s, double text_px) {
  return 0.7 * text_px * static_cast<double>(Utf8Length(s));
}

double DigitsWidthPx(size_t digits, double text_px) {
  return 0.8 * text_px * static_cast<double>(digits);
}

std::string Shorten(const std::string& s, size_t max_chars) {
  if (Utf8Length(s) <= max_chars) return s;
  std::string out;
  size_t chars = 0;
  for (unsigned char ch : s) {
    if ((ch & 0xC0) != 0x80 && ++chars > max_chars - 1) break;
    out += static_cast<char>(ch);
  }
  return out + "\u2026";
}

}  // namespace earshot::plots
