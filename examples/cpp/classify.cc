// Classifies sound files with a trained bundle through earshot's C++
// facade (earshot/earshot.h), all files in one batch, and prints the k most
// probable labels of each as `earshot predict --top-k K` does (CSV:
// id,label_1,probability_1,...).
//
//   classify_cpp BUNDLE FILE... [--top-k K]
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <earshot/earshot.h>

int main(int argc, char** argv) {
  int k = 3;
  std::vector<std::string> files;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--top-k") == 0 && i + 1 < argc) {
      k = std::stoi(argv[++i]);
    } else {
      files.emplace_back(argv[i]);
    }
  }
  if (argc < 3 || files.empty()) {
    std::fprintf(stderr, "usage: %s BUNDLE FILE... [--top-k K]\n", argv[0]);
    return 2;
  }
  try {
    const earshot::SoundClassifier model(argv[1]);
    std::fprintf(stderr, "earshot %s: %zu labels at %d Hz, %.3g s windows\n", earshot::Version(),
                 model.labels().size(), model.sample_rate(), model.window_seconds());
    const std::vector<earshot::Classification> answers = model.ClassifyFiles(files);
    const size_t shown = std::min<size_t>(static_cast<size_t>(k), model.labels().size());
    std::printf("id");
    for (size_t i = 1; i <= shown; ++i) std::printf(",label_%zu,probability_%zu", i, i);
    std::printf("\n");
    for (const earshot::Classification& c : answers) {
      std::printf("%s", c.source.c_str());
      for (const earshot::LabelProbability& t : c.Top(k)) {
        std::printf(",%s,%.7g", t.label.c_str(), static_cast<double>(t.probability));
      }
      std::printf("\n");
    }
  } catch (const earshot::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
