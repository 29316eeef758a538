// Checks for Options::Validate. Messages follow one form, naming the option
// as it is set on the command line, the limit and the value given:
//   --optimizer.beta2 should be in [0, 1). Given: 1
#pragma once

#include <initializer_list>
#include <sstream>
#include <string>

#include "earshot/util/error.h"

namespace earshot::option_checks {

template <typename T>
std::string Str(const T& value) {
  std::ostringstream os;
  os << value;
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

// Written so that NaN fails too.
template <typename T>
void AtLeast(const std::string& name, T value, T limit) {
  if (!(value >= limit)) {
    ThrowOption("--" + name + " should be >= " + Str(limit) + ". Given: " + Str(value));
  }
}

// lo <= value <= hi, or lo <= value < hi when not `hi_closed`.
inline void InRange(const std::string& name, double value, double lo, double hi,
                    bool hi_closed = true) {
  const bool ok = value >= lo && (hi_closed ? value <= hi : value < hi);
  if (!ok) {
    ThrowOption("--" + name + " should be in [" + Str(lo) + ", " + Str(hi) + (hi_closed ? "]" : ")") +
                ". Given: " + Str(value));
  }
}

inline void Ordered(const std::string& lo_name, double lo, const std::string& hi_name, double hi) {
  if (lo > hi) {
    ThrowOption("--" + lo_name + " should be <= " + hi_name + " (" + Str(hi) + "). Given: " +
                Str(lo));
  }
}

}  // namespace earshot::option_checks
