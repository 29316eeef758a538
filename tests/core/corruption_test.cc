// `earshot eval --corrupt`: the spec parser, its errors, and corruptions
// applied to clips.
#include <cmath>

#include <gtest/gtest.h>

#include "earshot/audio/mix_snr.h"
#include "earshot/data/corruption.h"
#include "earshot/util/error.h"

namespace earshot {
namespace {

std::string ErrorOf(const std::string& spec, const std::string& option = "--corrupt") {
  try {
    ParseCorruptions(spec, option);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidOption);
    return e.what();
  }
  return "(no error)";
}

TEST(CorruptionSpecTest, SweepsExpandToOneCorruptionPerLevel) {
  const std::vector<Corruption> cs =
      ParseCorruptions("noise:snr=0, 10,20; reverb:rt60=0.6;telephone ;pitch:semitones=-3,3;codec:bits=6");
  std::vector<std::string> names;
  for (const Corruption& c : cs) names.push_back(c.Name());
  EXPECT_EQ(names, (std::vector<std::string>{"noise:snr=0", "noise:snr=10", "noise:snr=20", "reverb:rt60=0.6",
                                             "telephone", "pitch:semitones=-3", "pitch:semitones=3",
                                             "codec:bits=6"}));
  EXPECT_EQ(cs[3].kind, "reverb");
  EXPECT_EQ(cs[3].parameter, "rt60");
  EXPECT_EQ(cs[3].level, 0.6);
  EXPECT_EQ(cs[4].parameter, "");
}

TEST(CorruptionSpecTest, ErrorsNameTheProblem) {
  EXPECT_EQ(ErrorOf("snow:level=3"),
            "--corrupt 'snow:level=3': unknown corruption 'snow'; known: noise, reverb, telephone, pitch, "
            "tempo, vtlp, highpass, tilt, clip, codec");
  EXPECT_EQ(ErrorOf("noise:snr=90"), "--corrupt 'noise:snr=90': snr = 90 is outside [-20, 80] dB");
  EXPECT_EQ(ErrorOf("reverb:rt60=0.6,5"), "--corrupt 'reverb:rt60=0.6,5': rt60 = 5 is outside [0.05, 3] s");
  EXPECT_EQ(ErrorOf("pitch:semitones=-13"), "--corrupt 'pitch:semitones=-13': semitones = -13 is outside [-12, 12]");
  EXPECT_EQ(ErrorOf("noise"), "--corrupt 'noise': noise needs a level: noise:snr=LEVEL");
  EXPECT_EQ(ErrorOf("noise:rt60=3"), "--corrupt 'noise:rt60=3': noise takes snr, as in noise:snr=LEVEL");
  EXPECT_EQ(ErrorOf("noise:snr=loud"), "--corrupt 'noise:snr=loud': snr should be a number. Given: 'loud'");
  EXPECT_EQ(ErrorOf("noise:snr="), "--corrupt 'noise:snr=': snr should be a number. Given: ''");
  EXPECT_EQ(ErrorOf("telephone:band=3"), "--corrupt 'telephone:band=3': telephone takes no level");
  EXPECT_EQ(ErrorOf("codec:bits=4.5"), "--corrupt 'codec:bits=4.5': bits should be a whole number. Given: 4.5");
  EXPECT_EQ(ErrorOf(" ; "), "--corrupt: no corruption given (e.g. noise:snr=10;telephone)");
  EXPECT_EQ(ErrorOf("noise:snr=nan"), "--corrupt 'noise:snr=nan': snr should be a number. Given: 'nan'");
  // Another option that takes a spec is named instead.
  EXPECT_EQ(ErrorOf("pitch:semitones=20", "--robustness"),
            "--robustness 'pitch:semitones=20': semitones = 20 is outside [-12, 12]");
  EXPECT_EQ(ErrorOf(";", "--robustness"), "--robustness: no corruption given (e.g. noise:snr=10;telephone)");
}

std::vector<float> Speechy(int64_t n) {
  std::vector<float> x(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / 16000;
    x[i] = static_cast<float>(0.3 * std::sin(2 * M_PI * 220 * t) * std::sin(M_PI * t) + 0.1 * std::sin(2 * M_PI * 1300 * t));
  }
  return x;
}

TEST(CorruptionTest, NoiseAtTheSnrSameDrawsForTheSameClip) {
  ClipStore noise(16000);
  std::vector<float> n0(20000);
  SplitMix64 g(1);
  for (float& v : n0) v = static_cast<float>(g.Uniform(-0.5, 0.5));
  noise.Append(n0.data(), 20000);
  const std::vector<float> clean = Speechy(16000);
  for (const Corruption& c : ParseCorruptions("noise:snr=-5,0,10,30")) {
    std::vector<float> x = clean;
    SplitMix64 rng = CorruptionRng(c, 7);
    ApplyCorruption(c, x, 16000, noise, rng);
    std::vector<float> added(x.size());
    for (size_t i = 0; i < x.size(); ++i) added[i] = x[i] - clean[i];
    EXPECT_NEAR(10 * std::log10(MeanPower(clean.data(), 16000) / MeanPower(added.data(), 16000)), c.level, 0.5);
    std::vector<float> again = clean;
    SplitMix64 rng2 = CorruptionRng(c, 7);
    ApplyCorruption(c, again, 16000, noise, rng2);
    EXPECT_EQ(x, again);
    std::vector<float> other = clean;
    SplitMix64 rng3 = CorruptionRng(c, 8);
    ApplyCorruption(c, other, 16000, noise, rng3);
    EXPECT_NE(x, other);  // another clip, another noise segment
  }
  // Without noise files, white noise at the same SNR.
  const Corruption c = ParseCorruptions("noise:snr=10").front();
  std::vector<float> x = clean;
  SplitMix64 rng = CorruptionRng(c, 1);
  ApplyCorruption(c, x, 16000, ClipStore(16000), rng);
  for (size_t i = 0; i < x.size(); ++i) x[i] -= clean[i];
  EXPECT_NEAR(10 * std::log10(MeanPower(clean.data(), 16000) / MeanPower(x.data(), 16000)), 10.0, 0.5);
}

TEST(CorruptionTest, EveryKindRunsAndKeepsOrChangesTheLengthAsItShould) {
  const std::vector<float> clean = Speechy(8000);
  const ClipStore none(16000);
  for (const Corruption& c : ParseCorruptions(
           "reverb:rt60=0.6;telephone;pitch:semitones=3;tempo:factor=1.25;vtlp:factor=0.9;highpass:hz=300;"
           "tilt:db_per_octave=-3;clip:level=0.5;codec:bits=5")) {
    std::vector<float> x = clean;
    SplitMix64 rng = CorruptionRng(c, 0);
    ApplyCorruption(c, x, 16000, none, rng);
    EXPECT_EQ(x.size(), c.kind == "tempo" ? 6400u : 8000u) << c.Name();
    EXPECT_NE(x, clean) << c.Name();
    for (float v : x) ASSERT_TRUE(std::isfinite(v)) << c.Name();
  }
}

}  // namespace
}  // namespace earshot
