// The clip store at Speech Commands v2 size: generates N one-second 16-bit
// WAVs at 16 kHz (noise and tones, in 35 class folders, plus six minutes of
// background noise) unless they are already there, then times LoadClips on
// the given threads and reports the peak resident memory (VmHWM), and times
// one evaluation epoch of 40 log-mels through the batch loader.
//
//   bench_loader --dir /work/tmp/sc_bench --clips 105000 --threads 2
//   bench_loader --help
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "earshot/audio/decode.h"
#include "earshot/data/example_rng.h"
#include "earshot/data/loader.h"

namespace {

namespace fs = std::filesystem;
using earshot::SplitMix64;

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// A field of /proc/self/status in MiB (VmHWM: peak resident, VmRSS: now).
double StatusMiB(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::atof(line.c_str() + field.size() + 1) / 1024.0;
  }
  return -1;
}

// A clip: a tone with a random pitch over noise at a random level.
std::vector<float> MakeClip(int64_t index, int64_t n) {
  SplitMix64 rng = SplitMix64::For(7, 0, 0, static_cast<uint64_t>(index));
  const double f = rng.Uniform(100.0, 4000.0), tone = rng.Uniform(0.0, 0.4);
  const double noise = rng.Uniform(0.01, 0.2);
  std::vector<float> x(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    x[i] = static_cast<float>(tone * std::sin(2 * M_PI * f * i / 16000.0) +
                              noise * rng.Uniform(-1.0, 1.0));
  }
  return x;
}

earshot::Dataset Generate(const fs::path& dir, int64_t clips) {
  earshot::Dataset ds;
  ds.root = dir.string();
  ds.layout = "speech_commands";
  for (int c = 0; c < 35; ++c) ds.classes.push_back("word" + std::to_string(c));
  const fs::path done = dir / ("complete_" + std::to_string(clips));
  const bool exists = fs::exists(done);
  if (!exists) {
    std::cerr << "writing " << clips << " clips under " << dir << "\n";
    for (const auto& w : ds.classes) fs::create_directories(dir / w);
    fs::create_directories(dir / "_background_noise_");
  }
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < clips; ++i) {
    earshot::ClipRef ref;
    ref.label = static_cast<int>(i % 35);
    ref.path = (dir / ds.classes[ref.label] / ("clip_" + std::to_string(i) + ".wav")).string();
    ref.id = ref.path;
    if (!exists) earshot::WriteWav(ref.path, MakeClip(i, 16000), 16000);
    ds.clips.push_back(std::move(ref));
  }
  for (int k = 0; k < 6; ++k) {
    const std::string path = (dir / "_background_noise_" / ("noise_" + std::to_string(k) + ".wav")).string();
    if (!exists) earshot::WriteWav(path, MakeClip(-1 - k, 60 * 16000), 16000);
    ds.noise_files.push_back(path);
  }
  if (!exists) {
    std::ofstream(done) << clips << "\n";
    std::printf("generated %lld clips in %.1f s\n", static_cast<long long>(clips), Seconds(start));
  }
  return ds;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "/tmp/earshot_loader_bench";
  int64_t clips = 105000;
  int threads = 2;
  const char* usage =
      "usage: bench_loader [--dir DIR] [--clips N] [--threads T]\n"
      "  Generates N one-second WAVs in DIR (once), times loading them into the clip\n"
      "  store on T threads and one evaluation epoch of log-mels through the loader.\n"
      "  --dir      where the clips are (default /tmp/earshot_loader_bench)\n"
      "  --clips    clips to generate (default 105000, Speech Commands v2)\n"
      "  --threads  decoding threads (default 2)\n";
  for (int i = 1; i < argc; i += 2) {
    const std::string key = argv[i];
    if (key == "--help" || key == "-h") {
      std::cout << usage;
      return 0;
    }
    if (i + 1 == argc) {
      std::cerr << "bench_loader: " << key << " needs a value\n" << usage;
      return 2;
    }
    const std::string value = argv[i + 1];
    if (key == "--dir") dir = value;
    else if (key == "--clips") clips = std::atoll(value.c_str());
    else if (key == "--threads") threads = std::atoi(value.c_str());
    else {
      std::cerr << "bench_loader: unknown option " << key << "\n" << usage;
      return 2;
    }
  }
  try {
    const earshot::Dataset ds = Generate(dir, clips);
    const double rss_before = StatusMiB("VmRSS");
    earshot::StoreOptions so;
    so.threads = threads;
    auto start = std::chrono::steady_clock::now();
    const earshot::LoadedClips loaded = earshot::LoadClips(ds, 16000, so);
    const double load_s = Seconds(start);
    std::printf("load: %lld clips + %lld noise files, %d threads: %.1f s (%.0f clips/s)\n",
                static_cast<long long>(loaded.clips.NumClips()),
                static_cast<long long>(loaded.noise.NumClips()), threads, load_s,
                loaded.clips.NumClips() / load_s);
    std::printf("store: %.1f MiB clips + %.1f MiB noise; VmRSS before load %.1f MiB, "
                "VmHWM after load %.1f MiB\n",
                loaded.clips.Bytes() / 1048576.0, loaded.noise.Bytes() / 1048576.0, rss_before,
                StatusMiB("VmHWM"));
    if (!loaded.bad.bad.empty()) std::cout << loaded.bad.Summary();

    earshot::FrontEndOptions fo;  // 40 log-mels, 30 ms / 10 ms
    earshot::FrontEnd fe(fo);
    earshot::LoaderOptions lo;
    lo.threads = threads;
    std::vector<int64_t> all(ds.clips.size());
    for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int64_t>(i);
    for (auto mode : {earshot::BatchLoader::Mode::kEval, earshot::BatchLoader::Mode::kTrain}) {
      const bool train = mode == earshot::BatchLoader::Mode::kTrain;
      lo.augment.noise = lo.augment.shift = train;
      earshot::BatchLoader loader(ds, loaded, all, fe, lo, mode);
      start = std::chrono::steady_clock::now();
      int64_t examples = 0;
      double checksum = 0;
      loader.Start(0);
      while (auto batch = loader.Next()) {
        examples += batch->size;
        checksum += batch->features[0];
      }
      const double epoch_s = Seconds(start);
      std::printf("%s epoch (40 log-mels%s), batch 32, %d threads: %.1f s (%.0f examples/s, "
                  "checksum %.3f)\n",
                  train ? "training" : "evaluation", train ? ", noise + shift" : "", threads,
                  epoch_s, examples / epoch_s, checksum);
    }
    std::printf("VmHWM at the end %.1f MiB\n", StatusMiB("VmHWM"));
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
