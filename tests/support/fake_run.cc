#include "fake_run.h"

#include <cmath>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "earshot/audio/decode.h"
#include "earshot/plots/charts.h"

namespace earshot::testing {

namespace fs = std::filesystem;

namespace {

constexpr int kRate = kFakeRunRate;

}  // namespace

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::vector<float> Tone(double hz) {
  std::vector<float> x(4 * kRate);
  for (size_t i = 0; i < x.size(); ++i) x[i] = 0.3f * std::sin(2 * M_PI * hz * i / kRate);
  return x;
}

void MakeFakeRun(const fs::path& run, const fs::path& data) {
  std::string manifest = "fname,label\n";
  const std::vector<std::pair<std::string, std::string>> clips{
      {"d1.wav", "dog"}, {"d2.wav", "dog"}, {"c1.wav", "cat"},
      {"c2.wav", "cat"}, {"o1.wav", kFakeRunOddClass}, {"o2.wav", kFakeRunOddClass}};
  double hz = 300;
  for (const auto& [id, label] : clips) {
    manifest += id + "," + label + "\n";
    fs::create_directories(data / "audio_train");
    WriteWav((data / "audio_train" / id).string(), Tone(hz), kRate);
    hz += 150;
  }
  Write(data / "train.csv", manifest);

  Write(run / "recipe.toml",
        "name = \"fake <run>\"\ndescription = \"tiny & quick\"\ntask = \"single_label\"\n\n"
        "[data]\nlayout = \"csv\"\nroot = \"" + data.string() + "\"\nsplit = \"none\"\n"
        "classes = [\"cat\", \"dog\", \"a<b&c>\"]\n\n"
        "[features]\nsample_rate = 8000\nwin_length = 240\nhop_length = 80\nn_fft = 256\n");
  Write(run / "data.json", R"({
  "root": ")" + data.string() + R"(", "layout": "csv", "clips": 6, "noise_files": 0, "bad_files": 1,
  "classes": ["cat", "dog", "a<b&c>"],
  "counts": {"test": {"cat": 2, "dog": 2, "a<b&c>": 2}},
  "notes": ["1 clip left out: <broken>.wav"]
})");
  Write(run / "summary.json", R"({
  "recipe": "fake <run>", "dir": "elsewhere/run", "seconds": 90.0, "train_clips_per_second": 250.0,
  "models": [{"dir": "elsewhere/run/model", "epochs_run": 3, "best_epoch": 2,
              "best_metrics": {"loss": 0.75, "val_accuracy": 0.625}}]
})");
  const fs::path model = run / "model";
  Write(model / "log.csv",
        "epoch,accuracy,loss,lr,val_accuracy,val_loss\n"
        "1,0.4,1.2,0.001,0.5,1.1\n2,0.6,0.9,0.001,0.625,0.75\n3,0.7,0.8,0.001,0.6,0.8\n");
  plots::LineChart((model / "curves_loss.png").string(), "fake: loss", "epoch", "loss", {1, 2, 3},
                   {{"train", {1.2, 0.9, 0.8}}, {"validation", {1.1, 0.75, 0.8}}});
  Write(model / "metrics_test.json", R"({
  "rows": 6, "classes": ["cat", "dog", "a<b&c>"], "accuracy": 0.5,
  "top_k_accuracy": {"1": 0.5, "3": 1.0}, "map_at_3": 0.7222,
  "macro": {"precision": 0.5, "recall": 0.5, "f1": 0.4444},
  "weighted": {"precision": 0.5, "recall": 0.5, "f1": 0.4444},
  "per_class": [
    {"class": "cat", "precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2},
    {"class": "dog", "precision": 0.6667, "recall": 0.5, "f1": 0.5714, "support": 2},
    {"class": "a<b&c>", "precision": 0.3333, "recall": 0.1234, "f1": 0.2857, "support": 2}],
  "confusion_matrix": {"rows": "true class", "columns": "predicted class",
                       "counts": [[1, 0, 1], [0, 1, 1], [1, 0, 1]]}
})");
  Write(model / "predictions_test.csv",
        "id,cat,dog,a<b&c>\n"
        "d1.wav,0.1,0.8,0.1\n"
        "d2.wav,0.05,0.05,0.9\n"
        "c1.wav,0.7,0.2,0.1\n"
        "c2.wav,0.3,0.1,0.6\n"
        "o1.wav,0.7,0.1,0.2\n"
        "o2.wav,0.1,0.1,0.8\n");
  Write(model / "split.csv", "id,split\nd1.wav,test\nd2.wav,test\nc1.wav,test\nc2.wav,test\no1.wav,test\no2.wav,test\n");
}

}  // namespace earshot::testing
