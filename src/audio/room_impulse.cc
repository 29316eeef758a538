#include "earshot/audio/room_impulse.h"

#include <algorithm>
#include <cmath>

#include "earshot/util/error.h"

namespace earshot {
namespace {

constexpr double kSpeedOfSound = 343.0;  // m/s

double Distance(const std::array<double, 3>& a, const std::array<double, 3>& b) {
  double s = 0;
  for (int d = 0; d < 3; ++d) s += (a[d] - b[d]) * (a[d] - b[d]);
  return std::sqrt(s);
}

}  // namespace

double EyringAbsorption(const std::array<double, 3>& size, double rt60) {
  const double volume = size[0] * size[1] * size[2];
  const double surface = 2 * (size[0] * size[1] + size[0] * size[2] + size[1] * size[2]);
  return 1.0 - std::exp(-0.161 * volume / (surface * rt60));
}

Room RandomRoom(double rt60, double side_min, double side_max, SplitMix64& rng) {
  Room r;
  r.rt60 = rt60;
  r.size = {rng.Uniform(side_min, side_max), rng.Uniform(side_min, side_max), rng.Uniform(2.4, 4.0)};
  auto place = [&](std::array<double, 3>& p) {
    for (int d = 0; d < 3; ++d) p[d] = rng.Uniform(0.5, r.size[d] - 0.5);
  };
  place(r.source);
  // A few tries for the minimum distance; the last draw stands.
  for (int i = 0; i < 8; ++i) {
    place(r.mic);
    if (Distance(r.source, r.mic) >= 0.3) break;
  }
  return r;
}

std::vector<float> RoomImpulseResponse(const Room& room, int sample_rate, SplitMix64& rng) {
  if (!(room.rt60 > 0.0 && room.rt60 <= 10.0)) {
    ThrowOption("room RT60 should be in (0, 10] s. Given: " + std::to_string(room.rt60));
  }
  for (int d = 0; d < 3; ++d) {
    if (!(room.size[d] > 0.0) || room.source[d] < 0 || room.source[d] > room.size[d] ||
        room.mic[d] < 0 || room.mic[d] > room.size[d]) {
      ThrowOption("room: source and microphone should lie inside a room of positive size");
    }
  }
  const double fs = sample_rate;
  const double early = std::max(room.early_seconds, 0.0);
  const double seconds = std::max(1.2 * room.rt60, early + 0.05);
  const int64_t length = static_cast<int64_t>(std::ceil(seconds * fs));
  std::vector<float> h(static_cast<size_t>(length), 0.f);
  const double beta = std::sqrt(1.0 - EyringAbsorption(room.size, room.rt60));
  const double direct = std::max(Distance(room.source, room.mic), 0.05);
  const double reach = direct + early * kSpeedOfSound;  // farthest image kept, metres

  // Images: coordinate (1 - 2q) s + 2 m L per axis, q in {0, 1}; |m - q| + |m|
  // reflections on that axis's two walls.
  for (int qx = 0; qx < 2; ++qx)
    for (int qy = 0; qy < 2; ++qy)
      for (int qz = 0; qz < 2; ++qz) {
        const int q[3] = {qx, qy, qz};
        int top[3];
        for (int d = 0; d < 3; ++d) top[d] = static_cast<int>(std::ceil(reach / (2 * room.size[d]))) + 1;
        for (int mx = -top[0]; mx <= top[0]; ++mx)
          for (int my = -top[1]; my <= top[1]; ++my)
            for (int mz = -top[2]; mz <= top[2]; ++mz) {
              const int m[3] = {mx, my, mz};
              double dist2 = 0;
              int reflections = 0;
              for (int d = 0; d < 3; ++d) {
                const double image = (1 - 2 * q[d]) * room.source[d] + 2.0 * m[d] * room.size[d];
                dist2 += (image - room.mic[d]) * (image - room.mic[d]);
                reflections += std::abs(m[d] - q[d]) + std::abs(m[d]);
              }
              const double dist = std::max(std::sqrt(dist2), 0.05);
              if (dist > reach) continue;
              // Fractional delays split between the two nearest samples.
              const double t = (dist - direct) / kSpeedOfSound * fs;
              const int64_t i = static_cast<int64_t>(std::floor(t));
              const double frac = t - static_cast<double>(i);
              if (i < 0 || i + 1 >= length) continue;
              const double a = std::pow(beta, reflections) / (4.0 * M_PI * dist);
              h[static_cast<size_t>(i)] += static_cast<float>(a * (1 - frac));
              h[static_cast<size_t>(i + 1)] += static_cast<float>(a * frac);
            }
      }

  // The late part from the join on: energy per sample E0 exp(-13.8 t / rt60)
  // (-60 dB at rt60), E0 such that the last 20 ms of images hold what the
  // envelope would there.
  const int64_t join = std::min<int64_t>(length, static_cast<int64_t>(std::llround((reach - direct) / kSpeedOfSound * fs)));
  const int64_t window = std::max<int64_t>(1, std::llround(0.02 * fs));
  const double decay = std::log(1e6) / (room.rt60 * fs);  // energy decay per sample
  double images = 0, envelope = 0;
  for (int64_t i = std::max<int64_t>(0, join - window); i < join; ++i) {
    images += static_cast<double>(h[static_cast<size_t>(i)]) * h[static_cast<size_t>(i)];
    envelope += std::exp(-decay * static_cast<double>(i));
  }
  const double e0 = envelope > 0 ? images / envelope : 0.0;
  for (int64_t i = join; i < length; ++i) {
    const double amplitude = std::sqrt(e0 * std::exp(-decay * static_cast<double>(i)));
    h[static_cast<size_t>(i)] = static_cast<float>(amplitude * rng.Normal());
  }
  return h;
}

}  // namespace earshot
