// Synthetic speakers: espeak-ng voices (an accent, a voice variant, speed
// and pitch) saying words, trimmed and resampled.
//
//   SplitMix64 rng(1);
//   Voice v = RandomVoice(rng);            // e.g. en-gb-scotland+m3, 160 wpm
//   std::vector<float> yes = Speak(v, "yes", 16000);
//   std::string id = SpeakerId(v);         // "3fa85f64": one voice, one speaker
#pragma once

#include <string>
#include <vector>

#include "earshot/util/random.h"

namespace earshot {

struct Voice {
  std::string language = "en-us";  // espeak-ng voice: the accent
  std::string variant;             // espeak-ng variant ("m3", "f2", "klatt"), empty for none
  int rate = 175;                  // speed, words per minute (80-450)
  int pitch = 50;                  // base pitch, 0-100
  int range = 50;                  // pitch range, 0 (monotone) to 100
  // "en-us+f2 rate=160 pitch=40 range=50": every setting, in a fixed order.
  std::string Name() const;
};

// English accents of espeak-ng: en, en-us, en-gb-scotland, en-029, ...
const std::vector<std::string>& EnglishAccents();
// Voice variants that still sound like a person (m1-m8, f1-f5, klatt,
// whisper, croak, ...): 78 of espeak-ng 1.51's 101, the default draw.
const std::vector<std::string>& VoiceVariants();
// Every variant espeak-ng 1.51 ships: the above, then the effects (robots,
// echoes, "Demonic", an announcement system), for `--variants all`.
const std::vector<std::string>& AllVoiceVariants();

// A voice drawn from the accents, the variants and ranges of speed and pitch;
// from `accents` and `variants` instead when they are not empty (a subset of
// the lists above: voice families held out of training). With both empty
// the draws are those of the full lists.
Voice RandomVoice(SplitMix64& rng, const std::vector<std::string>& accents = {},
                  const std::vector<std::string>& variants = {});

// Eight hex digits derived from every setting of the voice, as Speech
// Commands names a speaker in the part of a file name before "_nohash_".
std::string SpeakerId(const Voice& voice);

// How one take is said beyond its voice: the intonation of its clause
// (espeak-ng's clause types: a statement falls, a question rises, an
// exclamation, a continuation before a comma) and, optionally, one word
// stressed (SSML <emphasis>).
enum class Intonation { kNone, kStatement, kQuestion, kExclamation, kContinuation };

struct Utterance {
  Voice voice;
  std::string text;
  Intonation intonation = Intonation::kNone;  // kNone: the text as it is
  int emphasis = -1;  // index of the word (split at spaces) to stress; -1 none
};

// The words of a text, split at white space: what `emphasis` counts.
std::vector<std::string> SpokenWords(const std::string& text);

// What espeak-ng is given for an utterance: the text as it is, or SSML
// (the text escaped, the stressed word in <emphasis>) ended by the
// intonation's punctuation ("." "?" "!" ",").
std::string SpokenMarkup(const Utterance& utterance);

// espeak-ng saying each utterance in turn, each trimmed of its leading and
// trailing silence and resampled to `sample_rate`. espeak-ng keeps state
// from one utterance to the next, so a list is spoken by a child process
// forked for it from a parent that never speaks: the same list always gives
// the same samples, and several threads may call this at once. Throws
// Error when espeak-ng or its data are missing or a voice is unknown.
std::vector<std::vector<float>> SpeakAll(const std::vector<Utterance>& utterances,
                                         int sample_rate);

// How many of `wanted` threads may speak at once: all of them, but one in a
// build with AddressSanitizer. A child forked from a threaded process may
// only rely on what the C library makes safe after fork; glibc's malloc is,
// the allocator of GCC 12's AddressSanitizer is not (it has no fork
// handler), so a child forked while another thread holds its lock waits for
// that lock forever. The loops that speak ask this for their thread count.
int SpeakingThreads(int wanted);

// One utterance on its own.
std::vector<float> Speak(const Voice& voice, const std::string& text, int sample_rate);

// How espeak-ng's `language` would pronounce each text: its phoneme
// mnemonics with stress marks ("h'eI 'i@SQt"), clauses joined by a space.
// Made in a forked child as SpeakAll is, so that the parent's state stays
// pristine.
std::vector<std::string> Phonemes(const std::vector<std::string>& texts,
                                  const std::string& language = "en-us");

}  // namespace earshot
