/* Classifies sound files with a trained bundle through earshot's C API and
 * prints the k most probable labels of each, as `earshot predict --top-k K`
 * does (CSV: id,label_1,probability_1,...).
 *
 *   classify_c BUNDLE FILE... [--top-k K]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <earshot/c_api.h>

int main(int argc, char** argv) {
  size_t k = 3;
  const char* files[256];
  int nfiles = 0;
  for (int i = 2; i < argc; ++i) {
    if (strcmp(argv[i], "--top-k") == 0 && i + 1 < argc) {
      k = (size_t)strtoul(argv[++i], NULL, 10);
    } else if (nfiles < 256) {
      files[nfiles++] = argv[i];
    }
  }
  if (argc < 3 || nfiles == 0 || k < 1) {
    fprintf(stderr, "usage: %s BUNDLE FILE... [--top-k K]\n", argv[0]);
    return 2;
  }

  earshot_model* model = NULL;
  if (earshot_model_open(argv[1], &model) != EARSHOT_OK) {
    fprintf(stderr, "error: %s\n", earshot_last_error());
    return 1;
  }
  size_t labels = 0;
  int rate = 0;
  earshot_model_label_count(model, &labels);
  earshot_model_sample_rate(model, &rate);
  fprintf(stderr, "earshot %s: %zu labels at %d Hz\n", earshot_version(), labels, rate);

  const size_t shown = k < labels ? k : labels;
  printf("id");
  for (size_t i = 1; i <= shown; ++i) printf(",label_%zu,probability_%zu", i, i);
  printf("\n");

  earshot_label_probability* top = malloc(shown * sizeof *top);
  int status = 0;
  for (int f = 0; f < nfiles; ++f) {
    earshot_result* result = NULL;
    if (earshot_classify_file(model, files[f], &result) != EARSHOT_OK) {
      fprintf(stderr, "error: %s\n", earshot_last_error());
      status = 1;
      continue;
    }
    size_t written = 0;
    earshot_result_top_k(result, k, top, &written);
    printf("%s", files[f]);
    for (size_t i = 0; i < written; ++i) printf(",%s,%.7g", top[i].label, (double)top[i].probability);
    printf("\n");
    earshot_result_free(result);
  }
  free(top);
  earshot_model_free(model);
  return status;
}
