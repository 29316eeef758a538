#include "earshot/synth/tagging.h"

#include <fluidsynth.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <mutex>
#include <set>

#include "earshot/audio/decode.h"
#include "earshot/util/random.h"
#include "earshot/util/error.h"
#include "earshot/util/files.h"
#include "instruments.h"

namespace earshot {
namespace {

struct Clip {
  std::string fname;
  int sound = 0;      // the class rendered
  int label = 0;      // the class written (differs when flipped)
  bool verified = true;
  bool test = false;
  double seconds = 0;
  uint64_t seed = 0;
};

// FluidSynth shares loaded samples between synthesizers in a process-wide
// cache that is not safe to load into and unload from on several threads at
// once; creating, choosing programs and deleting take turns.
std::mutex sample_cache_mutex;

// A synthesizer made for one clip. FluidSynth instances keep state (voices,
// filters) from note to note; a fresh one per clip keeps every clip the
// same whatever was rendered before it. Dynamic sample loading makes that
// cheap: only the samples of the chosen programs are read.
class Synth {
 public:
  Synth(const std::string& soundfont, int sample_rate) {
    bool loaded;
    {
      std::lock_guard<std::mutex> lock(sample_cache_mutex);
      settings_ = new_fluid_settings();
      fluid_settings_setnum(settings_, "synth.sample-rate", sample_rate);
      fluid_settings_setint(settings_, "synth.dynamic-sample-loading", 1);
      fluid_settings_setnum(settings_, "synth.gain", 0.4);
      synth_ = new_fluid_synth(settings_);
      loaded = synth_ && fluid_synth_sfload(synth_, soundfont.c_str(), 1) != FLUID_FAILED;
    }
    if (!loaded) {
      Release();
      ThrowIo(soundfont + ": cannot load the soundfont (FluidSynth)");
    }
  }
  ~Synth() { Release(); }
  Synth(const Synth&) = delete;
  Synth& operator=(const Synth&) = delete;

  // Mono samples of the score, `frames` long.
  std::vector<float> Render(const std::vector<MidiEvent>& events, size_t frames, int rate) {
    std::vector<float> left(frames), right(frames);
    size_t done = 0;
    auto render_to = [&](size_t end) {
      end = std::min(end, frames);
      if (end <= done) return;
      fluid_synth_write_float(synth_, static_cast<int>(end - done), left.data() + done, 0, 1,
                              right.data() + done, 0, 1);
      done = end;
    };
    for (const MidiEvent& e : events) {
      render_to(static_cast<size_t>(std::lround(e.time * rate)));
      switch (e.kind) {
        case MidiEvent::kProgram: {
          std::lock_guard<std::mutex> lock(sample_cache_mutex);
          fluid_synth_program_change(synth_, e.channel, e.value);
          break;
        }
        case MidiEvent::kNoteOn: fluid_synth_noteon(synth_, e.channel, e.value, e.velocity); break;
        case MidiEvent::kNoteOff: fluid_synth_noteoff(synth_, e.channel, e.value); break;
        case MidiEvent::kBend: fluid_synth_pitch_bend(synth_, e.channel, e.value); break;
      }
    }
    render_to(frames);
    for (size_t i = 0; i < frames; ++i) left[i] = 0.5f * (left[i] + right[i]);
    return left;
  }

 private:
  void Release() {
    std::lock_guard<std::mutex> lock(sample_cache_mutex);
    if (synth_) delete_fluid_synth(synth_);
    if (settings_) delete_fluid_settings(settings_);
    synth_ = nullptr;
    settings_ = nullptr;
  }
  fluid_settings_t* settings_ = nullptr;
  fluid_synth_t* synth_ = nullptr;
};

void QuietFluidSynth() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (int level : {FLUID_WARN, FLUID_INFO, FLUID_DBG}) {
      fluid_set_log_function(level, nullptr, nullptr);
    }
  });
}

std::vector<float> RenderClip(const Clip& clip, const TaggingOptions& o) {
  SplitMix64 rng(clip.seed);
  const SoundClass& sound = SoundClasses()[static_cast<size_t>(clip.sound)];
  const size_t frames = static_cast<size_t>(std::lround(clip.seconds * o.sample_rate));
  Synth synth(o.soundfont, o.sample_rate);
  std::vector<float> x = synth.Render(MakeScore(sound, clip.seconds, rng), frames, o.sample_rate);
  float peak = 0;
  for (float v : x) peak = std::max(peak, std::fabs(v));
  if (!(peak > 0)) {
    ThrowBadData(o.soundfont + ": rendered silence for " + sound.label + " (" + clip.fname +
                 "): does the soundfont hold the General MIDI programs?");
  }
  const float gain = static_cast<float>(std::pow(10.0, rng.Uniform(-12.0, -1.0) / 20.0)) / peak;
  for (float& v : x) v *= gain;
  // A short fade-out: clips end where the recording was cut.
  const size_t fade = std::min(frames, static_cast<size_t>(o.sample_rate / 100));
  for (size_t i = 0; i < fade; ++i) x[frames - 1 - i] *= static_cast<float>(i) / fade;
  return x;
}

std::vector<Clip> PlanClips(const TaggingOptions& o) {
  const uint64_t seed = static_cast<uint64_t>(o.seed);
  std::set<std::string> names;
  std::vector<Clip> clips;
  for (int split = 0; split < 2; ++split) {
    const int per_class = split == 0 ? o.clips_per_class : o.test_per_class;
    for (int c = 0; c < o.classes; ++c) {
      for (int j = 0; j < per_class; ++j) {
        const std::string key = "tagging/" + std::to_string(split) + "/" + std::to_string(c) +
                                "/" + std::to_string(j);
        SplitMix64 rng(MixSeed(seed, HashString(key)));
        Clip clip;
        // Freesound names files by 8 hex digits; a repeat is drawn again.
        do {
          char name[16];
          std::snprintf(name, sizeof(name), "%08x", static_cast<unsigned>(rng.Next() >> 32));
          clip.fname = std::string(name) + ".wav";
        } while (!names.insert(clip.fname).second);
        clip.sound = clip.label = c;
        clip.test = split == 1;
        clip.seconds = o.min_seconds * std::pow(o.max_seconds / o.min_seconds, rng.Uniform());
        if (!clip.test) {
          clip.verified = rng.Chance(o.verified_share);
          if (!clip.verified && o.classes > 1 && rng.Chance(o.flip_share)) {
            clip.label = (c + rng.Int(1, o.classes - 1)) % o.classes;
          }
        }
        clip.seed = rng.Next();
        clips.push_back(clip);
      }
    }
  }
  return clips;
}

}  // namespace

std::vector<std::string> TaggingLabels() {
  std::vector<std::string> labels;
  for (const auto& s : SoundClasses()) labels.push_back(s.label);
  return labels;
}

void TaggingOptions::Visit(OptionVisitor& v) {
  v.Field("seed", seed, "random seed: same seed, byte-identical files");
  v.Field("classes", classes, "classes: the first N of the 41 labels");
  v.Field("clips_per_class", clips_per_class, "train clips of each class");
  v.Field("test_per_class", test_per_class, "test clips of each class");
  v.Field("min_seconds", min_seconds, "shortest clip, s");
  v.Field("max_seconds", max_seconds, "longest clip, s");
  v.Field("verified_share", verified_share, "share of train rows with manually_verified = 1");
  v.Field("flip_share", flip_share, "share of unverified rows whose label is wrong");
  v.Field("soundfont", soundfont, "General MIDI soundfont (.sf2)");
  v.Field("sample_rate", sample_rate, "sample rate, Hz");
  v.Field("threads", threads, "worker threads");
}

void TaggingOptions::Validate() const {
  const int most = static_cast<int>(SoundClasses().size());
  if (classes < 1 || classes > most) {
    ThrowOption("--classes should be in [1, " + std::to_string(most) + "]. Given: " +
                std::to_string(classes));
  }
  if (clips_per_class < 0 || test_per_class < 0 || clips_per_class + test_per_class < 1 ||
      clips_per_class > 100000 || test_per_class > 100000) {
    ThrowOption("--clips_per_class and --test_per_class should be in [0, 100000], not both 0. Given: " +
                std::to_string(clips_per_class) + " and " + std::to_string(test_per_class));
  }
  if (!(min_seconds >= 0.05 && min_seconds <= max_seconds && max_seconds <= 60)) {
    ThrowOption("--min_seconds and --max_seconds should satisfy 0.05 <= min <= max <= 60. Given: " +
                std::to_string(min_seconds) + " and " + std::to_string(max_seconds));
  }
  if (!(verified_share >= 0 && verified_share <= 1)) {
    ThrowOption("--verified_share should be in [0, 1]. Given: " + std::to_string(verified_share));
  }
  if (!(flip_share >= 0 && flip_share <= 1)) {
    ThrowOption("--flip_share should be in [0, 1]. Given: " + std::to_string(flip_share));
  }
  if (sample_rate < 8000 || sample_rate > 96000) {
    ThrowOption("--sample_rate should be in [8000, 96000]. Given: " + std::to_string(sample_rate));
  }
  if (threads < 1 || threads > 256) {
    ThrowOption("--threads should be in [1, 256]. Given: " + std::to_string(threads));
  }
}

TaggingSummary WriteTaggingSet(const TaggingOptions& options, const std::string& out_dir,
                               const Progress& progress) {
  options.Validate();
  if (!FileExists(options.soundfont)) {
    ThrowIo(options.soundfont + ": soundfont missing (install fluid-soundfont-gm, or give "
            "another General MIDI .sf2 with --soundfont)");
  }
  QuietFluidSynth();
  // One synthesizer made here first: FluidSynth sets up shared tables on
  // first use, which is best not done by two threads at once; this also
  // reports a bad soundfont before any file is written.
  { Synth check(options.soundfont, options.sample_rate); }

  std::vector<Clip> clips = PlanClips(options);
  MakeDirs(out_dir + "/audio_train");
  MakeDirs(out_dir + "/audio_test");
  ParallelFor(static_cast<int64_t>(clips.size()), options.threads, [&](int64_t i) {
    const Clip& c = clips[static_cast<size_t>(i)];
    WriteWav(out_dir + (c.test ? "/audio_test/" : "/audio_train/") + c.fname,
             RenderClip(c, options), options.sample_rate);
  }, progress);

  std::sort(clips.begin(), clips.end(),
            [](const Clip& a, const Clip& b) { return a.fname < b.fname; });
  const std::vector<std::string> labels = TaggingLabels();
  std::string placeholder;
  for (int c = 0; c < std::min(3, options.classes); ++c) {
    placeholder += (c ? " " : "") + labels[static_cast<size_t>(c)];
  }
  TaggingSummary summary;
  std::string train = "fname,label,manually_verified\n", submission = "fname,label\n";
  for (const Clip& c : clips) {
    summary.seconds += c.seconds;
    if (c.test) {
      ++summary.test;
      submission += c.fname + "," + placeholder + "\n";
      continue;
    }
    const std::string& label = labels[static_cast<size_t>(c.label)];
    train += c.fname + "," + label + "," + (c.verified ? "1" : "0") + "\n";
    ++summary.train;
    ++summary.train_per_label[label];
    summary.verified += c.verified;
    summary.flipped += c.label != c.sound;
  }
  WriteFileAtomic(out_dir + "/train.csv", train);
  WriteFileAtomic(out_dir + "/sample_submission.csv", submission);
  return summary;
}

}  // namespace earshot
