#include "option_flags.h"

#include <algorithm>
#include <stdexcept>

#include "earshot/util/option_keys.h"

namespace earshot::cli {
namespace {

// Adds a flag per field of one level of an Options struct; groups recurse.
class FlagVisitor : public OptionVisitor {
 public:
  FlagVisitor(CLI::App* cmd, std::string key_prefix, std::string flag_prefix,
              const FlagRules& rules, std::map<std::string, std::string>& flags)
      : cmd_(cmd),
        key_prefix_(std::move(key_prefix)),
        flag_prefix_(std::move(flag_prefix)),
        rules_(rules),
        flags_(flags) {}

  void Field(const char* name, bool& value, const char* help) override {
    if (Kept(name)) cmd_->add_flag(Flag(name), value, help);
  }
  void Field(const char* name, int& value, const char* help) override { Scalar(name, value, help); }
  void Field(const char* name, double& value, const char* help) override { Scalar(name, value, help); }
  void Field(const char* name, std::string& value, const char* help) override {
    Scalar(name, value, help);
  }
  void Field(const char* name, std::vector<int>& value, const char* help) override {
    List(name, value, help);
  }
  void Field(const char* name, std::vector<double>& value, const char* help) override {
    List(name, value, help);
  }
  void Field(const char* name, std::vector<std::string>& value, const char* help) override {
    List(name, value, help);
  }
  void Group(const char* name, Options& child, const char* /*help*/) override {
    const std::string key = key_prefix_ + name;
    const std::string flag_prefix =
        rules_.flat_groups.count(key) ? flag_prefix_ : flag_prefix_ + KebabCase(name) + "-";
    FlagVisitor sub(cmd_, key + ".", flag_prefix, rules_, flags_);
    child.Visit(sub);
  }

 private:
  bool Kept(const char* name) const { return !rules_.left_out.count(key_prefix_ + name); }
  // Records the flag of field `name` and returns it.
  std::string Flag(const char* name) {
    const std::string flag = "--" + flag_prefix_ + KebabCase(name);
    flags_[key_prefix_ + name] = flag;
    return flag;
  }
  template <typename T>
  void Scalar(const char* name, T& value, const char* help) {
    if (Kept(name)) cmd_->add_option(Flag(name), value, help);
  }
  template <typename T>
  void List(const char* name, std::vector<T>& value, const char* help) {
    if (!Kept(name)) return;
    cmd_->add_option(Flag(name), value, std::string(help) + "; comma separated")->delimiter(',');
  }

  CLI::App* cmd_;
  std::string key_prefix_, flag_prefix_;
  const FlagRules& rules_;
  std::map<std::string, std::string>& flags_;
};

}  // namespace

std::string KebabCase(const std::string& name) {
  std::string out = name;
  std::replace(out.begin(), out.end(), '_', '-');
  return out;
}

std::string OptionFlags::Rename(const std::string& message) const {
  return RenameOptionKeys(message, [this](const std::string& key) {
    const auto it = flag_of_key_.find(key);
    return it == flag_of_key_.end() ? key : it->second.substr(2);  // without its "--"
  });
}

OptionFlags AddOptionFlags(CLI::App* cmd, Options& options, const FlagRules& rules) {
  // A rule naming no field is a mistake in the command, not the user's.
  std::set<std::string> keys, groups;
  for (const auto& [key, help] : ListOptions(options)) {
    keys.insert(key);
    for (size_t dot = key.find('.'); dot != std::string::npos; dot = key.find('.', dot + 1)) {
      groups.insert(key.substr(0, dot));
    }
  }
  for (const auto& [key, why] : rules.left_out) {
    if (!keys.count(key)) throw std::logic_error("AddOptionFlags: no field '" + key + "' to leave out");
  }
  for (const auto& group : rules.flat_groups) {
    if (!groups.count(group)) throw std::logic_error("AddOptionFlags: no group '" + group + "' to flatten");
  }
  std::map<std::string, std::string> flags;
  FlagVisitor visitor(cmd, "", "", rules, flags);
  options.Visit(visitor);
  return OptionFlags(std::move(flags));
}

}  // namespace earshot::cli
