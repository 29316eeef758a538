#include "earshot/data/corruption.h"

#include <charconv>
#include <cmath>

#include "earshot/audio/channel_response.h"
#include "earshot/audio/distortion.h"
#include "earshot/audio/fft_filter.h"
#include "earshot/audio/mix_snr.h"
#include "earshot/audio/phase_vocoder.h"
#include "earshot/audio/room_impulse.h"
#include "earshot/audio/telephone.h"
#include "earshot/data/augment.h"
#include "earshot/util/error.h"
#include "earshot/util/option_checks.h"

namespace earshot {
namespace {

struct Kind {
  const char* name;
  const char* parameter;  // "" for none
  double lo, hi;
  const char* unit;
  bool integer;
};

constexpr Kind kKinds[] = {
    {"noise", "snr", -20, 80, " dB", false},       {"reverb", "rt60", 0.05, 3, " s", false},
    {"telephone", "", 0, 0, "", false},            {"pitch", "semitones", -12, 12, "", false},
    {"tempo", "factor", 0.5, 2, "", false},        {"vtlp", "factor", 0.7, 1.4, "", false},
    {"highpass", "hz", 10, 2000, " Hz", false},    {"tilt", "db_per_octave", -12, 12, " dB", false},
    {"clip", "level", 0.01, 1, "", false},         {"codec", "bits", 2, 16, "", true},
};

constexpr uint64_t kCorruptionStream = 11;

std::string Trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t") - a + 1);
}

std::vector<std::string> SplitOn(const std::string& s, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t end = s.find(sep, start);
    parts.push_back(Trim(s.substr(start, end == std::string::npos ? std::string::npos : end - start)));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

const Kind& FindKind(const std::string& name, const std::string& part, const std::string& option) {
  std::string known;
  for (const Kind& k : kKinds) {
    if (name == k.name) return k;
    known += (known.empty() ? "" : ", ") + std::string(k.name);
  }
  ThrowOption(option + " '" + part + "': unknown corruption '" + name + "'; known: " + known);
}

std::string Usage(const Kind& k) { return std::string(k.name) + ":" + k.parameter + "=LEVEL"; }

double ParseLevel(const Kind& k, const std::string& text, const std::string& part,
                  const std::string& option) {
  double v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size() || !std::isfinite(v)) {
    ThrowOption(option + " '" + part + "': " + k.parameter + " should be a number. Given: '" + text + "'");
  }
  using option_checks::Str;
  if (!(v >= k.lo && v <= k.hi)) {
    ThrowOption(option + " '" + part + "': " + k.parameter + " = " + Str(v) + " is outside [" + Str(k.lo) +
                ", " + Str(k.hi) + "]" + k.unit);
  }
  if (k.integer && v != std::floor(v)) {
    ThrowOption(option + " '" + part + "': " + k.parameter + " should be a whole number. Given: " + Str(v));
  }
  return v;
}

}  // namespace

std::string Corruption::Name() const {
  return parameter.empty() ? kind : kind + ":" + parameter + "=" + option_checks::Str(level);
}

std::vector<Corruption> ParseCorruptions(const std::string& spec, const std::string& option) {
  std::vector<Corruption> out;
  for (const std::string& part : SplitOn(spec, ';')) {
    if (part.empty()) continue;
    const size_t colon = part.find(':');
    const Kind& k = FindKind(Trim(part.substr(0, colon)), part, option);
    if (*k.parameter == '\0') {
      if (colon != std::string::npos) ThrowOption(option + " '" + part + "': " + k.name + " takes no level");
      out.push_back({k.name, "", 0.0});
      continue;
    }
    if (colon == std::string::npos) {
      ThrowOption(option + " '" + part + "': " + k.name + " needs a level: " + Usage(k));
    }
    const std::string assignment = part.substr(colon + 1);
    const size_t eq = assignment.find('=');
    const std::string parameter = Trim(assignment.substr(0, eq));
    if (eq == std::string::npos || parameter != k.parameter) {
      ThrowOption(option + " '" + part + "': " + k.name + " takes " + k.parameter + ", as in " + Usage(k));
    }
    for (const std::string& level : SplitOn(assignment.substr(eq + 1), ',')) {
      out.push_back({k.name, k.parameter, ParseLevel(k, level, part, option)});
    }
  }
  if (out.empty()) ThrowOption(option + ": no corruption given (e.g. noise:snr=10;telephone)");
  return out;
}

SplitMix64 CorruptionRng(const Corruption& c, int64_t clip) {
  return SplitMix64::For(HashString(c.Name()), kCorruptionStream, 0, static_cast<uint64_t>(clip));
}

void ApplyCorruption(const Corruption& c, std::vector<float>& x, int rate, const ClipStore& noise,
                     SplitMix64& rng) {
  const int64_t n = static_cast<int64_t>(x.size());
  if (c.kind == "noise") {
    std::vector<float> v(x.size(), 0.f);
    if (noise.NumClips() > 0) {
      AddNoiseSegment(v.data(), n, noise, 1.0f, rng);
    } else {
      for (float& s : v) s = static_cast<float>(rng.Normal());
    }
    MixAtSnr(x.data(), n, v.data(), c.level);
  } else if (c.kind == "reverb") {
    const std::vector<float> ir = RoomImpulseResponse(RandomRoom(c.level, 3.0, 10.0, rng), rate, rng);
    Reverberate(x.data(), n, ir.data(), static_cast<int64_t>(ir.size()));
  } else if (c.kind == "telephone") {
    x = TelephoneBand(x.data(), n, rate);
  } else if (c.kind == "pitch") {
    x = PitchShift(x.data(), n, rate, c.level);
  } else if (c.kind == "tempo") {
    x = ChangeTempo(x.data(), n, rate, c.level);
  } else if (c.kind == "vtlp") {
    x = WarpVocalTract(x.data(), n, rate, c.level);
  } else if (c.kind == "highpass" || c.kind == "tilt") {
    ChannelResponse channel;
    (c.kind == "highpass" ? channel.highpass_hz : channel.tilt_db_per_octave) = c.level;
    ApplyChannel(x.data(), n, rate, channel);
  } else if (c.kind == "clip") {
    HardClip(x.data(), n, c.level);
  } else if (c.kind == "codec") {
    MuLawQuantize(x.data(), n, static_cast<int>(c.level));
  } else {
    ThrowOption("unknown corruption '" + c.kind + "'");
  }
}

}  // namespace earshot
