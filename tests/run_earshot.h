// Runs the earshot binary these tests were built beside (EARSHOT_BINARY,
// set by tests/CMakeLists.txt for the tests that may run it) and captures
// what it prints.
//
//   const CommandResult r = RunEarshot("inspect " + dir.string());
//   ASSERT_EQ(r.status, 0) << r.output;
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace earshot::testing {

// The parts the binary was built with (CMakeLists.txt): a command or an
// option of a part that is not built is not there to test.
#ifdef EARSHOT_WITH_PLOTS
inline constexpr bool kWithPlots = true;
#else
inline constexpr bool kWithPlots = false;
#endif
#ifdef EARSHOT_WITH_SYNTH
inline constexpr bool kWithSynth = true;
#else
inline constexpr bool kWithSynth = false;
#endif
#ifdef EARSHOT_WITH_TORCH
inline constexpr bool kWithTorch = true;
#else
inline constexpr bool kWithTorch = false;
#endif

enum class Capture {
  kStdout,           // stdout only; stderr is dropped
  kStderr,           // stderr only; stdout is dropped
  kStdoutAndStderr,  // both, interleaved as written
};

struct CommandResult {
  int status = -1;     // the exit code; -1 when the binary did not exit normally
  std::string output;
};

// `args` follow the binary's path on a shell command line (so they may
// redirect); `env` ("OMP_WAIT_POLICY=PASSIVE") comes before it.
inline CommandResult RunEarshot(const std::string& args, Capture capture = Capture::kStdoutAndStderr,
                                const std::string& env = "") {
  const std::string command = env + (env.empty() ? "" : " ") + EARSHOT_BINARY + " " + args +
                              (capture == Capture::kStdout   ? " 2>/dev/null"
                               : capture == Capture::kStderr ? " 2>&1 >/dev/null"
                                                             : " 2>&1");
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    result.output = "cannot run: " + command;
    return result;
  }
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof(buffer), pipe)) result.output.append(buffer, n);
  const int status = pclose(pipe);
  if (status != -1 && WIFEXITED(status)) result.status = WEXITSTATUS(status);
  return result;
}

}  // namespace earshot::testing
