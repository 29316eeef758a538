#include "matrix_checks.h"

#include <cmath>

#include "earshot/util/error.h"

namespace earshot::eval {

int64_t CheckedRows(const std::vector<float>& m, int num_classes, const std::string& what) {
  if (num_classes < 1) {
    ThrowOption(what +
                ": the number of classes should be >= 1. Given: " + std::to_string(num_classes));
  }
  if (m.empty()) ThrowBadData(what + ": no rows");
  if (m.size() % static_cast<size_t>(num_classes) != 0) {
    ThrowMismatch(what + ": " + std::to_string(m.size()) + " values do not make rows of " +
                  std::to_string(num_classes) + " classes");
  }
  return static_cast<int64_t>(m.size() / static_cast<size_t>(num_classes));
}

void CheckFinite(const std::vector<float>& m, int num_classes, const std::string& what) {
  for (size_t i = 0; i < m.size(); ++i) {
    if (!std::isfinite(m[i])) {
      ThrowBadData(what + ": row " + std::to_string(i / num_classes) + ", column " +
                   std::to_string(i % num_classes) + " is " + std::to_string(m[i]));
    }
  }
}

void CheckLabels(const std::vector<int>& labels, int64_t rows, int num_classes) {
  if (static_cast<int64_t>(labels.size()) != rows) {
    ThrowMismatch("labels: " + std::to_string(labels.size()) + " labels for " +
                  std::to_string(rows) + " score rows");
  }
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= num_classes) {
      ThrowBadData("labels: row " + std::to_string(i) + " has class " + std::to_string(labels[i]) +
                   ", outside [0, " + std::to_string(num_classes) + ")");
    }
  }
}

}  // namespace earshot::eval
