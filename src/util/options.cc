#include "earshot/util/options.h"

#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include "earshot/util/error.h"

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
      v = j->get<std::string>();
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
        v.push_back(e.get<std::string>());
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
      if (used_.count(it.key()) == 0) {
        std::string known;
        for (const auto& [key, help] : ListOptions(options)) {
          if (key.find('.') == std::string::npos) known += (known.empty() ? "" : ", ") + key;
        }
        ThrowOption(origin_ + ": unknown option '" + prefix_ + it.key() +
                    "' (known here: " + known + ")");
      }
    }
  }

 private:
  const json* Take(const char* n) {
    auto it = in_.find(n);
    if (it == in_.end()) return nullptr;
    used_.insert(n);
    return &*it;
  }
  int ToInt(const char* n, const json& j) {
    if (j.is_number_integer()) return j.get<int>();
    if (j.is_number_float()) {
      double d = j.get<double>();
      if (std::floor(d) == d && std::abs(d) < 2e9) return static_cast<int>(d);
    }
    Bad(n, j, "an integer");
  }
  [[noreturn]] void Bad(const char* n, const json& j, const char* want) {
    ThrowOption(Where(origin_, prefix_, n) + " should be " + want + ". Given: " + j.dump());
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

// Parses --set text into the JSON type the field expects, then loads it.
class SetVisitor : public OptionVisitor {
 public:
  SetVisitor(std::string head, std::string rest, std::string value, std::string full)
      : head_(std::move(head)), rest_(std::move(rest)), value_(std::move(value)),
        full_(std::move(full)) {}
  bool found = false;

  void Field(const char* n, bool& v, const char*) override {
    if (!Match(n)) return;
    if (value_ == "true" || value_ == "1" || value_ == "on") v = true;
    else if (value_ == "false" || value_ == "0" || value_ == "off") v = false;
    else Bad("true or false");
  }
  void Field(const char* n, int& v, const char*) override {
    if (Match(n)) v = ParseInt(value_);
  }
  void Field(const char* n, double& v, const char*) override {
    if (Match(n)) v = ParseDouble(value_);
  }
  void Field(const char* n, std::string& v, const char*) override {
    if (Match(n)) v = value_;
  }
  void Field(const char* n, std::vector<int>& v, const char*) override {
    if (!Match(n)) return;
    v.clear();
    for (const auto& part : Split()) v.push_back(ParseInt(part));
  }
  void Field(const char* n, std::vector<double>& v, const char*) override {
    if (!Match(n)) return;
    v.clear();
    for (const auto& part : Split()) v.push_back(ParseDouble(part));
  }
  void Field(const char* n, std::vector<std::string>& v, const char*) override {
    if (Match(n)) v = Split();
  }
  void Group(const char* n, Options& child, const char*) override {
    if (head_ != n || rest_.empty()) return;
    found = true;
    SetOption(child, rest_, value_);
  }

 private:
  bool Match(const char* n) {
    if (head_ != n || !rest_.empty()) return false;
    found = true;
    return true;
  }
  std::vector<std::string> Split() const {
    std::vector<std::string> out;
    if (value_.empty()) return out;
    std::stringstream ss(value_);
    std::string part;
    while (std::getline(ss, part, ',')) out.push_back(part);
    return out;
  }
  int ParseInt(const std::string& s) {
    char* end = nullptr;
    errno = 0;
    long v = std::strtol(s.c_str(), &end, 10);
    if (s.empty() || *end != '\0' || errno != 0 || v < INT32_MIN || v > INT32_MAX) {
      Bad("an integer");
    }
    return static_cast<int>(v);
  }
  double ParseDouble(const std::string& s) {
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (s.empty() || *end != '\0') Bad("a number");
    return v;
  }
  [[noreturn]] void Bad(const char* want) {
    ThrowOption("option '" + full_ + "' should be " + want + ". Given: '" + value_ + "'");
  }
  std::string head_, rest_, value_, full_;
};

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
    std::ostringstream os;
    os.precision(17);
    os << v.get<double>();
    std::string s = os.str();
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

void FlattenLines(const json& j, const std::string& prefix, std::string& out) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it->is_object()) FlattenLines(*it, prefix + it.key() + ".", out);
    else out += prefix + it.key() + " = " + TomlValue(*it) + "\n";
  }
}

}  // namespace

void SetOption(Options& options, const std::string& key, const std::string& value) {
  auto dot = key.find('.');
  std::string head = key.substr(0, dot);
  std::string rest = dot == std::string::npos ? "" : key.substr(dot + 1);
  SetVisitor v(head, rest, value, key);
  options.Visit(v);
  if (!v.found) {
    std::string known;
    for (const auto& [k, help] : ListOptions(options)) known += (known.empty() ? "" : ", ") + k;
    ThrowOption("unknown option '" + key + "' (known: " + known + ")");
  }
}

void ApplySetting(Options& options, const std::string& key_equals_value) {
  auto eq = key_equals_value.find('=');
  if (eq == std::string::npos || eq == 0) {
    ThrowOption("--set expects key=value. Given: '" + key_equals_value + "'");
  }
  SetOption(options, key_equals_value.substr(0, eq), key_equals_value.substr(eq + 1));
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
  } else {
    LoadJsonValue(options, j, path);
  }
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
  FlattenLines(OptionsJson(options), "", out);
  return out;
}

std::vector<std::pair<std::string, std::string>> ListOptions(const Options& options) {
  std::vector<std::pair<std::string, std::string>> out;
  ListVisitor v(out, "");
  const_cast<Options&>(options).Visit(v);
  return out;
}

}  // namespace earshot
