// `earshot inspect DATA`: what is in a data set: classes and counts,
// durations, sample rates, channels, peaks and clipping, and the files that
// cannot be read.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "earshot/data/csv.h"
#include "earshot/data/inspect.h"
#include "earshot/data/readers.h"
#include "earshot/data/summary.h"
#ifdef EARSHOT_WITH_PLOTS
#include "earshot/plots/charts.h"
#endif
#include "earshot/util/error.h"

namespace earshot::cli {
namespace {

using json = nlohmann::ordered_json;  // keys in the order written: summary first

struct InspectArgs {
  std::string data;
  std::string layout;
  std::string config;
  std::vector<std::string> sets;
  bool list = false;
  std::string plots;
  int threads = 2;
};

json LevelJson(const LevelCounts& c) {
  return {{"clips", c.clips}, {"largest_peak", c.largest_peak}, {"at_full_scale", c.at_full_scale},
          {"above_full_scale", c.above_full_scale}, {"clipped", c.clipped}};
}

json DurationJson(const DurationSummary& d) {
  if (d.count == 0) return json::object();
  return {{"min", d.min}, {"max", d.max}, {"mean", d.mean}, {"median", d.median},
          {"total", d.total}, {"histogram", {{"edges", d.edges}, {"counts", d.counts}}}};
}

void PrintList(const Dataset& ds) {
  std::cout << "id,path,label,split,fold,verified,silence\n";
  for (const auto& clip : ds.clips) {
    int c = MainClass(clip);
    std::cout << CsvField(clip.id) << ',' << CsvField(clip.path) << ','
              << CsvField(c >= 0 && c < static_cast<int>(ds.classes.size()) ? ds.classes[c] : "")
              << ',' << SplitName(clip.split) << ',' << clip.fold << ',' << (clip.verified ? 1 : 0)
              << ',' << (clip.silence ? 1 : 0) << '\n';
  }
}

#ifdef EARSHOT_WITH_PLOTS
void DrawPlots(const std::string& dir, const Dataset& ds, const LabelSummary& s,
               const std::map<Split, std::vector<double>>& durations) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) ThrowIo(dir + ": cannot create the plots folder (" + ec.message() + ")");
  if (!s.classes.empty()) {
    const bool stack = std::any_of(s.classes.begin(), s.classes.end(),
                                   [](const ClassSummary& c) { return c.unverified > 0; });
    std::vector<std::string> names;
    plots::Series first{stack ? "verified" : "", {}}, second{"not verified", {}};
    for (const auto& c : s.classes) {
      names.push_back(c.name);
      first.values.push_back(ds.soft_labels ? c.mass : stack ? c.verified : c.clips);
      second.values.push_back(c.unverified);
    }
    std::vector<plots::Series> stacked{first};
    if (stack) stacked.push_back(second);
    const std::string png = dir + "/classes.png";
    plots::BarChart(png, ds.soft_labels ? "Share of the mixtures per class" : "Clips per class",
                    "class", ds.soft_labels ? "sum of shares" : "clips", names, stacked);
    std::cerr << "wrote " << png << "\n";
  }
  std::vector<plots::Series> lengths;
  for (const auto& [split, values] : durations) {
    if (!values.empty()) lengths.push_back({durations.size() > 1 ? SplitName(split) : "", values});
  }
  if (!lengths.empty()) {
    const std::string png = dir + "/durations.png";
    plots::Histogram(png, "Clip durations", "seconds", lengths, 30);
    std::cerr << "wrote " << png << "\n";
  }
}
#endif

void Run(const InspectArgs& a) {
  DataOptions o;
  if (!a.config.empty()) LoadTomlFile(o, a.config, "data");
  if (!a.data.empty()) o.root = a.data;
  if (!a.layout.empty()) o.layout = a.layout;
  ApplySettings(o, a.sets, "data");
  Dataset ds = ReadDataset(o);
  if (a.list) {
    PrintList(ds);
    return;
  }

  const AudioReport audio = InspectAudio(ds, a.threads);
  json bad = json::array();
  for (const UnreadableClip& u : audio.unreadable) {
    bad.push_back({{"path", u.path}, {"id", u.id}, {"reason", u.reason}});
  }
  std::vector<double> all;
  for (const auto& [split, values] : audio.durations) all.insert(all.end(), values.begin(), values.end());
  const LevelSummary& levels = audio.levels;

  LabelSummary s = Summarize(ds);
  json classes = json::array();
  for (size_t ci = 0; ci < s.classes.size(); ++ci) {
    const ClassSummary& c = s.classes[ci];
    json j = {{"name", c.name}, {"clips", c.clips}, {"verified", c.verified},
              {"unverified", c.unverified}};
    for (Split sp : {Split::kTrain, Split::kValidation, Split::kTest}) {
      j[SplitName(sp)] = c.split_clips[static_cast<size_t>(sp)];
    }
    if (ds.soft_labels) j["mass"] = c.mass;
    j["levels"] = LevelJson(levels.classes[ci]);
    classes.push_back(j);
  }
  json splits = json::object();
  for (Split sp : {Split::kTrain, Split::kValidation, Split::kTest, Split::kNone}) {
    splits[SplitName(sp)] = s.split_clips[static_cast<size_t>(sp)];
  }
  json out = {{"root", ds.root},
              {"layout", ds.layout},
              {"clips", s.clips},
              {"soft_labels", ds.soft_labels},
              {"classes", classes},
              {"splits", splits},
              {"folds", ds.folds},
              {"unlabeled", s.unlabeled},
              {"silence", s.silence},
              {"noise_files", {{"files", ds.noise_files.size()}, {"seconds", audio.noise_seconds}}},
              {"audio",
               {{"readable", audio.readable},
                {"sample_rates", audio.sample_rates},
                {"channels", audio.channels},
                {"formats", audio.formats},
                {"duration", DurationJson(SummarizeDurations(all))},
                {"levels", LevelJson(levels.all)}}},
              {"bad_files", bad},
              {"notes", ds.notes}};
  std::cout << out.dump(2) << "\n";
#ifdef EARSHOT_WITH_PLOTS
  if (!a.plots.empty()) DrawPlots(a.plots, ds, s, audio.durations);
#endif
}

}  // namespace

void AddInspectCommand(CLI::App& app) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* cmd = app.add_subcommand(
      "inspect",
      "What is in a data set: classes, counts, durations, rates, peaks and clipping,\n"
      "unreadable files (JSON).\n"
      "  earshot inspect speech_commands_v0.01 --set wanted_words=yes,no --plots pics");
  cmd->add_option("data", args->data, "data folder, or an .npz, list or manifest file");
  cmd->add_option("--layout", args->layout,
                  "speech_commands | csv | soft_csv | npz | folder | list (default: detected)");
  cmd->add_option("--config", args->config, "a recipe; its [data] table is read");
  cmd->add_option("--set", args->sets,
                  "override a data option: wanted_words=yes,no or data.wanted_words=... (repeatable)");
  cmd->add_flag("--list", args->list, "print every clip with its label and split as CSV instead");
#ifdef EARSHOT_WITH_PLOTS  // charts are part of the plots build
  cmd->add_option("--plots", args->plots, "write classes.png and durations.png to this folder");
#endif
  cmd->add_option("--threads", args->threads, "threads reading and decoding the files")->check(CLI::Range(1, 64));
  cmd->callback([args] { Run(*args); });
}

}  // namespace earshot::cli
