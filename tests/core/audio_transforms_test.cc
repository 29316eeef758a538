// The audio transforms behind the augmentations and corruptions, on
// synthetic signals: rooms' RT60 measured back, tones moved by the warp,
// the pitch shift and not by the tempo change, the telephone band's edges,
// SNR, channel responses, distortion, convolution.
#include <cmath>
#include <complex>
#include <numeric>

#include <gtest/gtest.h>

#include "earshot/audio/channel_response.h"
#include "earshot/audio/distortion.h"
#include "earshot/audio/fft_filter.h"
#include "earshot/audio/mix_snr.h"
#include "earshot/audio/phase_vocoder.h"
#include "earshot/audio/real_transform.h"
#include "earshot/audio/reverb_time.h"
#include "earshot/audio/room_impulse.h"
#include "earshot/audio/telephone.h"
#include "earshot/util/random.h"

namespace earshot {
namespace {

constexpr int kRate = 16000;

std::vector<float> Tone(double hz, int64_t n, double amplitude = 0.5) {
  std::vector<float> x(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) x[i] = static_cast<float>(amplitude * std::sin(2 * M_PI * hz * i / kRate));
  return x;
}

std::vector<float> White(int64_t n, uint64_t seed) {
  SplitMix64 rng(seed);
  std::vector<float> x(static_cast<size_t>(n));
  for (float& v : x) v = static_cast<float>(0.1 * rng.Normal());
  return x;
}

// Power spectrum of the middle of x (edges left out), Hann window, zero
// padded to 65536 points: bin k is k * rate / 65536 Hz.
std::vector<double> Spectrum(const std::vector<float>& x, int rate = kRate) {
  RealTransform& t = RealTransform::ForThread(65536);
  std::fill(t.Time(), t.Time() + t.Size(), 0.f);
  const int64_t n = static_cast<int64_t>(x.size()), skip = n / 8, len = n - 2 * skip;
  for (int64_t i = 0; i < len; ++i) {
    t.Time()[i] = x[skip + i] * static_cast<float>(0.5 - 0.5 * std::cos(2 * M_PI * i / len));
  }
  t.Forward();
  std::vector<double> p(static_cast<size_t>(t.Bins()));
  for (int k = 0; k < t.Bins(); ++k) p[k] = std::norm(t.Spectrum()[k]);
  (void)rate;
  return p;
}

// The strongest frequency, refined by a parabola through the log powers.
double PeakHz(const std::vector<float>& x, int rate = kRate) {
  const std::vector<double> p = Spectrum(x, rate);
  size_t k = 1;
  for (size_t i = 1; i + 1 < p.size(); ++i) if (p[i] > p[k]) k = i;
  const double a = std::log(p[k - 1]), b = std::log(p[k]), c = std::log(p[k + 1]);
  const double offset = 0.5 * (a - c) / (a - 2 * b + c);
  return (static_cast<double>(k) + offset) * rate / 65536.0;
}

// Share of the power from `hz` up.
double ShareAbove(const std::vector<float>& x, double hz) {
  const std::vector<double> p = Spectrum(x);
  double all = 0, above = 0;
  for (size_t k = 0; k < p.size(); ++k) {
    all += p[k];
    if (static_cast<double>(k) * kRate / 65536.0 >= hz) above += p[k];
  }
  return above / all;
}

TEST(RoomImpulseTest, Rt60MeasuredBackWithinTwentyPercent) {
  for (double rt60 : {0.2, 0.4, 0.6, 1.0, 1.5}) {
    for (uint64_t seed = 0; seed < 6; ++seed) {
      SplitMix64 rng(seed * 31 + 7);
      const Room room = RandomRoom(rt60, 3.0, 10.0, rng);
      const std::vector<float> h = RoomImpulseResponse(room, kRate, rng);
      const double measured = MeasureRt60(h.data(), static_cast<int64_t>(h.size()), kRate);
      EXPECT_NEAR(measured, rt60, 0.2 * rt60) << "rt60 " << rt60 << " seed " << seed;
    }
  }
}

TEST(RoomImpulseTest, DirectSoundAndFirstReflectionsWhereTheGeometryPutsThem) {
  Room room;
  room.size = {6.0, 5.0, 3.0};
  room.source = {2.0, 2.5, 1.5};
  room.mic = {4.0, 2.5, 1.5};
  room.rt60 = 0.5;
  SplitMix64 rng(1);
  const std::vector<float> h = RoomImpulseResponse(room, kRate, rng);
  EXPECT_NEAR(h[0], 1.0 / (4 * M_PI * 2.0), 1e-6);  // direct sound, 2 m
  // Floor reflection: image at z = -1.5, path sqrt(4 + 9) m, once reflected.
  const double beta = std::sqrt(1 - EyringAbsorption(room.size, 0.5));
  const double path = std::sqrt(13.0), t = (path - 2.0) / 343.0 * kRate;
  const int64_t i = static_cast<int64_t>(t);
  // The ceiling's image (z = 4.5) is at the same distance: twice the amplitude.
  EXPECT_NEAR(h[i] + h[i + 1], 2 * beta / (4 * M_PI * path), 1e-5);
  // Nothing between the direct sound and the first reflection (the wall at x = 6: 2 + 2 x 2 m).
  const int64_t first = static_cast<int64_t>((std::sqrt(4.0 + 9.0) - 2.0) / 343.0 * kRate);
  for (int64_t k = 1; k < first; ++k) EXPECT_EQ(h[k], 0.f) << k;
  EXPECT_NEAR(static_cast<double>(h.size()) / kRate, 0.6, 0.01);  // 1.2 x RT60
}

TEST(RoomImpulseTest, MeasurerReadsAnExactExponentialDecay) {
  SplitMix64 rng(3);
  std::vector<float> h(16000);
  for (size_t i = 0; i < h.size(); ++i) h[i] = static_cast<float>(std::exp(-6.9078 * i / (0.5 * kRate)) * rng.Normal());
  EXPECT_NEAR(MeasureRt60(h.data(), 16000, kRate), 0.5, 0.02);
  std::vector<float> flat(100, 0.f);
  EXPECT_EQ(MeasureRt60(flat.data(), 100, kRate), 0.0);
}

TEST(PhaseVocoderTest, VtlpMovesAToneByTheFactor) {
  const std::vector<float> x = Tone(1000.0, 16000);
  for (double alpha : {0.9, 0.95, 1.05, 1.1}) {
    const std::vector<float> y = WarpVocalTract(x.data(), 16000, kRate, alpha);
    ASSERT_EQ(y.size(), x.size());
    EXPECT_NEAR(PeakHz(y), 1000.0 * alpha, 5.0) << alpha;
  }
  // Above f_hi min(alpha, 1) / alpha the map bends to keep the Nyquist frequency.
  const FrequencyMap m = VtlpMap(1.1, kRate);
  EXPECT_NEAR(m.forward(8000.0), 8000.0, 1e-9);
  EXPECT_NEAR(m.inverse(m.forward(6000.0)), 6000.0, 1e-9);
  EXPECT_NEAR(m.forward(4000.0), 4400.0, 1e-9);
}

TEST(PhaseVocoderTest, PitchShiftMovesToneBySemitonesAndKeepsDuration) {
  const std::vector<float> x = Tone(440.0, 16000);
  for (double semitones : {-3.0, 3.0, 7.0}) {
    const std::vector<float> y = PitchShift(x.data(), 16000, kRate, semitones);
    ASSERT_EQ(y.size(), x.size());
    EXPECT_NEAR(PeakHz(y), 440.0 * std::pow(2.0, semitones / 12.0), 4.0) << semitones;
    // The level of the middle is kept (within 1.5 dB).
    const double ratio = MeanPower(y.data() + 4000, 8000) / MeanPower(x.data() + 4000, 8000);
    EXPECT_NEAR(10 * std::log10(ratio), 0.0, 1.5) << semitones;
  }
}

TEST(PhaseVocoderTest, TempoChangesDurationAndKeepsPitch) {
  const std::vector<float> x = Tone(600.0, 16000);
  for (double tempo : {0.8, 0.9, 1.15, 1.25}) {
    const std::vector<float> y = ChangeTempo(x.data(), 16000, kRate, tempo);
    EXPECT_EQ(static_cast<int64_t>(y.size()), std::llround(16000 / tempo));
    EXPECT_NEAR(PeakHz(y), 600.0, 3.0) << tempo;
  }
  // A burst moves to its time / tempo.
  std::vector<float> burst(16000, 0.f);
  for (int i = 8000; i < 8800; ++i) burst[i] = static_cast<float>(std::sin(2 * M_PI * 1000.0 * i / kRate));
  const std::vector<float> y = ChangeTempo(burst.data(), 16000, kRate, 0.8);
  double weighted = 0, total = 0;
  for (size_t i = 0; i < y.size(); ++i) {
    weighted += static_cast<double>(i) * y[i] * y[i];
    total += static_cast<double>(y[i]) * y[i];
  }
  EXPECT_NEAR(weighted / total, 8400.0 / 0.8, 150.0);
}

TEST(PhaseVocoderTest, NoChangeGivesTheInputBack) {
  const std::vector<float> x = White(8000, 5);
  const std::vector<float> y = PhaseVocoder(x.data(), 8000, kRate, 1.0, {});
  ASSERT_EQ(y.size(), x.size());
  for (size_t i = 0; i < x.size(); ++i) ASSERT_NEAR(y[i], x[i], 1e-4) << i;
}

TEST(TelephoneTest, RemovesEnergyAboveTheBandAndKeepsTheBand) {
  const std::vector<float> x = White(16000, 9);
  EXPECT_GT(ShareAbove(x, 3400.0), 0.5);  // white: 4.6 of 8 kHz
  const std::vector<float> y = TelephoneBand(x.data(), 16000, kRate);
  ASSERT_EQ(y.size(), x.size());
  EXPECT_LT(ShareAbove(y, 3400.0), 1e-3);
  EXPECT_LT(ShareAbove(y, 3200.0), 0.03);  // the upper edge: about 100 Hz of 3,000
  EXPECT_LT(1.0 - ShareAbove(y, 200.0), 1e-3);  // nothing below 200 Hz either
  // A 1 kHz tone passes at its level (mu-law noise aside).
  const std::vector<float> tone = Tone(1000.0, 16000);
  const std::vector<float> t = TelephoneBand(tone.data(), 16000, kRate);
  EXPECT_NEAR(10 * std::log10(MeanPower(t.data() + 2000, 12000) / MeanPower(tone.data() + 2000, 12000)), 0.0, 0.3);
  EXPECT_EQ(TelephoneGain(3000.0), 1.0);
  EXPECT_EQ(TelephoneGain(3400.0), 0.0);
  EXPECT_EQ(TelephoneGain(150.0), 0.0);
}

TEST(MixSnrTest, SnrMeasuredBackWithinHalfADecibel) {
  SplitMix64 rng(11);
  for (double snr : {-5.0, 0.0, 10.0, 20.0, 40.0}) {
    std::vector<float> clean = Tone(300.0 + 100 * rng.Uniform(), 16000, 0.3);
    const std::vector<float> noise = White(16000, static_cast<uint64_t>(snr + 100));
    std::vector<float> mixed = clean;
    MixAtSnr(mixed.data(), 16000, noise.data(), snr);
    std::vector<float> added(16000);
    for (int i = 0; i < 16000; ++i) added[i] = mixed[i] - clean[i];
    const double measured = 10 * std::log10(MeanPower(clean.data(), 16000) / MeanPower(added.data(), 16000));
    EXPECT_NEAR(measured, snr, 0.5) << snr;
  }
  std::vector<float> silent(100, 0.f), noise(100, 1.f);
  EXPECT_EQ(MixAtSnr(silent.data(), 100, noise.data(), 10.0), 0.0);
  EXPECT_EQ(silent[0], 0.f);
}

double ToneGainDb(const ChannelResponse& c, double hz) {
  std::vector<float> x = Tone(hz, 16000);
  const double before = MeanPower(x.data() + 2000, 12000);
  ApplyChannel(x.data(), 16000, kRate, c);
  return 10 * std::log10(MeanPower(x.data() + 2000, 12000) / before);
}

TEST(ChannelTest, HighPassTiltAndBandsGiveTheirGains) {
  ChannelResponse hp;
  hp.highpass_hz = 400.0;
  EXPECT_NEAR(ToneGainDb(hp, 400.0), -3.01, 0.2);   // Butterworth: -3 dB at the cut-off
  EXPECT_NEAR(ToneGainDb(hp, 100.0), -24.1, 0.5);   // 12 dB per octave below it
  EXPECT_NEAR(ToneGainDb(hp, 3000.0), 0.0, 0.1);
  ChannelResponse tilt;
  tilt.tilt_db_per_octave = 3.0;
  EXPECT_NEAR(ToneGainDb(tilt, 4000.0), 6.0, 0.2);
  EXPECT_NEAR(ToneGainDb(tilt, 250.0), -6.0, 0.2);
  ChannelResponse eq;
  eq.bands = {{800.0, -9.0, 0.5}};
  EXPECT_NEAR(ToneGainDb(eq, 800.0), -9.0, 0.2);
  EXPECT_NEAR(ToneGainDb(eq, 1600.0), -9.0 * std::exp(-2.0), 0.2);  // two sigmas away
}

TEST(DistortionTest, ClipAndQuantize) {
  std::vector<float> x = Tone(500.0, 1600, 0.8);
  HardClip(x.data(), 1600, 0.25);
  float peak = 0;
  for (float v : x) peak = std::max(peak, std::abs(v));
  EXPECT_NEAR(peak, 0.2f, 1e-4);
  auto error_db = [](int bits) {
    std::vector<float> t = Tone(500.0, 1600, 0.5), q = t;
    MuLawQuantize(q.data(), 1600, bits);
    double e = 0;
    for (size_t i = 0; i < t.size(); ++i) e += (q[i] - t[i]) * (q[i] - t[i]);
    return 10 * std::log10(MeanPower(t.data(), 1600) / (e / 1600));
  };
  EXPECT_GT(error_db(8), 30.0);  // G.711: about 38 dB
  EXPECT_LT(error_db(4), 20.0);
  EXPECT_GT(error_db(8) - error_db(4), 18.0);  // about 6 dB a bit
}

TEST(FftFilterTest, ConvolveMatchesTheDirectSum) {
  const std::vector<float> x = White(700, 1), h = White(90, 2);
  const std::vector<float> y = Convolve(x.data(), 700, h.data(), 90);
  ASSERT_EQ(y.size(), 700u);
  for (int i = 0; i < 700; i += 7) {
    double s = 0;
    for (int k = 0; k < 90 && k <= i; ++k) s += static_cast<double>(h[k]) * x[i - k];
    EXPECT_NEAR(y[i], s, 1e-5) << i;
  }
  std::vector<float> r = x;
  Reverberate(r.data(), 700, h.data(), 90);
  EXPECT_NEAR(MeanPower(r.data(), 700), MeanPower(x.data(), 700), 1e-6);
}

}  // namespace
}  // namespace earshot
