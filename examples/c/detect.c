/* Spots keywords in raw 16-bit little-endian mono PCM read from stdin, at
 * the bundle's sample rate, through earshot's C API, and prints the events
 * as `earshot stream BUNDLE - --format s16le --output-format csv` does
 * (start_ms,end_ms,label,score).
 *
 *   detect_c BUNDLE [KEY=VALUE...] < speech.s16le
 *   detect_c best.bundle stride_ms=40 threshold.yes=0.8 < speech.s16le
 */
#include <stdio.h>
#include <stdlib.h>

#include <earshot/c_api.h>

static int report(earshot_event* events, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    printf("%.6g,%.6g,%s,%.6g\n", events[i].start_ms, events[i].end_ms, events[i].label, (double)events[i].score);
  }
  earshot_events_free(events);
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s BUNDLE [KEY=VALUE...] < speech.s16le\n", argv[0]);
    return 2;
  }
  earshot_detector* detector = NULL;
  if (earshot_detector_open(argv[1], (const char* const*)(argv + 2), (size_t)(argc - 2), &detector) != EARSHOT_OK) {
    fprintf(stderr, "error: %s\n", earshot_last_error());
    return 1;
  }
  int rate = 0;
  earshot_detector_sample_rate(detector, &rate);
  fprintf(stderr, "earshot %s: reading s16le at %d Hz\n", earshot_version(), rate);
  printf("start_ms,end_ms,label,score\n");

  unsigned char bytes[8000];
  float samples[4000];
  int status = 0;
  size_t got = 0;
  while ((got = fread(bytes, 2, 4000, stdin)) > 0) {
    for (size_t i = 0; i < got; ++i) {
      const short v = (short)(unsigned short)(bytes[2 * i] | (bytes[2 * i + 1] << 8));
      samples[i] = (float)v / 32768.0f;
    }
    earshot_event* events = NULL;
    size_t count = 0;
    if (earshot_detector_push(detector, samples, got, &events, &count) != EARSHOT_OK) {
      fprintf(stderr, "error: %s\n", earshot_last_error());
      status = 1;
      break;
    }
    report(events, count);
  }
  earshot_detector_free(detector);
  return status;
}
