#include "earshot/eval/ensemble.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>

#include "earshot/util/error.h"
#include "../temp_dir.h"

namespace earshot::eval {
namespace {

Predictions Make(const std::string& source, std::vector<float> scores, int columns,
                 std::vector<std::string> ids = {}) {
  Predictions p;
  p.source = source;
  p.scores = std::move(scores);
  p.columns = columns;
  p.ids = std::move(ids);
  return p;
}

// The error thrown by f, or a kInternal one if none was.
Error Caught(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  return Error(ErrorKind::kInternal, "no error");
}

std::string TempPath(const std::string& name) {
  return (testing::ScratchDir("ensemble_test") / name).string();
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

TEST(Ensemble, ArithmeticMeanWithAndWithoutWeights) {
  const Predictions a = Make("a", {0.2f, 0.8f, 0.6f, 0.4f}, 2);
  const Predictions b = Make("b", {0.4f, 0.6f, 0.2f, 0.8f}, 2);
  // (a + b) / 2
  const Predictions mean = Combine({a, b}, {});
  EXPECT_NEAR(mean.scores[0], 0.3, 1e-6);
  EXPECT_NEAR(mean.scores[1], 0.7, 1e-6);
  EXPECT_NEAR(mean.scores[2], 0.4, 1e-6);
  EXPECT_NEAR(mean.scores[3], 0.6, 1e-6);
  // (3a + b) / 4: row 0 (0.6 + 0.4) / 4, (2.4 + 0.6) / 4; row 1 (1.8 + 0.2) / 4.
  EnsembleOptions weighted;
  weighted.weights = {3, 1};
  const Predictions w = Combine({a, b}, weighted);
  EXPECT_NEAR(w.scores[0], 0.25, 1e-6);
  EXPECT_NEAR(w.scores[1], 0.75, 1e-6);
  EXPECT_NEAR(w.scores[2], 0.5, 1e-6);
  EXPECT_NEAR(w.scores[3], 0.5, 1e-6);
}

TEST(Ensemble, GeometricMeanIsRenormalised) {
  EnsembleOptions geo;
  geo.method = EnsembleMethod::kGeometric;
  // Row [0.8 0.2] with [0.2 0.8]: sqrt(0.16) = 0.4 for both -> 0.5, 0.5
  // after renormalising, 0.4, 0.4 without.
  const Predictions a = Make("a", {0.8f, 0.2f}, 2), b = Make("b", {0.2f, 0.8f}, 2);
  const Predictions g = Combine({a, b}, geo);
  EXPECT_NEAR(g.scores[0], 0.5, 1e-6);
  EXPECT_NEAR(g.scores[1], 0.5, 1e-6);
  EnsembleOptions raw = geo;
  raw.renormalize = false;
  EXPECT_NEAR(Combine({a, b}, raw).scores[0], 0.4, 1e-6);

  // Weights 3, 1: g0 / g1 = (0.8^3 * 0.2)^(1/4) / (0.2^3 * 0.8)^(1/4)
  //                       = (0.8 / 0.2)^(2/4) = 2 -> 2/3, 1/3.
  EnsembleOptions weighted = geo;
  weighted.weights = {3, 1};
  const Predictions w = Combine({a, b}, weighted);
  EXPECT_NEAR(w.scores[0], 2.0 / 3, 1e-6);
  EXPECT_NEAR(w.scores[1], 1.0 / 3, 1e-6);
}

TEST(Ensemble, GeometricMeanFloorsZerosAtEpsilon) {
  EnsembleOptions geo;
  geo.method = EnsembleMethod::kGeometric;
  // [0.25 0.75] with [1 0]: sqrt(0.25 * 1) = 0.5 and sqrt(0.75 * 1e-7);
  // divided by their sum.
  const double g0 = 0.5, g1 = std::sqrt(0.75 * 1e-7);
  const Predictions g = Combine({Make("a", {0.25f, 0.75f}, 2), Make("b", {1.f, 0.f}, 2)}, geo);
  EXPECT_NEAR(g.scores[0], g0 / (g0 + g1), 1e-6);
  EXPECT_NEAR(g.scores[1], g1 / (g0 + g1), 1e-7);
  EXPECT_EQ(Caught([&] {
              Combine({Make("a", {-0.1f, 1.f}, 2)}, geo);
            }).kind(),
            ErrorKind::kBadData);
}

TEST(Ensemble, MismatchesNameTheInput) {
  const Predictions a = Make("fold0.npy", {0.2f, 0.8f, 0.6f, 0.4f}, 2);
  const Error shape = Caught([&] { Combine({a, Make("fold1.npy", {0.1f, 0.9f}, 2)}, {}); });
  EXPECT_EQ(shape.kind(), ErrorKind::kMismatch);
  EXPECT_NE(std::string(shape.what()).find("input 1 (fold1.npy)"), std::string::npos)
      << shape.what();
  const Error ids = Caught([&] {
    Combine({Make("x.csv", {0.5f, 0.5f}, 2, {"a.wav"}), Make("y.csv", {0.5f, 0.5f}, 2, {"b.wav"})},
            {});
  });
  EXPECT_EQ(ids.kind(), ErrorKind::kMismatch);
  EXPECT_NE(std::string(ids.what()).find("y.csv"), std::string::npos) << ids.what();

  EnsembleOptions bad;
  bad.weights = {1};
  EXPECT_EQ(Caught([&] { Combine({a, a}, bad); }).kind(), ErrorKind::kInvalidOption);
  bad.weights = {1, -1};
  EXPECT_EQ(Caught([&] { Combine({a, a}, bad); }).kind(), ErrorKind::kInvalidOption);
  bad.weights = {0, 0};
  EXPECT_EQ(Caught([&] { Combine({a, a}, bad); }).kind(), ErrorKind::kInvalidOption);
  EXPECT_EQ(Caught([&] { Combine({}, {}); }).kind(), ErrorKind::kInvalidOption);
  EXPECT_EQ(Caught([] { ParseEnsembleMethod("median", "--ensemble"); }).kind(),
            ErrorKind::kInvalidOption);
  EXPECT_EQ(ParseEnsembleMethod("geometric", "--ensemble"), EnsembleMethod::kGeometric);
}

TEST(PredictionFiles, CsvColumnsAreMatchedByName) {
  const std::string path = TempPath("by_name.csv");
  WriteText(path, "id,dog,cat\r\nx.wav,0.25,0.75\r\n\"y,1.wav\",1,0\r\n");
  const Predictions p = ReadPredictions(path, {"cat", "dog"});
  EXPECT_EQ(p.ids, (std::vector<std::string>{"x.wav", "y,1.wav"}));
  EXPECT_EQ(p.classes, (std::vector<std::string>{"cat", "dog"}));
  EXPECT_EQ(p.scores, (std::vector<float>{0.75f, 0.25f, 0.f, 1.f}));
  // With no class list the file's order stays.
  EXPECT_EQ(ReadPredictions(path, {}).scores, (std::vector<float>{0.25f, 0.75f, 1.f, 0.f}));
  std::filesystem::remove(path);
}

TEST(PredictionFiles, MissingExtraAndBadValuesAreErrors) {
  const std::string path = TempPath("bad.csv");
  WriteText(path, "id,cat\nx,1\n");
  const Error missing = Caught([&] { ReadPredictions(path, {"cat", "dog"}); });
  EXPECT_EQ(missing.kind(), ErrorKind::kMismatch);
  EXPECT_NE(std::string(missing.what()).find("missing from the header: dog"), std::string::npos);

  WriteText(path, "id,cat,dog,bird\nx,1,0,0\n");
  const Error extra = Caught([&] { ReadPredictions(path, {"cat", "dog"}); });
  EXPECT_EQ(extra.kind(), ErrorKind::kMismatch);
  EXPECT_NE(std::string(extra.what()).find("bird"), std::string::npos);

  WriteText(path, "id,cat,dog\nx,1,0\ny,abc,0\n");
  const Error value = Caught([&] { ReadPredictions(path, {"cat", "dog"}); });
  EXPECT_EQ(value.kind(), ErrorKind::kBadData);
  EXPECT_NE(std::string(value.what()).find("'abc'"), std::string::npos) << value.what();

  WriteText(path, "fname,cat\nx,1\n");
  EXPECT_EQ(Caught([&] { ReadPredictions(path, {"cat"}); }).kind(), ErrorKind::kBadData);
  EXPECT_EQ(Caught([&] { ReadPredictions(TempPath("absent.csv"), {"cat"}); }).kind(),
            ErrorKind::kIo);
  EXPECT_EQ(Caught([&] { ReadPredictions(TempPath("p.txt"), {"cat"}); }).kind(),
            ErrorKind::kInvalidOption);
  std::filesystem::remove(path);
}

TEST(PredictionFiles, CsvAndNpyRoundTrip) {
  Predictions p = Make("memory", {0.1f, 0.9f, 1.f / 3, 2.f / 3}, 2, {"a.wav", "b.wav"});
  p.classes = {"yes", "no"};
  const std::string csv = TempPath("round.csv"), npy = TempPath("round.npy");
  WritePredictions(csv, p);
  WritePredictions(npy, p);
  const Predictions from_csv = ReadPredictions(csv, {"yes", "no"});
  EXPECT_EQ(from_csv.scores, p.scores);  // shortest round-trip text is exact
  EXPECT_EQ(from_csv.ids, p.ids);
  const Predictions from_npy = ReadPredictions(npy, {"yes", "no"});
  EXPECT_EQ(from_npy.scores, p.scores);
  EXPECT_EQ(from_npy.Rows(), 2);
  EXPECT_TRUE(from_npy.ids.empty());
  EXPECT_EQ(Caught([&] {
              ReadPredictions(npy, {"yes", "no", "up"});
            }).kind(),
            ErrorKind::kMismatch);
  // A .npy and a CSV of the same set combine: names from one, ids from the other.
  const Predictions both = Combine({from_npy, from_csv}, {});
  EXPECT_EQ(both.ids, p.ids);
  EXPECT_NEAR(both.scores[2], 1.0 / 3, 1e-7);
  std::filesystem::remove(csv);
  std::filesystem::remove(npy);
}

}  // namespace
}  // namespace earshot::eval
