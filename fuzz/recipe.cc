// Recipes: a TOML document, then optionally a line "#--set" and one
// key=value per line as --set gives them. A recipe that loads and
// validates must come back the same from its TOML and its JSON (what
// run folders and bundles store); if not, the target aborts.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "earshot/training/recipe.h"
#include "earshot/util/error.h"
#include "earshot/util/options.h"

namespace {

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "recipe round trip: %s\n%s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string marker = "\n#--set\n";
  const size_t cut = text.find(marker);
  const std::string toml = text.substr(0, cut);
  std::vector<std::string> settings;
  if (cut != std::string::npos) {
    size_t at = cut + marker.size();
    while (at <= text.size()) {
      const size_t end = std::min(text.find('\n', at), text.size());
      if (end > at) settings.push_back(text.substr(at, end - at));
      at = end + 1;
    }
  }
  earshot::RecipeOptions r;
  try {
    earshot::LoadTomlString(r, toml, "fuzz.toml");
    earshot::ApplySettings(r, settings);
    r.Validate();
  } catch (const earshot::Error&) {
    return 0;
  }
  const std::string once = earshot::ToToml(r);
  try {
    earshot::RecipeOptions from_toml;
    earshot::LoadTomlString(from_toml, once, "round trip");
    if (earshot::ToToml(from_toml) != once) Fail("TOML differs", once);
    earshot::RecipeOptions from_json;
    earshot::LoadJson(from_json, earshot::ToJson(r), "round trip");
    if (earshot::ToToml(from_json) != once) Fail("JSON differs", once);
  } catch (const earshot::Error& e) {
    Fail(e.what(), once);
  }
  return 0;
}
