// Checks shared by the training option structs. Messages follow the house
// form: "<option> should be <limit>. Given: <value>".
#pragma once

#include <initializer_list>
#include <sstream>
#include <string>

#include "earshot/util/error.h"

namespace earshot {
namespace option_checks {

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
  ThrowOption(name + " should be one of " + list + ". Given: '" + value + "'");
}

template <typename T>
void AtLeast(const std::string& name, T value, T limit) {
  // Written so that NaN fails too.
  if (!(value >= limit)) ThrowOption(name + " should be >= " + Str(limit) + ". Given: " + Str(value));
}

// lo <= value < hi, or lo <= value <= hi when `hi_closed`.
inline void InRange(const std::string& name, double value, double lo, double hi, bool hi_closed) {
  const bool ok = value >= lo && (hi_closed ? value <= hi : value < hi);
  if (!ok) {
    ThrowOption(name + " should be in [" + Str(lo) + ", " + Str(hi) + (hi_closed ? "]" : ")") +
                ". Given: " + Str(value));
  }
}

}  // namespace option_checks
}  // namespace earshot
