// Command-line flags made from an Options struct's Visit, so that a
// command lists no option by hand a second time:
//
//   auto o = std::make_shared<MixtureOptions>();
//   const OptionFlags flags = AddOptionFlags(cmd, *o);   // --sources, --min-sources, ...
//   cmd->callback([o, flags] { flags.Naming([&] { o->Validate(); ... }); });
//
// A field's flag is the kebab case of its name (`noisy_share` ->
// `--noisy-share`), with its Visit help and its current value as the
// default; lists are given comma separated (`--words yes,no`) and a bool is
// a flag alone (`--x`, or `--x=false`). The fields of a group are
// `--group-field`, or `--field` for a group FlagRules flattens (its fields
// then must not share a name with another flag).
#pragma once

#include <CLI/CLI.hpp>

#include <map>
#include <set>
#include <string>
#include <utility>

#include "earshot/util/error.h"
#include "earshot/util/options.h"

namespace earshot::cli {

// "noisy_share" -> "noisy-share".
std::string KebabCase(const std::string& name);

// The flags AddOptionFlags made: the flag of each dotted key, to name
// options in errors as the user types them.
class OptionFlags {
 public:
  explicit OptionFlags(std::map<std::string, std::string> flag_of_key)
      : flag_of_key_(std::move(flag_of_key)) {}
  // The option structs name an option in an error as `--key`, its dotted
  // key (`--noisy_share`, `--keywords.speakers`, see util/options.h):
  // each key of these flags is renamed by its flag (`--noisy-share`,
  // `--speakers`); the rest of the message stays as it is.
  std::string Rename(const std::string& message) const;
  // Runs `body`; an option error it throws names the flags as typed.
  template <typename F>
  auto Naming(F&& body) const -> decltype(body()) {
    try {
      return body();
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::kInvalidOption) throw;
      throw Error(ErrorKind::kInvalidOption, Rename(e.what()));
    }
  }
 private:
  std::map<std::string, std::string> flag_of_key_;  // "keywords.speakers" -> "--speakers"
};

// What a command changes in the naming, by dotted key.
struct FlagRules {
  // Groups whose fields are flagged by their own names (`keywords`:
  // `--speakers`, not `--keywords-speakers`).
  std::set<std::string> flat_groups;
  // Fields that are no flag of this command (one the command does not use),
  // with the reason, for the reader of the code and of tests.
  std::map<std::string, std::string> left_out;
};

// Registers a flag on `cmd` for every field of `options` but those `rules`
// leave out, bound to the field: `options` must outlive the parse.
OptionFlags AddOptionFlags(CLI::App* cmd, Options& options, const FlagRules& rules = {});

}  // namespace earshot::cli
