// Room impulse responses of shoebox rooms, for reverberation.
//
//   SplitMix64 rng(7);
//   Room room = RandomRoom(0.6, 3.0, 10.0, rng);       // RT60 0.6 s, sides 3-10 m
//   std::vector<float> ir = RoomImpulseResponse(room, 16000, rng);
//
// The early part is the image-source method (Allen & Berkley 1979): every
// mirror image of the source in the six walls up to `early_seconds` of
// delay, each arriving after its distance / c with 1 / (4 pi d) times the
// walls' reflection coefficient once per reflection. The walls' absorption
// is Eyring's for the room's volume, surface and target RT60. Enumerating
// images up to the full decay would cost millions per response, so the
// late part is, as in hybrid room simulators, Gaussian noise under the
// exponential envelope of that RT60 (-60 dB at RT60), its level matched to
// the images' energy just before the join. Time 0 is the direct sound.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "earshot/util/random.h"

namespace earshot {

struct Room {
  std::array<double, 3> size{5.0, 4.0, 3.0};    // metres
  std::array<double, 3> source{1.5, 2.0, 1.5};  // metres from the corner at the origin
  std::array<double, 3> mic{3.5, 2.0, 1.2};
  double rt60 = 0.5;                            // seconds
  double early_seconds = 0.05;                  // image-source part
};

// Eyring's absorption coefficient, in (0, 1), of walls giving `rt60` in a
// room of that size: alpha = 1 - exp(-0.161 V / (S rt60)).
double EyringAbsorption(const std::array<double, 3>& size, double rt60);

// Floor sides uniform in [side_min, side_max] m, height uniform in
// [2.4, 4] m, source and microphone uniform at least 0.5 m from every wall
// (and the microphone at least 0.3 m from the source).
Room RandomRoom(double rt60, double side_min, double side_max, SplitMix64& rng);

// About 1.2 x rt60 seconds long (at least early_seconds + 50 ms), starting
// with the direct sound at sample 0 (amplitude 1 / (4 pi d)); draws the
// late part's noise from rng.
std::vector<float> RoomImpulseResponse(const Room& room, int sample_rate, SplitMix64& rng);

}  // namespace earshot
