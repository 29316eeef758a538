// Parts of a TOML document, for reading one table of a larger file (a
// bundle's recorded recipe) into the option struct it belongs to.
//
//   DataOptions d;
//   LoadTomlString(d, TomlTable(recipe_toml, "data", "run.bundle [recipe]"), "run.bundle [recipe]");
//   std::string loss = TomlString(recipe_toml, "train.loss.name", "cross_entropy", "...");
#pragma once

#include <cstdint>
#include <string>

namespace earshot {

// The TOML text of table `dotted` ("data", "train.loss"); "" when the
// document has no such table. Invalid TOML is an error naming `origin`.
std::string TomlTable(const std::string& toml, const std::string& dotted, const std::string& origin);

// The string at `dotted` ("train.loss.name"), or `fallback` when absent.
std::string TomlString(const std::string& toml, const std::string& dotted, const std::string& fallback,
                       const std::string& origin);

// The integer at `dotted` ("version"), or `fallback` when absent.
int64_t TomlInt(const std::string& toml, const std::string& dotted, int64_t fallback, const std::string& origin);

}  // namespace earshot
