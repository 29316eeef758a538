// Checks for Options::Validate. Messages follow one form, naming the option
// by its key in the struct being validated, the limit and the value given:
//   --beta2 should be in [0, 1). Given: 1
// ValidateGroup (options.h) renames it by the key --set accepts from the
// root, "--train.optimizer.beta2".
#pragma once

#include <charconv>
#include <initializer_list>
#include <sstream>
#include <string>
#include <type_traits>

#include "earshot/util/error.h"

namespace earshot::option_checks {

// The shortest text that reads back as the same double: 0.2, 1048576, 1e-05.
inline std::string ShortestDouble(double value) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof(buf), value);
  return std::string(buf, r.ptr);
}

template <typename T>
std::string Str(const T& value) {
  if constexpr (std::is_floating_point_v<T>) {
    return ShortestDouble(static_cast<double>(value));
  } else {
    std::ostringstream os;
    os << value;
    return os.str();
  }
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
