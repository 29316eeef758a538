/* See c_api_checks.h. C, not C++: the C API's header must compile as C. */
#include "c_api_checks.h"

#include <string.h>

#include "earshot/c_api.h"

static int failed(c_api_outcome* o, earshot_status status) {
  if (status == EARSHOT_OK) return 0;
  o->status = (int)status;
  strncpy(o->message, earshot_last_error(), sizeof o->message - 1);
  return 1;
}

c_api_outcome c_api_classify(const char* bundle, const char* file, const float* samples, size_t count,
                             int rate, size_t k) {
  c_api_outcome o;
  memset(&o, 0, sizeof o);
  earshot_model* model = NULL;
  earshot_result* result = NULL;
  if (failed(&o, earshot_model_open(bundle, &model))) return o;
  if (failed(&o, earshot_model_label_count(model, &o.labels))) goto done;
  for (size_t i = 0; i < o.labels && i < 8; ++i) {
    const char* name = NULL;
    if (failed(&o, earshot_model_label(model, i, &name))) goto done;
    strncpy(o.label_names[i], name, 63);
  }
  if (failed(&o, earshot_model_sample_rate(model, &o.sample_rate))) goto done;
  if (file) {
    if (failed(&o, earshot_classify_file(model, file, &result))) goto done;
  } else {
    if (failed(&o, earshot_classify_samples(model, samples, count, rate, &result))) goto done;
  }
  const float* p = NULL;
  if (failed(&o, earshot_result_probabilities(result, &p, &o.probability_count))) goto done;
  for (size_t i = 0; i < o.probability_count && i < 8; ++i) o.probabilities[i] = p[i];
  earshot_label_probability top[8];
  if (failed(&o, earshot_result_top_k(result, k < 8 ? k : 8, top, &o.top_count))) goto done;
  for (size_t i = 0; i < o.top_count; ++i) {
    strncpy(o.top_labels[i], top[i].label, 63);
    o.top_indices[i] = top[i].index;
    o.top_probabilities[i] = top[i].probability;
  }
done:
  earshot_result_free(result);
  earshot_model_free(model);
  return o;
}

static int refused(earshot_status status) {
  return status == EARSHOT_ERROR_ARGUMENT && strstr(earshot_last_error(), "NULL") != NULL ? 0 : 1;
}

int c_api_null_arguments(void) {
  int wrong = 0;
  size_t n = 0;
  int rate = 0;
  const char* label = NULL;
  const float* p = NULL;
  float x[4] = {0};
  earshot_label_probability top[2];
  earshot_model* model = (earshot_model*)&n; /* never reached: an earlier argument is NULL */
  earshot_result* result = (earshot_result*)&n;
  wrong += refused(earshot_model_open(NULL, &model));
  wrong += model != NULL; /* set to NULL on failure */
  wrong += refused(earshot_model_open("x.bundle", NULL));
  wrong += refused(earshot_model_label_count(NULL, &n));
  wrong += refused(earshot_model_label(NULL, 0, &label));
  wrong += refused(earshot_model_sample_rate(NULL, &rate));
  wrong += refused(earshot_classify_samples(NULL, x, 4, 8000, &result));
  wrong += result != NULL;
  wrong += refused(earshot_classify_file(NULL, "a.wav", &result));
  wrong += refused(earshot_result_probabilities(NULL, &p, &n));
  wrong += refused(earshot_result_top_k(NULL, 2, top, &n));
  earshot_model_free(NULL);
  earshot_result_free(NULL);
  return wrong;
}

static int detect_failed(c_api_detection* o, earshot_status status) {
  if (status == EARSHOT_OK) return 0;
  o->status = (int)status;
  strncpy(o->message, earshot_last_error(), sizeof o->message - 1);
  return 1;
}

c_api_detection c_api_detect(const char* bundle, const char* const* settings, size_t setting_count,
                             const float* samples, size_t count, size_t chunk) {
  static c_api_detection o; /* large: kept off the stack */
  memset(&o, 0, sizeof o);
  earshot_detector* detector = NULL;
  if (detect_failed(&o, earshot_detector_open(bundle, settings, setting_count, &detector))) return o;
  if (detect_failed(&o, earshot_detector_sample_rate(detector, &o.sample_rate))) goto done;
  if (detect_failed(&o, earshot_detector_label_count(detector, &o.labels))) goto done;
  for (size_t at = 0; at < count; at += chunk) {
    earshot_event* events = NULL;
    size_t n = 0;
    if (detect_failed(&o, earshot_detector_push(detector, samples + at, count - at < chunk ? count - at : chunk,
                                                &events, &n))) {
      goto done;
    }
    for (size_t i = 0; i < n && o.count < 256; ++i, ++o.count) {
      o.start_ms[o.count] = events[i].start_ms;
      o.end_ms[o.count] = events[i].end_ms;
      strncpy(o.label[o.count], events[i].label, 63);
      o.index[o.count] = events[i].index;
      o.score[o.count] = events[i].score;
    }
    earshot_events_free(events);
  }
done:
  earshot_detector_free(detector);
  return o;
}

int c_api_detector_null_arguments(void) {
  int wrong = 0;
  size_t n = 7;
  int rate = 0;
  float x[4] = {0};
  const char* bad_settings[2] = {"stride_ms=40", NULL};
  earshot_event* events = (earshot_event*)&n;
  earshot_detector* detector = (earshot_detector*)&n; /* never reached: an earlier argument is NULL */
  wrong += refused(earshot_detector_open(NULL, NULL, 0, &detector));
  wrong += detector != NULL; /* set to NULL on failure */
  wrong += refused(earshot_detector_open("x.bundle", NULL, 0, NULL));
  wrong += refused(earshot_detector_open("x.bundle", NULL, 1, &detector));
  wrong += refused(earshot_detector_open("x.bundle", bad_settings, 2, &detector));
  wrong += refused(earshot_detector_sample_rate(NULL, &rate));
  wrong += refused(earshot_detector_label_count(NULL, &n));
  wrong += refused(earshot_detector_push(NULL, x, 4, &events, &n));
  wrong += events != NULL || n != 0; /* emptied on failure */
  wrong += refused(earshot_detector_push(NULL, x, 4, NULL, &n));
  wrong += refused(earshot_detector_push(NULL, x, 4, &events, NULL));
  earshot_detector_free(NULL);
  earshot_events_free(NULL);
  return wrong;
}
