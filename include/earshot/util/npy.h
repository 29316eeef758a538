// NumPy .npy arrays: float32 in and out, for `features --npy`, prediction
// arrays and golden test fixtures. Readers accept little-endian float32,
// float64 and integer arrays (converted to float32) in C order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace earshot {

struct NpyArray {
  std::vector<int64_t> shape;
  std::vector<float> data;          // numeric arrays, converted to float32
  std::vector<std::string> strings; // unicode ('<U') or bytes ('|S') arrays
  bool is_string = false;
};

void WriteNpy(const std::string& path, const std::vector<int64_t>& shape, const float* data);
std::string EncodeNpy(const std::vector<int64_t>& shape, const float* data);
// A unicode ('<U<n>') array of UTF-8 strings, n being the longest string in
// code points, as numpy stores str arrays; for .npz label members.
std::string EncodeNpyStrings(const std::vector<int64_t>& shape,
                             const std::vector<std::string>& strings);
NpyArray ReadNpy(const std::string& path);
// Parses .npy bytes; `name` is used in error messages.
NpyArray ParseNpy(const std::string& bytes, const std::string& name);

}  // namespace earshot
