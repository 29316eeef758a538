// A temporary directory of one test process: ctest runs tests in parallel
// processes, so every directory name carries the process id.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

namespace earshot::testing {

inline std::filesystem::path ScratchDir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("earshot_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace earshot::testing
