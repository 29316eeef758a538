// Keyword clips in the Speech Commands layout, spoken by espeak-ng voices:
//
//   OUT/<word>/<speaker>_nohash_<n>.wav     16 kHz mono 16-bit, exactly 1 s
//   OUT/_unknown_/<speaker>_nohash_<n>.wav  with `confusables`: near misses
//   OUT/_background_noise_/<noise>.wav      20-60 s each (noise_seconds)
//
// One voice (accent, variant, speed, pitch) is one speaker; its id, the
// part before "_nohash_", is 8 hex digits derived from the voice, so the
// hash rule of Speech Commands (on that part of the name) keeps a speaker
// in one split. No validation_list.txt or testing_list.txt is written: the
// rule assigns the splits.
//
//   KeywordOptions o;
//   o.speakers = 20;
//   KeywordSummary s = WriteKeywordSet(o, "data/keywords");
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "earshot/util/parallel.h"
#include "earshot/synth/speech.h"
#include "earshot/util/options.h"

namespace earshot {

// The 35 words of Speech Commands v2, in the order of its paper.
const std::vector<std::string>& SpeechCommandsWords();
// yes, no, up, down, left, right, on, off, stop, go: the ten commands of
// the 12-label task (the others being unknown and silence).
const std::vector<std::string>& CommandWords();
// Commands and digits: the words Speech Commands asked for several takes of.
bool IsCoreWord(const std::string& word);

// The folder of a word or phrase: lower-case ASCII letters and digits, any
// run of other characters one '_', none at either end ("Hey, Earshot!" ->
// "hey_earshot"); "word_" and 8 hex digits of its hash when nothing is left
// (a phrase in another script).
std::string WordFolder(const std::string& word);

struct KeywordOptions : Options {
  int seed = 1;                    // same seed, byte-identical files
  int speakers = 160;              // distinct voices, one speaker each
  std::vector<std::string> words;  // words or phrases to say; empty for the 35
  int repeats = 1;                 // takes per speaker of each command, digit or own phrase
  std::vector<std::string> accents;   // espeak-ng accents to draw voices from; empty: all
  std::vector<std::string> variants;  // espeak-ng voice variants to draw from; empty: the
                                      // person-like ones (VoiceVariants); {"all"}: every one
  bool intonation = true;          // each take a statement, question, exclamation or continuation
  double emphasis_share = 0.25;    // share of takes with one word stressed
  double baked_share = 0.0;        // share of clips with a room and a channel baked in
  bool confusables = false;        // add near misses of the words and ordinary speech
  std::string confusable_folder = "_unknown_";  // ... into this folder
  double noisy_share = 0.3;        // share of clips with low background noise
  int sample_rate = 16000;         // of the clips, Hz
  int noise_seconds = 0;           // length of each background noise file; 0: 20-60 s at random
  int threads = 2;                 // worker threads
  void Visit(OptionVisitor& v) override;
  void Validate() const override;
  // `words` trimmed, or all 35 when empty.
  std::vector<std::string> Words() const;
  // Whether a word gets `repeats` takes: a command, a digit, or a phrase
  // of the user's own (not among the 35).
  static bool Repeated(const std::string& word);
};

// One clip to make: who says which word, the how-manyth time.
struct KeywordTake {
  Voice voice;
  std::string speaker;  // SpeakerId(voice)
  std::string word;     // the text spoken
  std::string folder;   // where its clip goes: WordFolder(word), or the confusables'
  int take = 0;         // the n of <speaker>_nohash_<n>
  uint64_t seed = 0;    // of everything random in the clip
  Intonation intonation = Intonation::kNone;  // of the clause
  int emphasis = -1;    // the stressed word, -1 none
  bool baked = false;   // a room and a channel baked into the clip
  std::string FileName() const;  // "<speaker>_nohash_<take>.wav"
};

// Every clip of the set, speaker by speaker, word by word. Throws when
// `options` do not validate.
std::vector<KeywordTake> PlanKeywordTakes(const KeywordOptions& options);

// The one-second clips of the takes: each word trimmed, at a random level
// and offset, sometimes over low noise; a baked take also through a room
// and a channel (the loader's reverb, eq, highpass, telephone and
// distortion, each at its default probability: data/augment_wave.h). The
// words are spoken by one espeak-ng process, in order (see SpeakAll): the
// same list always gives the same clips. Lists are best one speaker's
// takes.
std::vector<std::vector<float>> RenderKeywordTakes(const std::vector<KeywordTake>& takes,
                                                   int sample_rate, double noisy_share);

// The intonations of takes (statement 50%, question 20%, exclamation 15%,
// continuation 15%), in that order: what PlanKeywordTakes draws from.
const std::vector<std::pair<Intonation, double>>& IntonationShares();

// Takes [begin, end) of each speaker in a plan from PlanKeywordTakes.
std::vector<std::pair<size_t, size_t>> SpeakerRanges(const std::vector<KeywordTake>& takes);

struct KeywordSummary {
  std::map<std::string, int64_t> clips_per_word;  // by folder
  std::vector<std::string> confusables;           // the phrases, when asked for
  int speakers = 0;
  std::vector<std::string> noise_files;  // written to _background_noise_
};

KeywordSummary WriteKeywordSet(const KeywordOptions& options, const std::string& out_dir,
                               const Progress& progress = {});

}  // namespace earshot
