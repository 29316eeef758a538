// Option structs: one mechanism for recipes (TOML), `--set key=value`,
// JSON inside model bundles, and printing.
//
//   struct StftOptions : Options {
//     int n_fft = 400;  // FFT size
//     void Visit(OptionVisitor& v) override { v.Field("n_fft", n_fft, "FFT size"); }
//     void Validate() const override;
//   };
//   SetOption(opts, "n_fft", "512");      // from the command line
//   LoadTomlFile(opts, "recipe.toml");    // from a recipe; unknown keys are errors
//
// Nested structs are reached with dotted keys ("features.n_fft").
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "earshot/util/error.h"

namespace earshot {

class Options;

// Sees every field of an Options struct, with its name and a one-line help.
class OptionVisitor {
 public:
  virtual ~OptionVisitor() = default;
  virtual void Field(const char* name, bool& value, const char* help) = 0;
  virtual void Field(const char* name, int& value, const char* help) = 0;
  virtual void Field(const char* name, double& value, const char* help) = 0;
  virtual void Field(const char* name, std::string& value, const char* help) = 0;
  virtual void Field(const char* name, std::vector<int>& value, const char* help) = 0;
  virtual void Field(const char* name, std::vector<double>& value, const char* help) = 0;
  virtual void Field(const char* name, std::vector<std::string>& value, const char* help) = 0;
  virtual void Group(const char* name, Options& child, const char* help) = 0;
};

class Options {
 public:
  virtual ~Options() = default;
  virtual void Visit(OptionVisitor& visitor) = 0;
  // Throws Error(kInvalidOption) naming the option, the value and the limit.
  // A parent validates its children.
  virtual void Validate() const {}
};

// Sets one field from text; `key` may be dotted. The text is read as a TOML
// value when it is one (`64`, `1e-3`, `true`, `["yes", "no"]`, `"a,b"`),
// otherwise as it stands, lists split on commas with the spaces around each
// item trimmed (`yes, no`). Unknown keys and values that do not parse are
// errors naming the key as --set accepts it, with the closest known key.
void SetOption(Options& options, const std::string& key, const std::string& value);
// "key=value" as given to --set, one parser for every command. `scope`
// names the group `options` is in a recipe ("features" for a command that
// takes front-end options alone): the key may be given with it
// ("features.n_mels=64") or without ("n_mels=64"), and messages name the
// full key.
void ApplySetting(Options& options, const std::string& key_equals_value,
                  const std::string& scope = "");
void ApplySettings(Options& options, const std::vector<std::string>& settings,
                   const std::string& scope = "");

// Validates `options` as the group `scope` of a recipe ("" for a whole
// recipe or a struct that stands alone): options named in a message as
// `--n_mels` are renamed by the key --set accepts, `--features.n_mels`.
void ValidateOptions(const Options& options, const std::string& scope = "");
// For a parent's Validate: validates the child group `name` the same way,
// so every message names the option by its dotted key from the parent.
void ValidateGroup(const Options& child, const std::string& name);

// An option error's message with the options of `options` it names renamed
// by their dotted key under `scope` ("--n_mels" -> "--features.n_mels").
std::string QualifyOptionKeys(const std::string& message, const Options& options,
                              const std::string& scope);
// Runs `body`, which uses `options` (a reader, a front end): an option error
// it throws names them as ValidateOptions does.
template <typename F>
auto NamingOptions(const Options& options, const std::string& scope, F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kInvalidOption || scope.empty()) throw;
    throw Error(ErrorKind::kInvalidOption, QualifyOptionKeys(e.what(), options, scope));
  }
}

// TOML: every key must name a field; tables map to groups.
void LoadTomlString(Options& options, const std::string& toml, const std::string& origin);
// With `table` set, only that table of the file is read, when present (a
// recipe's [features] table, say); a recipe without it (other tables, or a
// `base`) gives nothing of its own, and a file of top-level keys alone is
// read whole. A file may
// start from another with `base = "other.toml"` (relative to the file):
// that one is read first, then this file's keys override it.
void LoadTomlFile(Options& options, const std::string& path, const std::string& table = "");
std::string ToToml(const Options& options);

// JSON, as stored in model bundles and printed in reports.
std::string ToJson(const Options& options);
void LoadJson(Options& options, const std::string& json, const std::string& origin);

// One "key = value" line per field, dotted keys, for logs and --help.
std::string ToString(const Options& options);
// The same, as dotted key -> value in TOML form: for comparing two sets.
std::map<std::string, std::string> FlatValues(const Options& options);

// Every dotted key with its help text, for the CLI's option listing.
std::vector<std::pair<std::string, std::string>> ListOptions(const Options& options);

}  // namespace earshot
