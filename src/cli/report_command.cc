// `earshot report RUN`: one self-contained HTML page about a training run
// (docs/report.md).
#include <iostream>

#include "commands.h"
#include "earshot/report/run_report.h"

namespace earshot::cli {
namespace {

struct ReportArgs {
  std::string run;
  report::ReportOptions options;
  std::vector<std::string> sets;
};

void Run(ReportArgs& a) {
  ApplySettings(a.options, a.sets);
  ValidateOptions(a.options);
  const std::string path = report::WriteRunReport(a.run, a.options);
  std::cout << path << "\n";
}

}  // namespace

void AddReportCommand(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "report",
      "Write a training run's report: one HTML file with curves, metrics, confusion matrix and\n"
      "the most confident mistakes with their audio.\n  earshot report runs/kws && chromium runs/kws/report.html");
  cmd->add_option("run", args->run, "run directory written by `earshot train`")->required();
  cmd->add_option("--out", args->options.out, "page to write (default RUN/report.html)");
  cmd->add_option("--data-root", args->options.data_root,
                  "the data set's root, when it moved since training");
  cmd->add_option("--mistakes", args->options.mistakes,
                  "most confident mistakes shown per model");
  cmd->add_option("--clip-seconds", args->options.clip_seconds,
                  "seconds of audio kept per mistake");
  cmd->add_option("--set", args->sets,
                  "any report option: key=value (out, data_root, mistakes, weakest, clip_seconds, "
                  "spectrogram_mels)");
  cmd->callback([args] { Run(*args); });
}

}  // namespace earshot::cli
