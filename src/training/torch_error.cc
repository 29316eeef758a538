#include "earshot/training/torch_error.h"

#include <torch/torch.h>

namespace earshot {
namespace {

// LibTorch messages a user meets, and what to change for each.
struct Hint {
  const char* message_part;
  const char* hint;
};
constexpr Hint kHints[] = {
    {"Expected more than 1 value per channel when training",
     "a training batch of one example reached batch norm: give the training split more than one "
     "clip, or set loader.batch_size above 1"},
};

}  // namespace

std::optional<std::string> DescribeTorchError(const std::exception& e, bool backtrace) {
  const auto* torch_error = dynamic_cast<const c10::Error*>(&e);
  if (!torch_error) return std::nullopt;
  if (backtrace) return std::string(torch_error->what());
  std::string text = torch_error->what_without_backtrace();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  for (const Hint& h : kHints) {
    if (text.find(h.message_part) != std::string::npos) text += " (" + std::string(h.hint) + ")";
  }
  return text;
}

}  // namespace earshot
