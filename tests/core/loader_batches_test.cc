// The batch loader: determinism, evaluation mode, targets, silence, drop
// policy, augmentation through the pipeline, and feature normalisation.
#include <cmath>
#include <set>

#include <gtest/gtest.h>

#include "earshot/data/clip_length.h"
#include "earshot/data/loader.h"
#include "earshot/util/error.h"
#include "loader_test_util.h"

namespace earshot {
namespace {

using testing::Noise;
using testing::TempDir;
using testing::Wav;

// 30 clips of 0.3 to 0.6 s at 8 kHz over 3 classes, and two noise files.
struct SmallSet {
  TempDir dir;
  Dataset ds;
  LoadedClips loaded;
  explicit SmallSet(int clips = 30, bool with_noise = true) {
    ds.classes = {"a", "b", "c"};
    for (int i = 0; i < clips; ++i) {
      ClipRef c;
      c.path = Wav(dir, "c" + std::to_string(i) + ".wav",
                   Noise(2400 + 97 * (i % 13), 0.1f + 0.02f * (i % 7), i), 8000);
      c.id = "c" + std::to_string(i);
      c.label = i % 3;
      ds.clips.push_back(c);
    }
    if (with_noise) {
      ds.noise_files.push_back(Wav(dir, "n0.wav", Noise(9000, 0.5f, 100), 8000));
      ds.noise_files.push_back(Wav(dir, "n1.wav", Noise(7000, 0.3f, 101), 8000));
    }
    loaded = LoadClips(ds, 8000, StoreOptions{});
  }
  std::vector<int64_t> All() const {
    std::vector<int64_t> v(ds.clips.size());
    for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<int64_t>(i);
    return v;
  }
};

FrontEndOptions Mel8k() {
  FrontEndOptions f;
  f.sample_rate = 8000;
  f.n_fft = 256;
  f.win_length = 200;
  f.hop_length = 80;
  f.n_mels = 20;
  return f;
}

FrontEndOptions Waveform8k() {
  FrontEndOptions f;
  f.sample_rate = 8000;
  f.feature = "waveform";
  return f;
}

LoaderOptions AllAugmentations() {
  LoaderOptions o;
  o.batch_size = 7;
  o.seed = 42;
  o.clip.seconds = 0.5;
  o.clip.pad_crop = "random";
  AugmentOptions& a = o.augment;
  a.noise = a.shift = a.gain = a.speed = a.spec_augment = a.mixup = true;
  return o;
}

std::vector<Batch> Epoch(BatchLoader& loader, int epoch) {
  std::vector<Batch> out;
  loader.Start(epoch);
  while (auto b = loader.Next()) out.push_back(std::move(*b));
  return out;
}

void ExpectSameBatches(const std::vector<Batch>& a, const std::vector<Batch>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].clips, b[i].clips);
    EXPECT_EQ(a[i].labels, b[i].labels);
    EXPECT_EQ(a[i].features, b[i].features);  // bit for bit
    EXPECT_EQ(a[i].targets, b[i].targets);
  }
}

TEST(LoaderTest, SameSeedSameBatchesForAnyThreadCount) {
  SmallSet set;
  FrontEnd fe(Mel8k());
  std::vector<std::vector<Batch>> runs;
  for (int threads : {1, 2, 3}) {
    LoaderOptions o = AllAugmentations();
    o.threads = threads;
    o.prefetch = 2;
    BatchLoader loader(set.ds, set.loaded, set.All(), fe, o, BatchLoader::Mode::kTrain);
    runs.push_back(Epoch(loader, 1));
    if (threads == 2) {
      std::vector<Batch> again = Epoch(loader, 1);  // a loader restarted on the same epoch
      ExpectSameBatches(runs.back(), again);
    }
  }
  ExpectSameBatches(runs[0], runs[1]);
  ExpectSameBatches(runs[0], runs[2]);
  ASSERT_EQ(runs[0].size(), 5u);  // 30 clips, 7 a batch
  EXPECT_EQ(runs[0].back().size, 2);
  EXPECT_EQ(runs[0][0].shape, (std::vector<int64_t>{1, 20, 51}));
  std::set<int64_t> seen;
  for (const Batch& b : runs[0]) seen.insert(b.clips.begin(), b.clips.end());
  EXPECT_EQ(seen.size(), 30u);  // each clip once
}

TEST(LoaderTest, VoiceRoomNoiseAndChannelAugmentationsSameForAnyThreadCount) {
  SmallSet set;
  set.ds.unknown_class = 2;  // class c's clips make the babble
  FrontEnd fe(Mel8k());
  std::vector<std::vector<Batch>> runs;
  for (int threads : {1, 2, 3}) {
    LoaderOptions o = AllAugmentations();
    o.threads = threads;
    AugmentOptions& a = o.augment;
    a.noise_snr = a.babble = a.reverb = a.tempo = a.pitch = a.vtlp = true;
    a.eq = a.highpass = a.telephone = a.distortion = true;
    BatchLoader loader(set.ds, set.loaded, set.All(), fe, o, BatchLoader::Mode::kTrain);
    runs.push_back(Epoch(loader, 2));
  }
  ExpectSameBatches(runs[0], runs[1]);
  ExpectSameBatches(runs[0], runs[2]);
  // They change the batches, and only where they are on.
  LoaderOptions o = AllAugmentations();
  BatchLoader plain(set.ds, set.loaded, set.All(), fe, o, BatchLoader::Mode::kTrain);
  const std::vector<Batch> before = Epoch(plain, 2);
  EXPECT_EQ(before[0].clips, runs[0][0].clips);
  EXPECT_NE(before[0].features, runs[0][0].features);
  // Babble needs unknown words among the training clips.
  o.augment.babble = true;
  set.ds.unknown_class = -1;
  EXPECT_THROW(BatchLoader(set.ds, set.loaded, set.All(), fe, o, BatchLoader::Mode::kTrain), Error);
}

TEST(LoaderTest, EpochsAndSeedsChangeOrderAndAugmentation) {
  SmallSet set;
  FrontEnd fe(Mel8k());
  LoaderOptions o = AllAugmentations();
  BatchLoader loader(set.ds, set.loaded, set.All(), fe, o, BatchLoader::Mode::kTrain);
  std::vector<Batch> e0 = Epoch(loader, 0), e1 = Epoch(loader, 1);
  EXPECT_NE(e0[0].clips, e1[0].clips);
  o.seed = 43;
  BatchLoader other(set.ds, set.loaded, set.All(), fe, o, BatchLoader::Mode::kTrain);
  std::vector<Batch> s0 = Epoch(other, 0);
  EXPECT_NE(e0[0].clips, s0[0].clips);
  // Without shuffling the order is the same, the augmentation still differs.
  o.shuffle = false;
  o.augment.mixup = false;
  BatchLoader plain(set.ds, set.loaded, set.All(), fe, o, BatchLoader::Mode::kTrain);
  std::vector<Batch> p0 = Epoch(plain, 0), p1 = Epoch(plain, 1);
  EXPECT_EQ(p0[0].clips, p1[0].clips);
  EXPECT_NE(p0[0].features, p1[0].features);
}

TEST(LoaderTest, EvaluationIsOrderedCentredCleanAndComplete) {
  SmallSet set(10);
  FrontEnd fe(Mel8k());
  LoaderOptions o = AllAugmentations();  // all ignored in evaluation
  o.batch_size = 4;
  o.drop_last = true;                    // ignored too: every clip is evaluated
  BatchLoader loader(set.ds, set.loaded, set.All(), fe, o, BatchLoader::Mode::kEval);
  std::vector<Batch> batches = Epoch(loader, 3);
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[2].size, 2);
  const int64_t length = 4000, size = fe.OutputSize(length);
  std::vector<float> wave(length);
  int64_t clip = 0;
  for (const Batch& b : batches) {
    for (int64_t i = 0; i < b.size; ++i, ++clip) {
      ASSERT_EQ(b.clips[i], clip);
      std::vector<float> x = set.loaded.clips.Read(set.loaded.row[clip]);
      FitClip(x.data(), static_cast<int64_t>(x.size()), length, nullptr, wave.data());
      std::vector<float> expected = fe.Compute(wave);
      std::vector<float> got(b.features.begin() + i * size, b.features.begin() + (i + 1) * size);
      EXPECT_EQ(got, expected);
      EXPECT_EQ(b.labels[i], clip % 3);
      for (int k = 0; k < 3; ++k) EXPECT_EQ(b.targets[i * 3 + k], k == clip % 3 ? 1.f : 0.f);
    }
  }
  ExpectSameBatches(batches, Epoch(loader, 4));
}

TEST(LoaderTest, NoiseThroughTheLoaderMatchesTheTensorFlowDefaults) {
  // Silent clips and +-0.5 noise: each example's peak is half its volume.
  TempDir dir;
  Dataset ds;
  ds.classes = {"x"};
  for (int i = 0; i < 400; ++i) {
    ClipRef c;
    c.path = Wav(dir, "z" + std::to_string(i) + ".wav", std::vector<float>(200, 0.f), 8000);
    c.label = 0;
    ds.clips.push_back(c);
  }
  std::vector<float> square(1000);
  for (int i = 0; i < 1000; ++i) square[i] = i % 2 ? 0.5f : -0.5f;
  ds.noise_files.push_back(Wav(dir, "square.wav", square, 8000));
  LoadedClips loaded = LoadClips(ds, 8000, StoreOptions{});
  FrontEnd fe(Waveform8k());
  LoaderOptions o;
  o.clip.samples = 200;
  o.augment.noise = true;  // TF defaults: 0.8 of clips, volume U(0, 0.1)
  std::vector<int64_t> all(400);
  for (int i = 0; i < 400; ++i) all[i] = i;
  BatchLoader loader(ds, loaded, all, fe, o, BatchLoader::Mode::kTrain);
  int examples = 0, noisy = 0;
  double sum = 0, top = 0;
  for (int epoch = 0; epoch < 5; ++epoch) {
    for (const Batch& b : Epoch(loader, epoch)) {
      for (int64_t i = 0; i < b.size; ++i, ++examples) {
        float peak = 0;
        for (int64_t k = 0; k < 200; ++k) peak = std::max(peak, std::abs(b.features[i * 200 + k]));
        if (peak == 0) continue;
        ++noisy;
        sum += 2.0 * peak;
        top = std::max(top, 2.0 * peak);
      }
    }
  }
  ASSERT_EQ(examples, 2000);
  EXPECT_NEAR(noisy / 2000.0, 0.8, 0.03);
  EXPECT_NEAR(sum / noisy, 0.05, 0.003);
  EXPECT_LE(top, 0.1 + 1e-6);
  // Evaluation adds none.
  BatchLoader eval(ds, loaded, all, fe, o, BatchLoader::Mode::kEval);
  for (const Batch& b : Epoch(eval, 0)) {
    for (float v : b.features) ASSERT_EQ(v, 0.f);
  }
}

TEST(LoaderTest, ShiftThroughTheLoaderStaysWithinTheLimit) {
  TempDir dir;
  Dataset ds;
  ds.classes = {"x"};
  std::vector<float> click(8000, 0.f);
  click[4000] = 0.5f;
  for (int i = 0; i < 50; ++i) {
    ClipRef c;
    c.path = Wav(dir, "k" + std::to_string(i) + ".wav", click, 8000);
    c.label = 0;
    ds.clips.push_back(c);
  }
  LoadedClips loaded = LoadClips(ds, 8000, StoreOptions{});
  FrontEnd fe(Waveform8k());
  LoaderOptions o;
  o.augment.shift = true;  // 100 ms = 800 samples
  std::vector<int64_t> all(50);
  for (int i = 0; i < 50; ++i) all[i] = i;
  BatchLoader loader(ds, loaded, all, fe, o, BatchLoader::Mode::kTrain);
  int64_t lo = 0, hi = 0;
  for (int epoch = 0; epoch < 10; ++epoch) {
    for (const Batch& b : Epoch(loader, epoch)) {
      for (int64_t i = 0; i < b.size; ++i) {
        const float* x = b.features.data() + i * 8000;
        const int64_t at = std::max_element(x, x + 8000) - x;
        ASSERT_EQ(x[at], 0.5f);
        lo = std::min(lo, at - 4000);
        hi = std::max(hi, at - 4000);
      }
    }
  }
  EXPECT_GE(lo, -800);
  EXPECT_LE(hi, 800);
  EXPECT_LT(lo, -600);
  EXPECT_GT(hi, 600);
}

TEST(LoaderTest, DropPolicyKeepsOnlyClipsOfExactlyTheLength) {
  // Seed 000: 16 kHz files resampled to 8 kHz, only 8000-sample clips kept.
  TempDir dir;
  Dataset ds;
  ds.classes = {"yes", "no"};
  const int lengths[] = {16000, 15000, 16000, 9000, 16000};
  for (int i = 0; i < 5; ++i) {
    ClipRef c;
    c.path = Wav(dir, "d" + std::to_string(i) + ".wav", Noise(lengths[i], 0.3f, i), 16000);
    c.label = i % 2;
    ds.clips.push_back(c);
  }
  ClipRef missing;
  missing.path = dir.File("gone.wav");
  ds.clips.push_back(missing);
  StoreOptions so;
  so.max_bad_fraction = 0.5;
  LoadedClips loaded = LoadClips(ds, 8000, so);
  FrontEnd fe(Waveform8k());
  LoaderOptions o;
  o.clip.samples = 8000;
  o.clip.pad_crop = "drop";
  BatchLoader loader(ds, loaded, {0, 1, 2, 3, 4, 5}, fe, o, BatchLoader::Mode::kEval);
  EXPECT_EQ(loader.NumExamples(), 3);
  EXPECT_EQ(loader.excluded().wrong_length, 2);
  EXPECT_EQ(loader.excluded().bad_files, 1);
  EXPECT_NE(loader.excluded().Summary().find("left out 3 clips"), std::string::npos);
  std::vector<Batch> batches = Epoch(loader, 0);
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].clips, (std::vector<int64_t>{0, 2, 4}));
  std::vector<float> x = loaded.clips.Read(loaded.row[2]);
  EXPECT_EQ(std::vector<float>(batches[0].features.begin() + 8000, batches[0].features.begin() + 16000), x);
}

TEST(LoaderTest, SilenceIsNoiseAtARandomVolumeOrZeros) {
  for (bool with_noise : {true, false}) {
    SmallSet set(3, with_noise);
    set.ds.classes.push_back("_silence_");
    for (int i = 0; i < 20; ++i) {
      ClipRef s;  // as the Speech Commands reader makes them
      s.silence = true;
      s.label = 3;
      s.id = "silence" + std::to_string(i);
      set.ds.clips.push_back(s);
    }
    set.loaded = LoadClips(set.ds, 8000, StoreOptions{});
    FrontEnd fe(Waveform8k());
    LoaderOptions o;
    o.batch_size = 23;
    o.silence_volume = 0.2;
    BatchLoader loader(set.ds, set.loaded, set.All(), fe, o, BatchLoader::Mode::kEval);
    Batch b = Epoch(loader, 0)[0];
    std::set<float> peaks;
    for (int64_t i = 3; i < 23; ++i) {
      float peak = 0;
      for (int64_t k = 0; k < 8000; ++k) peak = std::max(peak, std::abs(b.features[i * 8000 + k]));
      EXPECT_LE(peak, 0.2f * 0.5f + 1e-6f);  // volume <= 0.2, noise peak <= 0.5
      if (!with_noise) {
        EXPECT_EQ(peak, 0.f);
      }
      peaks.insert(peak);
      EXPECT_EQ(b.labels[i], 3);
      EXPECT_EQ(b.targets[i * 4 + 3], 1.f);
    }
    if (with_noise) {
      EXPECT_GT(peaks.size(), 15u);  // a volume per clip
    }
  }
}

TEST(LoaderTest, SoftLabelsBecomeTargets) {
  SmallSet set(6);
  for (ClipRef& c : set.ds.clips) {
    c.label = -1;
    c.soft = {0.2f, 0.5f, 0.3f};
  }
  set.ds.clips[4].soft = {1.f, 0.f, 0.f};
  FrontEnd fe(Waveform8k());
  LoaderOptions o;
  o.clip.samples = 1000;
  BatchLoader loader(set.ds, set.loaded, set.All(), fe, o, BatchLoader::Mode::kEval);
  Batch b = Epoch(loader, 0)[0];
  EXPECT_EQ(b.labels[0], -1);
  EXPECT_EQ(std::vector<float>(b.targets.begin(), b.targets.begin() + 3),
            (std::vector<float>{0.2f, 0.5f, 0.3f}));
  EXPECT_EQ(std::vector<float>(b.targets.begin() + 12, b.targets.begin() + 15),
            (std::vector<float>{1.f, 0.f, 0.f}));
  set.ds.clips[5].soft = {0.5f, 0.5f};  // two values for three classes
  EXPECT_THROW(BatchLoader(set.ds, set.loaded, set.All(), fe, o, BatchLoader::Mode::kEval), Error);
}

TEST(LoaderTest, EpochEndsCleanlyAndAStoppedEpochIsNotResumed) {
  SmallSet set(10);
  FrontEnd fe(Mel8k());
  LoaderOptions o;
  o.batch_size = 3;
  o.prefetch = 1;
  BatchLoader loader(set.ds, set.loaded, set.All(), fe, o, BatchLoader::Mode::kTrain);
  EXPECT_THROW(loader.Next(), Error);  // no Start yet
  EXPECT_EQ(Epoch(loader, 0).size(), 3u);  // 3, 3, 4: the lone last clip joins the batch before it
  EXPECT_FALSE(loader.Next().has_value());  // still the end
  loader.Start(1);
  ASSERT_TRUE(loader.Next().has_value());
  loader.SetNorm(FeatureNorm{});  // stops the epoch in progress
  EXPECT_THROW(loader.Next(), Error);
  EXPECT_EQ(Epoch(loader, 1).size(), 3u);
}

TEST(LoaderTest, RefusesWhatCannotWork) {
  SmallSet set(4, /*with_noise=*/false);
  FrontEnd fe(Mel8k());
  LoaderOptions o;
  o.augment.noise = true;
  EXPECT_THROW(BatchLoader(set.ds, set.loaded, set.All(), fe, o, BatchLoader::Mode::kTrain), Error);
  o = LoaderOptions{};
  FrontEndOptions f16 = Mel8k();
  f16.sample_rate = 16000;
  FrontEnd fe16(f16);
  EXPECT_THROW(BatchLoader(set.ds, set.loaded, set.All(), fe16, o, BatchLoader::Mode::kEval), Error);
  FrontEnd wave(Waveform8k());
  o.augment.spec_augment = true;
  EXPECT_THROW(BatchLoader(set.ds, set.loaded, set.All(), wave, o, BatchLoader::Mode::kTrain), Error);
  o = LoaderOptions{};
  o.threads = 0;
  try {
    BatchLoader(set.ds, set.loaded, set.All(), fe, o, BatchLoader::Mode::kEval);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--loader.threads should be in [1, 256]. Given: 0"),
              std::string::npos) << e.what();
  }
}

TEST(FeatureNormTest, GlobalAndPerPositionMatchTwoPassStatistics) {
  const int64_t n = 50, size = 6;
  std::vector<float> data(n * size);
  SplitMix64 rng(21);
  for (int64_t e = 0; e < n; ++e) {
    for (int64_t p = 0; p < size; ++p) data[e * size + p] = static_cast<float>(100 + 10 * p + (p + 1) * rng.Normal());
  }
  data[3] = 0;  // position 3 keeps one value below: make it constant
  for (int64_t e = 0; e < n; ++e) data[e * size + 3] = 7.f;
  FeatureStats stats(size);
  for (int64_t e = 0; e < n; ++e) stats.Add(data.data() + e * size);
  FeatureNorm per = stats.Finish("per_position");
  FeatureNorm global = stats.Finish("global");
  for (int64_t p = 0; p < size; ++p) {
    double m = 0, v = 0;
    for (int64_t e = 0; e < n; ++e) m += data[e * size + p];
    m /= n;
    for (int64_t e = 0; e < n; ++e) v += (data[e * size + p] - m) * (data[e * size + p] - m);
    v /= n;
    EXPECT_NEAR(per.mean[p], m, 1e-4);
    EXPECT_NEAR(per.std[p], p == 3 ? 1.0 : std::sqrt(v), 1e-4);
  }
  double m = 0, v = 0;
  for (float x : data) m += x;
  m /= data.size();
  for (float x : data) v += (x - m) * (x - m);
  v /= data.size();
  EXPECT_NEAR(global.mean[0], m, 1e-4);
  EXPECT_NEAR(global.std[0], std::sqrt(v), 1e-4);
  // Applied, the set has mean 0 and std 1 overall (global) and per position.
  std::vector<float> g = data, pp = data;
  double gm = 0, gv = 0;
  for (int64_t e = 0; e < n; ++e) {
    global.Apply(g.data() + e * size, size);
    per.Apply(pp.data() + e * size, size);
  }
  for (float x : g) gm += x;
  for (float x : g) gv += x * x;
  EXPECT_NEAR(gm / g.size(), 0.0, 1e-4);
  EXPECT_NEAR(gv / g.size(), 1.0, 1e-4);
  for (int64_t p = 0; p < size; ++p) {
    double s = 0, s2 = 0;
    for (int64_t e = 0; e < n; ++e) {
      s += pp[e * size + p];
      s2 += pp[e * size + p] * pp[e * size + p];
    }
    EXPECT_NEAR(s / n, 0.0, 1e-4);
    EXPECT_NEAR(s2 / n, p == 3 ? 0.0 : 1.0, 1e-3);
  }
}

TEST(FeatureNormTest, JsonRoundTripAndBadJson) {
  FeatureNorm norm;
  norm.mode = "per_position";
  norm.mean = {1.5f, -2.25f, 3.0f};
  norm.std = {0.5f, 2.0f, 1.0f};
  FeatureNorm back = FeatureNorm::FromJson(norm.ToJson(), "norm.json");
  EXPECT_EQ(back.mode, norm.mode);
  EXPECT_EQ(back.mean, norm.mean);
  EXPECT_EQ(back.std, norm.std);
  EXPECT_THROW(FeatureNorm::FromJson("{\"mode\":\"global\",\"mean\":[1,2],\"std\":[1,1]}", "x"), Error);
  EXPECT_THROW(FeatureNorm::FromJson("{\"mode\":\"global\",\"mean\":[1],\"std\":[0]}", "x"), Error);
  EXPECT_THROW(FeatureNorm::FromJson("not json", "x"), Error);
  std::vector<float> x = {1, 2};
  EXPECT_THROW(norm.Apply(x.data(), 2), Error);  // fitted on 3 values
}

TEST(FeatureNormTest, FittedThroughTheLoaderAndAppliedByIt) {
  SmallSet set(12);
  FrontEnd fe(Mel8k());
  LoaderOptions o;
  o.batch_size = 5;
  o.clip.seconds = 0.4;
  BatchLoader eval(set.ds, set.loaded, set.All(), fe, o, BatchLoader::Mode::kEval);
  for (const char* mode : {"global", "per_position"}) {
    eval.SetNorm(FeatureNorm{});
    FeatureNorm norm = FitFeatureNorm(eval, mode);
    eval.SetNorm(norm);
    std::vector<Batch> batches = Epoch(eval, 0);
    const int64_t size = fe.OutputSize(3200);
    std::vector<double> sum(size, 0), sum_sq(size, 0);
    double all = 0, all_sq = 0;
    for (const Batch& b : batches) {
      for (int64_t i = 0; i < b.size; ++i) {
        for (int64_t p = 0; p < size; ++p) {
          const double v = b.features[i * size + p];
          sum[p] += v;
          sum_sq[p] += v * v;
          all += v;
          all_sq += v * v;
        }
      }
    }
    const double count = 12.0 * size;
    EXPECT_NEAR(all / count, 0.0, 1e-3) << mode;
    EXPECT_NEAR(all_sq / count, 1.0, 1e-3) << mode;
    if (std::string(mode) == "per_position") {
      for (int64_t p = 0; p < size; p += 37) EXPECT_NEAR(sum[p] / 12, 0.0, 1e-3);
    }
  }
  EXPECT_THROW(FitFeatureNorm(eval, "global"), Error);  // already normalising
}

// n = 2b + 1 clips: training folds the lone last clip into the batch before
// it (drop_last = false) or leaves it out (true); evaluation keeps it alone.
TEST(LastBatchOfOne, TrainingNeverEndsOnABatchOfOne) {
  TempDir dir;
  Dataset ds;
  ds.classes = {"a", "b"};
  for (int i = 0; i < 9; ++i) {
    ClipRef c;
    c.path = Wav(dir, "c" + std::to_string(i) + ".wav", Noise(800, 0.3f, i), 8000);
    c.id = "c" + std::to_string(i);
    c.label = i % 2;
    ds.clips.push_back(c);
  }
  const LoadedClips loaded = LoadClips(ds, 8000, StoreOptions{});
  FrontEnd fe(Waveform8k());
  std::vector<int64_t> all{0, 1, 2, 3, 4, 5, 6, 7, 8};
  auto sizes = [&](bool drop_last, BatchLoader::Mode mode, int batch_size, std::set<int64_t>* seen) {
    LoaderOptions o;
    o.batch_size = batch_size;
    o.drop_last = drop_last;
    o.clip.seconds = 0.1;
    BatchLoader loader(ds, loaded, all, fe, o, mode);
    std::vector<int64_t> out;
    loader.Start(1);
    while (auto b = loader.Next()) {
      out.push_back(b->size);
      EXPECT_EQ(b->features.size(), static_cast<size_t>(b->size * 800));
      EXPECT_EQ(b->targets.size(), static_cast<size_t>(b->size * 2));
      if (seen) seen->insert(b->clips.begin(), b->clips.end());
    }
    EXPECT_EQ(static_cast<int64_t>(out.size()), loader.NumBatches());
    return out;
  };
  std::set<int64_t> seen;
  EXPECT_EQ(sizes(false, BatchLoader::Mode::kTrain, 4, &seen), (std::vector<int64_t>{4, 5}));
  EXPECT_EQ(seen.size(), 9u);  // every clip, every epoch
  EXPECT_EQ(sizes(true, BatchLoader::Mode::kTrain, 4, nullptr), (std::vector<int64_t>{4, 4}));
  EXPECT_EQ(sizes(false, BatchLoader::Mode::kEval, 4, nullptr), (std::vector<int64_t>{4, 4, 1}));
  // Other remainders are left as they were.
  EXPECT_EQ(sizes(false, BatchLoader::Mode::kTrain, 2, nullptr), (std::vector<int64_t>{2, 2, 2, 3}));
  EXPECT_EQ(sizes(false, BatchLoader::Mode::kTrain, 5, nullptr), (std::vector<int64_t>{5, 4}));
  EXPECT_EQ(sizes(false, BatchLoader::Mode::kTrain, 9, nullptr), (std::vector<int64_t>{9}));
}

}  // namespace
}  // namespace earshot
