// The one exception type of the library.
//
//   try { auto clip = earshot::DecodeFile("a.wav"); }
//   catch (const earshot::Error& e) { std::cerr << e.what(); }
//
// Messages carry the file, option or row, the value given and the reason, so
// that `main` can print them as they are.
#pragma once

#include <stdexcept>
#include <string>

namespace earshot {

enum class ErrorKind {
  kInvalidOption,  // a config field or command-line option out of range
  kIo,             // a file that cannot be opened, read or written
  kBadData,        // content that is malformed: not audio, NaN, bad CSV row
  kMismatch,       // parts that do not fit together (bundle vs data, shapes)
  kInternal,       // a broken invariant: a bug, reported rather than hidden
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message)
      : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

// Short forms for the common cases.
[[noreturn]] void ThrowOption(const std::string& message);
[[noreturn]] void ThrowIo(const std::string& message);
[[noreturn]] void ThrowBadData(const std::string& message);
[[noreturn]] void ThrowMismatch(const std::string& message);

}  // namespace earshot
