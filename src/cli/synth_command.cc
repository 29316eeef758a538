// `earshot synth`: demo data made from nothing, in the real layouts.
#include <algorithm>
#include <chrono>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>

#include "commands.h"
#include "option_flags.h"
#include "earshot/audio/decode.h"
#include "earshot/synth/example.h"
#include "earshot/synth/keyword_archive.h"
#include "earshot/synth/keyword_stream.h"
#include "earshot/synth/keywords.h"
#include "earshot/synth/mixtures.h"
#include "earshot/synth/output_folder.h"
#include "earshot/synth/tagging.h"
#include "earshot/util/progress.h"

namespace earshot::cli {
namespace {

struct ExampleArgs {
  std::string out;
  int sample_rate = 16000;
  double seconds = 1.0;
  uint64_t seed = 1;
};

// A progress bar made when the first report tells the total.
Progress Bar(const std::string& label) {
  auto bar = std::make_shared<std::unique_ptr<ProgressBar>>();
  return [bar, label](int64_t done, int64_t total) {
    if (!*bar) *bar = std::make_unique<ProgressBar>(label, total);
    if (done < total) (*bar)->Update(done);
    else (*bar)->Finish();
  };
}

// --force for the generators that write a folder.
void AddForce(CLI::App* cmd, bool& force) {
  cmd->add_flag("--force", force,
                "write into a folder holding other files (same names replaced, the rest kept); "
                "without it: a new or empty folder, or this command's earlier output (replaced)");
}

// Makes `body` the command's callback: an option error it throws names the
// options by their flags.
template <typename F>
void OnRun(CLI::App* cmd, const OptionFlags& flags, F body) {
  cmd->callback([flags, body] { flags.Naming(body); });
}

// "  <name> <count>" per entry, the counts in one column; returns their sum.
int64_t PrintCounts(const std::map<std::string, int64_t>& counts) {
  size_t width = 9;
  for (const auto& [name, n] : counts) width = std::max(width, name.size());
  int64_t total = 0;
  for (const auto& [name, n] : counts) {
    std::cout << "  " << std::left << std::setw(static_cast<int>(width + 1)) << name << n << "\n";
    total += n;
  }
  return total;
}

class Stopwatch {
 public:
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

void AddKeywords(CLI::App& synth) {
  auto o = std::make_shared<KeywordOptions>();
  auto out = std::make_shared<std::string>();
  CLI::App* cmd = synth.add_subcommand(
      "keywords",
      "Spoken words in the Speech Commands layout (OUT/<word>/<speaker>_nohash_<n>.wav, 16 kHz,\n"
      "1 s, plus _background_noise_/), spoken by espeak-ng voices; one voice per speaker.\n"
      "  earshot synth keywords data/keywords --speakers 160 --seed 1");
  cmd->add_option("out", *out, "output folder")->required();
  const OptionFlags flags = AddOptionFlags(cmd, *o);
  auto force = std::make_shared<bool>(false);
  AddForce(cmd, *force);
  OnRun(cmd, flags, [o, out, force] {
    o->Validate();
    PrepareSynthFolder(*out, "keywords", KeywordOutputs(), *force);
    Stopwatch watch;
    const KeywordSummary s = WriteKeywordSet(*o, *out, Bar("keywords"));
    std::vector<std::string> folders;
    for (const auto& [folder, n] : s.clips_per_word) folders.push_back(folder);
    MarkSynthFolder(*out, "keywords", folders);
    if (!s.confusables.empty()) {
      std::cout << s.confusables.size() << " confusable phrases in " << o->confusable_folder << ":";
      for (const auto& c : s.confusables) std::cout << " '" << c << "'";
      std::cout << "\n";
    }
    std::cout << "clips per word:\n";
    const int64_t total = PrintCounts(s.clips_per_word);
    std::cout << "wrote " << total << " clips of " << s.clips_per_word.size() << " words by "
              << s.speakers << " speakers and " << s.noise_files.size()
              << " background noise files to " << *out << " in " << std::fixed
              << std::setprecision(1) << watch.Seconds() << " s\n";
  });
}

void AddStream(CLI::App& synth) {
  auto o = std::make_shared<KeywordStreamOptions>();
  auto out = std::make_shared<std::string>();
  CLI::App* cmd = synth.add_subcommand(
      "stream",
      "A long recording for streaming tests, from a keyword set's held-out speakers: keywords\n"
      "at known times, other words, gaps and background noise. Writes OUT.wav, OUT.truth.csv\n"
      "(label,time_ms as TensorFlow's streaming test reads it) and OUT.spans.csv\n"
      "(label,start_ms,end_ms of each spoken word).\n"
      "  earshot synth stream test.wav --from data/keywords --minutes 10\n"
      "  earshot synth stream negative.wav --from data/keywords --keywords hey_earshot --negative");
  cmd->add_option("out", *out, "output .wav")->required();
  const OptionFlags flags = AddOptionFlags(cmd, *o);
  OnRun(cmd, flags, [o, out] {
    o->Validate();
    if (out->size() < 5 || out->compare(out->size() - 4, 4, ".wav") != 0) {
      ThrowOption("synth stream: the output should end in .wav (its truth and spans go beside "
                  "it). Given: " + *out);
    }
    Stopwatch watch;
    const KeywordStreamSummary s = WriteKeywordStream(*o, *out, Bar("stream"));
    for (const auto& note : s.notes) std::cout << "note: " << note << "\n";
    std::cout << "clips per label:\n";
    const int64_t clips = PrintCounts(s.per_label);
    std::cout << "clips per word folder:";
    for (const auto& [folder, n] : s.per_folder) std::cout << " " << folder << "=" << n;
    std::cout << "\nwrote " << std::fixed << std::setprecision(1) << s.seconds / 60.0
              << " minutes with " << clips << " clips of " << s.speakers << " speakers (of "
              << s.pool << " clips in the " << o->split << " split) over " << s.noise_files
              << " noise files to " << *out << ", " << StreamTruthPath(*out) << " and "
              << StreamSpansPath(*out) << " in " << watch.Seconds() << " s\n";
  });
}

void AddNpz(CLI::App& synth) {
  auto o = std::make_shared<KeywordArchiveOptions>();
  auto out = std::make_shared<std::string>();
  CLI::App* cmd = synth.add_subcommand(
      "npz",
      "The 12-label keyword set as one NumPy archive: wav_vals float32 (N, 8000) at 8 kHz and\n"
      "label_vals (N, 1) strings (yes ... go, unknown, silence).\n"
      "  earshot synth npz data/speech_wav_8000.npz --speakers 60");
  cmd->add_option("out", *out, "output .npz")->required();
  // The spoken rows' options are the archive's own: --speakers, not
  // --keywords-speakers. It writes no background noise files.
  FlagRules rules;
  rules.flat_groups = {"keywords"};
  rules.left_out["keywords.noise_seconds"] = "an archive has no _background_noise_ files";
  rules.left_out["keywords.confusable_folder"] = "an archive has no folders: near misses are unknown rows";
  const OptionFlags flags = AddOptionFlags(cmd, *o, rules);
  OnRun(cmd, flags, [o, out] {
    o->Validate();
    Stopwatch watch;
    const KeywordArchiveSummary s = WriteKeywordArchive(*o, *out, Bar("npz"));
    std::cout << "rows per label:\n";
    for (const auto& label : TwelveLabels()) {
      auto it = s.rows_per_label.find(label);
      std::cout << "  " << std::left << std::setw(10) << label
                << (it == s.rows_per_label.end() ? 0 : it->second) << "\n";
    }
    std::cout << "wrote " << s.rows << " rows of " << o->keywords.sample_rate << " samples to "
              << *out << " in " << std::fixed << std::setprecision(1) << watch.Seconds()
              << " s\n";
  });
}

void AddMixtures(CLI::App& synth) {
  auto o = std::make_shared<MixtureOptions>();
  auto out = std::make_shared<std::string>();
  CLI::App* cmd = synth.add_subcommand(
      "mixtures",
      "Overlapped voices with soft labels (OUT/train/*.wav, OUT/test/*.wav, train_answer.csv,\n"
      "submission.csv): each clip mixes 2-4 of N sources; a source's share is its energy.\n"
      "  earshot synth mixtures data/mixtures --sources 30 --train 400 --test 100");
  cmd->add_option("out", *out, "output folder")->required();
  const OptionFlags flags = AddOptionFlags(cmd, *o);
  auto force = std::make_shared<bool>(false);
  AddForce(cmd, *force);
  OnRun(cmd, flags, [o, out, force] {
    o->Validate();
    PrepareSynthFolder(*out, "mixtures", MixtureOutputs(), *force);
    Stopwatch watch;
    const MixtureSummary s = WriteMixtureSet(*o, *out, Bar("mixtures"));
    MarkSynthFolder(*out, "mixtures");
    for (size_t k = 1; k < s.clips_per_count.size(); ++k) {
      if (s.clips_per_count[k]) std::cout << "  " << s.clips_per_count[k] << " clips of " << k << " sources\n";
    }
    std::cout << "wrote " << s.train << " train and " << s.test << " test clips over "
              << s.sources.size() << " sources to " << *out << " in " << std::fixed
              << std::setprecision(1) << watch.Seconds() << " s\n";
  });
}

void AddTagging(CLI::App& synth) {
  auto o = std::make_shared<TaggingOptions>();
  auto out = std::make_shared<std::string>();
  CLI::App* cmd = synth.add_subcommand(
      "tagging",
      "Instrument and percussion sounds in the Freesound tagging layout (audio_train/,\n"
      "audio_test/, train.csv, sample_submission.csv), 44.1 kHz, 0.3-10 s, via FluidSynth.\n"
      "  earshot synth tagging data/tagging --classes 41 --clips-per-class 20");
  cmd->add_option("out", *out, "output folder")->required();
  const OptionFlags flags = AddOptionFlags(cmd, *o);
  auto force = std::make_shared<bool>(false);
  AddForce(cmd, *force);
  OnRun(cmd, flags, [o, out, force] {
    o->Validate();
    PrepareSynthFolder(*out, "tagging", TaggingOutputs(), *force);
    Stopwatch watch;
    const TaggingSummary s = WriteTaggingSet(*o, *out, Bar("tagging"));
    MarkSynthFolder(*out, "tagging");
    std::cout << "train clips per label (as labelled):\n";
    for (const auto& [label, n] : s.train_per_label) {
      std::cout << "  " << std::left << std::setw(24) << label << n << "\n";
    }
    std::cout << "wrote " << s.train << " train (" << s.verified << " verified, " << s.flipped
              << " mislabelled) and " << s.test << " test clips, " << std::fixed
              << std::setprecision(0) << s.seconds << " s of audio, to " << *out << " in "
              << std::setprecision(1) << watch.Seconds() << " s\n";
  });
}

}  // namespace

void AddSynthCommand(CLI::App& app) {
  CLI::App* synth = app.add_subcommand(
      "synth",
      "Make demo data sets in the real layouts, or one example sound.\n"
      "  earshot synth keywords out/demo/keywords --speakers 40");
  synth->require_subcommand(1);

  auto ex = std::make_shared<ExampleArgs>();
  CLI::App* example = synth->add_subcommand(
      "example", "One example sound (chirp, tone bursts, noise) as a WAV file.\n"
                 "  earshot synth example example.wav");
  example->add_option("out", ex->out, "output .wav")->required();
  example->add_option("--rate", ex->sample_rate, "sample rate, Hz")->check(CLI::Range(1000, 384000));
  example->add_option("--seconds", ex->seconds, "duration")->check(CLI::Range(0.01, 600.0));
  example->add_option("--seed", ex->seed, "random seed");
  example->callback([ex] {
    WriteWav(ex->out, MakeExampleSound(ex->sample_rate, ex->seconds, ex->seed), ex->sample_rate);
    std::cout << "wrote " << ex->out << "\n";
  });

  AddKeywords(*synth);
  AddStream(*synth);
  AddMixtures(*synth);
  AddTagging(*synth);
  AddNpz(*synth);
}

}  // namespace earshot::cli
