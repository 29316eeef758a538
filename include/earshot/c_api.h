/* earshot's C API: trained model bundles from C and any language that
 * calls C (Python ctypes, Go cgo, Rust, C#...).
 *
 *   #include <earshot/c_api.h>
 *
 *   earshot_model* model = NULL;
 *   if (earshot_model_open("best.bundle", &model) != EARSHOT_OK) {
 *     fprintf(stderr, "%s\n", earshot_last_error());
 *     return 1;
 *   }
 *   earshot_result* result = NULL;
 *   if (earshot_classify_file(model, "clip.wav", &result) == EARSHOT_OK) {
 *     earshot_label_probability top[3];
 *     size_t n = 0;
 *     earshot_result_top_k(result, 3, top, &n);
 *     for (size_t i = 0; i < n; ++i) printf("%s %.3f\n", top[i].label, top[i].probability);
 *     earshot_result_free(result);
 *   } else {
 *     fprintf(stderr, "%s\n", earshot_last_error());
 *   }
 *   earshot_model_free(model);
 *
 * Errors: every call that can fail returns an earshot_status; on anything
 * but EARSHOT_OK, earshot_last_error() gives the message (naming the bundle,
 * the file or the argument); earshot_model_open, earshot_detector_open and
 * the classify calls set their handle out-parameter to NULL,
 * earshot_detector_push its events to NULL and their count to 0, other
 * out-parameters are left as they were. No C++ exception ever leaves these functions.
 *
 * Threads: the last error is per thread (each thread reads its own last
 * failure). A model may be shared by several threads: calls on one model
 * take turns (a lock inside the handle), calls on different models run in
 * parallel; for parallel throughput on one bundle, open it once per thread.
 * A result belongs to the caller and is read-only: any thread may read it.
 * earshot_model_free and earshot_result_free must not race with other
 * calls on the same handle. A detector (below) has no lock: one thread at
 * a time per detector. LibTorch's compute threads are process-wide:
 * set them once with earshot_set_compute_threads before classifying.
 *
 * Link with the CMake target earshot::earshot or `pkg-config --libs earshot`
 * (docs/library.md); the libraries are C++, so link with the C++ linker.
 */
#ifndef EARSHOT_C_API_H_
#define EARSHOT_C_API_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum earshot_status {
  EARSHOT_OK = 0,
  EARSHOT_ERROR_ARGUMENT = 1, /* a null handle or pointer, k < 1, a wrong sample rate, an index out of range */
  EARSHOT_ERROR_IO = 2,       /* a file that cannot be opened or read (missing, unreadable) */
  EARSHOT_ERROR_BAD_DATA = 3, /* malformed content: not sound, not a bundle, a damaged bundle (checksum), NaN samples */
  EARSHOT_ERROR_MISMATCH = 4, /* parts that do not fit: weights vs the model's config, labels vs outputs */
  EARSHOT_ERROR_INTERNAL = 5  /* anything else (out of memory, a LibTorch error, a bug) */
} earshot_status;

typedef struct earshot_model earshot_model;   /* a loaded bundle */
typedef struct earshot_result earshot_result; /* one clip's probabilities */
typedef struct earshot_detector earshot_detector; /* a keyword detector over a stream, and its state */

typedef struct earshot_label_probability {
  const char* label; /* valid while the result it came from lives */
  size_t index;      /* the label's position in the model's labels */
  float probability;
} earshot_label_probability;

/* "major.minor.patch"; static storage. */
const char* earshot_version(void);

/* The message of this thread's last failed call ("" if none); valid until
 * this thread's next call into the API. */
const char* earshot_last_error(void);

/* Process-wide LibTorch compute threads (intra-op), threads >= 1. */
earshot_status earshot_set_compute_threads(int threads);

/* Loads a bundle (best.bundle of a training run). *out receives a model to
 * free with earshot_model_free, or NULL on failure. */
earshot_status earshot_model_open(const char* bundle_path, earshot_model** out);
void earshot_model_free(earshot_model* model); /* NULL is ignored */

earshot_status earshot_model_label_count(const earshot_model* model, size_t* count);
/* *label: the index-th label, valid while the model lives. */
earshot_status earshot_model_label(const earshot_model* model, size_t index, const char** label);
/* The rate earshot_classify_samples takes, Hz. */
earshot_status earshot_model_sample_rate(const earshot_model* model, int* sample_rate);

/* Mono float samples, any length; sample_rate must be the model's
 * (earshot_model_sample_rate), else EARSHOT_ERROR_ARGUMENT. */
earshot_status earshot_classify_samples(earshot_model* model, const float* samples, size_t count,
                                        int sample_rate, earshot_result** out);
/* Any sound file libsndfile reads, decoded and resampled to the model's rate. */
earshot_status earshot_classify_file(earshot_model* model, const char* path, earshot_result** out);
void earshot_result_free(earshot_result* result); /* NULL is ignored */

/* One probability per label, in the model's label order. *probabilities is
 * valid while the result lives. */
earshot_status earshot_result_probabilities(const earshot_result* result, const float** probabilities,
                                            size_t* count);
/* The k most probable labels, most probable first (ties in label order),
 * into out[0..min(k, labels)); *written receives that count. */
earshot_status earshot_result_top_k(const earshot_result* result, size_t k,
                                    earshot_label_probability* out, size_t* written);

/* Keyword spotting over a stream (KeywordListener in earshot.h):
 *
 *   const char* settings[] = {"stride_ms=40", "threshold.yes=0.8"};
 *   earshot_detector* kws = NULL;
 *   if (earshot_detector_open("best.bundle", settings, 2, &kws) != EARSHOT_OK) ...
 *   for (each chunk of n samples at earshot_detector_sample_rate) {
 *     earshot_event* events = NULL;
 *     size_t count = 0;
 *     if (earshot_detector_push(kws, chunk, n, &events, &count) != EARSHOT_OK) ...
 *     for (size_t i = 0; i < count; ++i) printf("%.0f %s\n", events[i].end_ms, events[i].label);
 *     earshot_events_free(events);
 *   }
 *   earshot_detector_free(kws);
 *
 * A detector holds the stream's state (the samples pushed so far, the
 * smoothing): one detector per stream. It is not locked: calls on one
 * detector must not overlap (use it from one thread at a time); different
 * detectors run in parallel. */
typedef struct earshot_event {
  double start_ms;   /* the model window that fired: its start and end, ms from the first sample pushed */
  double end_ms;
  const char* label; /* valid while the detector lives */
  size_t index;      /* the label's position in the detector's labels */
  float score;       /* the label's averaged posterior */
} earshot_event;

/* Loads a bundle for streaming. settings: setting_count "key=value" texts
 * (NULL when setting_count is 0): stride_ms, batch_size, the smoothing keys
 * (average_window_ms, detection_threshold, suppression_ms, minimum_count,
 * label_change), threshold.LABEL; an unknown key or a bad value is
 * EARSHOT_ERROR_ARGUMENT naming it, as is a bundle whose front end cannot
 * stream. *out receives a detector to free with earshot_detector_free, or
 * NULL on failure. */
earshot_status earshot_detector_open(const char* bundle_path, const char* const* settings, size_t setting_count,
                                     earshot_detector** out);
void earshot_detector_free(earshot_detector* detector); /* NULL is ignored */
/* The rate earshot_detector_push takes, Hz. */
earshot_status earshot_detector_sample_rate(const earshot_detector* detector, int* sample_rate);
earshot_status earshot_detector_label_count(const earshot_detector* detector, size_t* count);
/* Mono float samples at the detector's rate, a chunk of any size (count 0
 * is allowed). *events receives the events of the model windows they
 * complete, in time order: an array of *event_count events, the caller's,
 * to free with earshot_events_free (NULL when there is none). On failure
 * *events is NULL and *event_count 0. */
earshot_status earshot_detector_push(earshot_detector* detector, const float* samples, size_t count,
                                     earshot_event** events, size_t* event_count);
void earshot_events_free(earshot_event* events); /* NULL is ignored */

#ifdef __cplusplus
}
#endif

#endif /* EARSHOT_C_API_H_ */
