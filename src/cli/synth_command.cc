// `earshot synth`: demo data made from nothing, in the real layouts.
#include <iostream>

#include "commands.h"
#include "earshot/audio/decode.h"
#include "earshot/synth/example.h"

namespace earshot::cli {
namespace {

struct ExampleArgs {
  std::string out;
  int sample_rate = 16000;
  double seconds = 1.0;
  uint64_t seed = 1;
};

}  // namespace

void AddSynthCommand(CLI::App& app) {
  CLI::App* synth = app.add_subcommand("synth", "Make demo data sets in the real layouts");
  synth->require_subcommand(1);

  auto ex = std::make_shared<ExampleArgs>();
  CLI::App* example = synth->add_subcommand(
      "example", "One example sound (chirp, tone bursts, noise) as a WAV file.\n"
                 "  earshot synth example example.wav");
  example->add_option("out", ex->out, "output .wav")->required();
  example->add_option("--rate", ex->sample_rate, "sample rate, Hz")->check(CLI::Range(1000, 384000));
  example->add_option("--seconds", ex->seconds, "duration")->check(CLI::Range(0.01, 600.0));
  example->add_option("--seed", ex->seed, "random seed");
  example->callback([ex] {
    WriteWav(ex->out, MakeExampleSound(ex->sample_rate, ex->seconds, ex->seed), ex->sample_rate);
    std::cout << "wrote " << ex->out << "\n";
  });
}

}  // namespace earshot::cli
