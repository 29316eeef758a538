// Scenarios of the C API written in C (c_api_checks.c, compiled as C), run
// by library_test.cc: what a C program sees, as plain values.
#ifndef EARSHOT_TESTS_C_API_CHECKS_H_
#define EARSHOT_TESTS_C_API_CHECKS_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct c_api_outcome {
  int status;             /* of the first call that failed; 0 when all succeeded */
  char message[1024];     /* earshot_last_error() after it */
  size_t labels;          /* earshot_model_label_count */
  char label_names[8][64];
  int sample_rate;
  float probabilities[8];
  size_t probability_count;
  char top_labels[8][64]; /* earshot_result_top_k */
  size_t top_indices[8];
  float top_probabilities[8];
  size_t top_count;
} c_api_outcome;

/* Opens the bundle, reads its labels and rate, classifies the file (or,
 * when file is NULL, the samples at `rate`), takes the top k, frees all. */
c_api_outcome c_api_classify(const char* bundle, const char* file, const float* samples, size_t count,
                             int rate, size_t k);

/* Every call with a NULL handle or pointer: returns the number of calls
 * that did not answer EARSHOT_ERROR_ARGUMENT with a message containing
 * "NULL", 0 when all did. */
int c_api_null_arguments(void);

typedef struct c_api_detection {
  int status;          /* of the first call that failed; 0 when all succeeded */
  char message[1024];  /* earshot_last_error() after it */
  int sample_rate;     /* earshot_detector_sample_rate */
  size_t labels;       /* earshot_detector_label_count */
  size_t count;        /* events found (at most 256 kept) */
  double start_ms[256];
  double end_ms[256];
  char label[256][64];
  size_t index[256];
  float score[256];
} c_api_detection;

/* Opens a detector with the settings, pushes the samples in chunks of
 * `chunk`, gathers the events and frees all. */
c_api_detection c_api_detect(const char* bundle, const char* const* settings, size_t setting_count,
                             const float* samples, size_t count, size_t chunk);

/* The detector calls with a NULL handle or pointer, counted as
 * c_api_null_arguments counts. */
int c_api_detector_null_arguments(void);

#ifdef __cplusplus
}
#endif

#endif /* EARSHOT_TESTS_C_API_CHECKS_H_ */
