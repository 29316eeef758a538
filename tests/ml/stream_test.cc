// Streaming detection: the posterior smoothing on hand-written sequences,
// the incremental front end against the batch one, the detector against
// the predictor, chunk-size invariance, a long stream of known keywords,
// thresholds in bundles, and `earshot stream` on files, stdin and an ALSA
// capture device defined by a test configuration.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "../run_earshot.h"
#include "../temp_dir.h"
#include "../tone_keywords.h"
#include "earshot/audio/decode.h"
#include "earshot/features/frontend.h"
#include "earshot/inference/bundle.h"
#include "earshot/inference/predictor.h"
#include "earshot/models/zoo.h"
#include "earshot/stream/detector.h"
#include "earshot/stream/smoothing.h"
#include "earshot/stream/stream_frontend.h"
#include "earshot/training/recipe.h"
#include "earshot/training/trainer.h"
#include "earshot/util/error.h"

namespace earshot {
namespace {

namespace fs = std::filesystem;
using earshot::testing::RunEarshot;

// ---------------------------------------------------------------- smoothing

const std::vector<std::string> kLabels{"_silence_", "_unknown_", "yes", "no"};

std::vector<float> P(float silence, float unknown, float yes, float no) { return {silence, unknown, yes, no}; }

SmoothingOptions Plain() {
  SmoothingOptions o;
  o.average_window_ms = 0;  // each posterior alone unless a test says otherwise
  o.minimum_count = 1;
  o.suppression_ms = 0;
  o.detection_threshold = 0.7;
  return o;
}

// Feeds posteriors every 20 ms from time 0; returns "label@time" for each detection.
std::vector<std::string> Detect(PosteriorSmoother& s, const std::vector<std::vector<float>>& seq) {
  std::vector<std::string> out;
  for (size_t i = 0; i < seq.size(); ++i) {
    if (auto d = s.Add(20.0 * static_cast<double>(i), seq[i])) {
      out.push_back(kLabels[static_cast<size_t>(d->label)] + "@" + std::to_string(static_cast<int>(d->time_ms)));
    }
  }
  return out;
}

using Events = std::vector<std::string>;

TEST(Smoothing, ThresholdIsReachedOrNot) {
  PosteriorSmoother s(kLabels, Plain());
  EXPECT_EQ(Detect(s, {P(0.4, 0, 0.6, 0), P(0.31, 0, 0.69, 0), P(0.25, 0, 0.75, 0)}), (Events{"yes@40"}));
  PosteriorSmoother t(kLabels, Plain());
  const auto d = t.Add(0, P(0.1, 0, 0.1, 0.8));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->label, 3);
  EXPECT_FLOAT_EQ(d->score, 0.8f);
}

TEST(Smoothing, AveragingWindowMeansTheRecentPosteriors) {
  // One posterior of 1.0 among zeros: alone it fires; averaged over 100 ms
  // (six posteriors 20 ms apart) it is 1/6.
  const std::vector<std::vector<float>> spike{P(1, 0, 0, 0), P(1, 0, 0, 0), P(1, 0, 0, 0), P(0, 0, 1, 0),
                                              P(1, 0, 0, 0), P(1, 0, 0, 0)};
  PosteriorSmoother alone(kLabels, Plain());
  EXPECT_EQ(Detect(alone, spike), (Events{"yes@60"}));
  SmoothingOptions o = Plain();
  o.average_window_ms = 100;
  PosteriorSmoother averaged(kLabels, o);
  EXPECT_EQ(Detect(averaged, spike), Events{});
  // Three silences, then 0.9s from 60 ms: the window holds six posteriors
  // (100 ms at 20 ms steps); its mean of yes is 0.9 (i - 2) / 6 at 20 i ms:
  // 0.6 at 120 ms, 0.75 at 140 ms.
  std::vector<std::vector<float>> ramp_seq(3, P(1, 0, 0, 0));
  for (int i = 0; i < 5; ++i) ramp_seq.push_back(P(0.1f, 0, 0.9f, 0));
  PosteriorSmoother ramp(kLabels, o);
  EXPECT_EQ(Detect(ramp, ramp_seq), (Events{"yes@140"}));
  // The window drops posteriors older than 100 ms: one silence then ones,
  // the mean reaches 1 once the silence left the window (at 120 ms).
  SmoothingOptions w = Plain();
  w.average_window_ms = 100;
  w.detection_threshold = 1.0;
  PosteriorSmoother full(kLabels, w);
  std::vector<std::vector<float>> seq{P(1, 0, 0, 0)};
  for (int i = 0; i < 7; ++i) seq.push_back(P(0, 0, 1, 0));
  EXPECT_EQ(Detect(full, seq), (Events{"yes@120"}));
}

TEST(Smoothing, MinimumCountOfPosteriorsInTheWindow) {
  SmoothingOptions o = Plain();
  o.average_window_ms = 1000;
  o.minimum_count = 3;
  PosteriorSmoother s(kLabels, o);
  EXPECT_EQ(Detect(s, {P(0, 0, 1, 0), P(0, 0, 1, 0), P(0, 0, 1, 0)}), (Events{"yes@40"}));
  // A short window holds one posterior only: never an event.
  o.average_window_ms = 10;
  PosteriorSmoother short_window(kLabels, o);
  EXPECT_EQ(Detect(short_window, std::vector<std::vector<float>>(10, P(0, 0, 1, 0))), Events{});
}

TEST(Smoothing, SuppressionTimeAfterAnEvent) {
  SmoothingOptions o = Plain();
  o.suppression_ms = 100;
  PosteriorSmoother s(kLabels, o);
  // yes at 0; no at 40, 80 suppressed; no at 100 (100 ms after) fires.
  EXPECT_EQ(Detect(s, {P(0, 0, 1, 0), P(1, 0, 0, 0), P(0, 0, 0, 1), P(0, 0, 0, 1), P(0, 0, 0, 1), P(0, 0, 0, 1)}),
            (Events{"yes@0", "no@100"}));
}

TEST(Smoothing, LabelChangeOrReArming) {
  SmoothingOptions o = Plain();
  o.suppression_ms = 40;
  // A held "yes" fires once, however long.
  PosteriorSmoother held(kLabels, o);
  EXPECT_EQ(Detect(held, std::vector<std::vector<float>>(10, P(0, 0, 1, 0))), (Events{"yes@0"}));
  // After it falls below its threshold it fires again.
  PosteriorSmoother again(kLabels, o);
  EXPECT_EQ(Detect(again, {P(0, 0, 1, 0), P(0, 0, 1, 0), P(0.5, 0, 0.5, 0), P(0, 0, 1, 0), P(0, 0, 1, 0)}),
            (Events{"yes@0", "yes@60"}));
  // Another label fires once the suppression time has passed, and then
  // the first again without falling below its threshold.
  PosteriorSmoother other(kLabels, o);
  EXPECT_EQ(Detect(other, {P(0, 0, 1, 0), P(0, 0, 0.1f, 0.9f), P(0, 0, 0.1f, 0.9f), P(0, 0, 1, 0), P(0, 0, 1, 0)}),
            (Events{"yes@0", "no@40", "yes@80"}));
  // Without the label-change rule, a held label repeats every suppression time.
  o.label_change = false;
  PosteriorSmoother repeat(kLabels, o);
  EXPECT_EQ(Detect(repeat, std::vector<std::vector<float>>(6, P(0, 0, 1, 0))), (Events{"yes@0", "yes@40", "yes@80"}));
}

TEST(Smoothing, PerKeywordThresholds) {
  PosteriorSmoother s(kLabels, Plain(), {{"yes", 0.9}, {"no", 0.5}});
  EXPECT_DOUBLE_EQ(s.Threshold(2), 0.9);
  EXPECT_DOUBLE_EQ(s.Threshold(3), 0.5);
  EXPECT_DOUBLE_EQ(s.Threshold(0), 0.7);
  EXPECT_EQ(Detect(s, {P(0.2f, 0, 0.8f, 0), P(0.45f, 0, 0, 0.55f), P(0.05f, 0, 0.95f, 0)}), (Events{"no@20", "yes@40"}));
  try {
    PosteriorSmoother bad(kLabels, Plain(), {{"maybe", 0.5}});
    FAIL() << "an unknown label was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'maybe'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(PosteriorSmoother(kLabels, Plain(), {{"yes", 1.5}}), Error);
}

TEST(Smoothing, SilenceAndUnknownAreNeverEvents) {
  PosteriorSmoother s(kLabels, Plain(), {{"_silence_", 0.0}});
  EXPECT_EQ(Detect(s, {P(1, 0, 0, 0), P(0, 1, 0, 0), P(0, 0.9f, 0.1f, 0), P(0.9f, 0, 0.1f, 0)}), Events{});
  // Another spelling of the two labels is the data options'.
  PosteriorSmoother named({"quiet", "other", "go"}, Plain(), {}, "quiet", "other");
  EXPECT_FALSE(named.Add(0, {1, 0, 0}));
  EXPECT_FALSE(named.Add(20, {0, 1, 0}));
  EXPECT_TRUE(named.Add(40, {0, 0, 1}));
}

TEST(Smoothing, BadInputIsAnError) {
  PosteriorSmoother s(kLabels, Plain());
  EXPECT_THROW(s.Add(0, {1, 0}), Error);
  s.Add(100, P(1, 0, 0, 0));
  EXPECT_THROW(s.Add(50, P(1, 0, 0, 0)), Error);
  SmoothingOptions o;
  o.minimum_count = 0;
  EXPECT_THROW(PosteriorSmoother(kLabels, o), Error);
}

// ------------------------------------------------------- the stream front end

std::vector<float> Signal(int64_t n, int rate, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> noise(0.f, 0.05f);
  std::vector<float> x(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / rate;
    x[static_cast<size_t>(i)] = static_cast<float>(0.3 * std::sin(2 * M_PI * (300 + 400 * t) * t)) + noise(gen);
  }
  return x;
}

// Stream frames, pushed in chunks of `chunk`, against FrontEnd on all the samples.
void ExpectFramesEqual(const FrontEndOptions& o, int64_t chunk) {
  const std::vector<float> x = Signal(12345, o.sample_rate, 3);
  StreamFrontEnd s(o, 100000);
  for (size_t at = 0; at < x.size(); at += static_cast<size_t>(chunk)) {
    s.Push(x.data() + at, std::min<int64_t>(chunk, static_cast<int64_t>(x.size() - at)));
  }
  FrontEnd batch(o);
  const std::vector<float> all = batch.Compute(x);
  const auto shape = batch.OutputShape(static_cast<int64_t>(x.size()));
  const int64_t frames = shape[2], rows = shape[1];
  ASSERT_EQ(s.rows(), rows);
  // Every frame whose span ends within the samples; the batch front end's
  // end padding reaches only the frames after those.
  const int64_t pad = o.center ? o.n_fft / 2 : 0;
  const int64_t span = o.framing == "tf" ? (o.win_length ? o.win_length : o.n_fft) : o.n_fft;
  const int64_t want = 1 + (static_cast<int64_t>(x.size()) + pad - span) / o.hop_length;
  ASSERT_EQ(s.frames(), want) << "chunk " << chunk;
  ASSERT_LE(want, frames);
  double worst = 0;
  for (int64_t k = 0; k < want; ++k) {
    const float* f = s.Frame(k);
    for (int64_t r = 0; r < rows; ++r) {
      const float b = all[static_cast<size_t>(r * frames + k)];
      worst = std::max(worst, static_cast<double>(std::abs(f[r] - b)) / (1.0 + std::abs(b)));
    }
  }
  EXPECT_LT(worst, 1e-5) << "chunk " << chunk;
}

TEST(StreamFrontEnd, FramesEqualTheBatchFrontEndForAnyChunking) {
  FrontEndOptions centred;  // 40 log-mels, n_fft 512, hop 160, centred with reflect padding
  FrontEndOptions zeros = centred;
  zeros.pad_mode = "constant";
  FrontEndOptions kws;  // the default keyword spotter's framing: not centred
  kws.n_fft = 640;
  kws.hop_length = 320;
  kws.center = false;
  FrontEndOptions tf;
  tf.feature = "spectrogram";
  tf.n_fft = 512;
  tf.win_length = 480;
  tf.center = false;
  tf.framing = "tf";
  FrontEndOptions mfcc;
  mfcc.feature = "mfcc";
  mfcc.scale = "db";
  mfcc.n_mfcc = 13;
  mfcc.win_length = 400;
  for (const FrontEndOptions* o : {&centred, &zeros, &kws, &tf, &mfcc}) {
    for (int64_t chunk : {1, 7, 160, 333, 16000}) ExpectFramesEqual(*o, chunk);
  }
}

// A model window of stream frames against FrontEnd on the window's samples
// alone: with center = true, FrontEnd pads the window's own ends, so its
// frames j < ceil((n_fft/2) / hop) and those within n_fft/2 of the end
// differ; every other frame is equal.
TEST(StreamFrontEnd, CentredWindowDiffersOnlyInItsEdgeFrames) {
  FrontEndOptions o;  // n_fft 512, hop 160, centred
  const int64_t clip = 16000, k0 = 37;
  const std::vector<float> x = Signal(3 * 16000, 16000, 9);
  StreamFrontEnd s(o, 100000);
  s.Push(x.data(), static_cast<int64_t>(x.size()));
  FrontEnd batch(o);
  const std::vector<float> w(x.begin() + k0 * 160, x.begin() + k0 * 160 + clip);
  const std::vector<float> f = batch.Compute(w);
  const int64_t frames = batch.OutputShape(clip)[2], rows = s.rows();
  ASSERT_EQ(frames, 101);
  for (int64_t j = 0; j < frames; ++j) {
    double worst = 0;
    for (int64_t r = 0; r < rows; ++r) {
      const float b = f[static_cast<size_t>(r * frames + j)];
      worst = std::max(worst, static_cast<double>(std::abs(s.Frame(k0 + j)[r] - b)) / (1.0 + std::abs(b)));
    }
    const bool edge = j * 160 < 256 || j * 160 + 256 > clip;  // frames 0, 1, 99, 100
    if (edge) {
      EXPECT_GT(worst, 1e-3) << "frame " << j;
    } else {
      EXPECT_LT(worst, 1e-5) << "frame " << j;
    }
  }
}

TEST(StreamFrontEnd, RefusesWhatIsNotFrameByFrame) {
  auto message = [](const FrontEndOptions& o) {
    try {
      StreamFrontEnd s(o);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  FrontEndOptions wave;
  wave.feature = "waveform";
  EXPECT_NE(message(wave).find("--features.feature=waveform"), std::string::npos) << message(wave);
  FrontEndOptions max;
  max.scale = "db";
  max.db_ref = "max";
  EXPECT_NE(message(max).find("--features.db_ref=max"), std::string::npos) << message(max);
  FrontEndOptions top;
  top.scale = "db";
  top.top_db = 80;
  EXPECT_NE(message(top).find("--features.top_db"), std::string::npos) << message(top);
}

// ------------------------------------------------------ trained bundles

constexpr int kRate = testing::kToneKeywordRate;
using Placed = testing::PlacedTone;

RecipeOptions KeywordRecipe(const std::string& root, bool center, int epochs) {
  RecipeOptions r;
  const std::vector<std::string> settings{
      "data.root=" + root,           "data.wanted_words=high,low",  "data.split=stratified",
      "data.validation_fraction=0.2", "data.test_fraction=0.2",     "data.silence_percentage=50",
      "data.unknown_percentage=50",  "features.sample_rate=8000",   "features.n_fft=256",
      "features.win_length=200",     "features.hop_length=80",      "features.n_mels=20",
      "features.center=" + std::string(center ? "true" : "false"),
      "model.name=ds_cnn",            "train.epochs=" + std::to_string(epochs),              "train.threads=1",
      "train.normalize=global",      "loader.batch_size=8",         "loader.threads=1",
      "store.threads=1",             "train.seed=1"};
  for (const auto& s : settings) ApplySetting(r, s);
  return r;
}

class StreamTest : public ::testing::Test {
 protected:
  // Trained once per process, for both suites; removed at its end.
  static void SetUpTestSuite() {
    if (dir_) return;
    dir_ = new fs::path(earshot::testing::ScratchDir("stream"));
    fs::remove_all(*dir_);
    testing::WriteToneKeywordSet(*dir_ / "data", 16);
    TrainRecipe(KeywordRecipe((*dir_ / "data").string(), false, 24), (*dir_ / "flat").string(), false);
    TrainRecipe(KeywordRecipe((*dir_ / "data").string(), true, 4), (*dir_ / "centred").string(), false);
  }
  static std::string Flat() { return (*dir_ / "flat" / "model" / "best.bundle").string(); }
  static std::string Centred() { return (*dir_ / "centred" / "model" / "best.bundle").string(); }
  static fs::path Dir() { return *dir_; }

 public:
  static fs::path* dir_;
};
fs::path* StreamTest::dir_ = nullptr;

class RemoveStreamDir : public ::testing::Environment {
 public:
  void TearDown() override {
    if (StreamTest::dir_) fs::remove_all(*StreamTest::dir_);
  }
};
[[maybe_unused]] ::testing::Environment* const kRemoveStreamDir =
    ::testing::AddGlobalTestEnvironment(new RemoveStreamDir);

struct Posterior {
  double end_ms;
  std::vector<float> p;
};

std::vector<Posterior> Posteriors(StreamingDetector& d, const std::vector<float>& x, int64_t chunk,
                                  std::vector<StreamEvent>* events = nullptr) {
  std::vector<Posterior> out;
  d.SetPosteriorObserver([&](double t, const std::vector<float>& p) { out.push_back({t, p}); });
  for (size_t at = 0; at < x.size(); at += static_cast<size_t>(chunk)) {
    const auto e = d.Push(x.data() + at, std::min<int64_t>(chunk, static_cast<int64_t>(x.size() - at)));
    if (events) events->insert(events->end(), e.begin(), e.end());
  }
  return out;
}

// The window ending at end_ms, as Predictor sees it.
std::vector<float> WindowOf(const std::vector<float>& x, double end_ms, int64_t window) {
  const int64_t end = std::llround(end_ms * kRate / 1000.0);
  return std::vector<float>(x.begin() + (end - window), x.begin() + end);
}

TEST_F(StreamTest, PosteriorsEqualThePredictorsOnTheSameWindow) {
  const std::vector<float> x = Signal(3 * kRate + 123, kRate, 5);
  StreamOptions o;
  o.stride_ms = 40;
  StreamingDetector d(Flat(), o);
  Predictor p(Flat());
  ASSERT_EQ(d.window_samples(), p.window_samples());
  ASSERT_EQ(d.stride_samples(), 320);
  const auto post = Posteriors(d, x, 1000);
  // Windows end at 1 s, then every 40 ms while a whole window fits.
  ASSERT_EQ(post.size(), static_cast<size_t>((x.size() - kRate) / 320 + 1));
  EXPECT_DOUBLE_EQ(post.front().end_ms, 1000.0);
  EXPECT_DOUBLE_EQ(post[1].end_ms, 1040.0);
  double worst = 0;
  for (const Posterior& q : post) {
    const std::vector<float> want = p.PredictSamples(WindowOf(x, q.end_ms, p.window_samples()));
    for (size_t c = 0; c < want.size(); ++c) worst = std::max(worst, static_cast<double>(std::abs(want[c] - q.p[c])));
  }
  EXPECT_LT(worst, 1e-5);  // not centred: every frame is the predictor's
}

TEST_F(StreamTest, CentredFramesDifferOnlyAtTheWindowEdges) {
  // With center = true the predictor pads each window (reflect) where the
  // stream has the real neighbouring samples: the first and last
  // n_fft/2/hop frames differ. Measure what that does to probabilities.
  const std::vector<float> x = Signal(3 * kRate, kRate, 6);
  StreamingDetector d(Centred());
  Predictor p(Centred());
  const auto post = Posteriors(d, x, 4000);
  ASSERT_FALSE(post.empty());
  double worst = 0, sum = 0;
  int64_t n = 0;
  for (const Posterior& q : post) {
    const std::vector<float> want = p.PredictSamples(WindowOf(x, q.end_ms, p.window_samples()));
    for (size_t c = 0; c < want.size(); ++c) {
      const double e = std::abs(want[c] - q.p[c]);
      worst = std::max(worst, e);
      sum += e;
      ++n;
    }
  }
  std::printf("centred window edges: probability differences to the predictor: max %.3g, mean %.3g over %zu windows\n",
              worst, sum / static_cast<double>(n), post.size());
  EXPECT_GT(worst, 0.0);  // the edge frames do differ
  EXPECT_LT(worst, 0.1);
}

// Detectors over one loaded bundle (the server's way) load nothing: they
// hold that bundle, and on two threads at once give the posteriors and
// events of a detector that loads its own.
TEST_F(StreamTest, DetectorsShareOneLoadedBundleAcrossThreads) {
  std::vector<float> x = testing::GaussianNoise(4 * kRate, 0.01f, 12);
  const std::vector<float> t = testing::KeywordTone(1800.0, kRate, 0.1);
  for (size_t i = 0; i < t.size(); ++i) x[static_cast<size_t>(2 * kRate) + i] += t[i];
  StreamOptions o;
  o.smoothing.detection_threshold = 0.2;
  o.smoothing.label_change = false;
  o.smoothing.suppression_ms = 0;
  StreamingDetector own(Flat(), o);
  std::vector<StreamEvent> want;
  const std::vector<Posterior> want_post = Posteriors(own, x, 777, &want);
  ASSERT_FALSE(want.empty());

  const std::shared_ptr<const Bundle> shared = LoadInferenceBundle(Flat());
  EXPECT_TRUE(shared->model->folded());
  EXPECT_EQ(shared->path, Flat());
  std::vector<std::unique_ptr<StreamingDetector>> detectors;
  for (int i = 0; i < 2; ++i) detectors.push_back(std::make_unique<StreamingDetector>(shared, o));
  EXPECT_EQ(shared.use_count(), 3);
  EXPECT_EQ(&detectors[0]->info(), &shared->info);
  std::vector<std::vector<StreamEvent>> events(2);
  std::vector<std::vector<Posterior>> posts(2);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] { posts[i] = Posteriors(*detectors[i], x, i == 0 ? 160 : 4000, &events[i]); });
  }
  for (std::thread& th : threads) th.join();
  for (size_t i = 0; i < 2; ++i) {
    ASSERT_EQ(events[i].size(), want.size()) << "thread " << i;
    for (size_t k = 0; k < want.size(); ++k) {
      EXPECT_EQ(events[i][k].label, want[k].label);
      EXPECT_DOUBLE_EQ(events[i][k].end_ms, want[k].end_ms);
      EXPECT_NEAR(events[i][k].score, want[k].score, 1e-5);
    }
    ASSERT_EQ(posts[i].size(), want_post.size());
    for (size_t k = 0; k < want_post.size(); ++k) {
      for (size_t c = 0; c < want_post[k].p.size(); ++c) EXPECT_NEAR(posts[i][k].p[c], want_post[k].p[c], 1e-6);
    }
  }
  detectors.clear();
  EXPECT_EQ(shared.use_count(), 1);
}

TEST_F(StreamTest, SameEventsWhateverTheChunkSize) {
  std::vector<float> x = testing::GaussianNoise(8 * kRate, 0.01f, 11);
  for (const auto& [at, hz] : std::vector<std::pair<double, double>>{{1.0, 1800.0}, {3.5, 300.0}, {6.0, 1850.0}}) {
    const std::vector<float> t = testing::KeywordTone(hz, kRate, 0.1);
    for (size_t i = 0; i < t.size(); ++i) x[static_cast<size_t>(at * kRate) + i] += t[i];
  }
  std::vector<std::vector<StreamEvent>> runs;
  std::vector<std::vector<Posterior>> posts;
  for (int64_t chunk : {int64_t{1}, int64_t{333}, int64_t{kRate}}) {
    StreamingDetector d(Flat());
    std::vector<StreamEvent> events;
    posts.push_back(Posteriors(d, x, chunk, &events));
    runs.push_back(events);
  }
  ASSERT_FALSE(runs[0].empty());
  for (size_t r = 1; r < runs.size(); ++r) {
    ASSERT_EQ(posts[r].size(), posts[0].size());
    for (size_t i = 0; i < posts[0].size(); ++i) {
      ASSERT_DOUBLE_EQ(posts[r][i].end_ms, posts[0][i].end_ms);
      for (size_t c = 0; c < posts[0][i].p.size(); ++c) ASSERT_NEAR(posts[r][i].p[c], posts[0][i].p[c], 1e-5);
    }
    ASSERT_EQ(runs[r].size(), runs[0].size());
    for (size_t i = 0; i < runs[0].size(); ++i) {
      EXPECT_EQ(runs[r][i].label, runs[0][i].label);
      EXPECT_DOUBLE_EQ(runs[r][i].start_ms, runs[0][i].start_ms);
      EXPECT_DOUBLE_EQ(runs[r][i].end_ms, runs[0][i].end_ms);
      EXPECT_NEAR(runs[r][i].score, runs[0][i].score, 1e-5);
    }
  }
}

TEST_F(StreamTest, FindsKeywordsNearTheirTimesInALongStream) {
  std::vector<Placed> placed;
  const std::vector<float> x = testing::ToneKeywordStream(&placed);
  StreamingDetector d(Flat());
  std::vector<StreamEvent> events;
  Posteriors(d, x, 1600, &events);
  int keywords = 0, found = 0, false_alarms = 0;
  std::vector<bool> used(events.size(), false);
  for (const Placed& k : placed) {
    if (k.label == "mid") continue;  // the unknown word: no event expected
    ++keywords;
    for (size_t e = 0; e < events.size(); ++e) {
      // The window that fired holds most of the keyword: it ends within a
      // second after the keyword's end.
      if (!used[e] && events[e].label == k.label && events[e].end_ms >= k.start_ms + 500 &&
          events[e].end_ms <= k.start_ms + 2000) {
        used[e] = true;
        ++found;
        break;
      }
    }
  }
  for (size_t e = 0; e < events.size(); ++e) false_alarms += used[e] ? 0 : 1;
  std::printf("long stream: %d of %d keywords found, %d other events\n", found, keywords, false_alarms);
  EXPECT_GE(found, keywords * 8 / 10);
  EXPECT_LE(false_alarms, 2);
  for (const StreamEvent& e : events) {
    EXPECT_DOUBLE_EQ(e.end_ms - e.start_ms, 1000.0);
    EXPECT_NE(e.label, "_silence_");
    EXPECT_NE(e.label, "_unknown_");
  }
}

TEST_F(StreamTest, ThresholdsRoundTripThroughABundleAndOverride) {
  Bundle b = LoadBundle(Flat());
  EXPECT_TRUE(b.info.thresholds.empty());
  b.info.thresholds = {{"high", 0.85}, {"low", 0.6}};
  const std::string path = (Dir() / "thresholds.bundle").string();
  SaveBundle(path, b.info, *b.model);
  const Bundle back = LoadBundle(path);
  EXPECT_EQ(back.info.thresholds, b.info.thresholds);
  StreamOptions o;
  o.smoothing.detection_threshold = 0.55;
  StreamingDetector d(path, o, {{"low", 0.9}});
  EXPECT_DOUBLE_EQ(d.Threshold("high"), 0.85);  // the bundle's
  EXPECT_DOUBLE_EQ(d.Threshold("low"), 0.9);    // overridden
  EXPECT_DOUBLE_EQ(d.Threshold("_unknown_"), 0.55);
  // A bundle's threshold for a label it lacks is refused, naming both.
  b.info.thresholds = {{"maybe", 0.5}};
  const std::string bad = (Dir() / "bad_thresholds.bundle").string();
  SaveBundle(bad, b.info, *b.model);
  try {
    LoadBundle(bad);
    FAIL() << "a threshold for an unknown label was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'maybe'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
  }
  EXPECT_THROW(StreamingDetector(Flat(), {}, {{"maybe", 0.5}}), Error);
}

TEST_F(StreamTest, StrideMustBeAMultipleOfTheHop) {
  StreamOptions o;
  o.stride_ms = 15;  // 120 samples, hop 80
  try {
    StreamingDetector d(Flat(), o);
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--stride_ms"), std::string::npos) << e.what();
  }
}

// ------------------------------------------------------ the command line

// Labels and times equal, scores to float tolerance (windows are batched
// differently when the input comes in other chunks).
void ExpectSameEvents(const std::vector<nlohmann::json>& got, const std::vector<nlohmann::json>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i]["label"], want[i]["label"]) << i;
    EXPECT_EQ(got[i]["start_ms"], want[i]["start_ms"]) << i;
    EXPECT_EQ(got[i]["end_ms"], want[i]["end_ms"]) << i;
    EXPECT_NEAR(got[i]["score"].get<double>(), want[i]["score"].get<double>(), 1e-5) << i;
  }
}

std::vector<nlohmann::json> JsonLines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '{') out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

void WriteBytes(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string S16(const std::vector<float>& x) {
  std::string b;
  for (float v : x) {
    const int16_t s = static_cast<int16_t>(std::lrint(std::max(-1.f, std::min(v, 32767.f / 32768.f)) * 32768.f));
    b.push_back(static_cast<char>(s & 0xff));
    b.push_back(static_cast<char>((s >> 8) & 0xff));
  }
  return b;
}

std::string F32(const std::vector<float>& x) {
  return std::string(reinterpret_cast<const char*>(x.data()), x.size() * sizeof(float));
}

class StreamCliTest : public StreamTest {
 protected:
  // The keyword stream as a WAV file (16-bit, so that the raw PCM paths
  // carry the same samples) and its events from the file path.
  void SetUp() override {
    std::vector<Placed> placed;
    wav_ = (Dir() / "stream.wav").string();
    WriteWav(wav_, testing::ToneKeywordStream(&placed), kRate);
    x_ = DecodeFile(wav_);  // 16-bit samples: every path below carries these exactly
  }
  std::vector<float> x_;
  std::string wav_;
};

TEST_F(StreamCliTest, FileStdinS16AndF32GiveTheSameEvents) {
  const auto file = RunEarshot("stream " + Flat() + " " + wav_, testing::Capture::kStdout);
  ASSERT_EQ(file.status, 0) << file.output;
  const auto events = JsonLines(file.output);
  ASSERT_GE(events.size(), 5u) << file.output;
  for (const auto& e : events) {
    EXPECT_TRUE(e.contains("start_ms") && e.contains("end_ms") && e.contains("label") && e.contains("score")) << e;
  }
  WriteBytes(Dir() / "s16.raw", S16(x_));
  WriteBytes(Dir() / "f32.raw", F32(x_));
  const auto s16 = RunEarshot("stream " + Flat() + " - --format s16le < " + (Dir() / "s16.raw").string(),
                              testing::Capture::kStdout);
  ASSERT_EQ(s16.status, 0) << s16.output;
  ExpectSameEvents(JsonLines(s16.output), events);
  const auto f32 = RunEarshot("stream " + Flat() + " - --format f32le --rate 8000 --chunk-ms 7 < " +
                                  (Dir() / "f32.raw").string(),
                              testing::Capture::kStdout);
  ASSERT_EQ(f32.status, 0) << f32.output;
  ExpectSameEvents(JsonLines(f32.output), events);
  // CSV: a header, then the same events.
  const auto csv = RunEarshot("stream " + Flat() + " " + wav_ + " --output-format csv", testing::Capture::kStdout);
  ASSERT_EQ(csv.status, 0) << csv.output;
  EXPECT_EQ(csv.output.substr(0, csv.output.find('\n')), "start_ms,end_ms,label,score");
  EXPECT_EQ(static_cast<size_t>(std::count(csv.output.begin(), csv.output.end(), '\n')), events.size() + 1);
  // Stdin at another rate is resampled: the same keywords at nearly the same times.
  WriteBytes(Dir() / "s16_16k.raw", S16(Resample(x_, kRate, 16000)));
  const auto up = RunEarshot("stream " + Flat() + " - --rate 16000 < " + (Dir() / "s16_16k.raw").string(),
                             testing::Capture::kStdout);
  ASSERT_EQ(up.status, 0) << up.output;
  const auto resampled = JsonLines(up.output);
  ASSERT_EQ(resampled.size(), events.size()) << up.output;
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(resampled[i]["label"], events[i]["label"]);
    EXPECT_NEAR(resampled[i]["end_ms"].get<double>(), events[i]["end_ms"].get<double>(), 100.0);
  }
}

TEST_F(StreamCliTest, MicrophoneThroughAnAlsaFileDevice) {
  // An ALSA configuration of the test's own: capture reads the raw file
  // (the `file` plugin's infile) over a null device. After the file's end
  // the plugin keeps returning samples, so --seconds stops at its length.
  const fs::path raw = Dir() / "mic.raw";
  WriteBytes(raw, S16(x_));
  const fs::path conf = Dir() / "asound.conf";
  std::ofstream(conf) << "pcm.earshot_null { type null }\n"
                         "pcm.earshot_mic {\n  type file\n  slave.pcm \"earshot_null\"\n  file \"/dev/null\"\n"
                         "  infile \""
                      << raw.string() << "\"\n  format \"raw\"\n}\n";
  const std::string env = "ALSA_CONFIG_PATH=" + conf.string();
  const auto file = RunEarshot("stream " + Flat() + " " + wav_, testing::Capture::kStdout);
  const auto mic = RunEarshot("stream " + Flat() + " --mic earshot_mic --rate 8000 --seconds " +
                                  std::to_string(static_cast<double>(x_.size()) / kRate),
                              testing::Capture::kStdoutAndStderr, env);
  ASSERT_EQ(mic.status, 0) << mic.output;
  EXPECT_NE(mic.output.find("listening on earshot_mic: 8000 Hz"), std::string::npos) << mic.output;
  const auto want = JsonLines(file.output), got = JsonLines(mic.output);
  ASSERT_FALSE(want.empty());
  ExpectSameEvents(got, want);
  // Ctrl-C: the capture stops, the events so far are out, the exit is clean.
  // (The file device never ends; the shell's background job gets SIGINT.)
  const auto stopped = RunEarshot(
      "stream " + Flat() + " --mic earshot_mic --rate 8000 > " + (Dir() / "mic_events.txt").string() +
          " 2>&1 & pid=$!; sleep 4; kill -INT $pid; wait $pid; echo status $?",
      testing::Capture::kStdoutAndStderr, env);
  EXPECT_NE(stopped.output.find("status 0"), std::string::npos) << stopped.output;
  std::ifstream log(Dir() / "mic_events.txt");
  const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("stopped after "), std::string::npos) << text;
  EXPECT_EQ(text.find("error"), std::string::npos) << text;
  // A device that does not exist: an error naming it.
  const auto missing = RunEarshot("stream " + Flat() + " --mic earshot_nothing --seconds 1",
                                  testing::Capture::kStdoutAndStderr, env);
  EXPECT_EQ(missing.status, 1) << missing.output;
  EXPECT_NE(missing.output.find("error: --mic earshot_nothing: cannot open the capture device"), std::string::npos)
      << missing.output;
}

TEST_F(StreamCliTest, BadInputGivesClearErrors) {
  auto error = [](const std::string& args) {
    const auto r = RunEarshot("stream " + args, testing::Capture::kStderr);
    EXPECT_EQ(r.status, 1) << args << ": " << r.output;
    return r.output;
  };
  WriteBytes(Dir() / "odd.raw", std::string(1001, '\0'));
  EXPECT_NE(error(Flat() + " - < " + (Dir() / "odd.raw").string()).find("stdin ended mid-sample: 1001 bytes of s16le"),
            std::string::npos);
  WriteBytes(Dir() / "odd32.raw", std::string(4002, '\0'));
  EXPECT_NE(error(Flat() + " - --format f32le < " + (Dir() / "odd32.raw").string()).find("4002 bytes of f32le"),
            std::string::npos);
  EXPECT_NE(error(Flat() + " " + (Dir() / "nothing.wav").string()).find("nothing.wav"), std::string::npos);
  EXPECT_NE(error(Flat() + " - --format s24le < /dev/null").find("--format should be s16le | f32le. Given: 's24le'"),
            std::string::npos);
  EXPECT_NE(error(Flat() + " - --rate 0 < /dev/null").find("--rate should be > 0"), std::string::npos);
  EXPECT_NE(error(Flat() + " - --threshold high=2 < /dev/null").find("--threshold high=2"), std::string::npos);
  EXPECT_NE(error(Flat() + " - --threshold maybe=0.5 < /dev/null").find("'maybe'"), std::string::npos);
  EXPECT_NE(error(Flat() + " - --minimum-count 0 < /dev/null").find("--minimum-count"), std::string::npos);
  EXPECT_NE(error(Flat() + " - --stride-ms 15 < /dev/null").find("--stride-ms"), std::string::npos);
  EXPECT_NE(error(Flat()).find("give INPUT"), std::string::npos);
  // NaN samples on stdin are named with their byte offset.
  std::vector<float> nan(100, 0.f);
  nan[10] = std::nanf("");
  WriteBytes(Dir() / "nan.raw", F32(nan));
  EXPECT_NE(error(Flat() + " - --format f32le < " + (Dir() / "nan.raw").string()).find("stdin (f32le"),
            std::string::npos);
  // An empty stdin is no error: no events.
  const auto empty = RunEarshot("stream " + Flat() + " - < /dev/null", testing::Capture::kStdout);
  EXPECT_EQ(empty.status, 0);
  EXPECT_EQ(empty.output, "");
}

}  // namespace
}  // namespace earshot
