// A training run on disk as `earshot train` writes it, made by hand in a
// moment: the report's tests, the report command's test and the browser
// check (tools/make_fake_run.cc) all render it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace earshot::testing {

constexpr int kFakeRunRate = 8000;                // the clips' sample rate
constexpr const char* kFakeRunOddClass = "a<b&c>";  // a class name that must be escaped

// `run` (recipe, data.json, summary, log, curves, test metrics and
// predictions) over the data set `data`: six 4-second clips, two per class
// (cat, dog and kFakeRunOddClass); d2, c2 and o1 are misclassified with
// confidence 0.9, 0.6 and 0.7.
void MakeFakeRun(const std::filesystem::path& run, const std::filesystem::path& data);

// The pieces it is made of, for runs of other shapes: `text` into `path`
// (folders made), and a 4-second tone at kFakeRunRate, long enough that the
// page's audio has to be trimmed.
void Write(const std::filesystem::path& path, const std::string& text);
std::vector<float> Tone(double hz);

}  // namespace earshot::testing
