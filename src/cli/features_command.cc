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
// waveform.png (with a zoom on the loudest 500 samples) and, for
// spectrogram/mel/MFCC, one image per channel: <feature>.png, or
// <feature>_<k>.png for channel k of several (multi-resolution), each
// titled with its resolution. MFCC rows are standardised for display:
// c0, the log energy, would otherwise take the whole colour range.
void DrawPlots(const FeaturesArgs& a, const FrontEndOptions& o, const std::vector<float>& samples,
               const std::vector<int64_t>& shape, const std::vector<float>& f) {
  MakeDirs(a.plots);
  const std::string name = a.file.substr(a.file.find_last_of('/') + 1);
  plots::Waveform(a.plots + "/waveform.png", name, samples, o.sample_rate, 500);
  std::cerr << "wrote " << a.plots << "/waveform.png\n";
  if (o.feature == "waveform") return;
  const int channels = static_cast<int>(shape[0]);
  const int rows = static_cast<int>(shape[1]), cols = static_cast<int>(shape[2]);
  const auto resolutions = o.Resolutions();
  const bool mfcc = o.feature == "mfcc";
  const std::string y_label = mfcc ? "coefficient" : o.feature == "mel" ? "mel band" : "frequency bin";
  const int64_t size = static_cast<int64_t>(rows) * cols;
  for (int c = 0; c < channels; ++c) {
    std::vector<float> image(f.begin() + c * size, f.begin() + (c + 1) * size);
    std::string title = name + ": " + o.feature + " (" + o.scale + ")";
    if (channels > 1) {
      title += ", channel " + std::to_string(c + 1) + " of " + std::to_string(channels);
      if (static_cast<size_t>(c) < resolutions.size()) {
        title += " (n_fft " + std::to_string(resolutions[static_cast<size_t>(c)].first) + ")";
      }
    }
    if (mfcc) {
      image = plots::StandardizeRows(image, rows, cols);
      title += ", each coefficient scaled to mean 0, sd 1";
    }
    const std::string png =
        a.plots + "/" + o.feature + (channels > 1 ? "_" + std::to_string(c + 1) : "") + ".png";
    plots::FeatureImage(png, title, y_label, image, rows, cols,
                        static_cast<double>(o.hop_length) / o.sample_rate);
    std::cerr << "wrote " << png << ": " << title << "\n";
  }
}
#endif

void Run(const FeaturesArgs& a) {
  FrontEndOptions options;
  if (!a.config.empty()) LoadTomlFile(options, a.config, "features");
  ApplySettings(options, a.sets, "features");
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
  cmd->add_option("--set", args->sets,
                  "override a front-end option: n_mels=64 or features.n_mels=64 (repeatable)");
  auto* json = cmd->add_flag("--json", args->json, "JSON with shape, options and data");
  cmd->add_option("--npy", args->npy, "write the features to this .npy file")->excludes(json);
  cmd->add_flag("--show-options", args->show_options, "print every front-end option used");
#ifdef EARSHOT_WITH_PLOTS  // charts are part of the plots build
  cmd->add_option("--plots", args->plots,
                  "write waveform.png and the feature image (one per channel) into this folder");
#endif
  cmd->callback([args] { Run(*args); });
}

}  // namespace earshot::cli
