// The library's facade (earshot/earshot.h) and C API (earshot/c_api.h) on a
// tiny trained bundle: their answers are the Predictor's, top-k is ranked
// as `earshot predict` ranks, and every error is a status and a message
// naming the file, from C as from C++.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <torch/torch.h>

#include "../temp_dir.h"
#include "c_api_checks.h"
#include "earshot/c_api.h"
#include "earshot/earshot.h"
#include "earshot/eval/metrics.h"
#include "earshot/inference/bundle.h"
#include "earshot/models/zoo.h"
#include "earshot/inference/predictor.h"
#include "earshot/stream/detector.h"
#include "earshot/training/trainer.h"
#include "earshot/util/files.h"
#include "tone_bundles.h"

namespace earshot {
namespace {

namespace fs = std::filesystem;

class LibraryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(testing::ScratchDir("library"));
    fs::remove_all(*dir_);
    testing::WriteToneSet(*dir_ / "data", {{"high", 1800.0}, {"low", 300.0}, {"mid", 900.0}});
    TrainRecipe(testing::TinyRecipe((*dir_ / "data").string(), 1), (*dir_ / "run").string(), false);
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }
  static std::string Bundle() { return (*dir_ / "run" / "model" / "best.bundle").string(); }
  static std::string Clip(const std::string& label, int i) {
    return (*dir_ / "data" / label / ("c" + std::to_string(i) + "_nohash_0.wav")).string();
  }
  static std::vector<std::string> Clips() { return {Clip("high", 0), Clip("low", 3), Clip("mid", 5)}; }
  static fs::path* dir_;
};
fs::path* LibraryTest::dir_ = nullptr;

std::string ErrorOf(const std::function<void()>& f, ErrorKind* kind) {
  try {
    f();
  } catch (const Error& e) {
    *kind = e.kind();
    return e.what();
  }
  return "no error";
}

TEST_F(LibraryTest, FacadeAnswersArePredictorsAnswers) {
  const Predictor p(Bundle());
  const SoundClassifier c(Bundle());
  EXPECT_EQ(c.labels(), (std::vector<std::string>{"high", "low", "mid"}));
  EXPECT_EQ(c.sample_rate(), 8000);
  EXPECT_DOUBLE_EQ(c.window_seconds(), 1.0);
  EXPECT_EQ(c.path(), Bundle());

  std::vector<std::vector<float>> clips;
  for (const std::string& f : Clips()) {
    const Classification a = c.ClassifyFile(f);
    EXPECT_EQ(a.source, f);
    EXPECT_EQ(a.Probabilities(), p.PredictFile(f)) << f;
    ASSERT_EQ(a.classes.size(), 3u);
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(a.classes[static_cast<size_t>(i)].label, c.labels()[static_cast<size_t>(i)]);
      EXPECT_EQ(a.classes[static_cast<size_t>(i)].index, i);
    }
    clips.push_back(DecodeFile(f, 8000));
  }
  // Samples, of a clip and of a longer one cut into windows.
  // 2.5 s: 1.25 s of a low tone, then a high one.
  std::vector<float> long_clip = testing::Tone(300.0, 10000, 0.1);
  const std::vector<float> high = testing::Tone(1800.0, 10000, 0.0);
  long_clip.insert(long_clip.end(), high.begin(), high.end());
  EXPECT_EQ(c.ClassifySamples(long_clip).Probabilities(), p.PredictSamples(long_clip));
  EXPECT_EQ(c.ClassifySamples(long_clip.data(), long_clip.size(), 8000).Probabilities(),
            p.PredictSamples(long_clip));
  EXPECT_TRUE(c.ClassifySamples(long_clip).source.empty());
  // Batches: clips and files, in input order.
  clips.push_back(long_clip);
  const std::vector<float> rows = p.PredictClips(clips);
  const std::vector<Classification> batch = c.ClassifyClips(clips);
  ASSERT_EQ(batch.size(), clips.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    EXPECT_EQ(batch[i].Probabilities(), std::vector<float>(rows.begin() + static_cast<long>(3 * i),
                                                           rows.begin() + static_cast<long>(3 * i + 3)));
  }
  const eval::Predictions files = p.PredictFiles(Clips());
  const std::vector<Classification> by_file = c.ClassifyFiles(Clips());
  ASSERT_EQ(by_file.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(by_file[i].source, Clips()[i]);
    EXPECT_EQ(by_file[i].Probabilities(), std::vector<float>(files.scores.begin() + static_cast<long>(3 * i),
                                                             files.scores.begin() + static_cast<long>(3 * i + 3)));
  }

  // Options reach the predictor: max over windows differs from the mean.
  PredictorOptions max;
  max.window_combine = "max";
  const SoundClassifier cmax(Bundle(), max);
  EXPECT_EQ(cmax.ClassifySamples(long_clip).Probabilities(), Predictor(Bundle(), max).PredictSamples(long_clip));
  EXPECT_NE(cmax.ClassifySamples(long_clip).Probabilities(), p.PredictSamples(long_clip));
}

TEST_F(LibraryTest, TopKIsRankedBestFirstTiesInLabelOrder) {
  const SoundClassifier c(Bundle());
  const Classification a = c.ClassifyFile(Clip("mid", 2));
  const std::vector<LabelProbability> top = a.Top(3);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_GE(top[0].probability, top[1].probability);
  EXPECT_GE(top[1].probability, top[2].probability);
  const std::vector<float> p = a.Probabilities();
  const std::vector<int> ranked = eval::RankedClasses(p.data(), 3, 3);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(top[i].index, ranked[i]);
    EXPECT_EQ(top[i].label, c.labels()[static_cast<size_t>(ranked[i])]);
    EXPECT_EQ(top[i].probability, p[static_cast<size_t>(ranked[i])]);
  }
  EXPECT_EQ(a.Top(1)[0].label, a.Best().label);
  EXPECT_EQ(a.Top(10).size(), 3u);  // all of them

  // Made by hand: ties go to the lower index, whatever the order given.
  Classification hand;
  hand.classes = {{"a", 0, 0.2f}, {"b", 1, 0.4f}, {"c", 2, 0.4f}, {"d", 3, 0.0f}};
  const std::vector<LabelProbability> t = hand.Top(4);
  EXPECT_EQ(t[0].label + t[1].label + t[2].label + t[3].label, "bcad");
  EXPECT_EQ(hand.Best().label, "b");
  ErrorKind kind{};
  EXPECT_NE(ErrorOf([&] { hand.Top(0); }, &kind).find("top-k should be >= 1. Given: 0"), std::string::npos);
  EXPECT_EQ(kind, ErrorKind::kInvalidOption);
}

TEST_F(LibraryTest, FacadeErrorsNameTheFile) {
  ErrorKind kind{};
  const std::string missing = (*dir_ / "none.bundle").string();
  EXPECT_NE(ErrorOf([&] { SoundClassifier c(missing); }, &kind).find(missing), std::string::npos);
  EXPECT_EQ(kind, ErrorKind::kIo);
  const SoundClassifier c(Bundle());
  const std::vector<float> x(16000, 0.1f);
  const std::string rate = ErrorOf([&] { c.ClassifySamples(x.data(), x.size(), 16000); }, &kind);
  EXPECT_NE(rate.find(Bundle() + ": the model takes samples at 8000 Hz. Given: 16000 Hz"), std::string::npos)
      << rate;
  EXPECT_EQ(kind, ErrorKind::kInvalidOption);
  const std::string wav = (*dir_ / "none.wav").string();
  EXPECT_NE(ErrorOf([&] { c.ClassifyFile(wav); }, &kind).find(wav), std::string::npos);
  EXPECT_NE(ErrorOf([&] { c.ClassifyFiles({Clip("high", 1), wav}); }, &kind).find(wav), std::string::npos);
}

TEST_F(LibraryTest, CApiFromCAnswersAsThePredictor) {
  EXPECT_STREQ(earshot_version(), Version());
  EXPECT_STREQ(earshot_version(), "0.1.0");
  const Predictor p(Bundle());
  for (const std::string& f : Clips()) {
    const c_api_outcome o = c_api_classify(Bundle().c_str(), f.c_str(), nullptr, 0, 0, 2);
    ASSERT_EQ(o.status, 0) << o.message;
    EXPECT_EQ(o.labels, 3u);
    EXPECT_STREQ(o.label_names[0], "high");
    EXPECT_STREQ(o.label_names[2], "mid");
    EXPECT_EQ(o.sample_rate, 8000);
    const std::vector<float> want = p.PredictFile(f);
    ASSERT_EQ(o.probability_count, 3u);
    EXPECT_EQ(std::vector<float>(o.probabilities, o.probabilities + 3), want);
    ASSERT_EQ(o.top_count, 2u);
    const std::vector<int> ranked = eval::RankedClasses(want.data(), 3, 2);
    for (size_t i = 0; i < 2; ++i) {
      EXPECT_EQ(o.top_indices[i], static_cast<size_t>(ranked[i]));
      EXPECT_EQ(o.top_labels[i], p.labels()[static_cast<size_t>(ranked[i])]);
      EXPECT_EQ(o.top_probabilities[i], want[static_cast<size_t>(ranked[i])]);
    }
  }
  // Samples at the model's rate; k above the label count gives them all.
  const std::vector<float> x = testing::Tone(900.0, 12000, 0.0);
  const c_api_outcome s = c_api_classify(Bundle().c_str(), nullptr, x.data(), x.size(), 8000, 5);
  ASSERT_EQ(s.status, 0) << s.message;
  EXPECT_EQ(std::vector<float>(s.probabilities, s.probabilities + 3), p.PredictSamples(x));
  EXPECT_EQ(s.top_count, 3u);
  const std::vector<float> want = p.PredictSamples(x);
  EXPECT_EQ(s.top_labels[0], p.labels()[static_cast<size_t>(eval::RankedClasses(want.data(), 3, 1)[0])]);
}

TEST_F(LibraryTest, CApiErrorsAreCodesAndMessagesNamingTheFile) {
  const std::vector<float> x(8000, 0.1f);
  // A missing bundle.
  const std::string missing = (*dir_ / "none.bundle").string();
  c_api_outcome o = c_api_classify(missing.c_str(), Clip("high", 0).c_str(), nullptr, 0, 0, 1);
  EXPECT_EQ(o.status, EARSHOT_ERROR_IO);
  EXPECT_NE(std::string(o.message).find(missing + ": missing"), std::string::npos) << o.message;
  // A damaged bundle: one weight's lowest bit flipped.
  std::string bytes = ReadFile(Bundle());
  const float w = LoadBundle(Bundle()).model->parameters().front().view(-1)[0].item<float>();
  const size_t at = bytes.find(std::string(reinterpret_cast<const char*>(&w), sizeof w));
  ASSERT_NE(at, std::string::npos);
  bytes[at] = static_cast<char>(bytes[at] ^ 0x01);
  const std::string damaged = (*dir_ / "damaged.bundle").string();
  WriteFileAtomic(damaged, bytes);
  o = c_api_classify(damaged.c_str(), Clip("high", 0).c_str(), nullptr, 0, 0, 1);
  EXPECT_EQ(o.status, EARSHOT_ERROR_BAD_DATA);
  EXPECT_NE(std::string(o.message).find(damaged + ": damaged bundle"), std::string::npos) << o.message;
  // Not a bundle at all.
  o = c_api_classify(Clip("high", 0).c_str(), Clip("high", 0).c_str(), nullptr, 0, 0, 1);
  EXPECT_EQ(o.status, EARSHOT_ERROR_BAD_DATA);
  EXPECT_NE(std::string(o.message).find(Clip("high", 0) + ": not a model bundle"), std::string::npos) << o.message;
  // A missing sound file: the model opened, the file named.
  const std::string wav = (*dir_ / "none.wav").string();
  o = c_api_classify(Bundle().c_str(), wav.c_str(), nullptr, 0, 0, 1);
  EXPECT_EQ(o.status, EARSHOT_ERROR_IO);
  EXPECT_EQ(o.labels, 3u);
  EXPECT_NE(std::string(o.message).find(wav), std::string::npos) << o.message;
  // A file that is not sound.
  o = c_api_classify(Bundle().c_str(), Bundle().c_str(), nullptr, 0, 0, 1);
  EXPECT_EQ(o.status, EARSHOT_ERROR_BAD_DATA);
  EXPECT_NE(std::string(o.message).find(Bundle()), std::string::npos) << o.message;
  // Samples at the wrong rate.
  o = c_api_classify(Bundle().c_str(), nullptr, x.data(), x.size(), 16000, 1);
  EXPECT_EQ(o.status, EARSHOT_ERROR_ARGUMENT);
  EXPECT_NE(std::string(o.message).find(Bundle() + ": the model takes samples at 8000 Hz. Given: 16000 Hz"),
            std::string::npos)
      << o.message;
  // k = 0.
  o = c_api_classify(Bundle().c_str(), nullptr, x.data(), x.size(), 8000, 0);
  EXPECT_EQ(o.status, EARSHOT_ERROR_ARGUMENT);
  EXPECT_STREQ(o.message, "k should be >= 1. Given: 0");
  // Null handles and pointers, each refused by name.
  EXPECT_EQ(c_api_null_arguments(), 0);
}

TEST_F(LibraryTest, CApiLastErrorIsPerThread) {
  earshot_model* model = nullptr;
  ASSERT_EQ(earshot_model_open(Bundle().c_str(), &model), EARSHOT_OK);
  earshot_result* result = nullptr;
  EXPECT_EQ(earshot_classify_file(model, "none.wav", &result), EARSHOT_ERROR_IO);
  EXPECT_EQ(result, nullptr);
  const std::string here = earshot_last_error();
  EXPECT_NE(here.find("none.wav"), std::string::npos) << here;
  // Another thread has its own (empty) last error, and its calls on the
  // shared model succeed while this thread's message stays.
  std::string there = "unset";
  earshot_status status = EARSHOT_ERROR_INTERNAL;
  std::thread t([&] {
    there = earshot_last_error();
    earshot_result* r = nullptr;
    status = earshot_classify_file(model, Clip("low", 1).c_str(), &r);
    earshot_result_free(r);
  });
  t.join();
  EXPECT_EQ(there, "");
  EXPECT_EQ(status, EARSHOT_OK);
  EXPECT_EQ(std::string(earshot_last_error()), here);
  // A successful call clears it.
  size_t n = 0;
  EXPECT_EQ(earshot_model_label_count(model, &n), EARSHOT_OK);
  EXPECT_STREQ(earshot_last_error(), "");
  earshot_model_free(model);
}

// A recording of the three tones in turn, and settings under which every
// model window is an event (many events to compare).
std::vector<float> ToneSequence() {
  std::vector<float> x;
  for (const double hz : {1800.0, 300.0, 900.0}) {
    const std::vector<float> t = testing::Tone(hz, 8000, 0.1);
    x.insert(x.end(), t.begin(), t.end());
  }
  return x;
}
const std::vector<std::string> kEverySettings{"stride_ms=40", "detection_threshold=0.3", "minimum_count=1",
                                              "smoothing.suppression_ms=0", "label_change=false",
                                              "threshold.high=0.9"};

TEST_F(LibraryTest, KeywordListenerEventsAreTheStreamingDetectors) {
  const std::vector<float> x = ToneSequence();
  StreamingDetector direct(Bundle(), testing::EveryWindowAnEvent(), {{"high", 0.9}});
  const std::vector<StreamEvent> want = direct.Push(x);
  ASSERT_GT(want.size(), 20u);
  KeywordListener kws(Bundle(), kEverySettings);
  EXPECT_EQ(kws.labels(), (std::vector<std::string>{"high", "low", "mid"}));
  EXPECT_EQ(kws.sample_rate(), 8000);
  EXPECT_DOUBLE_EQ(kws.window_seconds(), 1.0);
  EXPECT_DOUBLE_EQ(kws.stride_seconds(), 0.04);
  EXPECT_DOUBLE_EQ(kws.Threshold("high"), 0.9);
  EXPECT_DOUBLE_EQ(kws.Threshold("low"), 0.3);
  // Pushed in uneven chunks: the same events.
  std::vector<KeywordEvent> got;
  for (size_t at = 0; at < x.size(); at += 777) {
    const auto e = kws.Push(x.data() + at, std::min<size_t>(777, x.size() - at));
    got.insert(got.end(), e.begin(), e.end());
  }
  EXPECT_EQ(kws.samples(), static_cast<int64_t>(x.size()));
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].start_ms, want[i].start_ms) << i;
    EXPECT_EQ(got[i].end_ms, want[i].end_ms) << i;
    EXPECT_EQ(got[i].label, want[i].label) << i;
    EXPECT_EQ(kws.labels()[static_cast<size_t>(got[i].index)], want[i].label) << i;
    EXPECT_EQ(got[i].score, want[i].score) << i;
  }
  // The options struct gives the same; the defaults the detector's defaults.
  KeywordListener with_struct(Bundle(), testing::EveryWindowAnEvent(), {{"high", 0.9}});
  EXPECT_EQ(with_struct.Push(x).size(), want.size());
  KeywordListener plain(Bundle());
  StreamingDetector plain_direct(Bundle());
  EXPECT_EQ(plain.Push(x).size(), plain_direct.Push(x).size());
  EXPECT_DOUBLE_EQ(plain.stride_seconds(), 0.02);
}

TEST_F(LibraryTest, KeywordListenerErrorsNameTheBundleOrTheSetting) {
  ErrorKind kind = ErrorKind::kInternal;
  EXPECT_NE(ErrorOf([] { KeywordListener("missing.bundle"); }, &kind).find("missing.bundle"), std::string::npos);
  EXPECT_EQ(kind, ErrorKind::kIo);
  std::string m = ErrorOf([] { KeywordListener(Bundle(), {"stride_ms=25"}); }, &kind);
  EXPECT_NE(m.find("--stride_ms 25"), std::string::npos) << m;
  EXPECT_EQ(kind, ErrorKind::kInvalidOption);
  m = ErrorOf([] { KeywordListener(Bundle(), {"suppression_ms=-5"}); }, &kind);
  EXPECT_NE(m.find("--smoothing.suppression_ms should be >= 0"), std::string::npos) << m;
  m = ErrorOf([] { KeywordListener(Bundle(), {"colour=red"}); }, &kind);
  EXPECT_NE(m.find("colour"), std::string::npos) << m;
  m = ErrorOf([] { KeywordListener(Bundle(), {"stride_ms"}); }, &kind);
  EXPECT_NE(m.find("KEY=VALUE"), std::string::npos) << m;
  m = ErrorOf([] { KeywordListener(Bundle(), {"threshold.nope=0.5"}); }, &kind);
  EXPECT_NE(m.find("'nope'"), std::string::npos) << m;
  m = ErrorOf([] { KeywordListener(Bundle(), {"threshold.high=2"}); }, &kind);
  EXPECT_NE(m.find("[0, 1]"), std::string::npos) << m;
  KeywordListener kws(Bundle());
  m = ErrorOf([&] { kws.Push(nullptr, 4); }, &kind);
  EXPECT_NE(m.find("null"), std::string::npos) << m;
  EXPECT_TRUE(kws.Push(nullptr, 0).empty());
}

TEST_F(LibraryTest, CApiDetectorEventsAreTheStreamingDetectors) {
  const std::vector<float> x = ToneSequence();
  StreamingDetector direct(Bundle(), testing::EveryWindowAnEvent(), {{"high", 0.9}});
  const std::vector<StreamEvent> want = direct.Push(x);
  std::vector<const char*> settings;
  for (const std::string& s : kEverySettings) settings.push_back(s.c_str());
  const c_api_detection o = c_api_detect(Bundle().c_str(), settings.data(), settings.size(), x.data(), x.size(), 1234);
  ASSERT_EQ(o.status, 0) << o.message;
  EXPECT_EQ(o.sample_rate, 8000);
  EXPECT_EQ(o.labels, 3u);
  ASSERT_EQ(o.count, want.size());
  ASSERT_LE(o.count, 256u);
  for (size_t i = 0; i < o.count; ++i) {
    EXPECT_EQ(o.start_ms[i], want[i].start_ms) << i;
    EXPECT_EQ(o.end_ms[i], want[i].end_ms) << i;
    EXPECT_EQ(std::string(o.label[i]), want[i].label) << i;
    EXPECT_EQ(direct.labels()[o.index[i]], want[i].label) << i;
    EXPECT_EQ(o.score[i], want[i].score) << i;
  }
  // No settings: the bundle's thresholds and the default options.
  StreamingDetector plain(Bundle());
  const c_api_detection d = c_api_detect(Bundle().c_str(), nullptr, 0, x.data(), x.size(), x.size());
  ASSERT_EQ(d.status, 0) << d.message;
  EXPECT_EQ(d.count, plain.Push(x).size());

  // Errors: a missing bundle, bad settings, NULL arguments.
  c_api_detection e = c_api_detect("missing.bundle", nullptr, 0, x.data(), x.size(), 100);
  EXPECT_EQ(e.status, EARSHOT_ERROR_IO);
  EXPECT_NE(std::string(e.message).find("missing.bundle"), std::string::npos) << e.message;
  const char* bad_stride[] = {"stride_ms=25"};
  e = c_api_detect(Bundle().c_str(), bad_stride, 1, x.data(), x.size(), 100);
  EXPECT_EQ(e.status, EARSHOT_ERROR_ARGUMENT);
  EXPECT_NE(std::string(e.message).find("--stride_ms 25"), std::string::npos) << e.message;
  const char* bad_key[] = {"minimum_count=0"};
  e = c_api_detect(Bundle().c_str(), bad_key, 1, x.data(), x.size(), 100);
  EXPECT_EQ(e.status, EARSHOT_ERROR_ARGUMENT);
  EXPECT_NE(std::string(e.message).find("minimum_count should be >= 1"), std::string::npos) << e.message;
  EXPECT_EQ(c_api_detector_null_arguments(), 0);
}

// The compute threads reach LibTorch and, under Debian's LibTorch, the
// OpenBLAS pool its matrix products run in.
TEST(ComputeThreads, SetLibTorchsAndOpenBlasThreads) {
  using GetThreads = int (*)();
  const auto blas_threads = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  EXPECT_EQ(earshot_set_compute_threads(0), EARSHOT_ERROR_ARGUMENT);
  EXPECT_NE(std::string(earshot_last_error()).find("should be at least 1"), std::string::npos);
  for (int n : {2, 1}) {
    ASSERT_EQ(earshot_set_compute_threads(n), EARSHOT_OK);
    EXPECT_EQ(torch::get_num_threads(), n);
    if (blas_threads) EXPECT_EQ(blas_threads(), n);
  }
  if (!blas_threads) GTEST_SKIP() << "LibTorch does not run on OpenBLAS here: LibTorch's threads checked only";
}

}  // namespace
}  // namespace earshot
