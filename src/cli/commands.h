// Each subcommand of the `earshot` binary registers itself on the app.
#pragma once

#include <CLI/CLI.hpp>

namespace earshot::cli {

void AddFeaturesCommand(CLI::App& app);
void AddSynthCommand(CLI::App& app);

}  // namespace earshot::cli
