#include "earshot/util/toml_table.h"

#include <sstream>

#include <toml++/toml.h>

#include "earshot/util/error.h"

namespace earshot {
namespace {

toml::table Parse(const std::string& text, const std::string& origin) {
  try {
    return toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    std::ostringstream os;
    os << origin << ":" << e.source().begin.line << ": not valid TOML: " << e.description();
    ThrowBadData(os.str());
  }
}

}  // namespace

std::string TomlTable(const std::string& toml, const std::string& dotted, const std::string& origin) {
  const toml::table doc = Parse(toml, origin);
  const toml::table* table = doc.at_path(dotted).as_table();
  if (table == nullptr) return "";
  std::ostringstream os;
  os << toml::toml_formatter(*table);
  return os.str();
}

std::string TomlString(const std::string& toml, const std::string& dotted, const std::string& fallback,
                       const std::string& origin) {
  const toml::table doc = Parse(toml, origin);
  return doc.at_path(dotted).value_or(fallback);
}

int64_t TomlInt(const std::string& toml, const std::string& dotted, int64_t fallback, const std::string& origin) {
  const toml::table doc = Parse(toml, origin);
  return doc.at_path(dotted).value_or(fallback);
}

}  // namespace earshot
