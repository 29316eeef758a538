// Range checks shared by the clip, augmentation, store and loader options;
// messages name the option, the value given and the limit.
#pragma once

#include <initializer_list>
#include <sstream>
#include <string>

#include "earshot/util/error.h"

namespace earshot::option_checks {

template <typename T>
std::string Str(const T& v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

inline void OneOf(const std::string& name, const std::string& value,
                  std::initializer_list<const char*> allowed) {
  std::string list;
  for (const char* a : allowed) {
    if (value == a) return;
    list += (list.empty() ? "" : " | ") + std::string(a);
  }
  ThrowOption("--" + name + " should be one of " + list + ". Given: '" + value + "'");
}

template <typename T>
void InRange(const std::string& name, T value, T lo, T hi) {
  if (!(value >= lo && value <= hi)) {
    ThrowOption("--" + name + " should be in [" + Str(lo) + ", " + Str(hi) + "]. Given: " +
                Str(value));
  }
}

template <typename T>
void AtLeast(const std::string& name, T value, T limit) {
  if (!(value >= limit)) {
    ThrowOption("--" + name + " should be >= " + Str(limit) + ". Given: " + Str(value));
  }
}

inline void Ordered(const std::string& lo_name, double lo, const std::string& hi_name, double hi) {
  if (lo > hi) {
    ThrowOption("--" + lo_name + " should be <= " + hi_name + " (" + Str(hi) + "). Given: " +
                Str(lo));
  }
}

}  // namespace earshot::option_checks
