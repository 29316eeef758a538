// The run report page: reads what TrainRecipe left in a run directory and
// writes it as one HTML file with everything inlined.
#include "earshot/report/run_report.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "earshot/audio/decode.h"
#include "earshot/audio/levels.h"
#include "earshot/data/csv.h"
#include "earshot/data/readers.h"
#include "earshot/eval/ensemble.h"
#include "earshot/features/frontend.h"
#include "earshot/plots/charts.h"
#include "earshot/report/html.h"
#include "earshot/util/error.h"
#include "earshot/util/files.h"
#include "earshot/util/option_checks.h"

namespace earshot::report {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string Short(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

// "1 epoch", "3 epochs": a count with its noun in the right number.
std::string Counted(int64_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

std::string NowText() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", std::gmtime(&t));
  return buf;
}

json ReadJsonFile(const std::string& path) {
  try {
    return json::parse(ReadFile(path));
  } catch (const json::exception& e) {
    ThrowBadData(path + ": not JSON (" + e.what() + ")");
  }
}

// An anchor name: letters, digits, '-' and '_' only.
std::string Anchor(const std::string& text) {
  std::string out;
  for (char c : text) out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
  return out;
}

// Charts drawn for the page go here and are removed with it.
class ScratchFolder {
 public:
  ScratchFolder() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("earshot_report_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(path_);
  }
  ~ScratchFolder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

struct Recipe {
  bool present = false;
  std::string path;
  std::string toml;
  std::string name;
  std::string description;
  std::string task = "single_label";
  DataOptions data;
  FrontEndOptions features;
  std::vector<std::string> notes;  // what could not be read, and why
};

Recipe ReadRecipe(const std::string& run_dir, const ReportOptions& o) {
  Recipe r;
  r.path = run_dir + "/recipe.toml";
  r.name = fs::path(run_dir).filename().string();
  if (!FileExists(r.path)) {
    r.notes.push_back(r.path + ": missing; the data set and the mistakes' audio are left out");
    return r;
  }
  r.present = true;
  r.toml = ReadFile(r.path);
  try {
    const toml::table t = toml::parse(r.toml, r.path);
    r.name = t["name"].value_or(r.name);
    r.description = t["description"].value_or(std::string());
    r.task = t["task"].value_or(r.task);
  } catch (const toml::parse_error& e) {
    r.notes.push_back(r.path + ": not TOML (" + std::string(e.description()) + ")");
    r.present = false;
    return r;
  }
  try {
    LoadTomlFile(r.data, r.path, "data");
    LoadTomlFile(r.features, r.path, "features");
  } catch (const Error& e) {
    r.notes.push_back(e.what());
    r.present = false;
  }
  if (!o.data_root.empty()) r.data.root = o.data_root;
  return r;
}

// The data set the run was trained on, read again to find each clip's
// audio and true label. Absent (with the reason) when it cannot be read.
struct DataSet {
  std::optional<Dataset> ds;
  std::map<std::string, size_t> by_id;
  std::string problem;
};

DataSet ReadData(const Recipe& r) {
  DataSet d;
  if (!r.present) {
    d.problem = "the recipe could not be read";
    return d;
  }
  try {
    d.ds = ReadDataset(r.data);
    for (size_t i = 0; i < d.ds->clips.size(); ++i) d.by_id[d.ds->clips[i].id] = i;
  } catch (const Error& e) {
    d.problem = std::string("the data set could not be read: ") + e.what();
  }
  return d;
}

// The true class of a clip (argmax of a soft label), by name; "" if none.
std::string TrueClass(const Dataset& ds, const ClipRef& c) {
  int label = c.label;
  if (label < 0 && !c.soft.empty()) {
    label = static_cast<int>(std::max_element(c.soft.begin(), c.soft.end()) - c.soft.begin());
  }
  if (label < 0 || label >= static_cast<int>(ds.classes.size())) return "";
  return ds.classes[static_cast<size_t>(label)];
}

void WriteHeader(std::ostringstream& out, const Recipe& r, const std::string& run_dir,
                 const json& summary) {
  out << PageHead("earshot report: " + r.name) << "<header>\n<h1>" << EscapeHtml(r.name) << "</h1>\n";
  if (!r.description.empty()) out << "<p class=\"description\">" << EscapeHtml(r.description) << "</p>\n";
  out << "<p>run <code>" << EscapeHtml(run_dir) << "</code> &middot; task " << EscapeHtml(r.task);
  if (summary.contains("seconds") && summary["seconds"].is_number()) {
    out << " &middot; trained in " << Fixed(summary["seconds"].get<double>() / 60.0, 1) << " min";
  }
  if (summary.contains("train_clips_per_second") && summary["train_clips_per_second"].is_number() &&
      summary["train_clips_per_second"].get<double>() > 0) {
    out << " (" << Fixed(summary["train_clips_per_second"].get<double>(), 0) << " clips/s)";
  }
  out << " &middot; report of " << NowText() << "</p>\n</header>\n";
}

void WriteDataSection(std::ostringstream& out, const std::string& run_dir, bool soft_labels) {
  out << "<section id=\"data\">\n<h2>Data</h2>\n";
  const std::string path = run_dir + "/data.json";
  if (!FileExists(path)) {
    out << Note(path + ": missing");
    out << "</section>\n";
    return;
  }
  const json d = ReadJsonFile(path);
  auto text = [&](const char* key) -> std::string {
    if (!d.contains(key)) return "";
    return d[key].is_string() ? d[key].get<std::string>() : d[key].dump();
  };
  out << "<table>\n";
  for (const auto& [key, label] : std::vector<std::pair<const char*, const char*>>{
           {"root", "root"}, {"layout", "layout"}, {"clips", "clips"},
           {"noise_files", "noise files"}, {"bad_files", "bad files (left out)"}}) {
    if (d.contains(key)) {
      out << "<tr><th class=\"name\">" << label << "</th><td class=\"name\">" << EscapeHtml(text(key))
          << "</td></tr>\n";
    }
  }
  out << "</table>\n";

  std::vector<std::string> classes;
  if (d.contains("classes") && d["classes"].is_array()) classes = d["classes"].get<std::vector<std::string>>();
  if (d.contains("counts") && d["counts"].is_object()) {
    const json& counts = d["counts"];
    if (soft_labels) {
      // A soft label is a share of every class, so per-class counts would be
      // empty: the clips per split, and each model's mean shares below.
      out << "<h3>Clips per split</h3>\n<table class=\"counts\">\n<tr>";
      std::vector<int64_t> per_split;
      for (const char* sp : {"train", "validation", "test", "none"}) {
        if (!counts.contains(sp) || !counts[sp].is_object()) continue;
        int64_t n = 0;
        for (const auto& [label, c] : counts[sp].items()) n += c.is_number() ? c.get<int64_t>() : 0;
        out << "<th>" << sp << "</th>";
        per_split.push_back(n);
      }
      out << "</tr>\n<tr>";
      for (int64_t n : per_split) out << "<td>" << n << "</td>";
      out << "</tr>\n</table>\n<p>Soft labels: each clip holds a share of every class. Each model's "
             "section compares the mean target and predicted share of each class.</p>\n";
    }
  }
  if (!soft_labels && d.contains("counts") && d["counts"].is_object()) {
    const json& counts = d["counts"];
    std::vector<std::string> splits;
    for (const char* s : {"train", "validation", "test", "none"}) {
      if (counts.contains(s)) splits.push_back(s);
    }
    std::vector<std::string> rows = classes;
    for (const auto& s : splits) {
      for (const auto& [label, n] : counts[s].items()) {
        if (std::find(rows.begin(), rows.end(), label) == rows.end()) rows.push_back(label);
      }
    }
    out << "<h3>Clips per class and split</h3>\n<table class=\"counts\">\n<tr><th class=\"name\">class</th>";
    for (const auto& s : splits) out << "<th>" << s << "</th>";
    out << "<th>total</th></tr>\n";
    std::vector<int64_t> column_totals(splits.size(), 0);
    for (const auto& label : rows) {
      out << "<tr><td class=\"name\">" << EscapeHtml(label) << "</td>";
      int64_t total = 0;
      for (size_t s = 0; s < splits.size(); ++s) {
        const json& split = counts[splits[s]];
        const int64_t n = split.contains(label) ? split[label].get<int64_t>() : 0;
        total += n;
        column_totals[s] += n;
        out << "<td>" << n << "</td>";
      }
      out << "<td>" << total << "</td></tr>\n";
    }
    out << "<tr><th class=\"name\">all</th>";
    int64_t all = 0;
    for (int64_t n : column_totals) {
      out << "<th>" << n << "</th>";
      all += n;
    }
    out << "<th>" << all << "</th></tr>\n</table>\n";
  }
  if (d.contains("notes") && d["notes"].is_array() && !d["notes"].empty()) {
    out << "<h3>Notes from reading the data</h3>\n<ul>\n";
    for (const auto& n : d["notes"]) {
      out << "<li>" << EscapeHtml(n.is_string() ? n.get<std::string>() : n.dump()) << "</li>\n";
    }
    out << "</ul>\n";
  }
  out << "</section>\n";
}

// log.csv as a table, the best epoch highlighted (1-based, 0 = none).
void WriteEpochLog(std::ostringstream& out, const std::string& path, int best_epoch) {
  const CsvTable t = ReadCsv(path);
  out << "<details><summary>Epoch log (" << Counted(static_cast<int64_t>(t.rows.size()), "epoch")
      << ")</summary>\n<table class=\"log\">\n<tr>";
  for (const auto& h : t.header) out << "<th>" << EscapeHtml(h) << "</th>";
  out << "</tr>\n";
  const int epoch_col = t.Column("epoch");
  for (const auto& row : t.rows) {
    const bool best = epoch_col >= 0 && best_epoch > 0 && row[epoch_col] == std::to_string(best_epoch);
    out << (best ? "<tr class=\"best\">" : "<tr>");
    for (size_t c = 0; c < row.size(); ++c) {
      std::string cell = row[c];
      if (static_cast<int>(c) != epoch_col && !cell.empty()) {
        try {
          cell = Short(std::stod(cell));
        } catch (const std::exception&) {
          // Not a number: shown as written.
        }
      }
      out << "<td>" << EscapeHtml(cell) << "</td>";
    }
    out << "</tr>\n";
  }
  out << "</table></details>\n";
}

void WriteTraining(std::ostringstream& out, const fs::path& dir, const json& model) {
  int best_epoch = 0;
  if (model.contains("best_epoch") && model["best_epoch"].is_number()) best_epoch = model["best_epoch"].get<int>();
  const bool has_log = FileExists((dir / "log.csv").string());
  std::vector<std::string> curves;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("curves_", 0) == 0 && e.path().extension() == ".png") curves.push_back(e.path().string());
  }
  std::sort(curves.begin(), curves.end());
  if (!has_log && curves.empty() && model.is_null()) return;
  out << "<h3>Training</h3>\n";
  if (!model.is_null()) {
    out << "<div class=\"cards\">";
    if (model.contains("epochs_run") && model["epochs_run"].is_number_integer()) {
      const int64_t epochs = model["epochs_run"].get<int64_t>();
      out << "<div class=\"card\"><div class=\"v\">" << epochs << "</div><div class=\"k\">"
          << (epochs == 1 ? "epoch" : "epochs") << " run</div></div>";
    }
    if (best_epoch > 0) {
      out << "<div class=\"card\"><div class=\"v\">" << best_epoch
          << "</div><div class=\"k\">best epoch</div></div>";
    }
    out << "</div>\n";
    if (model.contains("best_metrics") && model["best_metrics"].is_object() && !model["best_metrics"].empty()) {
      out << "<table class=\"best-metrics\"><tr><th class=\"name\">at the best epoch</th>";
      for (const auto& [k, v] : model["best_metrics"].items()) out << "<th>" << EscapeHtml(k) << "</th>";
      out << "</tr>\n<tr><td class=\"name\">value</td>";
      for (const auto& [k, v] : model["best_metrics"].items()) {
        out << "<td>" << (v.is_number() ? Short(v.get<double>()) : EscapeHtml(v.dump())) << "</td>";
      }
      out << "</tr></table>\n";
    }
  }
  if (!curves.empty()) {
    out << "<div class=\"curves\">";
    for (const auto& c : curves) out << PngImg(c, fs::path(c).stem().string());
    out << "</div>\n";
  }
  if (has_log) WriteEpochLog(out, (dir / "log.csv").string(), best_epoch);
}

void WriteHeadline(std::ostringstream& out, const json& m) {
  std::vector<std::pair<std::string, std::string>> cards;
  auto number = [&](const json& j, const std::string& label) {
    if (j.is_number()) cards.emplace_back(label, Fixed(j.get<double>()));
  };
  if (m.contains("accuracy")) number(m["accuracy"], "accuracy");
  if (m.contains("macro") && m["macro"].contains("f1")) number(m["macro"]["f1"], "macro F1");
  if (m.contains("map_at_3")) number(m["map_at_3"], "MAP@3");
  if (m.contains("kl_divergence")) number(m["kl_divergence"], "KL divergence");
  if (m.contains("mean_average_precision")) number(m["mean_average_precision"], "mAP");
  if (m.contains("lwlrap")) number(m["lwlrap"], "lwlrap");
  if (m.contains("top_k_accuracy") && m["top_k_accuracy"].is_object()) {
    for (const auto& [k, v] : m["top_k_accuracy"].items()) {
      if (k != "1") number(v, "top-" + k + " accuracy");
    }
  }
  if (m.contains("weighted") && m["weighted"].contains("f1")) number(m["weighted"]["f1"], "weighted F1");
  if (m.contains("rows") && m["rows"].is_number()) cards.emplace_back("clips", m["rows"].dump());
  out << "<div class=\"cards metrics\">";
  for (const auto& [label, value] : cards) {
    out << "<div class=\"card\"><div class=\"v\">" << value << "</div><div class=\"k\">" << EscapeHtml(label)
        << "</div></div>";
  }
  out << "</div>\n";
}

void WriteConfusion(std::ostringstream& out, const json& m, const std::vector<std::string>& classes,
                    const ScratchFolder& scratch, const std::string& title, const std::string& png_name) {
  if (!m.contains("confusion_matrix") || !m["confusion_matrix"].contains("counts")) return;
  const json& counts = m["confusion_matrix"]["counts"];
  std::vector<double> values;
  for (const auto& row : counts) {
    if (row.size() != classes.size()) return;
    for (const auto& v : row) values.push_back(v.get<double>());
  }
  if (values.size() != classes.size() * classes.size() || values.empty()) return;
  const std::string png = scratch.File(png_name);
  plots::HeatMap(png, title, "predicted class", "true class", classes, classes, values, true);
  out << "<h3>Confusion matrix</h3>\n<p>Rows are the true classes, columns the predicted ones.</p>\n"
      << PngImg(png, "confusion matrix") << "\n";
}

void WriteWeakest(std::ostringstream& out, const json& m, int count) {
  if (!m.contains("per_class") || !m["per_class"].is_array() || count <= 0) return;
  std::vector<json> rows;
  for (const auto& c : m["per_class"]) {
    if (c.value("support", 0) > 0) rows.push_back(c);
  }
  std::stable_sort(rows.begin(), rows.end(), [](const json& a, const json& b) {
    const double ra = a.value("recall", 0.0), rb = b.value("recall", 0.0);
    if (ra != rb) return ra < rb;
    return a.value("f1", 0.0) < b.value("f1", 0.0);
  });
  if (rows.size() > static_cast<size_t>(count)) rows.resize(static_cast<size_t>(count));
  out << "<h3>Weakest classes</h3>\n<table class=\"weakest\">\n<tr><th class=\"name\">class</th>"
      << "<th>recall</th><th>precision</th><th>F1</th><th>support</th></tr>\n";
  for (const auto& c : rows) {
    out << "<tr><td class=\"name\">" << EscapeHtml(c.value("class", std::string())) << "</td><td>"
        << Fixed(c.value("recall", 0.0)) << "</td><td>" << Fixed(c.value("precision", 0.0)) << "</td><td>"
        << Fixed(c.value("f1", 0.0)) << "</td><td>" << c.value("support", 0) << "</td></tr>\n";
  }
  out << "</table>\n";
}

// MODEL/robustness/metrics.json (train.robustness, or `eval --corrupt
// --out MODEL/robustness`): the test split's metric clean and under each
// corruption.
void WriteRobustness(std::ostringstream& out, const fs::path& dir) {
  const std::string path = (dir / "robustness" / "metrics.json").string();
  if (!FileExists(path)) return;
  json r;
  try {
    r = ReadJsonFile(path).at("robustness");
    if (!r.at("rows").is_array()) ThrowBadData(path + ": robustness.rows is not a list");
  } catch (const std::exception& e) {
    out << Note(path + ": no robustness table (" + e.what() + ")");
    return;
  }
  const std::string metric = r.value("metric", std::string("accuracy"));
  const double clean = r.value("clean", 0.0);
  out << "<h3>Robustness</h3>\n<p>The test split again with every clip corrupted "
      << "(<code>docs/robustness.md</code>); the metric is " << EscapeHtml(metric) << ".</p>\n"
      << "<table class=\"robustness\">\n<tr><th class=\"name\">corruption</th><th>"
      << EscapeHtml(metric) << "</th><th>change</th></tr>\n"
      << "<tr><td class=\"name\">clean</td><td>" << Fixed(clean) << "</td><td></td></tr>\n";
  for (const auto& row : r["rows"]) {
    if (!row.is_object()) continue;
    const double v = row.value(metric, 0.0);
    out << "<tr><td class=\"name\">" << EscapeHtml(row.value("corruption", std::string())) << "</td><td>"
        << Fixed(v) << "</td><td>" << Fixed(v - clean) << "</td></tr>\n";
  }
  out << "</table>\n";
}

struct Mistake {
  std::string id;
  std::string truth;
  std::string predicted;
  double confidence = 0.0;  // score of the predicted class
  double true_score = 0.0;
  size_t clip = 0;          // index into the data set
};

// The clip's samples at `rate`, at most `max_samples` of them.
std::vector<float> ClipAudio(const Dataset& ds, const ClipRef& c, int rate, size_t max_samples) {
  std::vector<float> x;
  if (c.array_row >= 0 && ds.array_samples > 0) {
    const auto begin = ds.array.begin() + c.array_row * ds.array_samples;
    x.assign(begin, begin + ds.array_samples);
    CheckLevels(x.data(), ds.array_samples, ds.root + ": row " + std::to_string(c.array_row));
    x = Resample(x, ds.array_rate, rate);
  } else {
    x = DecodeFile(c.path, rate);
  }
  if (x.size() > max_samples) x.resize(max_samples);
  return x;
}

// A log-mel front end for the spectrogram images, at the recipe's rate:
// 25 ms windows every 10 ms, whatever features the model used. The FFT is
// made longer until the lowest mel filter holds a bin (narrow at low rates).
std::unique_ptr<FrontEnd> SpectrogramFrontEnd(int rate, int mels) {
  FrontEndOptions f;
  f.sample_rate = rate;
  f.feature = "mel";
  f.scale = "log";
  f.win_length = std::max(16, rate / 40);
  f.hop_length = std::max(8, rate / 100);
  f.n_mels = mels;
  f.n_fft = 256;
  while (f.n_fft < f.win_length) f.n_fft *= 2;
  for (;; f.n_fft *= 2) {
    try {
      return std::make_unique<FrontEnd>(f);
    } catch (const Error&) {
      if (f.n_fft >= 16384) throw;
    }
  }
}

void WriteMistakes(std::ostringstream& out, const std::string& predictions_path,
                   const std::vector<std::string>& classes, const DataSet& data, const Recipe& recipe,
                   const ReportOptions& o, const ScratchFolder& scratch, const std::string& prefix) {
  if (o.mistakes <= 0) return;
  out << "<h3>Most confident mistakes</h3>\n";
  if (!FileExists(predictions_path)) {
    out << Note(predictions_path + ": missing");
    return;
  }
  if (!data.ds) {
    out << Note("No true labels: " + data.problem);
    return;
  }
  const Dataset& ds = *data.ds;
  const eval::Predictions p = eval::ReadPredictions(predictions_path, classes);
  const int k = p.columns;
  std::vector<Mistake> mistakes;
  int64_t unmatched = 0, silence = 0;
  for (int64_t r = 0; r < p.Rows(); ++r) {
    const std::string& id = p.ids[static_cast<size_t>(r)];
    const auto it = data.by_id.find(id);
    if (it == data.by_id.end()) {
      ++unmatched;
      continue;
    }
    const ClipRef& clip = ds.clips[it->second];
    const std::string truth = TrueClass(ds, clip);
    const auto t = std::find(classes.begin(), classes.end(), truth);
    if (t == classes.end()) {
      ++unmatched;
      continue;
    }
    const float* row = p.scores.data() + r * k;
    const int best = static_cast<int>(std::max_element(row, row + k) - row);
    const int true_index = static_cast<int>(t - classes.begin());
    if (best == true_index) continue;
    if (clip.silence) {
      ++silence;
      continue;
    }
    mistakes.push_back({id, truth, classes[static_cast<size_t>(best)], row[best], row[true_index], it->second});
  }
  std::stable_sort(mistakes.begin(), mistakes.end(),
                   [](const Mistake& a, const Mistake& b) { return a.confidence > b.confidence; });
  const size_t total = mistakes.size();
  if (mistakes.size() > static_cast<size_t>(o.mistakes)) mistakes.resize(static_cast<size_t>(o.mistakes));
  out << "<p>" << total << " of " << Counted(p.Rows(), "clip") << (total == 1 ? " is" : " are")
      << " misclassified";
  if (silence > 0) {
    out << " (besides " << Counted(silence, "silence clip") << ", which "
        << (silence == 1 ? "has" : "have") << " no recording)";
  }
  out << "; " << (mistakes.size() == 1 ? "the one" : "the " + std::to_string(mistakes.size()))
      << " the model was surest of, cut to "
      << Fixed(o.clip_seconds, 1) << " s:</p>\n";
  if (unmatched > 0) {
    out << Note(std::to_string(unmatched) + " rows of " + predictions_path +
                " name no labelled clip of the data set");
  }
  const int rate = recipe.features.sample_rate > 0 ? recipe.features.sample_rate : 16000;
  std::unique_ptr<FrontEnd> fe;
  try {
    fe = SpectrogramFrontEnd(rate, o.spectrogram_mels);
  } catch (const Error& e) {
    out << Note(std::string("no spectrograms: ") + e.what());
  }
  const auto max_samples = static_cast<size_t>(std::max(1.0, o.clip_seconds * rate));
  for (size_t i = 0; i < mistakes.size(); ++i) {
    const Mistake& m = mistakes[i];
    out << "<div class=\"mistake\">\n<div>\n<p><b>" << EscapeHtml(m.id) << "</b></p>\n"
        << "<p>true <b>" << EscapeHtml(m.truth) << "</b> (score " << Fixed(m.true_score, 3)
        << "), predicted <b>" << EscapeHtml(m.predicted) << "</b> (" << Fixed(m.confidence, 3) << ")</p>\n";
    std::string image;
    try {
      const std::vector<float> x = ClipAudio(ds, ds.clips[m.clip], rate, max_samples);
      out << "<audio controls preload=\"metadata\" src=\"" << DataUri("audio/wav", WavBytes(x, rate))
          << "\"></audio>\n";
      if (fe && static_cast<int64_t>(x.size()) >= fe->options().Resolutions().front().second) {
        const auto shape = fe->OutputShape(static_cast<int64_t>(x.size()));
        const std::string png = scratch.File(prefix + "_mistake_" + std::to_string(i) + ".png");
        plots::FeatureImage(png, m.id, "mel band", fe->Compute(x), static_cast<int>(shape[1]),
                            static_cast<int>(shape[2]),
                            static_cast<double>(fe->options().hop_length) / rate);
        image = PngImg(png, "log-mel spectrogram of " + m.id);
      }
    } catch (const Error& e) {
      out << Note(std::string("no audio: ") + e.what());
    }
    out << "</div>\n<div>" << image << "</div>\n</div>\n";
  }
}

// Soft labels: per class, the mean share the labels give it and the mean
// share the model predicts, over the clips of a predictions file.
void WriteShares(std::ostringstream& out, const std::string& predictions_path,
                 const std::vector<std::string>& classes, const DataSet& data) {
  out << "<h3>Mean share per class</h3>\n";
  if (!FileExists(predictions_path)) {
    out << Note(predictions_path + ": missing");
    return;
  }
  if (!data.ds) {
    out << Note("No target shares: " + data.problem);
    return;
  }
  const eval::Predictions p = eval::ReadPredictions(predictions_path, classes);
  const size_t k = classes.size();
  std::vector<double> target(k, 0.0), predicted(k, 0.0);
  int64_t matched = 0;
  for (int64_t r = 0; r < p.Rows(); ++r) {
    const auto it = data.by_id.find(p.ids[static_cast<size_t>(r)]);
    if (it == data.by_id.end()) continue;
    const ClipRef& clip = data.ds->clips[it->second];
    if (clip.soft.size() != k || data.ds->classes != classes) continue;
    for (size_t c = 0; c < k; ++c) {
      target[c] += clip.soft[c];
      predicted[c] += p.scores[static_cast<size_t>(r) * k + c];
    }
    ++matched;
  }
  if (matched == 0) {
    out << Note("No row of " + predictions_path + " names a soft-labelled clip of the data set");
    return;
  }
  out << "<p>Over " << Counted(matched, "clip") << ": the mean share each class has in the labels "
      << "and in the model's predictions.</p>\n<table class=\"shares\">\n<tr><th class=\"name\">class</th>"
      << "<th>mean target share</th><th>mean predicted share</th><th>difference</th></tr>\n";
  for (size_t c = 0; c < k; ++c) {
    const double t = target[c] / static_cast<double>(matched);
    const double q = predicted[c] / static_cast<double>(matched);
    out << "<tr><td class=\"name\">" << EscapeHtml(classes[c]) << "</td><td>" << Fixed(t) << "</td><td>"
        << Fixed(q) << "</td><td>" << Fixed(q - t) << "</td></tr>\n";
  }
  out << "</table>\n";
  if (p.Rows() > matched) {
    out << Note(std::to_string(p.Rows() - matched) + " rows of " + predictions_path +
                " name no soft-labelled clip of the data set");
  }
}

// A model folder's heading: "Model" for a run's only model, "Ensemble",
// "Model fold-2" or "Model seed-1" for one of several.
std::string ModelTitle(const std::string& folder) {
  if (folder == "model") return "Model";
  if (folder == "ensemble") return "Ensemble";
  if (folder == "oof") return "Out-of-fold predictions";
  return "Model " + folder;
}

void WriteModel(std::ostringstream& out, const fs::path& dir, const json& model, const DataSet& data,
                const Recipe& recipe, const ReportOptions& o, const ScratchFolder& scratch) {
  const std::string name = dir.filename().string();
  out << "<section id=\"model-" << Anchor(name) << "\" class=\"model\">\n<h2>"
      << EscapeHtml(ModelTitle(name)) << "</h2>\n";
  WriteTraining(out, dir, model);
  std::string split;
  for (const char* s : {"test", "validation"}) {
    if (FileExists((dir / ("metrics_" + std::string(s) + ".json")).string())) {
      split = s;
      break;
    }
  }
  if (split.empty()) {
    out << Note("No metrics: " + name + " has no metrics_test.json or metrics_validation.json");
    out << "</section>\n";
    return;
  }
  const std::string metrics_path = (dir / ("metrics_" + split + ".json")).string();
  const json m = ReadJsonFile(metrics_path);
  std::vector<std::string> classes;
  if (m.contains("classes") && m["classes"].is_array()) classes = m["classes"].get<std::vector<std::string>>();
  out << "<h3>" << (split == "test" ? "Test" : "Validation") << " metrics</h3>\n";
  if (split != "test") out << "<p>No test clips: these metrics are on the validation clips.</p>\n";
  WriteHeadline(out, m);
  if (!classes.empty()) {
    WriteConfusion(out, m, classes, scratch, name + ": " + split + " confusion matrix",
                   Anchor(name) + "_confusion.png");
  }
  WriteWeakest(out, m, o.weakest);
  WriteRobustness(out, dir);
  if (!classes.empty() && recipe.task == "soft_label") {
    WriteShares(out, (dir / ("predictions_" + split + ".csv")).string(), classes, data);
  }
  if (!classes.empty()) {
    WriteMistakes(out, (dir / ("predictions_" + split + ".csv")).string(), classes, data, recipe, o,
                  scratch, Anchor(name));
  }
  out << "</section>\n";
}

// The model folders of a run: those holding a log or metrics, in name
// order, the ensemble last.
std::vector<fs::path> ModelDirs(const std::string& run_dir) {
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(run_dir)) {
    if (!e.is_directory()) continue;
    for (const char* f : {"log.csv", "metrics_test.json", "metrics_validation.json"}) {
      if (fs::exists(e.path() / f)) {
        dirs.push_back(e.path());
        break;
      }
    }
  }
  std::sort(dirs.begin(), dirs.end(), [](const fs::path& a, const fs::path& b) {
    const bool ea = a.filename() == "ensemble", eb = b.filename() == "ensemble";
    if (ea != eb) return eb;
    return a.filename() < b.filename();
  });
  return dirs;
}

}  // namespace

void ReportOptions::Visit(OptionVisitor& v) {
  v.Field("out", out, "page to write; empty = RUN/report.html");
  v.Field("data_root", data_root, "the data set's root when it moved since training; empty = the recipe's");
  v.Field("mistakes", mistakes, "most confident mistakes shown per model, with their audio");
  v.Field("weakest", weakest, "classes listed as weakest per model");
  v.Field("clip_seconds", clip_seconds, "audio kept per mistake, seconds from the clip's start");
  v.Field("spectrogram_mels", spectrogram_mels, "mel bands of the mistakes' spectrogram images");
}

void ReportOptions::Validate() const {
  using namespace option_checks;
  InRange("mistakes", mistakes, 0, 100);
  AtLeast("weakest", weakest, 0);
  if (!(clip_seconds > 0 && clip_seconds <= 30)) {
    ThrowOption("--clip_seconds should be in (0, 30]. Given: " + Str(clip_seconds));
  }
  InRange("spectrogram_mels", spectrogram_mels, 8, 256);
}

std::string RenderRunReport(const std::string& run_dir, const ReportOptions& options) {
  options.Validate();
  if (!fs::is_directory(run_dir)) ThrowIo(run_dir + ": not a directory");
  const auto dirs = ModelDirs(run_dir);
  const bool has_summary = FileExists(run_dir + "/summary.json");
  if (dirs.empty() && !has_summary && !FileExists(run_dir + "/recipe.toml")) {
    ThrowIo(run_dir + ": not a training run (no recipe.toml, summary.json or model folder)");
  }
  const json summary = has_summary ? ReadJsonFile(run_dir + "/summary.json") : json();
  std::map<std::string, json> by_name;
  if (summary.contains("models") && summary["models"].is_array()) {
    for (const auto& m : summary["models"]) {
      if (m.contains("dir") && m["dir"].is_string()) {
        by_name[fs::path(m["dir"].get<std::string>()).filename().string()] = m;
      }
    }
  }
  const Recipe recipe = ReadRecipe(run_dir, options);
  const DataSet data = dirs.empty() ? DataSet{} : ReadData(recipe);
  const ScratchFolder scratch;

  std::ostringstream out;
  WriteHeader(out, recipe, run_dir, summary);
  out << "<nav><a href=\"#data\">Data</a>";
  for (const auto& d : dirs) {
    out << "<a href=\"#model-" << Anchor(d.filename().string()) << "\">"
        << EscapeHtml(d.filename().string()) << "</a>";
  }
  out << "<a href=\"#recipe\">Recipe</a></nav>\n<main>\n";
  for (const auto& n : recipe.notes) out << Note(n);
  WriteDataSection(out, run_dir, recipe.task == "soft_label");
  if (dirs.empty()) out << Note(run_dir + ": no model folder yet");
  for (const auto& d : dirs) {
    const auto it = by_name.find(d.filename().string());
    WriteModel(out, d, it == by_name.end() ? json() : it->second, data, recipe, options, scratch);
  }
  out << "<section id=\"recipe\">\n<h2>Recipe</h2>\n";
  if (recipe.toml.empty()) {
    out << Note(recipe.path + ": missing");
  } else {
    out << "<pre>" << EscapeHtml(recipe.toml) << "</pre>\n";
  }
  out << "</section>\n</main>\n</body>\n</html>\n";
  return out.str();
}

std::string WriteRunReport(const std::string& run_dir, const ReportOptions& options) {
  const std::string path = options.out.empty() ? run_dir + "/report.html" : options.out;
  const std::string page = RenderRunReport(run_dir, options);
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) MakeDirs(parent.string());
  WriteFileAtomic(path, page);
  return path;
}

}  // namespace earshot::report
