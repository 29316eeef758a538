#include "earshot/data/augment_wave.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "earshot/audio/channel_response.h"
#include "earshot/audio/decode.h"
#include "earshot/audio/distortion.h"
#include "earshot/audio/fft_filter.h"
#include "earshot/audio/mix_snr.h"
#include "earshot/audio/phase_vocoder.h"
#include "earshot/audio/room_impulse.h"
#include "earshot/audio/telephone.h"
#include "earshot/data/augment.h"
#include "earshot/util/error.h"

namespace earshot {

void AugmentVoice(std::vector<float>& raw, int rate, const AugmentOptions& o, SplitMix64& rng) {
  auto n = [&] { return static_cast<int64_t>(raw.size()); };
  if (o.tempo && rng.Chance(o.tempo_probability)) {
    raw = ChangeTempo(raw.data(), n(), rate, rng.Uniform(o.tempo_min, o.tempo_max));
  }
  if (o.pitch && rng.Chance(o.pitch_probability)) {
    raw = PitchShift(raw.data(), n(), rate, rng.Uniform(-o.pitch_semitones, o.pitch_semitones));
  }
  if (o.vtlp && rng.Chance(o.vtlp_probability)) {
    raw = WarpVocalTract(raw.data(), n(), rate, rng.Uniform(o.vtlp_min, o.vtlp_max));
  }
}

void AugmentRoom(float* wave, int64_t n, int rate, const AugmentOptions& o, const AugmentSources& s,
                 SplitMix64& rng) {
  if (!o.reverb || !rng.Chance(o.reverb_probability)) return;
  std::vector<float> synthesised;
  const std::vector<float>* ir = &synthesised;
  if (!s.impulse_responses.empty() && rng.Chance(o.reverb_folder_share)) {
    ir = &rng.Pick(s.impulse_responses);
  } else {
    const Room room = RandomRoom(rng.Uniform(o.reverb_rt60_min, o.reverb_rt60_max), o.reverb_room_min,
                                 o.reverb_room_max, rng);
    synthesised = RoomImpulseResponse(room, rate, rng);
  }
  Reverberate(wave, n, ir->data(), static_cast<int64_t>(ir->size()));
}

std::vector<float> MakeBabble(const ClipStore& speech, const std::vector<int64_t>& rows, int talkers,
                              int64_t n, SplitMix64& rng) {
  std::vector<float> babble(static_cast<size_t>(n), 0.f);
  for (int t = 0; t < talkers && !rows.empty(); ++t) {
    const std::vector<float> clip = speech.Read(rng.Pick(rows));
    const int64_t len = static_cast<int64_t>(clip.size());
    const double power = MeanPower(clip.data(), len);
    const int64_t offset = rng.UniformInt(0, std::max<int64_t>(0, len - 1));
    if (power <= 0) continue;
    const float g = static_cast<float>(1.0 / std::sqrt(power));
    for (int64_t i = 0; i < n; ++i) babble[static_cast<size_t>(i)] += g * clip[static_cast<size_t>((offset + i) % len)];
  }
  return babble;
}

void AugmentNoise(float* wave, int64_t n, const AugmentOptions& o, const AugmentSources& s,
                  SplitMix64& rng) {
  if (o.noise && o.noise_snr && s.noise && rng.Chance(o.noise_frequency)) {
    std::vector<float> noise(static_cast<size_t>(n), 0.f);
    AddNoiseSegment(noise.data(), n, *s.noise, 1.0f, rng);
    MixAtSnr(wave, n, noise.data(), rng.Uniform(o.snr_min, o.snr_max));
  }
  if (o.babble && s.speech && rng.Chance(o.babble_probability)) {
    const int talkers = rng.Int(o.babble_talkers_min, o.babble_talkers_max);
    const std::vector<float> babble = MakeBabble(*s.speech, s.babble_rows, talkers, n, rng);
    MixAtSnr(wave, n, babble.data(), rng.Uniform(o.snr_min, o.snr_max));
  }
}

void AugmentChannel(float* wave, int64_t n, int rate, const AugmentOptions& o, SplitMix64& rng) {
  ChannelResponse channel;
  bool shaped = false;
  if (o.eq && rng.Chance(o.eq_probability)) {
    for (int b = 0; b < o.eq_bands; ++b) {
      EqualizerBand band;
      band.hz = 100.0 * std::pow(60.0, rng.Uniform());  // log-uniform 100-6000 Hz
      band.gain_db = rng.Uniform(-o.eq_db, o.eq_db);
      band.octaves = rng.Uniform(0.3, 1.5);
      channel.bands.push_back(band);
    }
    channel.tilt_db_per_octave = rng.Uniform(-o.eq_tilt_db, o.eq_tilt_db);
    shaped = true;
  }
  if (o.highpass && rng.Chance(o.highpass_probability)) {
    channel.highpass_hz = rng.Uniform(o.highpass_hz_min, o.highpass_hz_max);
    shaped = true;
  }
  if (shaped) ApplyChannel(wave, n, rate, channel);
  if (o.telephone && rng.Chance(o.telephone_probability)) {
    const std::vector<float> line = TelephoneBand(wave, n, rate);
    std::copy(line.begin(), line.end(), wave);
  }
  if (o.distortion && rng.Chance(o.distortion_probability)) {
    if (rng.Chance(0.5)) {
      HardClip(wave, n, rng.Uniform(o.clip_level_min, 1.0));
    } else {
      MuLawQuantize(wave, n, rng.Int(o.quantize_bits_min, o.quantize_bits_max));
    }
  }
}

std::vector<std::vector<float>> LoadImpulseResponses(const std::string& folder, int sample_rate) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    ThrowOption("--augment.reverb_folder: '" + folder + "' is not a readable folder");
  }
  std::vector<std::string> paths;
  for (const auto& e : fs::directory_iterator(folder, ec)) {
    if (e.is_regular_file()) paths.push_back(e.path().string());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<std::vector<float>> irs;
  for (const std::string& p : paths) {
    const std::string ext = fs::path(p).extension().string();
    if (ext == ".txt" || ext == ".md" || ext == ".csv" || ext == ".json") continue;
    std::vector<float> h = DecodeFile(p, sample_rate);
    if (h.empty()) continue;
    const auto peak = std::max_element(h.begin(), h.end(), [](float a, float b) { return std::abs(a) < std::abs(b); });
    if (*peak == 0.f) ThrowBadData(p + ": the impulse response is silent");
    h.erase(h.begin(), peak);
    irs.push_back(std::move(h));
  }
  if (irs.empty()) ThrowOption("--augment.reverb_folder: '" + folder + "' holds no sound file");
  return irs;
}

}  // namespace earshot
