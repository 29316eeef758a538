#include "earshot/data/loader.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "earshot/data/augment.h"
#include "earshot/data/augment_wave.h"
#include "earshot/data/clip_length.h"
#include "earshot/util/error.h"

namespace earshot {
namespace {

// TF speech_commands: silence is background noise at a random volume, or
// zeros when there is none.
void FillSilence(float* wave, int64_t length, const ClipStore& noise, double max_volume,
                 SplitMix64& rng) {
  std::fill(wave, wave + length, 0.f);
  const float volume = static_cast<float>(rng.Uniform(0.0, max_volume));
  AddNoiseSegment(wave, length, noise, volume, rng);
  for (int64_t i = 0; i < length; ++i) wave[i] = std::clamp(wave[i], -1.0f, 1.0f);
}

// Evaluation draws (silence clips) are the same every epoch.
constexpr uint64_t kEvalEpochKey = 0;

}  // namespace

std::vector<float> SilenceClip(const LoaderOptions& options, const ClipStore& noise, int64_t clip) {
  const int64_t length = options.clip.Length(noise.sample_rate());
  std::vector<float> wave(static_cast<size_t>(length));
  SplitMix64 rng = SplitMix64::For(options.seed, kExampleStream, kEvalEpochKey, clip);
  FillSilence(wave.data(), length, noise, options.silence_volume, rng);
  return wave;
}

std::string Exclusions::Summary() const {
  if (bad_files == 0 && wrong_length == 0) return "";
  return "left out " + std::to_string(bad_files + wrong_length) + " clips: " +
         std::to_string(bad_files) + " unreadable (named in the load report), " +
         std::to_string(wrong_length) + " not of the clip length (pad_crop = drop)";
}

struct BatchLoader::Impl {
  Impl(const Dataset& d, const LoadedClips& l, const FrontEnd& f, const LoaderOptions& o, Mode m)
      : dataset(d), loaded(l), frontend(f), options(o), mode(m) {}

  // Per-worker buffers, reused from example to example.
  struct Scratch {
    std::vector<float> raw, wave;
  };

  void Stop();
  void Work(int worker, int workers);
  Batch Assemble(int64_t index, Scratch& scratch) const;
  std::pair<int64_t, int64_t> Range(int64_t index) const;  // first example, size
  void Example(int64_t clip, Scratch& s, float* features, float* target) const;

  const Dataset& dataset;
  const LoadedClips& loaded;
  const FrontEnd& frontend;
  const LoaderOptions options;
  const Mode mode;
  std::vector<int64_t> clips;  // usable clips, in the order given
  Exclusions excluded;
  int64_t length = 0;          // samples per clip
  std::vector<int64_t> shape;  // features per example
  int64_t example_size = 0;
  int64_t classes = 0;
  int64_t num_batches = 0;
  bool fold_last = false;      // the last batch holds batch_size + 1 examples
  int part = 0, parts = 1;     // this loader's share of every batch (Shard)
  FeatureNorm norm;
  AugmentSources sources;      // noise, babble and impulse responses of the augmentations

  // The epoch in progress.
  uint64_t epoch_key = 0;
  std::vector<int64_t> order;
  std::vector<std::thread> workers;
  std::mutex mutex;
  std::condition_variable ready_cv, space_cv;
  std::map<int64_t, Batch> ready;  // assembled, not yet taken
  int64_t next = 0;                // the batch Next returns
  bool started = false;
  bool stop = false;
  std::exception_ptr error;
};

BatchLoader::BatchLoader(const Dataset& dataset, const LoadedClips& loaded,
                         std::vector<int64_t> clip_indices, const FrontEnd& frontend,
                         const LoaderOptions& options, Mode mode)
    : impl_(new Impl(dataset, loaded, frontend, options, mode)) {
  Impl& m = *impl_;
  ValidateOptions(options, "loader");
  const int rate = frontend.options().sample_rate;
  if (loaded.clips.sample_rate() != rate) {
    ThrowMismatch("the clips were loaded at " + std::to_string(loaded.clips.sample_rate()) +
                  " Hz, the front end expects " + std::to_string(rate) + " Hz");
  }
  if (loaded.row.size() != dataset.clips.size()) {
    ThrowMismatch("LoadedClips holds " + std::to_string(loaded.row.size()) +
                  " clips, the data set " + std::to_string(dataset.clips.size()));
  }
  const AugmentOptions& a = options.augment;
  const bool train = mode == Mode::kTrain;
  if (train && a.noise && loaded.noise.NumClips() == 0) {
    ThrowOption("--augment.noise = true, but the data set has no readable noise files");
  }
  if (train && a.reverb && !a.reverb_folder.empty()) {
    m.sources.impulse_responses = LoadImpulseResponses(a.reverb_folder, rate);
  }
  m.sources.noise = &loaded.noise;
  m.sources.speech = &loaded.clips;
  m.length = options.clip.Length(rate);
  m.shape = frontend.OutputShape(m.length);
  m.example_size = frontend.OutputSize(m.length);
  if (train && a.spec_augment && frontend.options().feature == "waveform") {
    ThrowOption("--augment.spec_augment = true needs spectral features. Given: feature = waveform");
  }
  m.classes = static_cast<int64_t>(dataset.classes.size());
  const bool drop = options.clip.pad_crop == "drop";
  for (int64_t c : clip_indices) {
    if (c < 0 || c >= static_cast<int64_t>(dataset.clips.size())) {
      ThrowMismatch("clip index " + std::to_string(c) + " is outside the data set's " +
                    std::to_string(dataset.clips.size()) + " clips");
    }
    const ClipRef& ref = dataset.clips[c];
    if (ref.label >= m.classes) {
      ThrowMismatch(ref.id + ": label " + std::to_string(ref.label) + " but only " +
                    std::to_string(m.classes) + " classes");
    }
    if (!ref.soft.empty() && static_cast<int64_t>(ref.soft.size()) != m.classes) {
      ThrowMismatch(ref.id + ": " + std::to_string(ref.soft.size()) +
                    " soft-label values for " + std::to_string(m.classes) + " classes");
    }
    const int64_t row = loaded.row[c];
    if (row == LoadedClips::kBad) {
      ++m.excluded.bad_files;
    } else if (drop && row != LoadedClips::kSilence && loaded.clips.Length(row) != m.length) {
      ++m.excluded.wrong_length;
    } else {
      m.clips.push_back(c);
      if (ref.label >= 0 && ref.label == dataset.unknown_class && row != LoadedClips::kSilence) {
        m.sources.babble_rows.push_back(row);
      }
    }
  }
  if (train && a.babble && m.sources.babble_rows.empty()) {
    ThrowOption("--augment.babble = true, but the training clips hold no readable unknown-word clip");
  }
  const int64_t n = static_cast<int64_t>(m.clips.size());
  const int64_t b = options.batch_size;
  // Training never ends on a batch of one (batch norm after a dense layer
  // cannot train on it): drop_last leaves the partial batch out, otherwise
  // a lone last example joins the batch before it, one larger than the rest.
  m.fold_last = train && !options.drop_last && b > 1 && n > b && n % b == 1;
  m.num_batches = (train && options.drop_last) || m.fold_last ? n / b : (n + b - 1) / b;
}

std::pair<int64_t, int64_t> BatchLoader::Impl::Range(int64_t index) const {
  const int64_t b = options.batch_size;
  const int64_t first = index * b;
  const int64_t rest = static_cast<int64_t>(order.size()) - first;
  const int64_t size = fold_last && index == num_batches - 1 ? rest : std::min(b, rest);
  // Share `part` of `parts`: the examples [size * part / parts, size * (part + 1) / parts).
  const int64_t lo = size * part / parts, hi = size * (part + 1) / parts;
  return {first + lo, hi - lo};
}

BatchLoader::~BatchLoader() { impl_->Stop(); }

int64_t BatchLoader::NumExamples() const { return static_cast<int64_t>(impl_->clips.size()); }
int64_t BatchLoader::NumBatches() const { return impl_->num_batches; }
int64_t BatchLoader::NumClasses() const { return impl_->classes; }
std::vector<int64_t> BatchLoader::ExampleShape() const { return impl_->shape; }
const Exclusions& BatchLoader::excluded() const { return impl_->excluded; }
BatchLoader::Mode BatchLoader::mode() const { return impl_->mode; }
const FeatureNorm& BatchLoader::norm() const { return impl_->norm; }

void BatchLoader::SetNorm(const FeatureNorm& norm) {
  impl_->Stop();
  if (norm.mode == "per_position" && static_cast<int64_t>(norm.mean.size()) != impl_->example_size) {
    ThrowMismatch("per-position feature normalisation has " + std::to_string(norm.mean.size()) +
                  " values, an example has " + std::to_string(impl_->example_size));
  }
  impl_->norm = norm;
}

void BatchLoader::Shard(int part, int parts) {
  if (parts < 1 || part < 0 || part >= parts) {
    throw Error(ErrorKind::kInternal, "BatchLoader::Shard: part " + std::to_string(part) + " of " +
                                          std::to_string(parts));
  }
  impl_->Stop();
  impl_->part = part;
  impl_->parts = parts;
}

void BatchLoader::Start(int epoch) {
  Impl& m = *impl_;
  m.Stop();
  const bool train = m.mode == Mode::kTrain;
  m.epoch_key = train ? static_cast<uint64_t>(epoch) : kEvalEpochKey;
  m.order = m.clips;
  if (train && m.options.shuffle) {
    SplitMix64 rng = SplitMix64::For(m.options.seed, kShuffleStream, m.epoch_key, 0);
    Shuffle(m.order, rng);
  }
  m.next = 0;
  m.started = true;
  const int workers = static_cast<int>(std::min<int64_t>(m.options.threads, m.num_batches));
  for (int w = 0; w < workers; ++w) m.workers.emplace_back([&m, w, workers] { m.Work(w, workers); });
}

std::optional<Batch> BatchLoader::Next() {
  Impl& m = *impl_;
  if (!m.started) {
    throw Error(ErrorKind::kInternal, "BatchLoader::Next: no epoch in progress; call Start(epoch)");
  }
  if (m.next >= m.num_batches) {
    m.Stop();
    return std::nullopt;
  }
  std::unique_lock<std::mutex> lock(m.mutex);
  m.ready_cv.wait(lock, [&] { return m.error || m.ready.count(m.next) > 0; });
  auto it = m.ready.find(m.next);
  if (it == m.ready.end()) {
    std::exception_ptr error = m.error;
    lock.unlock();
    m.Stop();
    std::rethrow_exception(error);
  }
  Batch batch = std::move(it->second);
  m.ready.erase(it);
  ++m.next;
  lock.unlock();
  m.space_cv.notify_all();
  return batch;
}

void BatchLoader::Impl::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stop = true;
  }
  space_cv.notify_all();
  for (auto& t : workers) t.join();
  workers.clear();
  ready.clear();
  error = nullptr;
  stop = false;
  // An epoch cut short cannot be resumed; a finished one keeps answering nullopt.
  if (next < num_batches) started = false;
}

void BatchLoader::Impl::Work(int worker, int num_workers) {
  Scratch scratch;
  // Worker w takes batches w, w + W, ...; the batch Next waits for is always
  // some worker's lowest, so the bound below never blocks it.
  for (int64_t b = worker; b < num_batches; b += num_workers) {
    {
      std::unique_lock<std::mutex> lock(mutex);
      space_cv.wait(lock, [&] { return stop || b < next + options.prefetch; });
      if (stop) return;
    }
    try {
      Batch batch = Assemble(b, scratch);
      std::lock_guard<std::mutex> lock(mutex);
      ready.emplace(b, std::move(batch));
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex);
      if (!error) error = std::current_exception();
      ready_cv.notify_all();
      return;
    }
    ready_cv.notify_all();
  }
}

Batch BatchLoader::Impl::Assemble(int64_t index, Scratch& scratch) const {
  const auto [first, size] = Range(index);
  Batch batch;
  batch.index = index;
  batch.size = size;
  batch.shape = shape;
  batch.features.resize(static_cast<size_t>(size * example_size));
  batch.targets.assign(static_cast<size_t>(size * classes), 0.f);
  batch.labels.resize(static_cast<size_t>(size));
  batch.clips.assign(order.begin() + first, order.begin() + first + size);
  for (int64_t i = 0; i < size; ++i) {
    const int64_t clip = batch.clips[i];
    batch.labels[i] = dataset.clips[clip].label;
    Example(clip, scratch, batch.features.data() + i * example_size,
            batch.targets.data() + i * classes);
  }
  if (mode == Mode::kTrain && options.augment.mixup) {
    SplitMix64 rng = SplitMix64::For(options.seed, kBatchStream, epoch_key, index);
    MixupBatch(batch.features.data(), size, example_size, batch.targets.data(), classes,
               options.augment.mixup_alpha, rng);
  }
  return batch;
}

void BatchLoader::Impl::Example(int64_t clip, Scratch& s, float* features, float* target) const {
  SplitMix64 rng = SplitMix64::For(options.seed, kExampleStream, epoch_key, clip);
  const AugmentOptions& a = options.augment;
  const bool train = mode == Mode::kTrain;
  const int rate = frontend.options().sample_rate;
  s.wave.resize(static_cast<size_t>(length));
  float* wave = s.wave.data();
  const int64_t row = loaded.row[clip];
  if (row == LoadedClips::kSilence) {
    FillSilence(wave, length, loaded.noise, options.silence_volume, rng);
  } else {
    s.raw.resize(static_cast<size_t>(loaded.clips.Length(row)));
    loaded.clips.Read(row, s.raw.data());
    if (train && a.speed) {
      const double factor = rng.Uniform(a.speed_min, a.speed_max);
      s.raw = ChangeSpeed(s.raw.data(), static_cast<int64_t>(s.raw.size()), factor, rate);
    }
    if (train) AugmentVoice(s.raw, rate, a, rng);
    const bool random = train && options.clip.pad_crop == "random";
    FitClip(s.raw.data(), static_cast<int64_t>(s.raw.size()), length, random ? &rng : nullptr, wave);
    if (train) {
      if (a.shift) TimeShift(wave, length, std::llround(a.shift_ms * rate / 1000.0), rng);
      AugmentRoom(wave, length, rate, a, sources, rng);
      if (a.gain) ApplyGain(wave, length, a.gain_db_min, a.gain_db_max, rng);
      // Clipped at full scale, or at the clip's own peak when it has more.
      const float limit = loaded.clips.FullScale(row);
      if (a.noise && !a.noise_snr) {
        MixBackgroundNoise(wave, length, loaded.noise, a.noise_frequency, a.noise_volume, rng, limit);
      }
      AugmentNoise(wave, length, a, sources, rng);
      AugmentChannel(wave, length, rate, a, rng);
      for (int64_t i = 0; i < length; ++i) wave[i] = std::clamp(wave[i], -limit, limit);
    }
  }
  frontend.Compute(wave, length, features);
  norm.Apply(features, example_size);
  if (train && a.spec_augment) {
    SpecAugmentMasks(features, shape[0], shape[1], shape[2], a, rng);
  }
  const ClipRef& ref = dataset.clips[clip];
  if (!ref.soft.empty()) {
    std::copy(ref.soft.begin(), ref.soft.end(), target);
  } else if (ref.label >= 0) {
    target[ref.label] = 1.f;
  }
}

FeatureNorm FitFeatureNorm(BatchLoader& loader, const std::string& mode) {
  if (mode != "global" && mode != "per_position") {
    ThrowOption("feature normalisation should be global | per_position. Given: '" + mode + "'");
  }
  if (loader.mode() != BatchLoader::Mode::kEval || loader.norm().mode != "none") {
    ThrowMismatch("FitFeatureNorm needs an evaluation-mode loader that does not normalise yet");
  }
  int64_t size = 1;
  for (int64_t d : loader.ExampleShape()) size *= d;
  FeatureStats stats(size);
  loader.Start(0);
  while (auto batch = loader.Next()) {
    for (int64_t i = 0; i < batch->size; ++i) stats.Add(batch->features.data() + i * size);
  }
  return stats.Finish(mode);
}

}  // namespace earshot
