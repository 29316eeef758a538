// Properties of the front end that hold whatever the reference: silence in
// gives the floor out, no NaN, shapes, a sine lands in its bin, Parseval,
// batches equal single clips, and Validate names the option and the value.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "earshot/features/frontend.h"
#include "earshot/features/mel.h"
#include "earshot/features/spectrogram.h"
#include "earshot/features/window.h"
#include "earshot/util/error.h"

namespace earshot {
namespace {

FrontEndOptions With(std::initializer_list<const char*> settings) {
  FrontEndOptions o;
  for (const char* s : settings) ApplySetting(o, s);
  return o;
}

std::vector<float> Noise(size_t n, float scale, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.f, scale);
  std::vector<float> x(n);
  for (float& v : x) v = d(rng);
  return x;
}

std::vector<float> Sine(size_t n, double freq, int rate, double amplitude = 0.5) {
  std::vector<float> x(n);
  for (size_t i = 0; i < n; ++i) {
    x[i] = static_cast<float>(amplitude * std::sin(2 * M_PI * freq * i / rate));
  }
  return x;
}

std::string ErrorOf(const FrontEndOptions& o) {
  try {
    FrontEnd fe(o);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidOption) << e.what();
    return e.what();
  }
  return "";
}

TEST(FeaturesProperty, SilenceGivesTheFloor) {
  const std::vector<float> zeros(4000, 0.f);
  struct Case {
    std::vector<const char*> settings;
    double expected;  // every value, except MFCC's c0
  };
  const std::vector<Case> cases = {
      {{"feature=spectrogram", "scale=linear"}, 0.0},
      {{"feature=spectrogram", "scale=linear", "power=1"}, 0.0},
      {{"feature=mel", "scale=linear"}, 0.0},
      {{"feature=mel", "scale=log", "log_offset=1e-6"}, std::log(1e-6f)},
      {{"feature=spectrogram", "scale=log", "log_offset=0.01", "framing=tf", "center=false"},
       std::log(0.01f)},
      {{"feature=mel", "scale=db"}, -100.0},                            // 10 log10(amin 1e-10)
      {{"feature=mel", "scale=db", "power=1", "amin=1e-5"}, -100.0},    // 20 log10(1e-5)
      {{"feature=mel", "scale=db", "db_ref=max"}, 0.0},
      {{"feature=mel", "scale=db", "db_ref=max", "top_db=80"}, 0.0},
      {{"feature=mel", "scale=db", "multi_n_fft=256,512", "multi_win_length=200,400"}, -100.0},
  };
  for (const auto& c : cases) {
    FrontEndOptions o;
    for (const char* s : c.settings) ApplySetting(o, s);
    SCOPED_TRACE(ToJson(o));
    FrontEnd fe(o);
    const std::vector<float> f = fe.Compute(zeros);
    ASSERT_FALSE(f.empty());
    for (float v : f) ASSERT_NEAR(v, c.expected, 1e-4 * (1 + std::abs(c.expected)));
  }
  // MFCC of silence in dB: every mel is -100 dB, so the orthonormal DCT puts
  // -100 sqrt(n_mels) in c0 and zero elsewhere.
  FrontEnd mfcc(With({"feature=mfcc", "scale=db", "n_mels=40", "n_mfcc=13"}));
  const std::vector<float> f = mfcc.Compute(zeros);
  const int64_t frames = mfcc.OutputShape(4000)[2];
  for (int64_t k = 0; k < 13; ++k) {
    for (int64_t t = 0; t < frames; ++t) {
      const double want = k == 0 ? -100.0 * std::sqrt(40.0) : 0.0;
      ASSERT_NEAR(f[static_cast<size_t>(k * frames + t)], want, 2e-3) << "c" << k;
    }
  }
}

TEST(FeaturesProperty, NoNanOnLoudQuietOrTinyInput) {
  std::vector<std::vector<float>> inputs = {Noise(3000, 1.f, 1), Noise(3000, 1e-20f, 2),
                                            std::vector<float>(3000, 1.f)};
  inputs.push_back(inputs[0]);
  for (float& v : inputs.back()) v = std::clamp(v * 100.f, -1.f, 1.f);  // clipped
  for (const char* feature : {"spectrogram", "mel", "mfcc"}) {
    for (const char* scale : {"linear", "log", "db"}) {
      if (std::string(feature) == "mfcc" && std::string(scale) == "linear") continue;
      FrontEndOptions o;
      o.feature = feature;
      o.scale = scale;
      FrontEnd fe(o);
      for (const auto& x : inputs) {
        for (float v : fe.Compute(x)) {
          ASSERT_TRUE(std::isfinite(v)) << feature << " " << scale;
        }
      }
    }
  }
}

TEST(FeaturesProperty, OutputShapeMatchesCompute) {
  struct Case {
    std::vector<const char*> settings;
    int64_t n;
    std::vector<int64_t> shape;
  };
  const std::vector<Case> cases = {
      {{}, 16000, {1, 40, 101}},
      // seed 001: |STFT|, n_fft 258, hop 64, centred, 8 kHz, 1 s.
      {{"sample_rate=8000", "feature=spectrogram", "n_fft=258", "win_length=258",
        "hop_length=64", "power=1", "scale=linear"},
       8000, {1, 130, 126}},
      // seed 004: tf.signal.stft framing, 480 in 512, hop 160, no centring.
      {{"feature=spectrogram", "n_fft=512", "win_length=480", "hop_length=160", "center=false",
        "framing=tf", "scale=log", "log_offset=0.01"},
       16000, {1, 257, 98}},
      // seed 002: four resolutions, 64 mels, hop 160.
      {{"multi_n_fft=256,512,1024,2048", "multi_win_length=200,400,800,1600", "n_mels=64",
        "mel_scale=slaney", "mel_norm=slaney", "scale=db", "db_ref=max", "top_db=80"},
       16000, {4, 64, 101}},
      {{"feature=mfcc", "n_mfcc=13"}, 16000, {1, 13, 101}},
      {{"center=false"}, 16000, {1, 40, 97}},   // 1 + (16000 - 512) / 160
      {{"center=false"}, 512, {1, 40, 1}},
      {{"feature=waveform"}, 1234, {1, 1234}},
      // 1 + (777 + 2 * 127 - 255) / 7
      {{"feature=spectrogram", "n_fft=255", "win_length=200", "hop_length=7"}, 777,
       {1, 128, 111}},
  };
  for (const auto& c : cases) {
    FrontEndOptions o;
    for (const char* s : c.settings) ApplySetting(o, s);
    SCOPED_TRACE(ToJson(o));
    FrontEnd fe(o);
    EXPECT_EQ(fe.OutputShape(c.n), c.shape);
    const std::vector<float> f = fe.Compute(Noise(static_cast<size_t>(c.n), 0.1f, 3));
    int64_t size = 1;
    for (int64_t d : c.shape) size *= d;
    EXPECT_EQ(static_cast<int64_t>(f.size()), size);
    EXPECT_EQ(fe.OutputSize(c.n), size);
  }
}

TEST(FeaturesProperty, ShortClipsAreRefusedWithTheReason) {
  FrontEnd fe(With({"center=false"}));
  try {
    fe.OutputShape(100);
    FAIL() << "a 100-sample clip has no 512-sample frame";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("100 samples"), std::string::npos) << e.what();
  }
  FrontEnd reflect(With({}));
  try {
    reflect.Compute(std::vector<float>(200, 0.1f));
    FAIL() << "reflect padding of 256 needs more than 256 samples";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("pad_mode"), std::string::npos) << e.what();
  }
  FrontEnd constant(With({"pad_mode=constant"}));
  EXPECT_EQ(constant.Compute(std::vector<float>(200, 0.1f)).size(), 40u * 2);
}

// A sine at bin k's centre frequency peaks at bin k in every frame.
TEST(FeaturesProperty, SineEnergyLandsInItsBin) {
  const int rate = 16000, n_fft = 512, n = 8000;
  for (const char* window : {"hann", "hamming", "rect"}) {
    for (int k : {5, 37, 128, 200}) {
      FrontEnd fe(With({"feature=spectrogram", "scale=linear", "n_fft=512", "win_length=512",
                        "hop_length=256", "center=false"}));
      FrontEndOptions o = fe.options();
      o.window = window;
      FrontEnd fw(o);
      const double freq = static_cast<double>(k) * rate / n_fft;
      const std::vector<float> f = fw.Compute(Sine(n, freq, rate));
      const int64_t bins = fw.OutputShape(n)[1], frames = fw.OutputShape(n)[2];
      for (int64_t t = 0; t < frames; ++t) {
        int64_t best = 0;
        for (int64_t b = 1; b < bins; ++b) {
          if (f[b * frames + t] > f[best * frames + t]) best = b;
        }
        ASSERT_EQ(best, k) << window << " frame " << t;
      }
    }
  }
  // Through the mel filterbank: a 1 kHz sine peaks in the band whose
  // centre is nearest 1 kHz.
  FrontEnd mel(With({"n_mels=40", "scale=linear"}));
  const std::vector<float> f = mel.Compute(Sine(n, 1000.0, rate));
  const int64_t frames = mel.OutputShape(n)[2];
  int best = 0;
  for (int m = 1; m < 40; ++m) {
    if (f[m * frames + frames / 2] > f[best * frames + frames / 2]) best = m;
  }
  int nearest = 0;
  const double top = HzToMel(8000, "htk");
  for (int m = 0; m < 40; ++m) {
    const double centre = MelToHz(top * (m + 1) / 41, "htk");
    if (std::abs(centre - 1000) < std::abs(MelToHz(top * (nearest + 1) / 41, "htk") - 1000)) {
      nearest = m;
    }
  }
  EXPECT_EQ(best, nearest);
}

// Parseval with a rectangular window: the one-sided power spectrum, edges
// counted once and the rest twice, sums to n_fft times the frame's energy.
TEST(FeaturesProperty, ParsevalHoldsFrameByFrame) {
  for (int n_fft : {256, 400, 255}) {
    const int hop = 100, n = 3000;
    const std::vector<float> x = Noise(n, 0.3f, 4);
    std::vector<float> window(static_cast<size_t>(n_fft), 1.f);
    Spectrogram s(n_fft, n_fft, hop, window, false, "reflect", "torch", 2.0);
    const int64_t frames = s.Frames(n), bins = s.Bins();
    std::vector<float> p(static_cast<size_t>(frames * bins));
    s.Compute(x.data(), n, p.data());
    double worst = 0;
    for (int64_t t = 0; t < frames; ++t) {
      double energy = 0, spectral = 0;
      for (int k = 0; k < n_fft; ++k) energy += double(x[t * hop + k]) * x[t * hop + k];
      for (int64_t b = 0; b < bins; ++b) {
        const bool once = b == 0 || (n_fft % 2 == 0 && b == bins - 1);
        spectral += (once ? 1.0 : 2.0) * p[b * frames + t];
      }
      worst = std::max(worst, std::abs(spectral / n_fft - energy) / energy);
    }
    EXPECT_LT(worst, 1e-5) << "n_fft " << n_fft;
  }
}

TEST(FeaturesProperty, BatchWithThreadsEqualsOneClipAtATime) {
  for (auto settings : {std::initializer_list<const char*>{},
                        {"feature=mfcc", "scale=db", "top_db=80"},
                        {"multi_n_fft=256,512", "multi_win_length=200,400", "scale=db",
                         "db_ref=max"},
                        {"feature=spectrogram", "framing=tf", "center=false"}}) {
    FrontEnd fe(With(settings));
    const int64_t batch = 7, n = 4000, size = fe.OutputSize(n);
    const std::vector<float> clips = Noise(static_cast<size_t>(batch * n), 0.2f, 5);
    for (int threads : {1, 3, 16}) {
      std::vector<float> out(static_cast<size_t>(batch * size), -1.f);
      fe.ComputeBatch(clips.data(), batch, n, out.data(), threads);
      for (int64_t b = 0; b < batch; ++b) {
        std::vector<float> one(static_cast<size_t>(size));
        fe.Compute(clips.data() + b * n, n, one.data());
        ASSERT_TRUE(std::equal(one.begin(), one.end(), out.begin() + b * size))
            << "clip " << b << ", " << threads << " threads";
      }
    }
  }
}

TEST(FeaturesProperty, WindowsAreTorchs) {
  const std::vector<float> hann = MakeWindow("hann", 8, true);
  const std::vector<float> want = {0.f, 0.1464466f, 0.5f, 0.8535534f, 1.f, 0.8535534f, 0.5f,
                                   0.1464466f};  // torch.hann_window(8)
  for (size_t i = 0; i < 8; ++i) EXPECT_NEAR(hann[i], want[i], 1e-6);
  const std::vector<float> sym = MakeWindow("hann", 5, false);
  EXPECT_NEAR(sym[0], 0.f, 1e-7);
  EXPECT_NEAR(sym[2], 1.f, 1e-7);
  EXPECT_NEAR(sym[4], 0.f, 1e-7);
  const std::vector<float> hamming = MakeWindow("hamming", 4, true);  // 0.54 - 0.46 cos
  EXPECT_NEAR(hamming[0], 0.08f, 1e-6);
  EXPECT_NEAR(hamming[1], 0.54f, 1e-6);
  EXPECT_NEAR(hamming[2], 1.f, 1e-6);
  for (float v : MakeWindow("rect", 6, true)) EXPECT_EQ(v, 1.f);
}

TEST(FeaturesProperty, ValidateNamesTheOptionAndTheValue) {
  struct Case {
    std::vector<const char*> settings;
    std::vector<const char*> words;  // each must appear in the message
  };
  const std::vector<Case> cases = {
      // seed 002 met this: 128 mels leave empty filters at n_fft 256.
      {{"n_fft=256", "win_length=200", "n_mels=128", "mel_scale=slaney", "mel_norm=slaney"},
       {"--n_mels", "128", "empty", "n_fft 256"}},
      {{"multi_n_fft=256,512", "multi_win_length=200,400", "n_mels=128", "mel_scale=slaney"},
       {"--n_mels", "128", "empty"}},
      {{"win_length=600"}, {"--win_length", "600", "512"}},
      {{"feature=melspec"}, {"--feature", "'melspec'", "mfcc"}},
      {{"window=blackman"}, {"--window", "'blackman'"}},
      {{"power=3"}, {"--power", "3"}},
      {{"feature=mfcc", "n_mfcc=50"}, {"--n_mfcc", "50", "n_mels (40)"}},
      {{"f_max=9000"}, {"--f_max", "9000", "8000"}},
      {{"f_min=8000"}, {"--f_min", "8000"}},
      {{"framing=tf"}, {"--framing=tf", "--center=false"}},
      {{"multi_n_fft=256,512", "multi_win_length=200"}, {"--multi_win_length", "2", "1"}},
      {{"multi_n_fft=256,512", "multi_win_length=200,400", "feature=spectrogram"},
       {"--multi_n_fft", "spectrogram"}},
      {{"hop_length=0"}, {"--hop_length", "0"}},
      {{"scale=log", "log_offset=0"}, {"--log_offset", "0"}},
      {{"amin=0"}, {"--amin", "0"}},
      {{"top_db=-1"}, {"--top_db", "-1"}},
      {{"sample_rate=500"}, {"--sample_rate", "500"}},
      {{"pad_mode=edge"}, {"--pad_mode", "'edge'"}},
      {{"mel_scale=bark"}, {"--mel_scale", "'bark'"}},
      {{"feature=mfcc", "scale=linear"}, {"--scale", "linear"}},
  };
  for (const auto& c : cases) {
    FrontEndOptions o;
    for (const char* s : c.settings) ApplySetting(o, s);
    const std::string message = ErrorOf(o);
    ASSERT_FALSE(message.empty()) << "accepted: " << ToJson(o);
    for (const std::string w : c.words) {
      // Options are named by the key a recipe's --set takes, --features.n_mels;
      // the mel filterbank, below the options, names --n_mels.
      const bool named = message.find(w) != std::string::npos ||
                         (w.rfind("--", 0) == 0 &&
                          message.find("--features." + w.substr(2)) != std::string::npos);
      EXPECT_TRUE(named) << "'" << w << "' not in: " << message;
    }
  }
}

}  // namespace
}  // namespace earshot
