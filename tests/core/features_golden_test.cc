// The front end against references computed with torch.stft, torchaudio
// (melscale_fbanks, MelSpectrogram, MFCC, amplitude_to_DB), librosa's
// power_to_db formula and tf.signal.stft framing. The fixtures and their
// manifest come from scripts/gen_golden_features.py; each case prints its
// worst absolute and relative error.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "earshot/features/frontend.h"
#include "earshot/features/mel.h"
#include "earshot/util/npy.h"

namespace earshot {
namespace {

const std::string kDir = std::string(EARSHOT_FIXTURES) + "/features/";

nlohmann::json Manifest() {
  std::ifstream in(kDir + "manifest.json");
  if (!in) return nlohmann::json::object();
  return nlohmann::json::parse(in);
}

struct Errors {
  double worst_abs = 0, worst_rel = 0;  // over the values the tolerance covers
  double worst_deep = 0;                // below them
  int64_t failures = 0, first_failure = -1;
  void Fail(size_t i) {
    if (failures++ == 0) first_failure = static_cast<int64_t>(i);
  }
};

// The tolerances and why they stop 60-80 dB under the peak are explained
// in scripts/gen_golden_features.py, beside the values.
Errors Compare(const std::vector<float>& got, const std::vector<float>& want,
               const nlohmann::json& tol) {
  Errors e;
  const std::string kind = tol["kind"];
  double peak = -INFINITY, abs_peak = 0;
  for (float v : want) {
    peak = std::max(peak, static_cast<double>(v));
    abs_peak = std::max(abs_peak, std::abs(static_cast<double>(v)));
  }
  for (size_t i = 0; i < want.size(); ++i) {
    const double d = std::abs(static_cast<double>(got[i]) - want[i]);
    if (!std::isfinite(got[i])) {
      e.Fail(i);
      continue;
    }
    if (kind == "relative") {
      if (std::abs(want[i]) > tol["floor"].get<double>() * abs_peak) {
        const double r = d / std::abs(want[i]);
        e.worst_abs = std::max(e.worst_abs, d);
        e.worst_rel = std::max(e.worst_rel, r);
        if (r > tol["rtol"].get<double>()) e.Fail(i);
      } else {
        e.worst_deep = std::max(e.worst_deep, d);
        if (d > tol["atol_peak"].get<double>() * abs_peak) e.Fail(i);
      }
    } else if (kind == "db" && want[i] < peak - tol["range"].get<double>()) {
      e.worst_deep = std::max(e.worst_deep, d);
      if (d > tol["deep_atol"].get<double>()) e.Fail(i);
    } else {
      e.worst_abs = std::max(e.worst_abs, d);
      if (std::abs(want[i]) > 1e-3) e.worst_rel = std::max(e.worst_rel, d / std::abs(want[i]));
      if (d > tol["atol"].get<double>()) e.Fail(i);
    }
  }
  return e;
}

TEST(FeaturesGolden, ManifestIsPresent) {
  const nlohmann::json m = Manifest();
  ASSERT_TRUE(m.contains("cases")) << kDir << "manifest.json: missing; run "
                                   << "scripts/gen_golden_features.py";
  EXPECT_GE(m["cases"].size(), 30u);
  EXPECT_GE(m["filterbanks"].size(), 5u);
}

TEST(FeaturesGolden, EveryCaseMatchesItsReference) {
  const nlohmann::json m = Manifest();
  ASSERT_TRUE(m.contains("cases"));
  std::printf("%-38s %-12s %10s %10s %10s %-8s %10s\n", "case", "shape", "worst abs",
              "worst rel", "tolerance", "kind", "deep abs");
  for (const auto& c : m["cases"]) {
    const std::string name = c["name"];
    SCOPED_TRACE(name);
    // The cases override the generator's DEFAULTS, which keep the window of
    // 480 the front end had by default when they were made (0 = n_fft now).
    FrontEndOptions o;
    o.win_length = 480;
    for (const auto& s : c["options"]) ApplySetting(o, s.get<std::string>());
    FrontEnd fe(o);
    const NpyArray signal = ReadNpy(kDir + c["signal"].get<std::string>());
    const NpyArray want = ReadNpy(kDir + c["expected"].get<std::string>());
    const auto n = static_cast<int64_t>(signal.data.size());
    ASSERT_EQ(fe.OutputShape(n), want.shape);
    const std::vector<float> got = fe.Compute(signal.data);
    ASSERT_EQ(got.size(), want.data.size());

    const auto& tol = c["tolerance"];
    const Errors e = Compare(got, want.data, tol);
    const double limit = tol["kind"] == "relative" ? tol["rtol"] : tol["atol"];
    char shape[32];
    std::snprintf(shape, sizeof(shape), "%lldx%lldx%lld",
                  static_cast<long long>(want.shape[0]), static_cast<long long>(want.shape[1]),
                  static_cast<long long>(want.shape[2]));
    std::printf("%-38s %-12s %10.3g %10.3g %10.3g %-8s %10.3g\n", name.c_str(), shape,
                e.worst_abs, e.worst_rel, limit, tol["kind"].get<std::string>().c_str(),
                e.worst_deep);
    if (e.failures > 0) {
      const auto i = static_cast<size_t>(e.first_failure);
      ADD_FAILURE() << e.failures << " values out of tolerance; first at flat index " << i
                    << ": got " << got[i] << ", expected " << want.data[i];
    }
  }
}

// MelFilterbank::Dense against torchaudio.functional.melscale_fbanks.
TEST(FeaturesGolden, MelFilterbankMatchesTorchaudio) {
  const nlohmann::json m = Manifest();
  ASSERT_TRUE(m.contains("filterbanks"));
  for (const auto& f : m["filterbanks"]) {
    const std::string name = f["expected"];
    SCOPED_TRACE(name);
    MelFilterbank fb(f["n_freqs"], f["n_mels"], f["sample_rate"], f["f_min"], f["f_max"],
                     f["mel_scale"], f["mel_norm"]);
    const NpyArray want = ReadNpy(kDir + name);
    ASSERT_EQ(want.shape, (std::vector<int64_t>{f["n_freqs"], f["n_mels"]}));
    const std::vector<float> got = fb.Dense();
    ASSERT_EQ(got.size(), want.data.size());
    double peak = 0, worst = 0;
    for (size_t i = 0; i < got.size(); ++i) {
      peak = std::max(peak, static_cast<double>(std::abs(want.data[i])));
      worst = std::max(worst, std::abs(static_cast<double>(got[i]) - want.data[i]));
    }
    std::printf("%-44s worst abs %.3g (peak %.3g)\n", name.c_str(), worst, peak);
    EXPECT_LE(worst, 1e-6 * peak);
  }
}

}  // namespace
}  // namespace earshot
