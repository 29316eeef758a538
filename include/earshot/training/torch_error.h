// How a LibTorch error that reaches `main` is printed, declared without
// LibTorch so that the command-line driver does not include it.
//
//   catch (const std::exception& e) {
//     if (auto text = DescribeTorchError(e, debug)) std::cerr << "error: " << *text;
//   }
#pragma once

#include <exception>
#include <optional>
#include <string>

namespace earshot {

// nullopt when `e` is not a LibTorch error (c10::Error). Otherwise its
// message without LibTorch's C++ backtrace, on one line, followed by what
// the user can change where the message is a known one (a training batch of
// one example reaching batch norm); with `backtrace`, the full text
// LibTorch gives, backtrace included.
std::optional<std::string> DescribeTorchError(const std::exception& e, bool backtrace);

}  // namespace earshot
