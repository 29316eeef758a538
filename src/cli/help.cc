// --help shows every option's default.
#include "commands.h"

namespace earshot::cli {

void ShowDefaults(CLI::App& app) {
  for (CLI::Option* option : app.get_options()) {
    option->capture_default_str();
    if (option->get_default_str() == "[]") option->default_str("");
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) ShowDefaults(*sub);
}

}  // namespace earshot::cli
