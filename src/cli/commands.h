// Each subcommand of the `earshot` binary registers itself on the app.
#pragma once

#include <CLI/CLI.hpp>

namespace earshot::cli {

void AddEvalCommand(CLI::App& app);
void AddEvalStreamCommand(CLI::App& app);
void AddFeaturesCommand(CLI::App& app);
void AddInspectCommand(CLI::App& app);
void AddPredictCommand(CLI::App& app);
void AddReportCommand(CLI::App& app);
void AddServeCommand(CLI::App& app);
void AddStreamCommand(CLI::App& app);
void AddSynthCommand(CLI::App& app);
void AddTrainCommand(CLI::App& app);

// Every option of `app` and its subcommands shows its default value in
// --help ("--threads INT=2"); empty values (no text, no list) show nothing.
void ShowDefaults(CLI::App& app);

}  // namespace earshot::cli
