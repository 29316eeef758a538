// CPU time per one-second clip of each voice, room, noise and channel
// augmentation (data/augment_wave.h) in the loader's worker, at probability
// 1 and all together at their default probabilities; process CPU time, so
// that other work on the machine changes the figures little.
//
//   build/bench/bench_augment [trials]      (default 300)
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "earshot/data/augment_wave.h"
#include "earshot/data/example_rng.h"

namespace {

using earshot::AugmentOptions;

struct Case {
  const char* name;
  void (*set)(AugmentOptions&);
};

}  // namespace

int main(int argc, char** argv) {
  const int trials = argc > 1 ? std::atoi(argv[1]) : 300;
  const int64_t n = 16000;
  const int rate = 16000;
  std::vector<float> clip(n);
  earshot::SplitMix64 g(1);
  for (float& v : clip) v = 0.1f * static_cast<float>(g.Normal());
  earshot::ClipStore store(rate);  // noise and babble from the same clips
  for (int i = 0; i < 8; ++i) store.Append(clip.data(), n);
  earshot::AugmentSources sources;
  sources.noise = &store;
  sources.speech = &store;
  sources.babble_rows = {0, 1, 2, 3, 4, 5, 6, 7};
  const Case cases[] = {
      {"reverb", [](AugmentOptions& o) { o.reverb = true, o.reverb_probability = 1; }},
      {"tempo", [](AugmentOptions& o) { o.tempo = true, o.tempo_probability = 1; }},
      {"pitch", [](AugmentOptions& o) { o.pitch = true, o.pitch_probability = 1; }},
      {"vtlp", [](AugmentOptions& o) { o.vtlp = true, o.vtlp_probability = 1; }},
      {"noise_snr", [](AugmentOptions& o) { o.noise = o.noise_snr = true, o.noise_frequency = 1; }},
      {"babble", [](AugmentOptions& o) { o.babble = true, o.babble_probability = 1; }},
      {"eq", [](AugmentOptions& o) { o.eq = true, o.eq_probability = 1; }},
      {"highpass", [](AugmentOptions& o) { o.highpass = true, o.highpass_probability = 1; }},
      {"telephone", [](AugmentOptions& o) { o.telephone = true, o.telephone_probability = 1; }},
      {"distortion", [](AugmentOptions& o) { o.distortion = true, o.distortion_probability = 1; }},
      {"all, default probabilities", [](AugmentOptions& o) {
         o.reverb = o.tempo = o.pitch = o.vtlp = o.noise = o.noise_snr = o.babble = true;
         o.eq = o.highpass = o.telephone = o.distortion = true;
       }},
      {"all but tempo, pitch, vtlp", [](AugmentOptions& o) {
         o.reverb = o.noise = o.noise_snr = o.babble = true;
         o.eq = o.highpass = o.telephone = o.distortion = true;
       }},
  };
  std::printf("%d one-second clips at 16 kHz per row; CPU ms per clip\n", trials);
  for (const Case& c : cases) {
    AugmentOptions o;
    c.set(o);
    const std::clock_t start = std::clock();
    for (int t = 0; t < trials; ++t) {
      std::vector<float> x = clip;
      earshot::SplitMix64 rng = earshot::SplitMix64::For(1, earshot::kExampleStream, 0, t);
      earshot::AugmentVoice(x, rate, o, rng);
      x.resize(n);
      earshot::AugmentRoom(x.data(), n, rate, o, sources, rng);
      earshot::AugmentNoise(x.data(), n, o, sources, rng);
      earshot::AugmentChannel(x.data(), n, rate, o, rng);
    }
    const double ms = 1000.0 * static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC / trials;
    std::printf("%-28s %6.3f\n", c.name, ms);
  }
}
