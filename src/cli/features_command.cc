// `earshot features FILE`: the feature matrix of one sound file, to compare
// with Python or to look at.
#include <iomanip>
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "earshot/audio/decode.h"
#include "earshot/features/frontend.h"
#ifdef EARSHOT_WITH_PLOTS
#include "earshot/plots/charts.h"
#endif
#include "earshot/util/files.h"
#include "earshot/util/npy.h"

namespace earshot::cli {
namespace {

struct FeaturesArgs {
  std::string file;
  std::string config;
  std::vector<std::string> sets;
  bool json = false;
  std::string npy;
  std::string plots;
  bool show_options = false;
};

#ifdef EARSHOT_WITH_PLOTS
// waveform.png (with a zoom on the first 500 samples, as seed 003 shows
// it) and, for spectrogram/mel/MFCC, the first channel as an image.
void DrawPlots(const FeaturesArgs& a, const FrontEndOptions& o, const std::vector<float>& samples,
               const std::vector<int64_t>& shape, const std::vector<float>& f) {
  MakeDirs(a.plots);
  const std::string name = a.file.substr(a.file.find_last_of('/') + 1);
  plots::Waveform(a.plots + "/waveform.png", name, samples, o.sample_rate, 500);
  std::cerr << "wrote " << a.plots << "/waveform.png\n";
  if (o.feature == "waveform") return;
  const int rows = static_cast<int>(shape[1]), cols = static_cast<int>(shape[2]);
  const std::vector<float> first(f.begin(), f.begin() + static_cast<int64_t>(rows) * cols);
  const std::string y_label = o.feature == "mfcc" ? "coefficient" : o.feature == "mel" ? "mel band" : "frequency bin";
  plots::FeatureImage(a.plots + "/" + o.feature + ".png", name + ": " + o.feature + " (" + o.scale + ")",
                      y_label, first, rows, cols, static_cast<double>(o.hop_length) / o.sample_rate);
  std::cerr << "wrote " << a.plots << "/" << o.feature << ".png\n";
}
#endif

void Run(const FeaturesArgs& a) {
  FrontEndOptions options;
  if (!a.config.empty()) LoadTomlFile(options, a.config, "features");
  for (const auto& s : a.sets) ApplySetting(options, s);
  FrontEnd fe(options);
  AudioInfo info;
  std::vector<float> samples = DecodeFile(a.file, options.sample_rate, &info);
  std::vector<int64_t> shape = fe.OutputShape(static_cast<int64_t>(samples.size()));
  std::vector<float> f = fe.Compute(samples);
#ifdef EARSHOT_WITH_PLOTS
  if (!a.plots.empty()) DrawPlots(a, options, samples, shape, f);
#endif
  if (!a.npy.empty()) {
    WriteNpy(a.npy, shape, f.data());
    std::cerr << "wrote " << a.npy << "\n";
  }
  if (a.json) {
    nlohmann::json j;
    j["file"] = a.file;
    j["source"] = {{"sample_rate", info.sample_rate}, {"channels", info.channels},
                   {"frames", info.frames}, {"duration", info.duration}, {"format", info.format}};
    j["options"] = nlohmann::json::parse(ToJson(options));
    j["shape"] = shape;
    j["data"] = f;
    std::cout << j.dump() << "\n";
    return;
  }
  std::cout << a.file << ": " << info.format << ", " << info.sample_rate << " Hz, "
            << info.channels << " channel(s), " << info.frames << " frames, " << info.duration
            << " s\n";
  if (a.show_options) std::cout << ToString(options);
  std::cout << options.feature << " shape (";
  for (size_t i = 0; i < shape.size(); ++i) std::cout << (i ? ", " : "") << shape[i];
  std::cout << ")\n";
  if (!a.npy.empty()) return;
  // Rows are bins (or samples for a waveform), columns frames.
  const int64_t cols = shape.back();
  std::cout << std::fixed << std::setprecision(4);
  for (size_t i = 0; i < f.size(); ++i) {
    std::cout << f[i] << ((static_cast<int64_t>(i) + 1) % cols == 0 ? "\n" : " ");
  }
}

}  // namespace

void AddFeaturesCommand(CLI::App& app) {
  auto args = std::make_shared<FeaturesArgs>();
  CLI::App* cmd = app.add_subcommand(
      "features",
      "Print the features of a sound file.\n  earshot features clip.wav --set n_mels=64 --json");
  cmd->add_option("file", args->file, "sound file")->required();
  cmd->add_option("--config", args->config,
                  "TOML with front-end options (a recipe's [features] table, or top-level keys)");
  cmd->add_option("--set", args->sets, "override an option: key=value (repeatable)");
  auto* json = cmd->add_flag("--json", args->json, "JSON with shape, options and data");
  cmd->add_option("--npy", args->npy, "write the features to this .npy file")->excludes(json);
  cmd->add_flag("--show-options", args->show_options, "print every front-end option used");
#ifdef EARSHOT_WITH_PLOTS  // charts are part of the plots build
  cmd->add_option("--plots", args->plots, "write waveform.png and the feature image into this folder");
#endif
  cmd->callback([args] { Run(*args); });
}

}  // namespace earshot::cli
