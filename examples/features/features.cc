// The front end alone (earshot::core, no LibTorch): decodes a sound file,
// computes its features with the default front end (FrontEndOptions'
// defaults, those of `earshot features`) and prints their shape and their
// sum, a checksum to compare with `earshot features FILE --json`.
//
//   features_example FILE
#include <cstdio>
#include <string>
#include <vector>

#include <earshot/audio/decode.h>
#include <earshot/features/frontend.h>
#include <earshot/util/error.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s FILE\n", argv[0]);
    return 2;
  }
  try {
    const earshot::FrontEndOptions options;  // the defaults of `earshot features`
    const earshot::FrontEnd frontend(options);
    const std::vector<float> samples = earshot::DecodeFile(argv[1], options.sample_rate);
    const std::vector<float> features = frontend.Compute(samples);
    std::string shape;
    for (int64_t d : frontend.OutputShape(static_cast<int64_t>(samples.size()))) {
      shape += (shape.empty() ? "" : "x") + std::to_string(d);
    }
    double sum = 0.0;
    for (float v : features) sum += v;
    std::printf("samples %zu\nshape %s\nsum %.9g\n", samples.size(), shape.c_str(), sum);
  } catch (const earshot::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
