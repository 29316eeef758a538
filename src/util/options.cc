#include "earshot/util/options.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "earshot/util/error.h"
#include "earshot/util/option_checks.h"
#include "earshot/util/option_keys.h"
#include "earshot/util/utf8.h"

namespace earshot {
namespace {

using nlohmann::json;

class ToJsonVisitor : public OptionVisitor {
 public:
  explicit ToJsonVisitor(json& out) : out_(out) {}
  void Field(const char* n, bool& v, const char*) override { out_[n] = v; }
  void Field(const char* n, int& v, const char*) override { out_[n] = v; }
  void Field(const char* n, double& v, const char*) override { out_[n] = v; }
  void Field(const char* n, std::string& v, const char*) override { out_[n] = v; }
  void Field(const char* n, std::vector<int>& v, const char*) override { out_[n] = v; }
  void Field(const char* n, std::vector<double>& v, const char*) override { out_[n] = v; }
  void Field(const char* n, std::vector<std::string>& v, const char*) override { out_[n] = v; }
  void Group(const char* n, Options& child, const char*) override {
    json sub = json::object();
    ToJsonVisitor inner(sub);
    child.Visit(inner);
    out_[n] = sub;
  }

 private:
  json& out_;
};

std::string Where(const std::string& origin, const std::string& prefix, const char* name) {
  return origin + ": option '" + prefix + name + "'";
}

[[noreturn]] void ThrowUnknownKey(const Options& options, const std::string& origin,
                                  const std::string& prefix, const std::string& key);

// Reads fields from a JSON object; keys that name no field are errors.
class FromJsonVisitor : public OptionVisitor {
 public:
  FromJsonVisitor(const json& in, std::string origin, std::string prefix)
      : in_(in), origin_(std::move(origin)), prefix_(std::move(prefix)) {}

  void Field(const char* n, bool& v, const char*) override {
    if (const json* j = Take(n)) {
      if (!j->is_boolean()) Bad(n, *j, "true or false");
      v = j->get<bool>();
    }
  }
  void Field(const char* n, int& v, const char*) override {
    if (const json* j = Take(n)) v = ToInt(n, *j);
  }
  void Field(const char* n, double& v, const char*) override {
    if (const json* j = Take(n)) {
      if (!j->is_number()) Bad(n, *j, "a number");
      v = j->get<double>();
    }
  }
  void Field(const char* n, std::string& v, const char*) override {
    if (const json* j = Take(n)) {
      if (!j->is_string()) Bad(n, *j, "a string");
      v = Text(n, *j);
    }
  }
  void Field(const char* n, std::vector<int>& v, const char*) override {
    if (const json* j = Take(n)) {
      if (!j->is_array()) Bad(n, *j, "an array of integers");
      v.clear();
      for (const auto& e : *j) v.push_back(ToInt(n, e));
    }
  }
  void Field(const char* n, std::vector<double>& v, const char*) override {
    if (const json* j = Take(n)) {
      if (!j->is_array()) Bad(n, *j, "an array of numbers");
      v.clear();
      for (const auto& e : *j) {
        if (!e.is_number()) Bad(n, *j, "an array of numbers");
        v.push_back(e.get<double>());
      }
    }
  }
  void Field(const char* n, std::vector<std::string>& v, const char*) override {
    if (const json* j = Take(n)) {
      if (!j->is_array()) Bad(n, *j, "an array of strings");
      v.clear();
      for (const auto& e : *j) {
        if (!e.is_string()) Bad(n, *j, "an array of strings");
        v.push_back(Text(n, e));
      }
    }
  }
  void Group(const char* n, Options& child, const char*) override {
    if (const json* j = Take(n)) {
      if (!j->is_object()) Bad(n, *j, "a table");
      FromJsonVisitor inner(*j, origin_, prefix_ + n + ".");
      child.Visit(inner);
      inner.CheckAllUsed(child);
    }
  }

  void CheckAllUsed(Options& options) const {
    for (auto it = in_.begin(); it != in_.end(); ++it) {
      if (used_.count(it.key()) == 0) ThrowUnknown(options, it.key());
    }
  }

 private:
  [[noreturn]] void ThrowUnknown(Options& options, const std::string& key) const {
    ThrowUnknownKey(options, origin_, prefix_, key);
  }
  const json* Take(const char* n) {
    auto it = in_.find(n);
    if (it == in_.end()) return nullptr;
    used_.insert(n);
    return &*it;
  }
  int ToInt(const char* n, const json& j) {
    // An integer beyond int's range is refused, not wrapped (TOML's
    // 4294967297 would otherwise read as 1).
    if (j.is_number_unsigned()) {
      if (j.get<uint64_t>() <= static_cast<uint64_t>(INT32_MAX)) return static_cast<int>(j.get<uint64_t>());
    } else if (j.is_number_integer()) {
      const int64_t i = j.get<int64_t>();
      if (i >= INT32_MIN && i <= INT32_MAX) return static_cast<int>(i);
    }
    if (j.is_number_float()) {
      double d = j.get<double>();
      if (std::floor(d) == d && std::abs(d) < 2e9) return static_cast<int>(d);
    }
    Bad(n, j, "an integer");
  }
  // A string value; text that is not UTF-8 (a --set value in Latin-1, say)
  // is refused here, since writing the options as JSON or TOML would fail.
  std::string Text(const char* n, const json& j) {
    std::string text = j.get<std::string>();
    if (!IsValidUtf8(text)) Bad(n, j, "UTF-8 text");
    return text;
  }
  [[noreturn]] void Bad(const char* n, const json& j, const char* want) {
    ThrowOption(Where(origin_, prefix_, n) + " should be " + want + ". Given: " +
                j.dump(-1, ' ', false, json::error_handler_t::replace));
  }

  const json& in_;
  std::string origin_, prefix_;
  std::set<std::string> used_;
};

json OptionsJson(const Options& options) {
  json j = json::object();
  ToJsonVisitor v(j);
  const_cast<Options&>(options).Visit(v);
  return j;
}

void LoadJsonValue(Options& options, const json& j, const std::string& origin) {
  if (!j.is_object()) ThrowOption(origin + ": expected a table of options");
  FromJsonVisitor v(j, origin, "");
  options.Visit(v);
  v.CheckAllUsed(options);
}

json TomlToJson(const toml::node& node) {
  if (auto t = node.as_table()) {
    json j = json::object();
    for (const auto& [k, v] : *t) j[std::string(k.str())] = TomlToJson(v);
    return j;
  }
  if (auto a = node.as_array()) {
    json j = json::array();
    for (const auto& v : *a) j.push_back(TomlToJson(v));
    return j;
  }
  if (auto s = node.as_string()) return s->get();
  if (auto i = node.as_integer()) return i->get();
  if (auto f = node.as_floating_point()) return f->get();
  if (auto b = node.as_boolean()) return b->get();
  ThrowOption("unsupported TOML value (dates and times are not options)");
}

class ListVisitor : public OptionVisitor {
 public:
  ListVisitor(std::vector<std::pair<std::string, std::string>>& out, std::string prefix)
      : out_(out), prefix_(std::move(prefix)) {}
  void Field(const char* n, bool&, const char* h) override { Add(n, h); }
  void Field(const char* n, int&, const char* h) override { Add(n, h); }
  void Field(const char* n, double&, const char* h) override { Add(n, h); }
  void Field(const char* n, std::string&, const char* h) override { Add(n, h); }
  void Field(const char* n, std::vector<int>&, const char* h) override { Add(n, h); }
  void Field(const char* n, std::vector<double>&, const char* h) override { Add(n, h); }
  void Field(const char* n, std::vector<std::string>&, const char* h) override { Add(n, h); }
  void Group(const char* n, Options& child, const char*) override {
    ListVisitor inner(out_, prefix_ + n + ".");
    child.Visit(inner);
  }

 private:
  void Add(const char* n, const char* h) { out_.emplace_back(prefix_ + n, h); }
  std::vector<std::pair<std::string, std::string>>& out_;
  std::string prefix_;
};

std::string TomlValue(const json& v) {
  if (v.is_string()) return json(v.get<std::string>()).dump();
  if (v.is_array()) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + TomlValue(v[i]);
    return s + "]";
  }
  if (v.is_number_float()) {
    std::string s = option_checks::ShortestDouble(v.get<double>());
    if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
    return s;
  }
  return v.dump();
}

void WriteToml(const json& j, const std::string& table, std::string& out) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!it->is_object()) out += it.key() + " = " + TomlValue(*it) + "\n";
  }
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it->is_object()) {
      std::string name = table.empty() ? it.key() : table + "." + it.key();
      out += "\n[" + name + "]\n";
      WriteToml(*it, name, out);
    }
  }
}

void Flatten(const json& j, const std::string& prefix, std::map<std::string, std::string>& out) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it->is_object()) Flatten(*it, prefix + it.key() + ".", out);
    else out[prefix + it.key()] = TomlValue(*it);
  }
}

}  // namespace

namespace {

enum class FieldKind { kNone, kBool, kInt, kDouble, kString, kInts, kDoubles, kStrings, kGroup };

// One level of a struct: the names of its fields, and what `name` is.
class FindVisitor : public OptionVisitor {
 public:
  explicit FindVisitor(std::string name) : name_(std::move(name)) {}
  FieldKind kind = FieldKind::kNone;
  Options* group = nullptr;
  std::vector<std::string> names;

  void Field(const char* n, bool&, const char*) override { See(n, FieldKind::kBool); }
  void Field(const char* n, int&, const char*) override { See(n, FieldKind::kInt); }
  void Field(const char* n, double&, const char*) override { See(n, FieldKind::kDouble); }
  void Field(const char* n, std::string&, const char*) override { See(n, FieldKind::kString); }
  void Field(const char* n, std::vector<int>&, const char*) override { See(n, FieldKind::kInts); }
  void Field(const char* n, std::vector<double>&, const char*) override {
    See(n, FieldKind::kDoubles);
  }
  void Field(const char* n, std::vector<std::string>&, const char*) override {
    See(n, FieldKind::kStrings);
  }
  void Group(const char* n, Options& child, const char*) override {
    if (See(n, FieldKind::kGroup)) group = &child;
  }

 private:
  bool See(const char* n, FieldKind k) {
    names.emplace_back(n);
    if (name_ != n) return false;
    kind = k;
    return true;
  }
  std::string name_;
};

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t end = s.find(sep, start);
    out.push_back(s.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

std::string Trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t") - a + 1);
}

// Edit distance with swaps of neighbours ("trian" -> "train" is one), for
// "did you mean".
size_t Distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string LastSegment(const std::string& key) {
  const size_t dot = key.rfind('.');
  return dot == std::string::npos ? key : key.substr(dot + 1);
}

// The known key closest to `given`: the one whose last part it names
// exactly, else the nearest by edit distance (at most 2, or a third of its
// length for long keys).
std::string Closest(const std::string& given, const std::vector<std::string>& known) {
  for (const auto& k : known) {
    if (LastSegment(k) == LastSegment(given) && k != given) return k;
  }
  std::string best;
  size_t best_distance = std::max<size_t>(2, given.size() / 3) + 1;
  for (const auto& k : known) {
    const size_t d = std::min(Distance(given, k), Distance(LastSegment(given), LastSegment(k)));
    if (d < best_distance) {
      best_distance = d;
      best = k;
    }
  }
  return best;
}

std::string Joined(const std::string& scope, const std::string& key) {
  return scope.empty() ? key : scope + "." + key;
}

// A --set value read as one TOML value, or nothing when it is not one.
bool ReadTomlValue(const std::string& text, json& out) {
  if (text.find_first_of("\n\r") != std::string::npos) return false;
  try {
    const toml::table t = toml::parse("v = " + text);
    if (t.size() != 1 || !t.contains("v")) return false;
    out = TomlToJson(*t.get("v"));
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

class SetValue {
 public:
  SetValue(std::string key, std::string text) : key_(std::move(key)), text_(std::move(text)) {}

  // The JSON value of the field's type that the text stands for.
  json Parse(FieldKind kind) const {
    json parsed;
    const bool is_toml = ReadTomlValue(text_, parsed);
    switch (kind) {
      case FieldKind::kBool:
        if (is_toml && parsed.is_boolean()) return parsed;
        if (text_ == "1" || text_ == "on") return true;
        if (text_ == "0" || text_ == "off") return false;
        Bad("true or false");
      case FieldKind::kInt:
        return Integer(is_toml, parsed);
      case FieldKind::kDouble:
        if (is_toml && parsed.is_number()) return parsed.get<double>();
        Bad("a number");
      case FieldKind::kString:
        return is_toml && parsed.is_string() ? parsed : json(text_);
      case FieldKind::kInts:
      case FieldKind::kDoubles:
      case FieldKind::kStrings:
        if (is_toml && parsed.is_array()) return List(kind, parsed);
        if (is_toml && parsed.is_string()) return List(kind, json::array({parsed}));
        return List(kind, Items());
      default:
        Bad("a value");
    }
  }

 private:
  // Comma-separated items, each trimmed and read as a TOML value when it is one.
  json Items() const {
    json items = json::array();
    if (Trim(text_).empty()) return items;
    for (const std::string& part : Split(text_, ',')) {
      const std::string item = Trim(part);
      json v;
      items.push_back(ReadTomlValue(item, v) ? v : json(item));
    }
    return items;
  }
  json List(FieldKind kind, const json& items) const {
    json out = json::array();
    for (const json& item : items) {
      if (kind == FieldKind::kInts) {
        out.push_back(Integer(true, item));
      } else if (kind == FieldKind::kDoubles) {
        if (!item.is_number()) Bad("a list of numbers");
        out.push_back(item.get<double>());
      } else {
        if (!item.is_string()) Bad("a list of names");
        out.push_back(item);
      }
    }
    return out;
  }
  json Integer(bool is_toml, const json& v) const {
    if (is_toml && v.is_number_integer()) {
      const int64_t i = v.get<int64_t>();
      if (i >= INT32_MIN && i <= INT32_MAX) return i;
    }
    Bad("an integer");
  }
  [[noreturn]] void Bad(const char* want) const {
    ThrowOption("--" + key_ + " should be " + want + ". Given: '" + text_ + "'");
  }
  std::string key_, text_;
};

}  // namespace

// "--n_mels" -> "--features.n_mels" for each option of `options` a message
// names.
std::string QualifyOptionKeys(const std::string& message, const Options& options,
                              const std::string& scope) {
  FindVisitor level("");
  const_cast<Options&>(options).Visit(level);
  const std::set<std::string> names(level.names.begin(), level.names.end());
  return RenameOptionKeys(message, [&](const std::string& key) {
    return names.count(key.substr(0, key.find('.'))) ? scope + "." + key : key;
  });
}

namespace {

// "[trian]" in a recipe: the table or key it names, the closest known one
// and what is known at that level.
void ThrowUnknownKey(const Options& options, const std::string& origin, const std::string& prefix,
                     const std::string& key) {
  FindVisitor level("");
  const_cast<Options&>(options).Visit(level);
  std::string message = origin + ": unknown option '" + prefix + key + "'";
  const std::string closest = Closest(key, level.names);
  if (!closest.empty()) message += "; did you mean '" + prefix + closest + "'?";
  std::string here;
  for (const auto& n : level.names) here += (here.empty() ? "" : ", ") + n;
  ThrowOption(message + " (known" + (prefix.empty() ? "" : " in " + prefix.substr(0, prefix.size() - 1)) +
              ": " + here + ")");
}

}  // namespace

void SetOption(Options& options, const std::string& key, const std::string& value) {
  ApplySetting(options, key + "=" + value);
}

void ApplySetting(Options& options, const std::string& key_equals_value, const std::string& scope) {
  const auto eq = key_equals_value.find('=');
  if (eq == std::string::npos || eq == 0) {
    ThrowOption("--set expects key=value. Given: '" + key_equals_value + "'");
  }
  std::string key = Trim(key_equals_value.substr(0, eq));
  const std::string text = Trim(key_equals_value.substr(eq + 1));
  if (!scope.empty() && key.rfind(scope + ".", 0) == 0) key = key.substr(scope.size() + 1);
  const std::string full = Joined(scope, key);

  Options* holder = &options;
  const std::vector<std::string> parts = Split(key, '.');
  for (size_t p = 0; p < parts.size(); ++p) {
    FindVisitor find(parts[p]);
    holder->Visit(find);
    const bool last = p + 1 == parts.size();
    if (find.kind == FieldKind::kGroup && !last) {
      holder = find.group;
      continue;
    }
    if (find.kind == FieldKind::kNone || find.kind == FieldKind::kGroup) {
      std::vector<std::string> known;
      for (const auto& [k, help] : ListOptions(options)) known.push_back(Joined(scope, k));
      const std::string closest = Closest(full, known);
      std::string message = "unknown option '--" + full + "'";
      if (!closest.empty()) message += "; did you mean '--" + closest + "'?";
      if (find.kind == FieldKind::kGroup) message += " ('" + parts[p] + "' is a table of options)";
      std::string at = scope, here;
      for (size_t q = 0; q < p; ++q) at = Joined(at, parts[q]);
      for (const auto& n : find.names) here += (here.empty() ? "" : ", ") + n;
      ThrowOption(message + " (known" + (at.empty() ? "" : " in " + at) + ": " + here + ")");
    }
    json one = json::object();
    one[parts[p]] = SetValue(full, text).Parse(find.kind);
    LoadJsonValue(*holder, one, "--set " + full);
  }
}

void ApplySettings(Options& options, const std::vector<std::string>& settings,
                   const std::string& scope) {
  for (const auto& s : settings) ApplySetting(options, s, scope);
}

void ValidateOptions(const Options& options, const std::string& scope) {
  if (scope.empty()) {
    options.Validate();
  } else {
    ValidateGroup(options, scope);
  }
}

void ValidateGroup(const Options& child, const std::string& name) {
  NamingOptions(child, name, [&] { child.Validate(); });
}

std::string RenameOptionKeys(const std::string& message,
                             const std::function<std::string(const std::string&)>& rename) {
  std::string out;
  size_t i = 0;
  while (i < message.size()) {
    const size_t dash = message.find("--", i);
    if (dash == std::string::npos) break;
    size_t end = dash + 2;
    while (end < message.size() &&
           (std::isalnum(static_cast<unsigned char>(message[end])) || message[end] == '_' ||
            message[end] == '.')) {
      ++end;
    }
    while (end > dash + 2 && message[end - 1] == '.') --end;  // a full stop after the key
    out += message.substr(i, dash + 2 - i);
    if (end > dash + 2) out += rename(message.substr(dash + 2, end - dash - 2));
    i = end;
  }
  return out + message.substr(i);
}

namespace {

toml::table ParseToml(const std::string& text, const std::string& origin) {
  toml::table table;
  try {
    table = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    std::ostringstream os;
    os << origin << ":" << e.source().begin.line << ":" << e.source().begin.column
       << ": not valid TOML: " << e.description();
    ThrowOption(os.str());
  }
  return table;
}

}  // namespace

void LoadTomlString(Options& options, const std::string& text, const std::string& origin) {
  LoadJsonValue(options, TomlToJson(ParseToml(text, origin)), origin);
}

namespace {

// A file may start from another: `base = "other.toml"` (relative to the
// file) is read first, then this file's keys override it.
void LoadTomlFileDepth(Options& options, const std::string& path, const std::string& table,
                       int depth) {
  if (depth > 8) ThrowOption(path + ": 'base' files nest more than 8 deep (a cycle?)");
  std::ifstream in(path);
  if (!in) ThrowIo(path + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  json j = TomlToJson(ParseToml(ss.str(), path));
  if (j.contains("base")) {
    if (!j["base"].is_string()) ThrowOption(path + ": 'base' should be a file name");
    const std::string base = j["base"].get<std::string>();
    const auto slash = path.find_last_of('/');
    const std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
    LoadTomlFileDepth(options, base.empty() || base[0] == '/' ? base : dir + base, table, depth + 1);
    j.erase("base");
  }
  if (!table.empty() && j.contains(table) && j[table].is_object()) {
    LoadJsonValue(options, j[table], path + " [" + table + "]");
    return;
  }
  // A recipe without the table (a -demo recipe whose base holds it, with
  // tables or keys of its own) adds nothing; a file of this struct's keys is
  // read whole, so that a misspelt key among them is still an error.
  if (!table.empty()) {
    FindVisitor level("");
    options.Visit(level);
    bool names_a_field = false;
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it->is_object()) return;
      names_a_field = names_a_field || std::count(level.names.begin(), level.names.end(), it.key());
    }
    if (!names_a_field) return;
  }
  LoadJsonValue(options, j, path);
}

}  // namespace

void LoadTomlFile(Options& options, const std::string& path, const std::string& table) {
  LoadTomlFileDepth(options, path, table, 0);
}

std::string ToToml(const Options& options) {
  std::string out;
  WriteToml(OptionsJson(options), "", out);
  return out;
}

std::string ToJson(const Options& options) { return OptionsJson(options).dump(); }

void LoadJson(Options& options, const std::string& text, const std::string& origin) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    ThrowBadData(origin + ": not valid JSON: " + e.what());
  }
  LoadJsonValue(options, j, origin);
}

std::string ToString(const Options& options) {
  std::string out;
  for (const auto& [key, value] : FlatValues(options)) out += key + " = " + value + "\n";
  return out;
}

std::map<std::string, std::string> FlatValues(const Options& options) {
  std::map<std::string, std::string> out;
  Flatten(OptionsJson(options), "", out);
  return out;
}

std::vector<std::pair<std::string, std::string>> ListOptions(const Options& options) {
  std::vector<std::pair<std::string, std::string>> out;
  ListVisitor v(out, "");
  const_cast<Options&>(options).Visit(v);
  return out;
}

}  // namespace earshot
