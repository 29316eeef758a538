// earshot: train, evaluate and run audio classifiers.
//
//   earshot features clip.wav --set n_mels=64 --json
#include <iostream>

#include "commands.h"
#include "earshot/util/allocator.h"
#include "earshot/util/error.h"

int main(int argc, char** argv) {
  earshot::KeepFreedMemoryForReuse();
  CLI::App app{"earshot: train, evaluate and run audio classifiers"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "earshot " EARSHOT_VERSION);
  earshot::cli::AddEvalCommand(app);
  earshot::cli::AddFeaturesCommand(app);
  earshot::cli::AddInspectCommand(app);
  earshot::cli::AddPredictCommand(app);
  earshot::cli::AddReportCommand(app);
  earshot::cli::AddSynthCommand(app);
  earshot::cli::AddTrainCommand(app);
  earshot::cli::ShowDefaults(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const earshot::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
