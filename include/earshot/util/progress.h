// A progress bar with ETA for long loops (epochs, loading, synthesis).
//
//   ProgressBar bar("epoch 3/30", batches);
//   for (...) { ...; bar.Update(i + 1, "loss 0.412 acc 0.871"); }
//   bar.Finish("val_loss 0.380");
//
// On a terminal it redraws one line; otherwise (logs, CI) it prints a line
// at every tenth of the way, so logs stay short.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace earshot {

class ProgressBar {
 public:
  ProgressBar(std::string label, int64_t total);
  void Update(int64_t done, const std::string& status = "");
  void Finish(const std::string& status = "");
  double ElapsedSeconds() const;

 private:
  std::string Line(int64_t done, const std::string& status) const;
  std::string label_;
  int64_t total_;
  bool tty_;
  int last_decile_ = -1;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

// "1:02:03", "4:05" or "12s".
std::string FormatDuration(double seconds);

}  // namespace earshot
