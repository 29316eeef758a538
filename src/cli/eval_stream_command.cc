// `earshot eval-stream BUNDLE AUDIO TRUTH`: a keyword spotter scored on a
// long recording whose words are known; metrics as JSON on stdout.
#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "earshot/inference/bundle_thresholds.h"
#include "earshot/stream/stream_eval.h"
#include "earshot/training/trainer.h"
#include "earshot/util/error.h"
#include "option_flags.h"

namespace earshot::cli {
namespace {

struct EvalStreamArgs {
  std::string bundle;
  StreamEvalInputs inputs;
  std::vector<std::string> thresholds;  // LABEL=VALUE, or VALUE for every label
  std::string out;
  bool write_thresholds = false;
  StreamEvalOptions options;
};

void Run(EvalStreamArgs& a) {
  if (a.write_thresholds && a.options.target_fa_per_hour < 0) {
    ThrowOption("--write-thresholds stores the thresholds chosen for --target-fa-per-hour: give that too");
  }
  std::map<std::string, double> thresholds;
  for (const std::string& t : a.thresholds) ParseThreshold(t, &a.options.stream, &thresholds);
  ValidateOptions(a.options);
  SetComputeThreads(a.options.threads);
  const StreamEvaluation e = EvaluateStream(a.bundle, a.inputs, a.options, thresholds);
  std::cout << e.ToJson() << "\n";
  if (!a.out.empty()) {
    WriteStreamEvalOutputs(e, a.out);
    std::cerr << "wrote " << a.out << "/metrics.json, events.csv, det.csv, det.png, report.html\n";
  }
  if (a.write_thresholds) {
    SetBundleThresholds(a.bundle, e.ChosenThresholds());
    std::cerr << "stored in " << a.bundle << " the thresholds for at most " << a.options.target_fa_per_hour
              << " false alarms per hour:";
    for (const auto& [label, value] : e.ChosenThresholds()) std::cerr << " " << label << "=" << value;
    std::cerr << "\n";
  }
}

}  // namespace

void AddEvalStreamCommand(CLI::App& app) {
  auto args = std::make_shared<EvalStreamArgs>();
  CLI::App* cmd = app.add_subcommand(
      "eval-stream",
      "Score a keyword spotter on a long recording against its truth file (label,time_ms lines):\n"
      "TensorFlow's streaming counts, false rejects and false alarms per hour, the DET curve.\n"
      "  earshot eval-stream runs/kws/model/best.bundle long.wav long.truth.csv --out runs/kws/stream");
  cmd->add_option("bundle", args->bundle, "the model bundle")->required();
  cmd->add_option("audio", args->inputs.audio, "a sound file of any length")->required();
  cmd->add_option("truth", args->inputs.truth, "label,time_ms per line: where each word's clip starts")->required();
  cmd->add_option("--spans", args->inputs.spans,
                  "label,start_ms,end_ms per spoken word (with a header): latency from each keyword's end");
  cmd->add_option("--threshold", args->thresholds,
                  "LABEL=VALUE: a label's detection threshold (over the bundle's); VALUE: the default (repeatable)");
  cmd->add_option("--out", args->out, "also write metrics.json, events.csv, det.csv, det.png, report.html here");
  cmd->add_flag("--write-thresholds", args->write_thresholds,
                "store the thresholds chosen for --target-fa-per-hour in the bundle");
  FlagRules rules;
  rules.flat_groups = {"stream", "stream.smoothing"};
  const OptionFlags flags = AddOptionFlags(cmd, args->options, rules);
  cmd->callback([args, flags] { flags.Naming([&] { Run(*args); }); });
}

}  // namespace earshot::cli
