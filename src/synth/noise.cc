#include "earshot/synth/noise.h"

#include <cmath>

namespace earshot {
namespace {

// RBJ audio-EQ-cookbook band-pass (constant 0 dB peak gain), direct form I.
class BandPass {
 public:
  void Set(double centre, double q, int rate) {
    const double w = 2 * M_PI * centre / rate, alpha = std::sin(w) / (2 * q);
    const double a0 = 1 + alpha;
    b0_ = alpha / a0;
    b2_ = -alpha / a0;
    a1_ = -2 * std::cos(w) / a0;
    a2_ = (1 - alpha) / a0;
  }
  double operator()(double x) {
    const double y = b0_ * x + b2_ * x2_ - a1_ * y1_ - a2_ * y2_;
    x2_ = x1_;
    x1_ = x;
    y2_ = y1_;
    y1_ = y;
    return y;
  }

 private:
  double b0_ = 0, b2_ = 0, a1_ = 0, a2_ = 0, x1_ = 0, x2_ = 0, y1_ = 0, y2_ = 0;
};

// Paul Kellet's economy pink filter: three one-pole sections whose sum is
// within 0.05 dB of -3 dB/octave above 9 Hz at 44.1 kHz.
class PinkFilter {
 public:
  double operator()(double white) {
    b0_ = 0.99765 * b0_ + white * 0.0990460;
    b1_ = 0.96300 * b1_ + white * 0.2965164;
    b2_ = 0.57000 * b2_ + white * 1.0526913;
    return b0_ + b1_ + b2_ + white * 0.1848;
  }

 private:
  double b0_ = 0, b1_ = 0, b2_ = 0;
};

// A slowly wandering value in about [-1, 1]: white noise through a one-pole
// low-pass with the given time constant.
class Wander {
 public:
  Wander(double seconds, int rate) : k_(1.0 / (seconds * rate)) {}
  double operator()(SplitMix64& rng) {
    v_ += k_ * (rng.Normal() * std::sqrt(2.0 / k_) - v_);
    return std::tanh(v_ * 0.5);
  }

 private:
  double k_, v_ = 0;
};

void NormaliseRms(std::vector<double>& x) {
  double energy = 0, mean = 0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(x.size());
  for (double& v : x) {
    v -= mean;
    energy += v * v;
  }
  const double rms = std::sqrt(energy / static_cast<double>(x.size()));
  if (rms > 0) {
    for (double& v : x) v /= rms;
  }
}

}  // namespace

const std::vector<NoiseKind>& AllNoiseKinds() {
  static const std::vector<NoiseKind> kinds = {NoiseKind::kWhite, NoiseKind::kPink,
                                               NoiseKind::kBrown, NoiseKind::kHum,
                                               NoiseKind::kRunningTap, NoiseKind::kDishes};
  return kinds;
}

const char* NoiseName(NoiseKind kind) {
  switch (kind) {
    case NoiseKind::kWhite: return "white_noise";
    case NoiseKind::kPink: return "pink_noise";
    case NoiseKind::kBrown: return "brown_noise";
    case NoiseKind::kHum: return "mains_hum";
    case NoiseKind::kRunningTap: return "running_tap";
    case NoiseKind::kDishes: return "doing_the_dishes";
  }
  return "noise";
}

std::vector<float> MakeNoise(NoiseKind kind, size_t samples, int sample_rate, SplitMix64& rng) {
  std::vector<double> x(samples, 0.0);
  if (samples == 0) return {};
  const double rate = sample_rate;
  switch (kind) {
    case NoiseKind::kWhite:
      for (double& v : x) v = rng.Normal();
      break;
    case NoiseKind::kPink: {
      PinkFilter pink;
      for (double& v : x) v = pink(rng.Normal());
      break;
    }
    case NoiseKind::kBrown: {
      // A slight leak keeps the random walk from drifting off.
      double y = 0;
      for (double& v : x) v = y = 0.998 * y + rng.Normal();
      break;
    }
    case NoiseKind::kHum: {
      const double f0 = rng.Chance(0.5) ? 50.0 : 60.0;
      double phase[8];
      for (double& p : phase) p = rng.Uniform(0, 2 * M_PI);
      Wander level(2.0, sample_rate);
      for (size_t i = 0; i < samples; ++i) {
        const double t = static_cast<double>(i) / rate;
        double v = 0;
        for (int k = 1; k <= 8 && k * f0 < rate / 2; ++k) {
          v += std::sin(2 * M_PI * k * f0 * t + phase[k - 1]) / k;
        }
        x[i] = v * (1.0 + 0.1 * level(rng)) + 0.05 * rng.Normal();
      }
      break;
    }
    case NoiseKind::kRunningTap: {
      const double centre = rng.Uniform(1200, 2600);
      BandPass band;
      Wander pitch(0.3, sample_rate), level(0.15, sample_rate);
      PinkFilter rumble;
      for (size_t i = 0; i < samples; ++i) {
        // Retuning every 32 samples is smooth enough and cheap.
        if (i % 32 == 0) band.Set(centre * (1.0 + 0.25 * pitch(rng)), 1.5, sample_rate);
        x[i] = band(rng.Normal()) * (1.0 + 0.4 * level(rng)) + 0.05 * rumble(rng.Normal());
      }
      break;
    }
    case NoiseKind::kDishes: {
      PinkFilter pink;
      for (double& v : x) v = 0.05 * pink(rng.Normal());
      // Clinks: damped sinusoid pairs at random times, about two a second.
      const size_t clinks = static_cast<size_t>(2.0 * static_cast<double>(samples) / rate) + 1;
      for (size_t c = 0; c < clinks; ++c) {
        const size_t start = static_cast<size_t>(rng.Uniform() * static_cast<double>(samples));
        const double f1 = rng.Uniform(1800, 5500), f2 = f1 * rng.Uniform(1.3, 2.7);
        const double decay = rng.Uniform(0.02, 0.12), amp = rng.Uniform(0.2, 1.0);
        const size_t len = std::min(samples - start, static_cast<size_t>(decay * 6 * rate));
        for (size_t i = 0; i < len; ++i) {
          const double t = static_cast<double>(i) / rate;
          x[start + i] += amp * std::exp(-t / decay) *
                          (std::sin(2 * M_PI * f1 * t) + 0.5 * std::sin(2 * M_PI * f2 * t));
        }
      }
      break;
    }
  }
  NormaliseRms(x);
  return std::vector<float>(x.begin(), x.end());
}

}  // namespace earshot
