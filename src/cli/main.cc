// earshot: train, evaluate and run audio classifiers.
//
//   earshot features clip.wav --set n_mels=64 --json
//
// An error prints one line, `error: ` and its message; LibTorch's C++
// backtrace only with --debug or EARSHOT_DEBUG=1.
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "commands.h"
#include "earshot/util/allocator.h"
#include "earshot/util/error.h"
#ifdef EARSHOT_WITH_ML
#include "earshot/training/torch_error.h"
#endif

namespace {

std::string Describe(const std::exception& e, bool debug) {
#ifdef EARSHOT_WITH_ML
  if (auto text = earshot::DescribeTorchError(e, debug)) return *text;
#else
  (void)debug;
#endif
  return e.what();
}

}  // namespace

int main(int argc, char** argv) {
  earshot::KeepFreedMemoryForReuse();
  CLI::App app{"earshot: train, evaluate and run audio classifiers"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "earshot " EARSHOT_VERSION);
  const char* debug_env = std::getenv("EARSHOT_DEBUG");
  bool debug = debug_env && *debug_env && std::strcmp(debug_env, "0") != 0;
  const char* debug_help = "on an error, print LibTorch's C++ backtrace too (or EARSHOT_DEBUG=1)";
  app.add_flag("--debug", debug, debug_help);
  earshot::cli::AddEvalCommand(app);
  earshot::cli::AddFeaturesCommand(app);
  earshot::cli::AddInspectCommand(app);
  earshot::cli::AddPredictCommand(app);
  earshot::cli::AddReportCommand(app);
  earshot::cli::AddSynthCommand(app);
  earshot::cli::AddTrainCommand(app);
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
