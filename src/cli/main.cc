// earshot: train, evaluate and run audio classifiers.
//
//   earshot features clip.wav --set n_mels=64 --json
//
// An error prints one line, `error: ` and its message; LibTorch's C++
// backtrace only with --debug or EARSHOT_DEBUG=1.
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "commands.h"
#include "earshot/util/allocator.h"
#include "earshot/util/error.h"
#ifdef EARSHOT_WITH_TORCH
#include "earshot/training/torch_error.h"
#endif

namespace {

std::string Describe(const std::exception& e, bool debug) {
#ifdef EARSHOT_WITH_TORCH
  if (auto text = earshot::DescribeTorchError(e, debug)) return *text;
#else
  (void)debug;
#endif
  return e.what();
}

// The CMake option of a command's part when this binary was built without
// it, so that `earshot train` in a front-end-only build says what is
// missing; null for the commands it has and for unknown ones.
const char* PartNotBuilt(const std::string& command) {
#ifndef EARSHOT_WITH_TORCH
  if (command == "train" || command == "eval" || command == "predict" || command == "serve" ||
      command == "stream" || command == "eval-stream") {
    return "-DEARSHOT_WITH_TORCH=ON (LibTorch)";
  }
#endif
#ifndef EARSHOT_WITH_SYNTH
  if (command == "synth") return "-DEARSHOT_WITH_SYNTH=ON (espeak-ng, FluidSynth)";
#endif
#ifndef EARSHOT_WITH_PLOTS
  if (command == "report") return "-DEARSHOT_WITH_PLOTS=ON (PLplot)";
#endif
  (void)command;
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) {
    if (const char* part = PartNotBuilt(argv[1])) {
      std::cerr << "error: '" << argv[1] << "' is not in this build of earshot; configure with " << part
                << "\n";
      return 1;
    }
  }

  // Process-wide settings belong to the program, not the library: malloc
  // keeps the training and evaluation steps' buffers (util/allocator.h).
  earshot::KeepFreedMemoryForReuse();
  CLI::App app{"earshot: train, evaluate and run audio classifiers"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "earshot " EARSHOT_VERSION);
  const char* debug_env = std::getenv("EARSHOT_DEBUG");
  bool debug = debug_env && *debug_env && std::strcmp(debug_env, "0") != 0;
  const char* debug_help = "on an error, print LibTorch's C++ backtrace too (or EARSHOT_DEBUG=1)";
  app.add_flag("--debug", debug, debug_help);
  // The commands of the parts this binary was built with (CMakeLists.txt).
#ifdef EARSHOT_WITH_TORCH
  earshot::cli::AddEvalCommand(app);
  earshot::cli::AddEvalStreamCommand(app);
#endif
  earshot::cli::AddFeaturesCommand(app);
  earshot::cli::AddInspectCommand(app);
#ifdef EARSHOT_WITH_TORCH
  earshot::cli::AddPredictCommand(app);
#endif
#ifdef EARSHOT_WITH_PLOTS
  earshot::cli::AddReportCommand(app);
#endif
#ifdef EARSHOT_WITH_TORCH
  earshot::cli::AddStreamCommand(app);
  earshot::cli::AddServeCommand(app);
#endif
#ifdef EARSHOT_WITH_SYNTH
  earshot::cli::AddSynthCommand(app);
#endif
#ifdef EARSHOT_WITH_TORCH
  earshot::cli::AddTrainCommand(app);
#endif
  // Before or after the subcommand: earshot --debug train ... or earshot train ... --debug.
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    sub->add_flag("--debug", debug, debug_help);
  }
  earshot::cli::ShowDefaults(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const earshot::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << Describe(e, debug) << "\n";
    return 2;
  }
  return 0;
}
