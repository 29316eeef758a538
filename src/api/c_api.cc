// The C API (include/earshot/c_api.h) over SoundClassifier: every entry
// point catches everything and turns it into a status and this thread's
// last error.
#include "earshot/c_api.h"

#include <cstdlib>
#include <mutex>
#include <new>
#include <optional>
#include <string>

#include "earshot/earshot.h"
#include "earshot/training/torch_error.h"
#include "earshot/training/trainer.h"

struct earshot_model {
  explicit earshot_model(const std::string& path) : classifier(path) {}
  earshot::SoundClassifier classifier;
  std::mutex lock;  // calls on one model take turns
};

struct earshot_detector {
  explicit earshot_detector(const std::string& path, const std::vector<std::string>& settings)
      : listener(path, settings) {}
  earshot::KeywordListener listener;
};

struct earshot_result {
  earshot::Classification classification;
  std::vector<float> probabilities;
};

namespace {

thread_local std::string last_error;

earshot_status Fail(earshot_status status, std::string message) {
  last_error = std::move(message);
  return status;
}

earshot_status StatusOf(earshot::ErrorKind kind) {
  switch (kind) {
    case earshot::ErrorKind::kInvalidOption: return EARSHOT_ERROR_ARGUMENT;
    case earshot::ErrorKind::kIo: return EARSHOT_ERROR_IO;
    case earshot::ErrorKind::kBadData: return EARSHOT_ERROR_BAD_DATA;
    case earshot::ErrorKind::kMismatch: return EARSHOT_ERROR_MISMATCH;
    case earshot::ErrorKind::kInternal: break;
  }
  return EARSHOT_ERROR_INTERNAL;
}

// Runs `body`, returning its status; an exception becomes a status and
// this thread's last error.
template <typename Body>
earshot_status Guard(Body&& body) noexcept {
  try {
    last_error.clear();
    return body();
  } catch (const earshot::Error& e) {
    return Fail(StatusOf(e.kind()), e.what());
  } catch (const std::bad_alloc&) {
    return Fail(EARSHOT_ERROR_INTERNAL, "out of memory");
  } catch (const std::exception& e) {
    const std::optional<std::string> torch = earshot::DescribeTorchError(e, false);
    return Fail(EARSHOT_ERROR_INTERNAL, torch ? *torch : std::string(e.what()));
  } catch (...) {
    return Fail(EARSHOT_ERROR_INTERNAL, "unknown error");
  }
}

earshot_status Null(const char* what) {
  return Fail(EARSHOT_ERROR_ARGUMENT, std::string(what) + " is NULL");
}

earshot_status Keep(earshot::Classification c, earshot_result** out) {
  auto* r = new earshot_result{std::move(c), {}};
  r->probabilities = r->classification.Probabilities();
  *out = r;
  return EARSHOT_OK;
}

}  // namespace

extern "C" {

const char* earshot_version(void) { return earshot::Version(); }

const char* earshot_last_error(void) { return last_error.c_str(); }

earshot_status earshot_set_compute_threads(int threads) {
  return Guard([&] {
    earshot::SetComputeThreads(threads);  // refuses threads < 1
    return EARSHOT_OK;
  });
}

earshot_status earshot_model_open(const char* bundle_path, earshot_model** out) {
  return Guard([&] {
    if (!out) return Null("out");
    *out = nullptr;
    if (!bundle_path) return Null("bundle_path");
    *out = new earshot_model(bundle_path);
    return EARSHOT_OK;
  });
}

void earshot_model_free(earshot_model* model) { delete model; }

earshot_status earshot_model_label_count(const earshot_model* model, size_t* count) {
  return Guard([&] {
    if (!model) return Null("model");
    if (!count) return Null("count");
    *count = model->classifier.labels().size();
    return EARSHOT_OK;
  });
}

earshot_status earshot_model_label(const earshot_model* model, size_t index, const char** label) {
  return Guard([&] {
    if (!model) return Null("model");
    if (!label) return Null("label");
    const auto& labels = model->classifier.labels();
    if (index >= labels.size()) {
      return Fail(EARSHOT_ERROR_ARGUMENT, model->classifier.path() + ": label index " + std::to_string(index) +
                                              " out of range: the model has " + std::to_string(labels.size()) +
                                              " labels");
    }
    *label = labels[index].c_str();
    return EARSHOT_OK;
  });
}

earshot_status earshot_model_sample_rate(const earshot_model* model, int* sample_rate) {
  return Guard([&] {
    if (!model) return Null("model");
    if (!sample_rate) return Null("sample_rate");
    *sample_rate = model->classifier.sample_rate();
    return EARSHOT_OK;
  });
}

earshot_status earshot_classify_samples(earshot_model* model, const float* samples, size_t count,
                                        int sample_rate, earshot_result** out) {
  return Guard([&] {
    if (!out) return Null("out");
    *out = nullptr;
    if (!model) return Null("model");
    if (!samples && count > 0) return Null("samples");
    std::lock_guard<std::mutex> hold(model->lock);
    return Keep(model->classifier.ClassifySamples(samples, count, sample_rate), out);
  });
}

earshot_status earshot_classify_file(earshot_model* model, const char* path, earshot_result** out) {
  return Guard([&] {
    if (!out) return Null("out");
    *out = nullptr;
    if (!model) return Null("model");
    if (!path) return Null("path");
    std::lock_guard<std::mutex> hold(model->lock);
    return Keep(model->classifier.ClassifyFile(path), out);
  });
}

void earshot_result_free(earshot_result* result) { delete result; }

earshot_status earshot_result_probabilities(const earshot_result* result, const float** probabilities,
                                            size_t* count) {
  return Guard([&] {
    if (!result) return Null("result");
    if (!probabilities) return Null("probabilities");
    if (!count) return Null("count");
    *probabilities = result->probabilities.data();
    *count = result->probabilities.size();
    return EARSHOT_OK;
  });
}

earshot_status earshot_result_top_k(const earshot_result* result, size_t k, earshot_label_probability* out,
                                    size_t* written) {
  return Guard([&] {
    if (!result) return Null("result");
    if (!out) return Null("out");
    if (!written) return Null("written");
    if (k < 1) return Fail(EARSHOT_ERROR_ARGUMENT, "k should be >= 1. Given: 0");
    const size_t labels = result->classification.classes.size();
    const auto top = result->classification.Top(static_cast<int>(k < labels ? k : labels));
    for (size_t i = 0; i < top.size(); ++i) {
      const earshot::LabelProbability& c = result->classification.classes[static_cast<size_t>(top[i].index)];
      out[i] = earshot_label_probability{c.label.c_str(), static_cast<size_t>(c.index), c.probability};
    }
    *written = top.size();
    return EARSHOT_OK;
  });
}

earshot_status earshot_detector_open(const char* bundle_path, const char* const* settings, size_t setting_count,
                                     earshot_detector** out) {
  return Guard([&] {
    if (!out) return Null("out");
    *out = nullptr;
    if (!bundle_path) return Null("bundle_path");
    if (!settings && setting_count > 0) return Null("settings");
    std::vector<std::string> given;
    for (size_t i = 0; i < setting_count; ++i) {
      if (!settings[i]) return Fail(EARSHOT_ERROR_ARGUMENT, "settings[" + std::to_string(i) + "] is NULL");
      given.emplace_back(settings[i]);
    }
    *out = new earshot_detector(bundle_path, given);
    return EARSHOT_OK;
  });
}

void earshot_detector_free(earshot_detector* detector) { delete detector; }

earshot_status earshot_detector_sample_rate(const earshot_detector* detector, int* sample_rate) {
  return Guard([&] {
    if (!detector) return Null("detector");
    if (!sample_rate) return Null("sample_rate");
    *sample_rate = detector->listener.sample_rate();
    return EARSHOT_OK;
  });
}

earshot_status earshot_detector_label_count(const earshot_detector* detector, size_t* count) {
  return Guard([&] {
    if (!detector) return Null("detector");
    if (!count) return Null("count");
    *count = detector->listener.labels().size();
    return EARSHOT_OK;
  });
}

earshot_status earshot_detector_push(earshot_detector* detector, const float* samples, size_t count,
                                     earshot_event** events, size_t* event_count) {
  return Guard([&] {
    if (!events) return Null("events");
    *events = nullptr;
    if (!event_count) return Null("event_count");
    *event_count = 0;
    if (!detector) return Null("detector");
    if (!samples && count > 0) return Null("samples");
    const std::vector<earshot::KeywordEvent> found = detector->listener.Push(samples, count);
    if (found.empty()) return EARSHOT_OK;
    auto* array = static_cast<earshot_event*>(std::malloc(found.size() * sizeof(earshot_event)));
    if (!array) return Fail(EARSHOT_ERROR_INTERNAL, "out of memory");
    const std::vector<std::string>& labels = detector->listener.labels();
    for (size_t i = 0; i < found.size(); ++i) {
      const earshot::KeywordEvent& e = found[i];
      array[i] = earshot_event{e.start_ms, e.end_ms, labels[static_cast<size_t>(e.index)].c_str(),
                               static_cast<size_t>(e.index), e.score};
    }
    *events = array;
    *event_count = found.size();
    return EARSHOT_OK;
  });
}

void earshot_events_free(earshot_event* events) { std::free(events); }

}  // extern "C"
