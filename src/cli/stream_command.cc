// `earshot stream BUNDLE INPUT`: keyword events over a sound file of any
// length, raw PCM on stdin, or a microphone (ALSA), as they happen.
#include <alsa/asoundlib.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "earshot/audio/decode.h"
#include "earshot/audio/resampler.h"
#include "earshot/stream/detector.h"
#include "earshot/stream/pcm_reader.h"
#include "earshot/training/trainer.h"
#include "earshot/util/error.h"
#include "option_flags.h"

namespace earshot::cli {
namespace {

struct StreamArgs {
  std::string bundle, input;
  std::string mic;                // ALSA device, with --mic
  std::string format = "s16le";   // raw PCM on stdin
  int rate = 0;                   // of the raw PCM or the microphone, when --rate is given
  std::string output_format = "json";
  std::vector<std::string> thresholds;  // LABEL=VALUE, or VALUE for every label
  double chunk_ms = 100.0;
  double seconds = 0.0;           // stop after this much input; 0 = at its end (Ctrl-C for a microphone)
  int threads = 1;
  StreamOptions options;
};

std::atomic<bool> g_stop{false};
extern "C" void OnStreamInterrupt(int) { g_stop = true; }

// Events as they happen, one line each, flushed.
class EventWriter {
 public:
  explicit EventWriter(const std::string& format) : csv_(format == "csv") {
    if (csv_) std::cout << "start_ms,end_ms,label,score" << std::endl;
  }
  void Write(const std::vector<StreamEvent>& events) {
    for (const StreamEvent& e : events) {
      if (csv_) {
        std::cout << Number(e.start_ms) << "," << Number(e.end_ms) << "," << e.label << "," << e.score << "\n";
      } else {
        nlohmann::ordered_json j;  // the keys in this order
        j["start_ms"] = e.start_ms;
        j["end_ms"] = e.end_ms;
        j["label"] = e.label;
        j["score"] = e.score;
        std::cout << j.dump() << "\n";
      }
    }
    if (!events.empty()) std::cout.flush();
  }

 private:
  static std::string Number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
  }
  bool csv_;
};

// Samples at any rate in, the detector's rate out, events written.
class Feeder {
 public:
  Feeder(StreamingDetector& d, int rate, EventWriter& out, double seconds)
      : detector_(d), out_(out),
        limit_(seconds > 0 ? static_cast<int64_t>(seconds * rate + 0.5) : -1) {
    if (rate != d.sample_rate()) resampler_ = std::make_unique<Resampler>(rate, d.sample_rate());
  }
  // False once the --seconds limit is reached.
  bool Push(const float* x, int64_t n) {
    if (limit_ >= 0) n = std::min(n, limit_ - fed_);
    fed_ += n;
    if (!resampler_) {
      out_.Write(detector_.Push(x, n));
    } else {
      resampled_.clear();
      resampler_->Push(x, n, &resampled_);
      out_.Write(detector_.Push(resampled_));
    }
    return limit_ < 0 || fed_ < limit_;
  }
  void Finish() {
    if (!resampler_) return;
    resampled_.clear();
    resampler_->Finish(&resampled_);
    out_.Write(detector_.Push(resampled_));
  }

 private:
  StreamingDetector& detector_;
  EventWriter& out_;
  int64_t limit_, fed_ = 0;
  std::unique_ptr<Resampler> resampler_;
  std::vector<float> resampled_;
};

void StreamFile(const StreamArgs& a, StreamingDetector& d, EventWriter& out) {
  // Decoded and resampled as predict does, then fed in chunks.
  const std::vector<float> x = DecodeFile(a.input, d.sample_rate());
  Feeder feed(d, d.sample_rate(), out, a.seconds);
  const int64_t chunk = std::max<int64_t>(1, static_cast<int64_t>(a.chunk_ms * d.sample_rate() / 1000.0));
  for (int64_t at = 0; at < static_cast<int64_t>(x.size()) && !g_stop; at += chunk) {
    if (!feed.Push(x.data() + at, std::min<int64_t>(chunk, static_cast<int64_t>(x.size()) - at))) break;
  }
}

void StreamStdin(const StreamArgs& a, StreamingDetector& d, EventWriter& out) {
  const int rate = a.rate > 0 ? a.rate : d.sample_rate();
  const size_t width = PcmSampleBytes(a.format);
  // Converted and resampled to the detector's rate by the reader; --seconds
  // counts the detector's samples.
  PcmReader reader(a.format, rate, d.sample_rate(), "stdin");
  Feeder feed(d, d.sample_rate(), out, a.seconds);
  const size_t block = std::max<size_t>(width, static_cast<size_t>(a.chunk_ms * rate / 1000.0) * width);
  std::vector<unsigned char> bytes(block);
  std::vector<float> samples;
  while (!g_stop) {
    const ssize_t got = read(STDIN_FILENO, bytes.data(), block);
    if (got < 0) {
      if (errno == EINTR) continue;
      ThrowIo(std::string("stdin: read failed: ") + std::strerror(errno));
    }
    if (got == 0) break;
    samples.clear();
    reader.Push(bytes.data(), static_cast<size_t>(got), &samples);
    if (!feed.Push(samples.data(), static_cast<int64_t>(samples.size()))) return;  // --seconds reached
  }
  samples.clear();
  if (g_stop) {
    reader.Flush(&samples);
  } else {
    reader.Finish(&samples);
  }
  feed.Push(samples.data(), static_cast<int64_t>(samples.size()));
}

struct PcmCloser {
  void operator()(snd_pcm_t* p) const { snd_pcm_close(p); }
};

void StreamMic(const StreamArgs& a, StreamingDetector& d, EventWriter& out) {
  const std::string& dev = a.mic;
  auto fail = [&](const std::string& what, int err) {
    ThrowIo("--mic " + dev + ": " + what + " (" + snd_strerror(err) + ")");
  };
  snd_pcm_t* raw = nullptr;
  int err = snd_pcm_open(&raw, dev.c_str(), SND_PCM_STREAM_CAPTURE, 0);
  if (err < 0) fail("cannot open the capture device", err);
  std::unique_ptr<snd_pcm_t, PcmCloser> pcm(raw);
  snd_pcm_hw_params_t* hw = nullptr;
  snd_pcm_hw_params_alloca(&hw);
  if ((err = snd_pcm_hw_params_any(raw, hw)) < 0) fail("no capture configuration", err);
  if ((err = snd_pcm_hw_params_set_access(raw, hw, SND_PCM_ACCESS_RW_INTERLEAVED)) < 0) fail("no interleaved access", err);
  if ((err = snd_pcm_hw_params_set_format(raw, hw, SND_PCM_FORMAT_S16_LE)) < 0) fail("no 16-bit capture", err);
  unsigned channels = 1;
  if ((err = snd_pcm_hw_params_set_channels_near(raw, hw, &channels)) < 0) fail("no channel count", err);
  unsigned rate = static_cast<unsigned>(a.rate > 0 ? a.rate : d.sample_rate());
  if ((err = snd_pcm_hw_params_set_rate_near(raw, hw, &rate, nullptr)) < 0) fail("no sample rate", err);
  snd_pcm_uframes_t period = static_cast<snd_pcm_uframes_t>(std::max(1.0, a.chunk_ms * rate / 1000.0));
  if ((err = snd_pcm_hw_params_set_period_size_near(raw, hw, &period, nullptr)) < 0) fail("no period size", err);
  snd_pcm_uframes_t buffer = period * 4;
  if ((err = snd_pcm_hw_params_set_buffer_size_near(raw, hw, &buffer)) < 0) fail("no buffer size", err);
  if ((err = snd_pcm_hw_params(raw, hw)) < 0) fail("cannot set 16-bit capture at " + std::to_string(rate) + " Hz", err);
  std::cerr << "listening on " << dev << ": " << rate << " Hz, " << channels << " channel(s)"
            << (static_cast<int>(rate) != d.sample_rate() ? ", resampled to " + std::to_string(d.sample_rate()) : "")
            << "; Ctrl-C stops\n";
  Feeder feed(d, static_cast<int>(rate), out, a.seconds);
  std::vector<int16_t> frames(period * channels);
  std::vector<float> mono;
  while (!g_stop) {
    const snd_pcm_sframes_t got = snd_pcm_readi(raw, frames.data(), period);
    if (got == -EINTR) continue;
    if (got < 0) {
      if (got == -EPIPE) std::cerr << "warning: --mic " << dev << ": capture overrun, samples were lost\n";
      if ((err = snd_pcm_recover(raw, static_cast<int>(got), 1)) < 0) fail("capture failed", err);
      continue;
    }
    if (got == 0) break;
    mono.assign(static_cast<size_t>(got), 0.f);
    for (snd_pcm_sframes_t i = 0; i < got; ++i) {
      float sum = 0;
      for (unsigned c = 0; c < channels; ++c) sum += frames[static_cast<size_t>(i) * channels + c];
      mono[static_cast<size_t>(i)] = sum / (32768.0f * static_cast<float>(channels));
    }
    if (!feed.Push(mono.data(), got)) break;
  }
  feed.Finish();
}

std::map<std::string, double> ParseThresholds(const std::vector<std::string>& given, StreamOptions& options) {
  std::map<std::string, double> out;
  for (const std::string& t : given) ParseThreshold(t, &options, &out);
  return out;
}

void Run(StreamArgs a, bool mic_given, bool rate_given) {
  if (a.format != "s16le" && a.format != "f32le") {
    ThrowOption("--format should be s16le | f32le. Given: '" + a.format + "'");
  }
  if (a.output_format != "json" && a.output_format != "csv") {
    ThrowOption("--output-format should be json | csv. Given: '" + a.output_format + "'");
  }
  if (rate_given && a.rate <= 0) ThrowOption("--rate should be > 0 (Hz). Given: " + std::to_string(a.rate));
  if (!(a.chunk_ms > 0)) ThrowOption("--chunk-ms should be > 0. Given: " + std::to_string(a.chunk_ms));
  if (!(a.seconds >= 0)) ThrowOption("--seconds should be >= 0. Given: " + std::to_string(a.seconds));
  if (a.threads < 1) ThrowOption("--threads should be >= 1. Given: " + std::to_string(a.threads));
  if (mic_given && !a.input.empty()) {
    ThrowOption("give INPUT or --mic, not both (INPUT '" + a.input + "')");
  }
  if (!mic_given && a.input.empty()) ThrowOption("give INPUT (a sound file, or - for raw PCM on stdin) or --mic");
  if (mic_given && a.mic.empty()) a.mic = "default";
  if (!mic_given && a.input != "-" && rate_given) {
    ThrowOption("--rate is for raw PCM on stdin and the microphone: a sound file's header gives its rate");
  }
  const std::map<std::string, double> thresholds = ParseThresholds(a.thresholds, a.options);
  SetComputeThreads(a.threads);
  StreamingDetector detector(a.bundle, a.options, thresholds);
  EventWriter out(a.output_format);
  g_stop = false;
  struct sigaction act {};
  act.sa_handler = OnStreamInterrupt;  // no SA_RESTART: a blocked read returns EINTR
  sigaction(SIGINT, &act, nullptr);
  sigaction(SIGTERM, &act, nullptr);
  if (mic_given) {
    StreamMic(a, detector, out);
  } else if (a.input == "-") {
    StreamStdin(a, detector, out);
  } else {
    StreamFile(a, detector, out);
  }
  std::cout.flush();
  if (g_stop) std::cerr << "stopped after " << detector.samples() * 1000 / detector.sample_rate() << " ms of audio\n";
}

}  // namespace

void AddStreamCommand(CLI::App& app) {
  auto args = std::make_shared<StreamArgs>();
  CLI::App* cmd = app.add_subcommand(
      "stream",
      "Detect keywords in a long sound file, raw PCM on stdin or a microphone, as events.\n"
      "  earshot stream runs/kws/model/best.bundle long.wav --threshold yes=0.8");
  cmd->add_option("bundle", args->bundle, "the model bundle")->required();
  cmd->add_option("input", args->input, "a sound file of any length, or - for raw PCM on stdin");
  CLI::Option* mic = cmd->add_option("--mic", args->mic, "capture from an ALSA device (default: default)")
                         ->expected(0, 1);
  cmd->add_option("--format", args->format, "raw PCM on stdin: s16le | f32le (mono, little-endian)")
      ->capture_default_str();
  CLI::Option* rate = cmd->add_option(
      "--rate", args->rate, "rate of the raw PCM or the microphone, resampled to the model's (default: the model's)");
  cmd->add_option("--threshold", args->thresholds,
                  "LABEL=VALUE: a label's detection threshold (over the bundle's); VALUE: the default (repeatable)");
  cmd->add_option("--output-format", args->output_format, "json (one object per line) | csv")->capture_default_str();
  cmd->add_option("--chunk-ms", args->chunk_ms, "input fed to the detector in chunks of this length")
      ->capture_default_str();
  cmd->add_option("--seconds", args->seconds, "stop after this much input; 0: at its end (Ctrl-C stops too)")
      ->capture_default_str();
  cmd->add_option("--threads", args->threads, "LibTorch threads")->capture_default_str();
  FlagRules rules;
  rules.flat_groups = {"smoothing"};
  const OptionFlags flags = AddOptionFlags(cmd, args->options, rules);
  cmd->callback([args, mic, rate, flags] { flags.Naming([&] { Run(*args, mic->count() > 0, rate->count() > 0); }); });
}

}  // namespace earshot::cli
