// `earshot inspect DATA`: what is in a data set: classes and counts,
// durations, sample rates, channels, peaks and clipping, and the files that
// cannot be read.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "earshot/audio/decode.h"
#include "earshot/data/csv.h"
#include "earshot/data/load_clips.h"
#include "earshot/data/readers.h"
#include "earshot/data/summary.h"
#ifdef EARSHOT_WITH_PLOTS
#include "earshot/plots/charts.h"
#endif
#include "earshot/util/error.h"
#include "earshot/util/parallel.h"

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

struct Probe {
  Probe(std::string p, std::string i) : path(std::move(p)), id(std::move(i)) {}
  std::string path;
  std::string id;  // empty for noise files
  bool ok = false;
  AudioInfo info;
  std::string reason;
};

// Headers only, over `threads` threads: a 100k-file set takes seconds.
std::vector<Probe> ProbeAll(std::vector<Probe> probes, int threads) {
  ParallelFor(static_cast<int64_t>(probes.size()), threads, [&](int64_t i) {
    try {
      probes[i].info = ProbeFile(probes[i].path);
      probes[i].ok = true;
    } catch (const Error& e) {
      probes[i].reason = e.what();
    }
  });
  return probes;
}

json LevelJson(const LevelCounts& c) {
  return {{"clips", c.clips}, {"largest_peak", c.largest_peak}, {"at_full_scale", c.at_full_scale},
          {"above_full_scale", c.above_full_scale}, {"clipped", c.clipped}};
}

json DurationStats(std::vector<double> d) {
  if (d.empty()) return json::object();
  std::sort(d.begin(), d.end());
  double total = 0;
  for (double x : d) total += x;
  const size_t n = d.size();
  const double median = n % 2 ? d[n / 2] : (d[n / 2 - 1] + d[n / 2]) / 2;
  // Twenty equal bins from min to max; the max falls in the last.
  const int bins = d.front() == d.back() ? 1 : 20;
  const double width = (d.back() - d.front()) / bins;
  std::vector<double> edges;
  std::vector<int> counts(static_cast<size_t>(bins), 0);
  for (int b = 0; b <= bins; ++b) edges.push_back(d.front() + b * width);
  for (double x : d) {
    int b = width > 0 ? static_cast<int>((x - d.front()) / width) : 0;
    ++counts[static_cast<size_t>(std::min(b, bins - 1))];
  }
  return {{"min", d.front()}, {"max", d.back()}, {"mean", total / n}, {"median", median},
          {"total", total}, {"histogram", {{"edges", edges}, {"counts", counts}}}};
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
  ValidateOptions(o, "data");
  Dataset ds = ReadDataset(o);
  if (a.list) {
    PrintList(ds);
    return;
  }

  std::vector<Probe> probes;
  for (const auto& clip : ds.clips) {
    if (!clip.path.empty()) probes.emplace_back(clip.path, clip.id);
  }
  const size_t n_clip_probes = probes.size();
  for (const auto& f : ds.noise_files) probes.emplace_back(f, "");
  probes = ProbeAll(std::move(probes), a.threads);

  std::map<std::string, int> rates, channels, formats;
  std::map<Split, std::vector<double>> durations;
  json bad = json::array();
  double noise_seconds = 0;
  int readable = 0;
  for (size_t i = 0; i < probes.size(); ++i) {
    const Probe& p = probes[i];
    if (!p.ok) {
      bad.push_back({{"path", p.path}, {"id", p.id}, {"reason", p.reason}});
      continue;
    }
    if (i >= n_clip_probes) {
      noise_seconds += p.info.duration;
      continue;
    }
    ++readable;
    ++rates[std::to_string(p.info.sample_rate)];
    ++channels[std::to_string(p.info.channels)];
    ++formats[p.info.format];
  }
  // Durations by split; the probes follow the clips' order.
  size_t k = 0;
  for (const auto& clip : ds.clips) {
    if (clip.path.empty()) {
      if (clip.array_row >= 0) {
        durations[clip.split].push_back(static_cast<double>(ds.array_samples) / ds.array_rate);
      }
      continue;
    }
    if (probes[k].ok) durations[clip.split].push_back(probes[k].info.duration);
    ++k;
  }
  if (!ds.array.empty()) {
    const int rows = static_cast<int>(ds.array.size() / static_cast<size_t>(ds.array_samples));
    rates[std::to_string(ds.array_rate)] += rows;
    channels["1"] += rows;
    readable += rows;
  }
  std::vector<double> all;
  for (const auto& [split, values] : durations) all.insert(all.end(), values.begin(), values.end());

  // Every clip decoded: peaks and clipping, and the files whose samples
  // break the level rule (their headers were fine).
  const std::vector<MeasuredClip> measured = MeasureClipLevels(ds, a.threads);
  k = 0;
  for (size_t i = 0; i < ds.clips.size(); ++i) {
    const ClipRef& clip = ds.clips[i];
    const bool header_ok = clip.path.empty() || probes[k++].ok;
    if (!measured[i].reason.empty() && header_ok) {
      bad.push_back({{"path", clip.path.empty() ? ds.root + ": row " + std::to_string(clip.array_row) +
                                                     " (" + clip.id + ")"
                                                 : clip.path},
                     {"id", clip.id},
                     {"reason", measured[i].reason}});
      if (clip.path.empty()) --readable;
    }
  }
  const LevelSummary levels = SummarizeLevels(ds, measured);

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
              {"noise_files", {{"files", ds.noise_files.size()}, {"seconds", noise_seconds}}},
              {"audio",
               {{"readable", readable},
                {"sample_rates", rates},
                {"channels", channels},
                {"formats", formats},
                {"duration", DurationStats(all)},
                {"levels", LevelJson(levels.all)}}},
              {"bad_files", bad},
              {"notes", ds.notes}};
  std::cout << out.dump(2) << "\n";
#ifdef EARSHOT_WITH_PLOTS
  if (!a.plots.empty()) DrawPlots(a.plots, ds, s, durations);
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
