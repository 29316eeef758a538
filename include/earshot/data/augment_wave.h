// The loader's augmentations of voice, room, noise and channel: each draws
// whether it applies (its probability) and its parameters from the
// example's SplitMix64, in a fixed order, and draws nothing when it is off,
// so recipes that leave it off keep their batches. The signal processing
// is in audio/ (phase_vocoder.h, room_impulse.h, fft_filter.h, mix_snr.h,
// channel_response.h, telephone.h, distortion.h).
//
//   AugmentSources sources = ...;                       // noise, babble, impulse responses
//   AugmentVoice(raw, 16000, options, rng);             // before the length policy
//   AugmentRoom(wave, n, 16000, options, sources, rng); // after the shift
//   AugmentNoise(wave, n, options, sources, rng);       // noise_snr, babble
//   AugmentChannel(wave, n, 16000, options, rng);       // eq, high-pass, telephone, distortion
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "earshot/data/augment_options.h"
#include "earshot/data/clip_store.h"
#include "earshot/util/random.h"

namespace earshot {

struct AugmentSources {
  const ClipStore* noise = nullptr;    // background noise files (`noise_snr`)
  const ClipStore* speech = nullptr;   // the clip store (`babble`)
  std::vector<int64_t> babble_rows;    // its rows of unknown-word training clips
  std::vector<std::vector<float>> impulse_responses;  // `reverb_folder`'s, at the clip rate
};

// Tempo, then pitch, then VTLP; the length changes with the tempo.
void AugmentVoice(std::vector<float>& raw, int sample_rate, const AugmentOptions& o, SplitMix64& rng);

// Reverberation: a synthesised room or one of the folder's responses, the
// result scaled back to the dry clip's power.
void AugmentRoom(float* wave, int64_t n, int sample_rate, const AugmentOptions& o,
                 const AugmentSources& sources, SplitMix64& rng);

// Babble of unknown-word clips at an SNR from [snr_min, snr_max]; with
// `noise_snr`, background noise too (probability noise_frequency), each
// at its own SNR.
void AugmentNoise(float* wave, int64_t n, const AugmentOptions& o, const AugmentSources& sources,
                  SplitMix64& rng);

// Equaliser and tilt, high-pass, telephone line, distortion.
void AugmentChannel(float* wave, int64_t n, int sample_rate, const AugmentOptions& o, SplitMix64& rng);

// Babble: `talkers` clips of `rows` (random rows, random circular offsets),
// each scaled to unit power, summed into n samples.
std::vector<float> MakeBabble(const ClipStore& speech, const std::vector<int64_t>& rows, int talkers,
                              int64_t n, SplitMix64& rng);

// The sound files of `folder` (sorted by name), decoded at sample_rate,
// each starting at its largest sample (the direct sound). Throws naming the
// folder when it cannot be read or holds no sound file, and naming a file
// that cannot be decoded.
std::vector<std::vector<float>> LoadImpulseResponses(const std::string& folder, int sample_rate);

}  // namespace earshot
