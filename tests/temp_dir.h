// Temporary directories for tests, all under the system temp dir and all
// named with the process id: ctest runs tests in parallel processes.
//
//   ScratchDir("features_cli")   // earshot_features_cli_<pid>, kept for the process
//   FreshDir()                   // the running test's own, emptied first
//   TempDir dir; dir.File("a.wav")   // a new one, removed with the object
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace earshot::testing {

inline std::filesystem::path ScratchDir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("earshot_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

// Named after the running test ("Suite.Name"), emptied.
inline std::filesystem::path FreshDir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const auto dir = ScratchDir(std::string(info->test_suite_name()) + "." + info->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// A directory of its own for each object (several may live in one test),
// removed with it.
class TempDir {
 public:
  TempDir() : path_(ScratchDir("tmp" + std::to_string(next_++)).string()) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  static inline int next_ = 0;
  std::string path_;
};

}  // namespace earshot::testing
