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
