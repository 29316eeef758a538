#include "instruments.h"

#include <algorithm>
#include <cmath>

namespace earshot {
namespace {

Layer Program(std::vector<int> programs, int low, int high, double note_min, double note_max,
              double gap_min, double gap_max, int chord = 1, double bend = 0) {
  Layer l;
  l.programs = std::move(programs);
  l.low = low;
  l.high = high;
  l.note_min = note_min;
  l.note_max = note_max;
  l.gap_min = gap_min;
  l.gap_max = gap_max;
  l.chord = chord;
  l.bend = bend;
  return l;
}

Layer Drums(std::vector<int> keys, double gap_min, double gap_max, int chord = 1) {
  Layer l;
  l.keys = std::move(keys);
  l.note_min = l.note_max = 0.1;
  l.gap_min = gap_min;
  l.gap_max = gap_max;
  l.chord = chord;
  return l;
}

}  // namespace

const std::vector<SoundClass>& SoundClasses() {
  // Programs and keys are General MIDI 1 (0-based programs; percussion keys
  // 35-81). Where GM has no such sound, a stand-in that is at least
  // distinct: a made-up label is fine for a demo as long as it is learnable.
  static const std::vector<SoundClass> classes = {
      {"Acoustic_guitar", {Program({24, 25}, 40, 76, 0.15, 0.8, 0.0, 0.25, 3)}},
      {"Trumpet", {Program({56}, 55, 82, 0.15, 0.9, 0.02, 0.3)}},
      {"Violin_or_fiddle", {Program({40, 110}, 55, 96, 0.2, 1.2, 0.0, 0.2)}},
      {"Flute", {Program({73}, 60, 96, 0.15, 1.0, 0.02, 0.3)}},
      {"Snare_drum", {Drums({38, 40}, 0.08, 0.5)}},
      {"Hi-hat", {Drums({42, 44, 46}, 0.06, 0.3)}},
      {"Bass_drum", {Drums({35, 36}, 0.2, 0.7)}},
      {"Cowbell", {Drums({56}, 0.15, 0.6)}},
      {"Cello", {Program({42}, 36, 69, 0.3, 1.5, 0.0, 0.2)}},
      {"Clarinet", {Program({71}, 50, 84, 0.2, 1.0, 0.02, 0.3)}},
      {"Saxophone", {Program({64, 65, 66, 67}, 49, 81, 0.15, 0.9, 0.02, 0.3)}},
      {"Oboe", {Program({68}, 58, 91, 0.2, 1.0, 0.02, 0.3)}},
      {"Electric_piano", {Program({4, 5}, 40, 88, 0.2, 1.2, 0.0, 0.3, 4)}},
      {"Glockenspiel", {Program({9}, 79, 108, 0.1, 0.5, 0.05, 0.3)}},
      {"Harmonica", {Program({22}, 60, 84, 0.15, 0.8, 0.02, 0.3, 2)}},
      {"Double_bass", {Program({32, 43}, 28, 55, 0.2, 1.0, 0.02, 0.3)}},
      {"Tambourine", {Drums({54}, 0.08, 0.4)}},
      {"Chime", {Program({14, 112}, 60, 84, 0.5, 2.0, 0.1, 0.6)}},
      {"Gong", {Drums({52}, 1.0, 3.0)}},
      {"Knock", {Drums({76, 77}, 0.12, 0.6)}},
      {"Telephone", {Program({124}, 60, 72, 0.8, 2.0, 0.3, 1.5)}},
      {"Applause", {Program({126}, 55, 75, 1.0, 4.0, 0.0, 0.1, 2)}},
      {"Gunshot_or_gunfire", {Program({127}, 40, 70, 0.1, 0.3, 0.05, 1.0)}},
      {"Finger_snapping", {Drums({37}, 0.3, 0.8)}},
      {"Keys_jangling", {Drums({80, 81}, 0.02, 0.12, 2)}},
      {"Scissors", {Drums({69}, 0.1, 0.3)}},
      {"Writing", {Drums({73, 74}, 0.05, 0.3)}},
      {"Drawer_open_or_close", {Drums({74, 61}, 0.3, 1.0)}},
      {"Computer_keyboard", {Drums({75}, 0.05, 0.25)}},
      {"Squeak", {Program({120}, 70, 100, 0.05, 0.3, 0.05, 0.5, 1, 1.0)}},
      {"Cough", {Program({121}, 40, 60, 0.1, 0.35, 0.1, 0.6)}},
      {"Laughter", {Program({52}, 62, 74, 0.08, 0.18, 0.04, 0.12)}},
      {"Meow", {Program({53}, 70, 82, 0.4, 1.0, 0.3, 1.0, 1, -1.0)}},
      {"Bark", {Program({87}, 40, 55, 0.08, 0.2, 0.1, 0.6)}},
      {"Bus", {Program({125}, 30, 45, 2.0, 6.0, 0.0, 0.1)}},
      {"Microwave_oven", {Program({80}, 40, 45, 2.0, 6.0, 0.0, 0.2)}},
      {"Fireworks", {Program({127}, 50, 80, 0.1, 0.4, 0.2, 1.5), Drums({49, 57}, 0.5, 2.0)}},
      {"Shatter", {Drums({49, 57, 80, 81, 55}, 0.01, 0.08, 2)}},
      {"Tearing", {Program({122}, 85, 100, 0.1, 0.6, 0.05, 0.4)}},
      {"Burping_or_eructation", {Program({58}, 28, 40, 0.3, 0.9, 0.3, 1.0, 1, -1.0)}},
      {"Fart", {Program({70}, 30, 45, 0.15, 0.6, 0.2, 1.0, 1, 1.0)}},
  };
  return classes;
}

std::vector<MidiEvent> MakeScore(const SoundClass& sound, double seconds, SplitMix64& rng) {
  std::vector<MidiEvent> events;
  // Notes stop a little before the end so that most of a release is heard.
  const double last_start = std::max(0.0, seconds * 0.85 - 0.05);
  int melodic = 0;
  for (const Layer& layer : sound.layers) {
    const bool drums = layer.programs.empty();
    const int channel = drums ? kDrumChannel : melodic++;
    if (!drums) events.push_back({0.0, MidiEvent::kProgram, channel, rng.Pick(layer.programs), 0});
    const int loudness = rng.Int(60, 120);  // of the whole take
    int key = rng.Int(layer.low, layer.high);
    double t = rng.Uniform(0.0, std::min(0.1, 0.1 * seconds));
    do {
      const double length = std::min(rng.Uniform(layer.note_min, layer.note_max),
                                      std::max(0.02, seconds - t - 0.02));
      const int keys = rng.Int(1, layer.chord);
      for (int k = 0; k < keys; ++k) {
        int note;
        if (drums) {
          note = rng.Pick(layer.keys);
        } else {
          // A random walk reads more like a melody than independent keys.
          key = std::clamp(key + rng.Int(-5, 5), layer.low, layer.high);
          note = std::clamp(key + 4 * k, 0, 127);
        }
        const int velocity = std::clamp(loudness + rng.Int(-20, 20), 1, 127);
        events.push_back({t, MidiEvent::kNoteOn, channel, note, velocity});
        events.push_back({t + length, MidiEvent::kNoteOff, channel, note, 0});
      }
      if (layer.bend != 0) {
        // Sweep from the centre to `bend` of the range over the note.
        constexpr int kSteps = 8;
        for (int s = 0; s <= kSteps; ++s) {
          const double bend = 8192 + 8191 * layer.bend * s / kSteps;
          events.push_back({t + length * s / kSteps, MidiEvent::kBend, channel,
                            static_cast<int>(std::lround(bend)), 0});
        }
        events.push_back({t + length + 0.001, MidiEvent::kBend, channel, 8192, 0});
      }
      t += length + rng.Uniform(layer.gap_min, layer.gap_max);
    } while (t < last_start);
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const MidiEvent& a, const MidiEvent& b) { return a.time < b.time; });
  return events;
}

}  // namespace earshot
