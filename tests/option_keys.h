// A property of every option struct: each message an option gives, on a bad
// --set value or in validation, names the option by a key --set accepts.
#pragma once

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "earshot/util/error.h"
#include "earshot/util/option_keys.h"
#include "earshot/util/options.h"

namespace earshot::testing {

// The KEY of every "--KEY" in a message ("--features.n_fft=512" -> features.n_fft).
inline std::vector<std::string> NamedKeys(const std::string& message) {
  std::vector<std::string> keys;
  RenameOptionKeys(message, [&](const std::string& key) {
    keys.push_back(key);
    return key;
  });
  return keys;
}

// Sets each field of a copy of `base` to values out of the ordinary, then
// validates it as the group `scope`; checks every message and returns how
// many there were.
template <typename T>
int CheckMessageKeys(const T& base, const std::string& scope) {
  std::set<std::string> keys;
  for (const auto& [key, help] : ListOptions(base)) keys.insert(scope.empty() ? key : scope + "." + key);
  const std::vector<std::string> values = {"-1",   "0",  "1e9", "-1e9", "0.5",    "zzz",
                                           "",     "true", "[1, 2]", "x,y", "99999", "2"};
  int messages = 0;
  for (const auto& key : keys) {
    for (const auto& value : values) {
      T options = base;
      std::string message;
      try {
        ApplySetting(options, key + "=" + value, scope);
        ValidateOptions(options, scope);
      } catch (const Error& e) {
        message = e.what();
      }
      if (message.empty()) continue;
      ++messages;
      const std::vector<std::string> named = NamedKeys(message);
      EXPECT_FALSE(named.empty()) << key << "=" << value << " gives a message naming no option: "
                                  << message;
      for (const auto& n : named) {
        EXPECT_TRUE(keys.count(n)) << "'--" << n << "' is no key of --set, in: " << message;
      }
    }
  }
  return messages;
}

}  // namespace earshot::testing
