// Shape and content checks shared by the metrics and the ensembles, so every
// entry point refuses bad input with the same messages.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace earshot::eval {

// Rows of an N x K matrix; throws unless K >= 1, the size divides by K and
// there is at least one row. `what` names the matrix in messages.
int64_t CheckedRows(const std::vector<float>& m, int num_classes, const std::string& what);

// Throws naming row and column at the first NaN or infinity.
void CheckFinite(const std::vector<float>& m, int num_classes, const std::string& what);

// Throws unless there is one label per row, each in [0, K).
void CheckLabels(const std::vector<int>& labels, int64_t rows, int num_classes);

}  // namespace earshot::eval
