#include "earshot/util/progress.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace earshot {

std::string FormatDuration(double seconds) {
  if (seconds < 0 || seconds != seconds) return "?";
  const int64_t s = static_cast<int64_t>(seconds + 0.5);
  char buf[32];
  if (s < 60) std::snprintf(buf, sizeof(buf), "%llds", static_cast<long long>(s));
  else if (s < 3600) std::snprintf(buf, sizeof(buf), "%lld:%02lld", static_cast<long long>(s / 60), static_cast<long long>(s % 60));
  else std::snprintf(buf, sizeof(buf), "%lld:%02lld:%02lld", static_cast<long long>(s / 3600), static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  return buf;
}

ProgressBar::ProgressBar(std::string label, int64_t total)
    : label_(std::move(label)), total_(total > 0 ? total : 1), tty_(isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

double ProgressBar::ElapsedSeconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::string ProgressBar::Line(int64_t done, const std::string& status) const {
  constexpr int kWidth = 24;
  const double frac = static_cast<double>(done) / total_;
  const int fill = static_cast<int>(frac * kWidth);
  std::string bar(static_cast<size_t>(fill), '#');
  bar.append(static_cast<size_t>(kWidth - fill), '.');
  const double elapsed = ElapsedSeconds();
  const double eta = done > 0 ? elapsed * (total_ - done) / done : -1;
  return label_ + " [" + bar + "] " + std::to_string(done) + "/" + std::to_string(total_) + " " +
         FormatDuration(elapsed) + " eta " + FormatDuration(eta) +
         (status.empty() ? "" : "  " + status);
}

void ProgressBar::Update(int64_t done, const std::string& status) {
  if (tty_) {
    const auto now = std::chrono::steady_clock::now();
    if (done < total_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    std::cerr << "\r\033[K" << Line(done, status) << std::flush;
    return;
  }
  const int decile = static_cast<int>(10 * done / total_);
  if (decile > last_decile_ && done < total_) {
    last_decile_ = decile;
    std::cerr << Line(done, status) << "\n";
  }
}

void ProgressBar::Finish(const std::string& status) {
  if (tty_) std::cerr << "\r\033[K";
  std::cerr << Line(total_, status) << "\n";
}

}  // namespace earshot
